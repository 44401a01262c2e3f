"""Dependencies shared by the routers: sessions, Redis, and the verified caller."""

from collections.abc import AsyncIterator, Callable
from functools import cache
from typing import Annotated, TypeVar

import anyio
import anyio.to_thread
import redis
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from sqlmodel import Session

from career_app import db
from career_app.api import token_scopes
from career_app.services import api_tokens, auth
from career_app.services.errors import Unauthorized
from models.user import Role, User

T = TypeVar("T")
_bearer = HTTPBearer(auto_error=False, description="JWT from /api/v1/auth/login, or a personal API token")


async def get_session() -> AsyncIterator[Session]:
    """A session per request. Creating one costs nothing until it is used; closing one that holds a
    connection talks to PostgreSQL, so that happens in a thread, never on the event loop."""
    session = Session(db.engine(), expire_on_commit=False)
    try:
        yield session
    finally:
        if session.in_transaction():
            await anyio.to_thread.run_sync(session.close, limiter=_closing_limiter())
        else:
            session.close()


@cache
def _closing_limiter() -> anyio.CapacityLimiter:
    # Not the request threads' limiter: with every request thread waiting for a connection, the
    # sessions that would give theirs back could never close (a deadlock until the pool timeout).
    return anyio.CapacityLimiter(4)


async def get_engine() -> Engine:
    """For /health: its own kept connection (see db.probe_engine)."""
    return db.probe_engine()


# Trivial dependencies are `async def`: FastAPI runs a plain `def` dependency in the thread pool,
# a hop per dependency per request.
async def get_redis() -> redis.Redis:
    return db.app_redis()


async def get_rq_redis() -> redis.Redis:
    return db.rq_redis()


EngineDep = Annotated[Engine, Depends(get_engine)]
SessionDep = Annotated[Session, Depends(get_session)]
RedisDep = Annotated[redis.Redis, Depends(get_redis)]
RQDep = Annotated[redis.Redis, Depends(get_rq_redis)]


async def request_token(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> str | None:
    """Bearer header for API clients, else the browser's HttpOnly session cookie. A personal API
    token gets the scope this route needs (token_scopes), or a 403 on a route that takes none."""
    if credentials is not None:
        if api_tokens.is_personal(credentials.credentials):
            return token_scopes.scoped(request, credentials.credentials)
        return credentials.credentials
    return request.cookies.get(auth.SESSION_COOKIE)


async def in_thread_session(fn: Callable[..., T], *args) -> T:
    """The request-handling pattern of async handlers: every blocking step of a request (auth,
    queries, commits) in ONE thread hop that owns its session from open to close. The connection is
    back in the pool before the handler resumes, so requests waiting for a thread or for
    serialization on the event loop hold none."""

    def call() -> T:
        with db.session_scope() as session:
            return fn(session, *args)

    return await anyio.to_thread.run_sync(call)


async def caller(r: redis.Redis, token: str | None, *roles: Role) -> User:
    """For async read-only routes: the caller behind `token` (401 otherwise), of one of `roles` when
    given (403 otherwise); remembered for a few seconds, so usually without a thread or a query.
    Read the returned user; never change it (see auth.cached_user)."""
    user = auth.cached_user(token) or await in_thread_session(auth.remembered_user_from_token, r, token)
    return auth.require_role(user, *roles) if roles else user


# --- who may call an operation ------------------------------------------------------------------
# Routes name their caller as a dependency (CurrentUser, SeekerUser, AdminUser, Caller, SeekerCaller,
# AdminCaller, ...), never by checking the token inside the handler: FastAPI runs dependencies before it
# validates the query and the body, so an anonymous request gets its 401 (and a wrong role its 403)
# whatever it sent, and career_app.api.contract reads the same dependencies to declare 401 and 403 in
# the OpenAPI document. ACCESS maps each such dependency to what it requires.


class Access:
    """What a caller dependency requires: a signed-in caller (401 otherwise), of one of `roles` when
    given (403 otherwise)."""

    def __init__(self, roles: tuple[Role, ...] = ()):
        self.roles = roles


ACCESS: dict[Callable, Access] = {}


def role_caller(*roles: Role) -> Callable:
    """An async dependency for async routes: the remembered caller (see `caller`), of `roles` if given."""

    async def dependency(r: RedisDep, token: str | None = Depends(request_token)) -> User:
        return await caller(r, token, *roles)

    dependency.__name__ = "caller_" + "_".join(role.value for role in roles) if roles else "caller_any"
    ACCESS[dependency] = Access(roles)
    return dependency


Caller = Annotated[User, Depends(role_caller())]
SeekerCaller = Annotated[User, Depends(role_caller(Role.seeker))]
AdminCaller = Annotated[User, Depends(role_caller(Role.admin))]
StaffCaller = Annotated[User, Depends(role_caller(Role.admin, Role.provider))]


def viewer(session: Session, r: redis.Redis, token: str | None) -> User | None:
    """Public routes: the caller when signed in (owners see their own unpublished jobs), else None."""
    if not token:
        return None
    try:
        return auth.user_from_token(session, r, token)
    except Unauthorized:
        return None


def _verified_user(session: Session, r: redis.Redis, token: str | None) -> User:
    try:
        return auth.user_from_token(session, r, token)
    finally:
        # Give the connection back at once: the handler may wait for a free thread next, and a
        # connection held meanwhile by every waiting request would drain the pool. The user stays
        # loaded (expire_on_commit=False).
        if session.in_transaction():
            session.commit()


def current_user(session: SessionDep, r: RedisDep, token: str | None = Depends(request_token)) -> User:
    return _verified_user(session, r, token)


CurrentUser = Annotated[User, Depends(current_user)]
ACCESS[current_user] = Access()


def optional_user(session: SessionDep, r: RedisDep, token: str | None = Depends(request_token)) -> User | None:
    user = viewer(session, r, token)
    if session.in_transaction():
        session.commit()  # as in _verified_user
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
Token = Annotated[str | None, Depends(request_token)]


async def seeker_user(user: CurrentUser) -> User:
    return auth.require_role(user, Role.seeker)


SeekerUser = Annotated[User, Depends(seeker_user)]
ACCESS[seeker_user] = Access((Role.seeker,))


async def admin_user(user: CurrentUser) -> User:
    return auth.require_role(user, Role.admin)


AdminUser = Annotated[User, Depends(admin_user)]
ACCESS[admin_user] = Access((Role.admin,))


def client_address(request: Request) -> str:
    """The caller's address for login throttling (X-Forwarded-For only through a trusted proxy)."""
    forwarded_for = ",".join(request.headers.getlist("x-forwarded-for"))
    return auth.client_address(request.client.host if request.client else None, forwarded_for)
