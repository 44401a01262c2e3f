"""Notifications: the feed, read state, settings, the socket token and the live websocket.

Every route follows the request-handling pattern (career_app/api/deps.py): the remembered caller,
then one thread hop that owns its database session. The websocket receives the events of the
caller's live topic (services/live.py) from whichever process published them."""

import asyncio
import contextlib
import logging
import uuid
from typing import Annotated

import redis
from fastapi import APIRouter, Query, Response, WebSocket, WebSocketDisconnect

from career_app import db
from career_app.api.deps import Caller, RedisDep, Token, in_thread_session
from career_app.api.sockets import (CLOSE_SESSION_ENDED, WS_DISCONNECTED, BadFrame, SessionWatch, parse_frame,
                                    websocket_token)
from career_app.services import auth, live, notifications, presence
from career_app.services.errors import Unauthorized
from models.notification_schemas import (MarkReadRequest, MarkReadResult, NotificationPage, NotificationSettingsOut,
                                         NotificationSettingsUpdate, SocketToken)
from models.user import User

log = logging.getLogger(__name__)
router = APIRouter(tags=["notifications"])
Skip = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=notifications.MAX_PAGE_SIZE)]
WS_PATH = "/api/v1/ws/notifications"


@router.get("/api/v1/notifications", response_model=NotificationPage)
async def list_notifications(user: Caller, skip: Skip = 0, limit: Limit = 20,
                             unread_only: bool = False) -> NotificationPage:
    """Your notifications, newest first, with read state; expired ones are left out.
    `unread_count` counts all your unread ones whatever the filter."""
    return await in_thread_session(notifications.list_for, user, skip, limit, unread_only)


@router.post("/api/v1/notifications/mark-read", response_model=MarkReadResult)
async def mark_read(data: MarkReadRequest, r: RedisDep, user: Caller) -> MarkReadResult:
    """Mark `ids` (up to 500) or `all` of your notifications read. Ids that are not your unread
    notifications (unknown, someone else's, already read) are ignored; `marked` says how many changed.
    Your open websockets receive the new `unread_count`."""
    return await in_thread_session(notifications.mark_read, r, user, data.ids, data.all)


@router.get("/api/v1/notifications/settings", response_model=NotificationSettingsOut)
async def get_settings(user: Caller) -> NotificationSettingsOut:
    """Your channels (in-app, email), muted categories, quiet hours and job-match threshold."""
    return await in_thread_session(notifications.get_settings, user)


@router.patch("/api/v1/notifications/settings", response_model=NotificationSettingsOut)
async def update_settings(data: NotificationSettingsUpdate, user: Caller) -> NotificationSettingsOut:
    """Change only the fields sent. Categories from the list in the schema; quiet hours as an "HH:MM"
    pair in `time_zone` (an IANA name), or both null to clear them; `match_threshold` in 0..1.
    During quiet hours notifications are stored but not pushed live."""
    return await in_thread_session(notifications.update_settings, user, data)


@router.get("/api/v1/notifications/socket-token", response_model=SocketToken)
async def socket_token(user: Caller, token: Token, response: Response) -> SocketToken:
    """A token for the notifications websocket: valid 60 s, once, and only there (REST refuses it).

    Websocket `/api/v1/ws/notifications`: pass it as `?token=...` or send
    `{"type": "auth", "token": "..."}` as the first frame within 5 s (an access token works too);
    otherwise the socket is closed with code 4401. Then the server sends
    `{"type": "hello", "unread_count": n}` and, live, `{"type": "notification", "notification": {...},
    "unread_count": n}`, `{"type": "unread_count", "unread_count": n}` and other events of your live
    topic; `{"type": "resync", "unread_count": n}` means "reload the list". Send `__ping__` (or
    `{"type": "ping"}`) to get `__pong__` (`{"type": "pong"}`); any other frame is answered with
    `{"type": "error", "detail": ...}` and the socket stays open. The socket belongs to the session
    the token was asked for with: it closes with 4401 "Session ended" as soon as that session ends
    (sign-out, expiry, a change of the account's role, password or active flag)."""
    value, expires_in = notifications.create_socket_token(user, auth.decode_token(token))
    response.headers["Cache-Control"] = "no-store"
    return SocketToken(token=value, expires_in=expires_in, websocket_path=WS_PATH)


# --- websocket ----------------------------------------------------------------------------------------

HUB_READY_TIMEOUT = 2.0
PRESENCE_REFRESH = 30.0
CLOSE_UNAUTHORIZED = 4401


def _error(detail: str) -> dict:
    return {"type": "error", "detail": detail}


def _answer(message: dict) -> str | dict:
    """What a client frame gets back: this socket only delivers, so anything but a ping is an error."""
    text = message.get("text")
    if text is None:
        return _error("Binary frames are not accepted; send JSON text")
    if text == "__ping__":
        return "__pong__"
    try:
        frame = parse_frame(text)
    except BadFrame as exc:
        return _error(exc.detail)
    kind = frame.get("type") if isinstance(frame, dict) else None
    if kind == "ping":
        return {"type": "pong"}
    if kind == "auth":
        return _error("Already authenticated")
    return _error('Unknown message; send "__ping__" or {"type": "ping"} (mark notifications read over REST)')


class _Socket:
    """The open socket's sends, one at a time (the forwarder, the keep-alive and the reader share it)."""

    def __init__(self, ws: WebSocket):
        self.ws = ws
        self._lock = asyncio.Lock()

    async def send(self, reply: str | dict) -> None:
        async with self._lock:
            if isinstance(reply, str):
                await self.ws.send_text(reply)
            else:
                await self.ws.send_json(reply)

    async def close(self, code: int, reason: str) -> None:
        async with self._lock:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await self.ws.close(code, reason)


async def _unread(user: User) -> int:
    return await in_thread_session(notifications.unread_count, user.id)


async def _forward(socket: _Socket, subscription: live.Subscription, user: User) -> None:
    """Every event of the user's live topic, as it comes; a resync becomes the current unread count."""
    while True:
        _topic, event = await subscription.get()
        if event.get("type") == "resync":
            try:
                event = {"type": "resync", "unread_count": await _unread(user)}
            except Exception:  # noqa: BLE001 - the database is away: the next resync will tell
                log.warning("unread count for a resync failed", exc_info=True)
                continue
        await socket.send(event)


async def _keep_present(r: redis.Redis, user: User, connection: str) -> None:
    """Marks the user present while the socket is open."""
    while True:
        try:
            await asyncio.to_thread(presence.mark, r, user.id, connection)
        except redis.RedisError as exc:
            log.warning("presence not refreshed: %s", exc)
        await asyncio.sleep(PRESENCE_REFRESH)


async def _hub_ready() -> None:
    """The live hub follows Redis before the unread count is read, so no event falls in between."""
    if live.hub.ready.is_set():
        return
    with contextlib.suppress(TimeoutError, RuntimeError):
        await asyncio.wait_for(live.hub.ready.wait(), HUB_READY_TIMEOUT)


@router.websocket(WS_PATH)
async def notifications_socket(ws: WebSocket) -> None:
    """Live notifications; the protocol is described at GET /api/v1/notifications/socket-token."""
    await ws.accept()
    r = db.app_redis()
    token = await websocket_token(ws)
    if token is WS_DISCONNECTED:
        return
    socket = _Socket(ws)
    watch = None
    try:
        if not token:
            raise Unauthorized("Not authenticated")
        # Follow the session's end before checking it, so an end published meanwhile is not missed.
        watch = SessionWatch(r, auth.socket_session(auth.decode_token(token)))
        await _hub_ready()
        user, _session = await in_thread_session(notifications.open_socket, r, token)
    except Unauthorized as exc:
        if watch is not None:
            watch.close()
        await socket.close(CLOSE_UNAUTHORIZED, exc.detail[:120])
        return
    subscription = live.hub.subscribe(live.user(user.id))  # before the count: nothing falls in between
    connection = uuid.uuid4().hex
    helpers: list[asyncio.Task] = []
    try:
        await socket.send({"type": "hello", "unread_count": await _unread(user)})
        helpers = [asyncio.create_task(_forward(socket, subscription, user)),
                   asyncio.create_task(_keep_present(r, user, connection)),
                   asyncio.create_task(watch.run(socket.close))]
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                break
            if watch.ended:  # the session ended: the watch is closing the socket, nothing more is answered
                await socket.close(CLOSE_SESSION_ENDED, "Session ended")
                break
            await socket.send(_answer(message))
    except (WebSocketDisconnect, RuntimeError):
        pass  # the client went away, or the session watch closed the socket
    finally:
        subscription.close()
        watch.close()
        for task in helpers:
            task.cancel()
        with contextlib.suppress(redis.RedisError):
            await asyncio.to_thread(presence.clear, r, user.id, connection)
