"""Overload and outages: a bound on the API requests one backend worker works on at once, and an
honest 503 when a backing service is down or saturated.

Past the bound the answer is an immediate 503 with Retry-After and a JSON detail, so a burst
never builds a queue in which requests wait for seconds (and are still worked through after
their clients gave up). `/health`, the web pages and the Reflex websocket are not counted:
they stay answerable during a burst.

The same place sizes the thread pool that runs synchronous handlers (WEB_THREADS): the database
pool is sized to it (DB_POOL_SIZE), so a thread never waits long for a connection. A request
that still cannot get a connection in DB_POOL_TIMEOUT, hits the statement timeout, or finds
PostgreSQL or Redis down gets the same 503 + Retry-After (clients retry), never a 500.

A read (`GET`/`HEAD` under /api/) that failed because its pooled connection had been dropped by
the database without a word (its host went away: no goodbye that db.server_went_away could see at
checkout) is run once more: SQLAlchemy has discarded the whole pool by then, so the second run
gets a new connection. Writes are not repeated (one might have been applied): they get the 503."""

import json
import logging

import anyio.to_thread
import psycopg
import redis
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc

from career_app.settings import settings

log = logging.getLogger(__name__)

BUSY_DETAIL = "The server is busy; retry shortly"
RETRY_AFTER_SECONDS = 1
BODY_READ_SECONDS = 10.0
LIMITED_PREFIX = "/api/"

_BUSY_BODY = json.dumps({"detail": BUSY_DETAIL}).encode()
_BUSY_HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(_BUSY_BODY)).encode()),
    (b"retry-after", str(RETRY_AFTER_SECONDS).encode()),
    (b"cache-control", b"no-store"),
]


async def send_busy(send) -> None:
    await send({"type": "http.response.start", "status": 503, "headers": _BUSY_HEADERS})
    await send({"type": "http.response.body", "body": _BUSY_BODY})


def _buffers_body(scope) -> bool:
    """Requests whose (small, capped) body is read before they take a slot; multipart uploads stream."""
    headers = dict(scope.get("headers") or [])
    if scope["method"] in ("GET", "HEAD", "OPTIONS") or headers.get(b"content-length") == b"0":
        return False
    return not headers.get(b"content-type", b"").lower().startswith(b"multipart/")


async def _read_body(receive) -> list | None:
    """Every message of the request body, or None when the client went away."""
    messages = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        messages.append(message)
        if not message.get("more_body", False):
            return messages


def _replay(messages: list, receive):
    async def replaying_receive():
        return messages.pop(0) if messages else await receive()

    return replaying_receive


async def send_slow_body(send) -> None:
    body = json.dumps({"detail": f"The request body did not arrive within {BODY_READ_SECONDS:g} s"}).encode()
    await send({"type": "http.response.start", "status": 408, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class AdmissionControl:
    """Pure ASGI middleware (one instance per worker process; the event loop is single-threaded,
    so a plain counter is exact). A request body is read in full before the request takes a slot,
    within BODY_READ_SECONDS: clients that trickle their bodies (slowloris) hold no slot and are
    dropped with 408. It sits inside the body size cap, which bounds what is buffered."""

    def __init__(self, app, max_in_flight: int | None = None, body_read_seconds: float | None = None):
        self.app = app
        self.max_in_flight = max_in_flight or settings.web_max_in_flight
        self.body_read_seconds = body_read_seconds or BODY_READ_SECONDS
        self.in_flight = 0
        self._threads_sized = False

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(LIMITED_PREFIX):
            await self.app(scope, receive, send)
            return
        if not self._threads_sized:  # needs the running event loop, so done at the first request
            anyio.to_thread.current_default_thread_limiter().total_tokens = settings.web_threads
            self._threads_sized = True
        if _buffers_body(scope):
            with anyio.move_on_after(self.body_read_seconds) as deadline:
                messages = await _read_body(receive)
            if deadline.cancelled_caught:
                await send_slow_body(send)
                return
            if messages is None:
                return  # the client left (or the size cap cut the body off and already answered 413)
            receive = _replay(messages, receive)
        if self.in_flight >= self.max_in_flight:
            await send_busy(send)
            return
        self.in_flight += 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self.in_flight -= 1

        async def send_then_release(message) -> None:
            # The slot is free once the whole answer is handed to the server, not when the app's
            # coroutine ends: on a busy event loop that resumes later, after the client may already
            # have sent its next request on the same connection, which would then count twice.
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                release()
            await send(message)

        try:
            await self.app(scope, receive, send_then_release)
        finally:
            release()


DISCONNECTED = "career_app.db_disconnected"  # scope key: this request met a dropped connection
_RETRIED_METHODS = ("GET", "HEAD")


class RetryReadOnce:
    """Pure ASGI middleware, inside admission control (the second run keeps the request's slot) and
    outside the exception handlers (it sees their 503). Only a 503 start message is held back, to be
    dropped if the request is run again."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in _RETRIED_METHODS or \
                not scope["path"].startswith(LIMITED_PREFIX):
            await self.app(scope, receive, send)
            return
        held = []

        async def hold_a_503(message):
            if held or (message["type"] == "http.response.start" and message["status"] == 503):
                held.append(message)
            else:
                await send(message)

        await self.app(scope, receive, hold_a_503)
        if held and scope.pop(DISCONNECTED, False):
            log.warning("%s %s: met a connection the database had dropped; running it once more",
                     scope["method"], scope["path"])
            await self.app(scope, receive, send)
            return
        for message in held:
            await send(message)


def _unavailable(what: str):
    async def handler(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
            request.scope[DISCONNECTED] = True  # SQLAlchemy has discarded the whole pool (see RetryReadOnce)
        log.warning("%s %s: %s is unavailable or busy (%s)", request.method, request.url.path, what, type(exc).__name__)
        return JSONResponse({"detail": f"{what} is unavailable or busy; retry shortly"}, status_code=503,
                            headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"})

    return handler


def install(api: FastAPI) -> None:
    """Admission control, the 503 mapping of outages and the retry of a read that met a dropped
    connection. Install it before (inside) the body size cap."""
    # Pool exhausted (sqlalchemy TimeoutError), connection lost or statement timeout (OperationalError).
    api.add_exception_handler(sa_exc.TimeoutError, _unavailable("The database"))
    api.add_exception_handler(sa_exc.OperationalError, _unavailable("The database"))
    # The fast paths' statements through the driver raise its own errors.
    api.add_exception_handler(psycopg.OperationalError, _unavailable("The database"))
    api.add_exception_handler(redis.ConnectionError, _unavailable("Redis"))
    api.add_exception_handler(redis.TimeoutError, _unavailable("Redis"))
    api.add_middleware(RetryReadOnce)
    api.add_middleware(AdmissionControl)
