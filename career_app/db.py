"""Database and Redis connections: engines, sessions, and the embedded-service fallback."""

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.retry import Retry
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


@cache
def engine():
    return create_engine(
        database_url(), pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args={"connect_timeout": 5}
    )


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
