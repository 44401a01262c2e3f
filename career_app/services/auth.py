"""Accounts and sessions: argon2 password hashes, signed JWTs, login rate limits,
token revocation and one-time browser sign-in codes. The only place identity is decided."""

import hashlib
import hmac
import ipaddress
import logging
import math
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

from career_app import db
from career_app.services import api_tokens, live
from career_app.services.errors import Conflict, Forbidden, TooManyRequests, Unauthorized
from career_app.services.versions import VersionCounter
from career_app.settings import settings
from models.base import utcnow
from models.schemas import LoginRequest, RegisterRequest
from models.user import Role, User

log = logging.getLogger(__name__)

SESSION_COOKIE = "cc_session"
JWT_ALGORITHM = "HS256"
LOGIN_CODE_SECONDS = 60
# A socket token opens the notifications websocket and nothing else: REST refuses any token that
# carries a `purpose` claim. Short-lived and single-use, since it travels in a URL (?token=).
SOCKET_PURPOSE = "notifications-socket"
SOCKET_TOKEN_SECONDS = 60
# Published on live.account(user id) when a session ends: {"type": SESSION_ENDED, "jti": ...} for one
# token (sign-out), {"type": SESSION_ENDED, "all": true} for all of them (role, password, active flag).
SESSION_ENDED = "session_ended"

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


def issue_token(user: User, lifetime: int | None = None, **extra_claims) -> tuple[str, int]:
    """A signed access token for `user` and its lifetime in seconds. `ver` is the account's identity
    version: a change of role, password or active flag makes every token issued before unusable."""
    now = int(time.time())
    lifetime = lifetime or settings.access_token_minutes * 60
    claims = {
        **extra_claims,
        "sub": str(user.id),
        "role": user.role.value,
        "ver": user.token_version or 0,
        "iat": now,
        "exp": now + lifetime,
        "jti": secrets.token_urlsafe(16),
    }
    return jwt.encode({"alg": JWT_ALGORITHM, "typ": "JWT"}, claims, _signing_key()), lifetime


def issue_socket_token(user: User, session_claims: dict) -> tuple[str, int]:
    """A 60-second, single-use token for the notifications websocket only. It names the session it
    was asked for with (`sid`, `sexp`: the access token's jti and expiry), so a socket opened with it
    ends when that session does (sign-out, expiry), as a socket opened with the access token would."""
    return issue_token(user, SOCKET_TOKEN_SECONDS, purpose=SOCKET_PURPOSE, sid=str(session_claims["jti"]),
                       sexp=int(session_claims["exp"]))


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
    """Make a token unusable before its expiry (sign-out): REST refuses it at once in every process
    (the identity cache follows the bump), and every socket opened with it is closed (4401) by the
    event published on the account's topic."""
    remaining = int(claims["exp"]) - int(time.time())
    if remaining > 0:
        r.set(_revoked_key(str(claims["jti"])), "1", ex=remaining + 5)
        identity_changed(r)
        live.publish(r, live.account(claims["sub"]), {"type": SESSION_ENDED, "jti": str(claims["jti"])})


def user_from_token(session: Session, r: redis.Redis, token: str | None) -> User:
    """The active user an access token belongs to. The role comes from the database, not the token.
    A token made for one purpose only (the notifications socket) is refused."""
    return _user_and_expiry(session, r, token)[0]


def _user_and_expiry(session: Session, r: redis.Redis, token: str | None) -> tuple[User, float]:
    if not token:
        raise Unauthorized("Not authenticated")
    if api_tokens.is_personal(token):
        # Only a route's Bearer header gives a personal token its scope (deps.request_token); the web
        # session, websockets and admin routes never do.
        scope = getattr(token, "scope", None)
        if not isinstance(token, api_tokens.ScopedToken):
            raise Unauthorized("Personal API tokens are accepted on the REST API and MCP only")
        return api_tokens.user_for(session, token, scope)
    claims = decode_token(token)
    if "purpose" in claims:
        raise Unauthorized("This token is only valid for its own purpose, not as a bearer token")
    return _claimed_user(session, r, claims), float(claims["exp"])


def _claimed_user(session: Session, r: redis.Redis, claims: dict) -> User:
    """The user a session's claims name, if the session still stands: not revoked (its `jti`), the
    account active and its identity version (`ver`) unchanged since the token was issued. The user is
    read by primary key anyway, so the version check costs nothing more."""
    jti = claims.get("jti")
    if jti and r.exists(_revoked_key(str(jti))):
        raise Unauthorized("Token has been revoked")
    user = session.get(User, uuid.UUID(claims["sub"]))
    if user is None or not user.is_active:
        raise Unauthorized("Account not found or disabled")
    if claims.get("ver", 0) != (user.token_version or 0):
        raise Unauthorized("Session ended: the account's role, password or status changed; sign in again")
    return user


def socket_session(claims: dict) -> dict:
    """The session a websocket opened with `claims` belongs to, as claims: an access token's own, or
    for a socket token the access token it was asked for with (its jti and expiry)."""
    if claims.get("purpose") != SOCKET_PURPOSE:
        return claims
    return {"sub": claims["sub"], "ver": claims.get("ver", 0), "jti": claims.get("sid"), "exp": claims.get("sexp")}


def session_user(session: Session, r: redis.Redis, session_claims: dict) -> User:
    """For an open websocket: its user while its session stands (not expired, not revoked, the
    account active and unchanged); Unauthorized("Session ended") otherwise."""
    exp = session_claims.get("exp")
    if exp is not None and int(exp) <= time.time():
        raise Unauthorized("Session ended")
    try:
        return _claimed_user(session, r, session_claims)
    except Unauthorized as exc:
        raise Unauthorized("Session ended") from exc


def user_from_socket_token(session: Session, r: redis.Redis, token: str | None) -> User:
    """The notifications websocket's caller: a socket token (accepted once) or an access token."""
    if not token:
        raise Unauthorized("Not authenticated")
    claims = decode_token(token)
    purpose = claims.get("purpose")
    if purpose is None:
        return user_from_token(session, r, token)
    if purpose != SOCKET_PURPOSE:
        raise Unauthorized("Invalid token for this socket")
    user = session_user(session, r, socket_session(claims))  # the session it was asked for still stands
    remaining = max(int(claims["exp"]) - int(time.time()), 0) + 10
    if not r.set(f"auth:socket-used:{claims['jti']}", "1", nx=True, ex=remaining):
        raise Unauthorized("Socket token already used; ask for a new one")
    return user


# --- the user behind a token, remembered for a few seconds per process ----------------------
# A hot read-only route (/auth/me, recommendations) would otherwise pay a Redis and a PostgreSQL
# round trip per request to learn who is calling. Entries are keyed by a revocation counter that
# every sign-out, profile change and change_account (role, password, active flag; the CLI too) bumps
# and each process follows over pub/sub, so a revoked token stops working everywhere at once. Only a
# change written to the database while Redis is unreachable takes up to IDENTITY_CACHE_SECONDS.
# The User kept is detached and shared: read it, never add it to a session (routes that change
# the caller load it afresh through user_from_token).

IDENTITY_CACHE_SECONDS = 5.0
_IDENTITY_CACHE_ENTRIES = 10_000
REFRESH_AHEAD_SECONDS = 1.0
_refreshing: dict[tuple, float] = {}  # entries one caller is refreshing right now
_identity_version = VersionCounter("auth:identity-version")
_identities: dict[tuple, tuple[float, User]] = {}


def identity_changed(r: redis.Redis) -> None:
    """A token was revoked or a user changed: every process forgets the callers it remembered."""
    _identity_version.bump(r)


def cached_user(token: str | None) -> User | None:
    """The remembered caller of `token`, without any I/O; None when unknown or stale. In the last
    REFRESH_AHEAD_SECONDS of an entry one caller gets None (and refreshes it) while the others still
    use it: a busy token never sends all its concurrent requests to the database at once."""
    version = _identity_version.mirrored()
    key = _cache_key(version, token)
    entry = _identities.get(key) if token and version is not None else None
    now = time.monotonic()
    if entry is None or entry[0] <= now:
        return None
    if entry[0] - now < REFRESH_AHEAD_SECONDS and _refreshing.setdefault(key, now) == now:
        return None
    return entry[1]


def remembered_user_from_token(session: Session, r: redis.Redis, token: str | None) -> User:
    """user_from_token, remembered for cached_user (never past the token's own expiry)."""
    version = _identity_version.current(r)  # read first: a change meanwhile makes the entry unreachable
    key = _cache_key(version, token)
    try:
        user, expires = _user_and_expiry(session, r, token)
        lifetime = min(IDENTITY_CACHE_SECONDS, expires - time.time())
        if len(_identities) >= _IDENTITY_CACHE_ENTRIES:
            _identities.clear()
            _refreshing.clear()
        _identities[key] = (time.monotonic() + lifetime, user)
        return user
    finally:
        _refreshing.pop(key, None)


def _cache_key(version, token: str | None) -> tuple:
    # A personal token is remembered per scope: allowed on one route says nothing of another.
    return version, token, getattr(token, "scope", None), isinstance(token, api_tokens.ScopedToken)


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


def create_admin(session: Session, email: str, password: str, full_name: str, r: redis.Redis | None = None) -> User:
    """Admins exist only through the CLI; an existing account is promoted and re-keyed, which ends
    every session it had (change_account)."""
    data = RegisterRequest(email=email, password=password, full_name=full_name)
    existing = _find_by_identifier(session, data.email)
    if existing is None:
        return _create_user(session, email=data.email, password=data.password,
                            full_name=data.full_name, role=Role.admin)
    return change_account(session, r, existing, role=Role.admin, password=data.password, is_active=True)


def change_account(session: Session, r: redis.Redis | None, user: User, *, role: Role | None = None,
                   password: str | None = None, is_active: bool | None = None) -> User:
    """The one way to change what a session rests on: the role, the password, the active flag. Any
    change bumps the account's token_version in the same commit, so every token issued before (REST,
    cookie, socket tokens) is refused from then on; then every process forgets the callers it
    remembered and every open socket of the account re-checks its session and closes (4401).
    The CLI may run without Redis reachable: the database change still ends every session (REST
    within IDENTITY_CACHE_SECONDS, sockets at their next re-check)."""
    changed = password is not None
    if password is not None:
        user.password_hash = hash_password(password)
    if role is not None and user.role != role:
        user.role, changed = role, True
    if is_active is not None and user.is_active != is_active:
        user.is_active, changed = is_active, True
    if not changed:
        return user
    user.token_version = User.token_version + 1  # in SQL: two changes at once never share a version
    session.add(user)
    session.commit()
    session.refresh(user)
    try:
        account_changed(r or db.app_redis(), user.id)
    except redis.RedisError as exc:
        log.warning("account %s changed but Redis is unreachable (%s): open sockets close at their next "
                    "re-check, cached callers within %.0f s", user.id, exc, IDENTITY_CACHE_SECONDS)
    return user


def account_changed(r: redis.Redis, user_id) -> None:
    """Every process forgets the remembered callers, and every socket of the account re-checks its session."""
    identity_changed(r)
    live.publish(r, live.account(user_id), {"type": SESSION_ENDED, "all": True})


# --- login with rate limits ---------------------------------------------------------
# Failures are counted per (account, client address) pair and per client address, never per
# account alone: an attacker elsewhere must not be able to lock the owner out. Past the free
# failures, each attempt opens a gate that stays shut for a delay doubling from 1 s.


def client_address(peer: str | None, forwarded_for: str | None) -> str:
    """The client to throttle: the socket peer, unless that peer is a trusted proxy (FORWARDED_ALLOW_IPS);
    then the right-most X-Forwarded-For entry that is not a trusted proxy, since anything to its left
    was written by the client itself."""
    if not peer:
        return "unknown"
    if not forwarded_for or not _is_trusted_proxy(peer):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    # Every hop trusted: the left-most one is the client.
    client = next((hop for hop in reversed(hops) if not _is_trusted_proxy(hop)), hops[0] if hops else peer)
    return _normalised_ip(client) or peer  # garbage from a misconfigured proxy: throttle the proxy itself


def _normalised_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.trusted_proxies)


def login_delay_seconds(attempt: int, free_attempts: int) -> int:
    """How long the gate stays shut after attempt number `attempt`: `free_attempts` attempts go back
    to back, then each next one waits 1, 2, 4... seconds, capped at LOGIN_MAX_DELAY_SECONDS."""
    if attempt < free_attempts:
        return 0
    return min(2 ** min(attempt - free_attempts, 30), settings.login_max_delay_seconds)


def _throttles(identifier: str, address: str) -> list[tuple[str, int]]:
    """(subject, free attempts): the account from this address, and this address over all accounts."""
    return [(f"pair:{address}:{identifier}", settings.login_failures_per_pair),
            (f"addr:{address}", settings.login_failures_per_address)]


def _counter_key(subject: str) -> str:
    return f"auth:fail:count:{subject}"


def _gate_key(subject: str) -> str:
    return f"auth:fail:gate:{subject}"


def _start_attempt(r: redis.Redis, identifier: str, address: str) -> None:
    """Count the attempt before the password is checked, so guesses sent in parallel are counted
    too; past the free attempts it must open the gate (SET NX), else 429 until the gate reopens."""
    throttles = _throttles(identifier, address)
    pipe = r.pipeline()
    for subject, _ in throttles:
        pipe.incr(_counter_key(subject))
        pipe.expire(_counter_key(subject), settings.login_failure_memory_seconds)
    attempts = pipe.execute()[::2]
    opened: list[str] = []
    for (subject, free), attempt in zip(throttles, attempts):
        delay = login_delay_seconds(attempt, free)
        if not delay:
            continue
        if r.set(_gate_key(subject), 1, px=delay * 1000, nx=True):
            opened.append(_gate_key(subject))
            continue
        wait_ms = r.pttl(_gate_key(subject))
        # Refused: the attempt does not count, and a gate it opened for the other subject is closed again.
        pipe = r.pipeline()
        for other, _ in throttles:
            pipe.decr(_counter_key(other))
        if opened:
            pipe.delete(*opened)
        pipe.execute()
        raise TooManyRequests("Too many failed sign-in attempts; try again later",
                              retry_after=max(math.ceil(wait_ms / 1000), 1))


def _forget_attempt(r: redis.Redis, identifier: str, address: str) -> None:
    """A successful sign-in clears its pair; for the address it only takes back its own count,
    so signing in to one's own account between guesses at others gains nothing."""
    pair, addr = (subject for subject, _ in _throttles(identifier, address))
    pipe = r.pipeline()
    pipe.delete(_counter_key(pair), _gate_key(pair))
    pipe.decr(_counter_key(addr))
    pipe.execute()


def login(session: Session, r: redis.Redis, data: LoginRequest, address: str) -> User:
    identifier = data.identifier
    _start_attempt(r, identifier, address)
    user = _find_by_identifier(session, identifier)
    ok, new_hash = verify_password(data.password, user.password_hash if user else None)
    if not ok or user is None or not user.is_active:
        raise Unauthorized("Incorrect email/username or password")
    _forget_attempt(r, identifier, address)
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
