"""Accounts and sessions: argon2 password hashes, signed JWTs, login rate limits,
token revocation and one-time browser sign-in codes. The only place identity is decided."""

import hashlib
import hmac
import os
import secrets
import time
import uuid
from functools import cache
from http.cookies import CookieError, SimpleCookie
from pathlib import Path

import redis
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey
from pwdlib import PasswordHash
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from career_app.services.errors import Conflict, Forbidden, TooManyRequests, Unauthorized
from career_app.settings import settings
from models.base import utcnow
from models.schemas import LoginRequest, RegisterRequest
from models.user import Role, User

SESSION_COOKIE = "cc_session"
JWT_ALGORITHM = "HS256"
LOGIN_CODE_SECONDS = 60

_hasher = PasswordHash.recommended()
# Verified when the account does not exist, so both paths cost one argon2 check.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
_claims_registry = jwt.JWTClaimsRegistry(
    leeway=5,
    sub={"essential": True},
    exp={"essential": True},
    iat={"essential": True},
    jti={"essential": True},
)


# --- secret -------------------------------------------------------------------------


def _secret_file() -> Path:
    return settings.data_dir.resolve() / "jwt_secret"


@cache
def _server_secret() -> bytes:
    """JWT_SECRET, or a random secret generated once into DATA_DIR (never a literal default)."""
    if settings.jwt_secret:
        if len(settings.jwt_secret) < 32:
            raise RuntimeError("JWT_SECRET must be at least 32 characters")
        return settings.jwt_secret.encode()
    path = _secret_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    for _ in range(50):  # another process may be writing it right now
        value = path.read_text().strip()
        if value:
            return value.encode()
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty")


@cache
def _signing_key() -> OctKey:
    return OctKey.import_key(_server_secret())


def derived_key(purpose: str) -> bytes:
    """A key for one purpose (signing download URLs, ...), derived from the server secret."""
    return hmac.new(_server_secret(), purpose.encode(), hashlib.sha256).digest()


# --- passwords and tokens -----------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """(matches, a new hash when the stored one uses outdated parameters)."""
    if not password_hash:
        _hasher.verify(password, _DUMMY_HASH)
        return False, None
    return _hasher.verify_and_update(password, password_hash)


def issue_token(user: User) -> tuple[str, int]:
    """A signed access token for `user` and its lifetime in seconds."""
    now = int(time.time())
    lifetime = settings.access_token_minutes * 60
    claims = {
        "sub": str(user.id),
        "role": user.role.value,
        "iat": now,
        "exp": now + lifetime,
        "jti": secrets.token_urlsafe(16),
    }
    return jwt.encode({"alg": JWT_ALGORITHM, "typ": "JWT"}, claims, _signing_key()), lifetime


def decode_token(token: str) -> dict:
    """Verified claims of `token` (signature, algorithm, expiry), or Unauthorized."""
    try:
        claims = jwt.decode(token, _signing_key(), algorithms=[JWT_ALGORITHM]).claims
        _claims_registry.validate(claims)
        uuid.UUID(str(claims["sub"]))
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise Unauthorized("Invalid or expired token") from exc
    return claims


def _revoked_key(jti: str) -> str:
    return f"auth:revoked:{jti}"


def revoke_token(r: redis.Redis, claims: dict) -> None:
    """Make a token unusable before its expiry (sign-out)."""
    remaining = int(claims["exp"]) - int(time.time())
    if remaining > 0:
        r.set(_revoked_key(str(claims["jti"])), "1", ex=remaining + 5)


def user_from_token(session: Session, r: redis.Redis, token: str | None) -> User:
    """The active user a token belongs to. The role comes from the database, not the token."""
    if not token:
        raise Unauthorized("Not authenticated")
    claims = decode_token(token)
    if r.exists(_revoked_key(str(claims["jti"]))):
        raise Unauthorized("Token has been revoked")
    user = session.get(User, uuid.UUID(claims["sub"]))
    if user is None or not user.is_active:
        raise Unauthorized("Account not found or disabled")
    return user


def require_role(user: User, *roles: Role) -> User:
    if user.role not in roles:
        raise Forbidden("Admin access required" if roles == (Role.admin,) else "Not allowed for your role")
    return user


# --- accounts -----------------------------------------------------------------------


def _find_by_identifier(session: Session, identifier: str) -> User | None:
    identifier = identifier.strip().lower()
    column = User.email if "@" in identifier else User.username
    return session.exec(select(User).where(func.lower(column) == identifier)).first()


def _create_user(session: Session, *, email: str, password: str, full_name: str, role: Role,
                 username: str | None = None) -> User:
    user = User(
        email=email,
        username=username,
        full_name=full_name,
        password_hash=hash_password(password),
        role=role,
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        taken = "Username" if "username" in str(exc.orig) else "Email"
        raise Conflict(f"{taken} is already registered") from exc
    session.refresh(user)
    return user


def register(session: Session, data: RegisterRequest) -> User:
    """Self-service sign-up: only seeker or provider (the schema refuses anything else)."""
    return _create_user(
        session,
        email=data.email,
        password=data.password,
        full_name=data.full_name,
        role=Role(data.role),
        username=data.username,
    )


def create_admin(session: Session, email: str, password: str, full_name: str) -> User:
    """Admins exist only through the CLI; an existing account is promoted and re-keyed."""
    data = RegisterRequest(email=email, password=password, full_name=full_name)
    existing = _find_by_identifier(session, data.email)
    if existing is None:
        return _create_user(session, email=data.email, password=data.password,
                            full_name=data.full_name, role=Role.admin)
    existing.role = Role.admin
    existing.password_hash = hash_password(data.password)
    existing.is_active = True
    session.add(existing)
    session.commit()
    session.refresh(existing)
    return existing


# --- login with rate limits ---------------------------------------------------------


def _failure_keys(identifier: str, address: str) -> tuple[str, str]:
    return f"auth:fail:acct:{identifier}", f"auth:fail:addr:{address}"


def _check_not_locked(r: redis.Redis, identifier: str, address: str) -> None:
    acct_key, addr_key = _failure_keys(identifier, address)
    acct, addr = r.mget(acct_key, addr_key)
    if int(acct or 0) >= settings.login_max_failures_per_account:
        wait = r.ttl(acct_key)
    elif int(addr or 0) >= settings.login_max_failures_per_address:
        wait = r.ttl(addr_key)
    else:
        return
    raise TooManyRequests("Too many failed sign-in attempts; try again later", retry_after=max(int(wait), 1))


def _record_failure(r: redis.Redis, identifier: str, address: str) -> None:
    pipe = r.pipeline()
    for key in _failure_keys(identifier, address):
        # SET NX starts the window once; INCR keeps its TTL (EXPIRE NX needs Redis 7).
        pipe.set(key, 0, ex=settings.login_lockout_seconds, nx=True)
        pipe.incr(key)
    pipe.execute()


def login(session: Session, r: redis.Redis, data: LoginRequest, address: str) -> User:
    identifier = data.identifier
    _check_not_locked(r, identifier, address)
    user = _find_by_identifier(session, identifier)
    ok, new_hash = verify_password(data.password, user.password_hash if user else None)
    if not ok or user is None or not user.is_active:
        _record_failure(r, identifier, address)
        raise Unauthorized("Incorrect email/username or password")
    r.delete(_failure_keys(identifier, address)[0])
    user.last_login_at = utcnow()
    if new_hash:
        user.password_hash = new_hash
    session.add(user)
    session.commit()
    return user


# --- one-time browser sign-in codes -------------------------------------------------
# The web UI checks the password over its websocket, which cannot set an HttpOnly
# cookie; it sends the browser to a one-time URL that exchanges this code for one.


def create_login_code(r: redis.Redis, user: User) -> str:
    code = secrets.token_urlsafe(32)
    r.set(f"auth:code:{code}", str(user.id), ex=LOGIN_CODE_SECONDS)
    return code


def redeem_login_code(session: Session, r: redis.Redis, code: str) -> User:
    user_id = r.getdel(f"auth:code:{code}") if code else None
    if not user_id:
        raise Unauthorized("Sign-in link is invalid or has expired")
    user = session.get(User, uuid.UUID(user_id))
    if user is None or not user.is_active:
        raise Unauthorized("Account not found or disabled")
    return user


def safe_next_path(raw: str, default: str = "/dashboard") -> str:
    """Where to go after signing in: only same-site paths, never an open redirect."""
    if not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return default
    return raw


def cookie_token(cookie_header: str) -> str | None:
    """The session token from a raw Cookie header (the Reflex websocket handshake)."""
    jar = SimpleCookie()
    try:
        jar.load(cookie_header or "")
    except CookieError:
        return None
    morsel = jar.get(SESSION_COOKIE)
    return morsel.value if morsel else None
