"""Database and Redis connections: engines, sessions, and the embedded-service fallback."""

import select
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.retry import Retry
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import Session, create_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from career_app import embedded
from career_app.settings import settings


@cache
def database_url() -> str:
    """DATABASE_URL (normalised to psycopg 3), or the embedded server's URL."""
    url = settings.database_url
    if not url:
        return embedded.ensure_postgres(settings.data_dir)
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@cache
def redis_url() -> str:
    """REDIS_URL, or the embedded server's URL."""
    return settings.redis_url or embedded.ensure_redis(settings.data_dir)


def redis_url_for_db(db: int) -> str:
    """The same Redis server, another database number (RQ keeps apart from app state)."""
    parts = urlsplit(redis_url())
    if parts.scheme == "unix":
        query = dict(parse_qsl(parts.query))
        query["db"] = str(db)
        return f"unix://{parts.path}?{urlencode(query)}"  # urlunsplit would drop the "//"
    return urlunsplit(parts._replace(path=f"/{db}"))


def pubsub_channel(r, name: str) -> str:
    """`name` as a pub/sub channel of the database `r` is connected to. Redis shares pub/sub among all
    the databases of a server, so two apps on one server (different REDIS_URL database numbers) would
    hear each other's events and version counters; the number in the channel keeps them apart."""
    return f"{r.connection_pool.connection_kwargs.get('db', 0)}:{name}"


def _connect_args() -> dict:
    # A runaway query is cancelled by PostgreSQL itself instead of holding a connection and a thread.
    return {"connect_timeout": 5, "options": f"-c statement_timeout={settings.db_statement_timeout_ms}"}


_NEW = "career_app.new"


def server_went_away(dbapi_connection) -> bool:
    """True when the server has closed this idle connection, told by the kernel without a round trip.

    An idle connection has nothing to read until it sends a query. A server that stops, restarts,
    crashes (its backends exit when their postmaster dies) or ends the session sends its goodbye
    (a FATAL message, then end of file) or just closes the socket, and either makes the socket
    readable: one poll(2) with no wait, a few microseconds, where a pre-ping costs a round trip
    to the server on every checkout. Any other message while idle (a setting the server reports
    after a reload) also reads as gone: that connection is replaced, which costs one reconnect."""
    try:
        if dbapi_connection.closed:
            return True
        poller = select.poll()
        poller.register(dbapi_connection.fileno(), select.POLLIN)
        return bool(poller.poll(0))
    except Exception:  # noqa: BLE001 - the driver already knows the connection is lost
        return True


def _mark_new(_dbapi_connection, record) -> None:
    record.info[_NEW] = True


def _check_on_checkout(dbapi_connection, record, _proxy) -> None:
    """A pooled connection the server closed (PostgreSQL restarted, or killed and started again) is
    replaced before the request uses it; SQLAlchemy opens a new one in its place. A connection made
    for this very checkout is not polled: it has just shaken hands (and a TLS server may still have
    a session ticket in flight, which would read as data)."""
    if record.info.pop(_NEW, False):
        return
    if server_went_away(dbapi_connection):
        raise DisconnectionError("the server closed this pooled connection")


def check_connections_on_checkout(target) -> None:
    """Install the no-round-trip liveness check on an engine's pool (see server_went_away)."""
    event.listen(target, "connect", _mark_new)
    event.listen(target, "checkout", _check_on_checkout)


@cache
def engine():
    """The process's pool, sized to the threads that really use it (DB_POOL_SIZE, no overflow
    connections opened and closed under load), with a short wait for a free connection: a request
    that cannot get one in DB_POOL_TIMEOUT seconds is answered 503, not queued for 30 s.
    No pre-ping round trip per checkout: a connection the server has closed (a restart) is told
    by its socket and replaced at checkout (check_connections_on_checkout); one that died without
    a word (a host gone) fails its first query, and SQLAlchemy then discards the whole pool."""
    created = create_engine(database_url(), pool_size=settings.db_pool_size, max_overflow=0,
                            pool_timeout=settings.db_pool_timeout, pool_recycle=1800, connect_args=_connect_args())
    check_connections_on_checkout(created)
    return created


@cache
def probe_engine():
    """For /health only: a pool of one connection of its own, kept between checks. Its own, so a
    saturated request pool never reads as a dead database; kept, because a new connection per check
    costs PostgreSQL a process and fails outright once its connection slots are all taken (both what
    a burst does). Checked at checkout like the main pool (services/health.py retries a connection
    that died without a word once on a new one)."""
    created = create_engine(database_url(), pool_size=1, max_overflow=0, pool_timeout=5, pool_recycle=1800,
                            connect_args={**_connect_args(), "connect_timeout": 2})
    check_connections_on_checkout(created)
    return created


@cache
def async_engine() -> AsyncEngine:
    return create_async_engine(database_url(), pool_pre_ping=True, pool_size=5, max_overflow=10)


@contextmanager
def session_scope() -> Iterator[Session]:
    with Session(engine(), expire_on_commit=False) as session:
        yield session


@asynccontextmanager
async def async_session_scope() -> AsyncIterator[AsyncSession]:
    async with AsyncSession(async_engine(), expire_on_commit=False) as session:
        yield session


def _short_retry() -> Retry:
    """A couple of quick retries for a blip; redis-py's default (1, 2, 4 s) would hold a request
    for seconds while Redis is down, where an immediate 503 is the honest answer."""
    return Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), retries=2)


@cache
def app_redis() -> redis.Redis:
    """Redis for the application's own keys (rate limits, revoked tokens, caches)."""
    return redis.Redis.from_url(redis_url(), socket_timeout=5, socket_connect_timeout=2, decode_responses=True,
                                retry=_short_retry())


@cache
def rq_redis() -> redis.Redis:
    """Redis for RQ (binary payloads, its own database number)."""
    return redis.Redis.from_url(redis_url_for_db(settings.rq_redis_db), socket_timeout=30, socket_connect_timeout=2,
                                retry=_short_retry())
