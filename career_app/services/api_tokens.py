"""Personal API tokens: created shown once, stored as a sha256 digest with a visible prefix,
scoped, expiring, revocable at once. auth.user_from_token is where a request's token is resolved;
it hands personal tokens to user_for here, with the scope the route or tool needs."""

import hashlib
import secrets
import uuid
from datetime import timedelta

import redis
from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from career_app.services.errors import Conflict, Forbidden, NotFound, Unauthorized
from models.api_token import ApiToken
from models.api_token_schemas import ApiTokenCreate, ApiTokenCreated, ApiTokenOut
from models.base import utcnow
from models.user import User

PREFIX = "ccp_"
PREFIX_CHARS = 12  # "ccp_" and 8 characters of the secret
MAX_TOKENS_PER_USER = 20
LAST_USE_RESOLUTION = timedelta(minutes=1)  # last_used_at is written at most once a minute per token


class ScopedToken(str):
    """A personal token as a route received it, with the scope that route needs. A plain string
    (a cookie, a websocket's query token, the Reflex session) carries no scope and is refused."""

    scope: str

    @classmethod
    def of(cls, token: str, scope: str) -> "ScopedToken":
        value = cls(token)
        value.scope = scope
        return value


def is_personal(token: str | None) -> bool:
    return bool(token) and token.startswith(PREFIX)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create(session: Session, user: User, data: ApiTokenCreate) -> ApiTokenCreated:
    count = session.exec(select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id)).one()
    if count >= MAX_TOKENS_PER_USER:
        raise Conflict(f"You have {MAX_TOKENS_PER_USER} tokens already; revoke one first")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=data.name.strip() or "token", prefix=token[:PREFIX_CHARS],
                   token_hash=_digest(token), scopes=sorted(set(data.scopes)),
                   expires_at=utcnow() + timedelta(days=data.expires_in_days))
    session.add(row)
    session.commit()
    session.refresh(row)
    return ApiTokenCreated(**ApiTokenOut.model_validate(row).model_dump(), token=token)


def list_for(session: Session, user: User) -> list[ApiTokenOut]:
    rows = session.exec(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc()))
    return [ApiTokenOut.model_validate(row) for row in rows]


def revoke(session: Session, r: redis.Redis, user: User, token_id: str) -> None:
    """Delete the token; every process forgets the callers it remembered, so it is refused at once."""
    from career_app.services import auth  # auth resolves tokens through this module

    try:
        key = uuid.UUID(str(token_id))
    except ValueError:
        raise NotFound("Token not found") from None
    gone = session.exec(delete(ApiToken).where(ApiToken.id == key, ApiToken.user_id == user.id)).rowcount
    session.commit()
    if not gone:
        raise NotFound("Token not found")
    auth.identity_changed(r)


def user_for(session: Session, token: str, scope: str | None) -> tuple[User, float]:
    """The active user behind a personal token and the token's expiry (epoch seconds), when the
    token carries `scope`; Unauthorized for an unknown, expired or revoked token, Forbidden outside
    its scopes. `scope` None: the route takes any valid token (who am I, a task's state)."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    now = utcnow()
    if row is None:
        raise Unauthorized("Invalid or revoked token")
    if row.expires_at <= now:
        raise Unauthorized("Token has expired")
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise Unauthorized("Account not found or disabled")
    if scope is not None and scope not in row.scopes:
        raise Forbidden(f"This token does not have the {scope} scope")
    if row.last_used_at is None or now - row.last_used_at >= LAST_USE_RESOLUTION:
        session.exec(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
        session.commit()
    return user, row.expires_at.timestamp()
