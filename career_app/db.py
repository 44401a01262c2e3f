"""Database and Redis connections: engines, sessions, and the embedded-service fallback."""

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.retry import Retry
from sqlalchemy.pool import NullPool
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


def _connect_args() -> dict:
    # A runaway query is cancelled by PostgreSQL itself instead of holding a connection and a thread.
    return {"connect_timeout": 5, "options": f"-c statement_timeout={settings.db_statement_timeout_ms}"}


@cache
def engine():
    """The process's pool, sized to the threads that really use it (DB_POOL_SIZE, no overflow
    connections opened and closed under load), with a short wait for a free connection: a request
    that cannot get one in DB_POOL_TIMEOUT seconds is answered 503, not queued for 30 s.
    No pre-ping round trip per checkout: after a database restart the first query on a dead
    connection fails (a 503) and SQLAlchemy then discards the whole pool."""
    return create_engine(database_url(), pool_size=settings.db_pool_size, max_overflow=0,
                         pool_timeout=settings.db_pool_timeout, pool_recycle=1800, connect_args=_connect_args())


@cache
def probe_engine():
    """For /health only: a fresh connection per probe, so a saturated pool never reads as a dead database."""
    return create_engine(database_url(), poolclass=NullPool, connect_args={**_connect_args(), "connect_timeout": 2})


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
