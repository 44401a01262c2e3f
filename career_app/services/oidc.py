"""Signing in through OpenID Connect providers (Google, and one more such as Keycloak or Authentik),
with authlib for the OAuth 2.0 parts and joserfc for the ID token.

The flow: `start` keeps state, nonce and the PKCE verifier in Redis for STATE_SECONDS under a
random `state` (the browser also gets that state in a cookie, so a callback is finished only by
the browser that started it) and returns the provider's authorization URL. `finish` takes the
state back once (a replay finds nothing), exchanges the code with the verifier, verifies the ID
token (signature by a key of the provider's JWKS, `iss`, `aud`/`azp`, `exp`, `iat`, `nonce`), then
finds the account: the identity already linked, else an account with the same email when the
provider says that email is verified, else a new seeker without a password. Any failure is a
SignInRefused and nothing is written."""

import hmac
import json
import logging
import secrets
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import redis
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from career_app.services.errors import Conflict, NotFound, ServiceError
from career_app.settings import settings
from models.base import utcnow
from models.support import IdentitiesOut, LinkedIdentity, LinkedIdentityOut, OAuthProviderOut
from models.user import Role, User

log = logging.getLogger(__name__)

STATE_SECONDS = 600
STATE_COOKIE = "cc_oidc_state"
METADATA_SECONDS = 3600
HTTP_TIMEOUT = 10.0
# Asymmetric algorithms only: never "none", never a MAC keyed by something the client also knows.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
CLOCK_LEEWAY = 60


class SignInRefused(ServiceError):
    """The provider's answer cannot sign anyone in; `status` is the HTTP status of the error page."""

    def __init__(self, detail: str, status: int = 400):
        super().__init__(detail)
        self.status = status


@dataclass(frozen=True)
class Provider:
    name: str  # "google" or "oidc": the path segment
    label: str
    client_id: str
    client_secret: str
    discovery_url: str


def providers() -> dict[str, Provider]:
    """The configured providers: a provider without a client id (or discovery URL) is not offered."""
    found = {}
    if settings.google_client_id and settings.google_discovery_url:
        found["google"] = Provider("google", "Google", settings.google_client_id, settings.google_client_secret or "",
                                   settings.google_discovery_url)
    if settings.oidc_client_id and settings.oidc_discovery_url:
        found["oidc"] = Provider("oidc", settings.oidc_name, settings.oidc_client_id,
                                 settings.oidc_client_secret or "", settings.oidc_discovery_url)
    return found


def provider(name: str) -> Provider:
    found = providers().get(name)
    if found is None:
        raise NotFound(f"Sign-in with '{name}' is not configured here")
    return found


def login_path(name: str) -> str:
    return f"/api/v1/auth/oauth/{name}/login"


def callback_path(name: str) -> str:
    return f"/api/v1/auth/oauth/{name}/callback"


def offered() -> list[OAuthProviderOut]:
    return [OAuthProviderOut(name=p.name, label=p.label, login_url=login_path(p.name)) for p in providers().values()]


# --- provider metadata, remembered per process -------------------------------------------

_cache: dict[str, tuple[float, dict]] = {}


def _get_json(url: str) -> dict:
    try:
        resp = httpx.get(url, timeout=HTTP_TIMEOUT, follow_redirects=False)
        resp.raise_for_status()
        data = resp.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SignInRefused("The sign-in provider could not be reached; please try again later", 502) from exc
    if not isinstance(data, dict):
        raise SignInRefused("The sign-in provider answered with something unexpected", 502)
    return data


def _cached_json(url: str, fresh: bool = False) -> dict:
    entry = _cache.get(url)
    if entry is None or fresh or entry[0] < time.monotonic():
        entry = (time.monotonic() + METADATA_SECONDS, _get_json(url))
        _cache[url] = entry
    return entry[1]


def metadata(p: Provider) -> dict:
    data = _cached_json(p.discovery_url)
    for key in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise SignInRefused(f"The provider's discovery document has no {key}", 502)
    return data


def _keys(p: Provider, fresh: bool = False) -> KeySet:
    try:
        return KeySet.import_key_set(_cached_json(metadata(p)["jwks_uri"], fresh))
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise SignInRefused("The provider's signing keys could not be read", 502) from exc


# --- the flow --------------------------------------------------------------------------------


def _state_key(state: str) -> str:
    return f"oidc:state:{state}"


def _client(p: Provider, redirect_uri: str) -> OAuth2Client:
    return OAuth2Client(p.client_id, p.client_secret, scope="openid email profile", redirect_uri=redirect_uri,
                        code_challenge_method="S256", timeout=HTTP_TIMEOUT, token_endpoint_auth_method="client_secret_post")


def start(r: redis.Redis, name: str, redirect_uri: str, next_path: str) -> tuple[str, str]:
    """(the provider's authorization URL, the state the browser must bring back)."""
    p = provider(name)
    endpoint = metadata(p)["authorization_endpoint"]
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    r.set(_state_key(state), json.dumps({"provider": name, "nonce": nonce, "verifier": verifier,
                                         "redirect_uri": redirect_uri, "next": next_path}), ex=STATE_SECONDS)
    with _client(p, redirect_uri) as client:
        url, _ = client.create_authorization_url(endpoint, state=state, nonce=nonce, code_verifier=verifier)
    return url, state


def _take_state(r: redis.Redis, name: str, state: str | None, browser_state: str | None) -> dict:
    if not state or not browser_state or not hmac.compare_digest(state.encode(), browser_state.encode()):
        raise SignInRefused("This sign-in was not started from this browser (state mismatch). Please start again.")
    raw = r.getdel(_state_key(state))
    if raw is None:
        raise SignInRefused("This sign-in request has expired or was already used. Please start again.")
    stored = json.loads(raw)
    if stored["provider"] != name:
        raise SignInRefused("This sign-in was started with another provider. Please start again.")
    return stored


def _exchange(p: Provider, stored: dict, code: str) -> str:
    try:
        with _client(p, stored["redirect_uri"]) as client:
            token = client.fetch_token(metadata(p)["token_endpoint"], grant_type="authorization_code", code=code,
                                       code_verifier=stored["verifier"])
    except SignInRefused:
        raise
    except Exception as exc:  # authlib's OAuthError, httpx errors, a body that is not JSON
        log.info("token exchange with %s refused: %s", p.name, exc)
        raise SignInRefused("The provider refused the sign-in code (expired or already used). Please start again.") from exc
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SignInRefused("The provider sent no ID token", 502)
    return id_token


def verify_id_token(p: Provider, id_token: str, nonce: str) -> dict:
    """The ID token's claims once its signature (a key of the provider's JWKS), issuer, audience,
    authorized party, expiry, issue time and nonce are checked; SignInRefused otherwise."""
    meta = metadata(p)
    allowed = [a for a in meta.get("id_token_signing_alg_values_supported") or ["RS256"] if a in SIGNING_ALGORITHMS]
    try:
        try:
            token = jwt.decode(id_token, _keys(p), algorithms=allowed)
        except JoseError:
            token = jwt.decode(id_token, _keys(p, fresh=True), algorithms=allowed)  # keys may have rotated
    except (JoseError, ValueError, TypeError) as exc:
        raise SignInRefused("The ID token's signature is not from this provider") from exc
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        leeway=CLOCK_LEEWAY,
        iss={"essential": True, "value": meta["issuer"]},
        aud={"essential": True, "value": p.client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        which = getattr(exc, "claim", None) or str(exc)
        raise SignInRefused(f"The ID token is not valid for this sign-in ({which})") from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != p.client_id:
        raise SignInRefused("The ID token is not valid for this sign-in (azp)")
    return claims


def _find_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(func.lower(User.email) == email.lower())).first()


def _account_for(session: Session, name: str, claims: dict) -> User:
    subject = str(claims["sub"])[:255]
    linked = session.exec(select(LinkedIdentity).where(LinkedIdentity.provider == name,
                                                       LinkedIdentity.subject == subject)).first()
    if linked is not None:
        user = session.get(User, linked.user_id)
        linked.last_used_at = utcnow()
        session.add(linked)
    else:
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email or len(email) > 254:
            raise SignInRefused("The provider did not share an email address, which an account needs")
        verified = claims.get("email_verified") in (True, "true")
        user = _find_by_email(session, email)
        if user is not None and not verified:
            raise SignInRefused("An account with this email already exists, and the provider has not verified that "
                                "the email is yours. Sign in with your password, then link the provider from your profile.",
                                409)
        if user is not None and not user.is_active:
            raise SignInRefused("This account is disabled", 403)
        if user is not None and session.exec(select(LinkedIdentity).where(LinkedIdentity.user_id == user.id,
                                                                           LinkedIdentity.provider == name)).first():
            raise SignInRefused(f"This account is already linked to another {_label(name)} account", 409)
        if user is None:
            name_claim = claims.get("name") if isinstance(claims.get("name"), str) else ""
            user = User(email=email.strip(), full_name=(name_claim.strip() or email.split("@")[0])[:120],
                        password_hash=None, role=Role.seeker)
            session.add(user)
            session.flush()
        session.add(LinkedIdentity(user_id=user.id, provider=name, subject=subject, email=email, last_used_at=utcnow()))
    if user is None or not user.is_active:
        raise SignInRefused("This account is disabled", 403)
    user.last_login_at = utcnow()
    session.add(user)
    try:
        session.commit()
    except IntegrityError as exc:  # the same identity or email signed in twice at once
        session.rollback()
        raise SignInRefused("This sign-in raced another one; please try again", 409) from exc
    session.refresh(user)
    return user


def finish(session: Session, r: redis.Redis, name: str, *, state: str | None, browser_state: str | None,
           code: str | None, error: str | None = None) -> tuple[User, str]:
    """(the signed-in user, the same-site path to go back to) or SignInRefused."""
    p = provider(name)
    stored = _take_state(r, name, state, browser_state)
    if error:
        raise SignInRefused(f"The provider did not sign you in ({error[:80]})")
    if not code:
        raise SignInRefused("The provider sent no sign-in code")
    claims = verify_id_token(p, _exchange(p, stored, code), stored["nonce"])
    return _account_for(session, name, claims), stored["next"]


# --- linked identities on the profile -----------------------------------------------------


def _label(name: str) -> str:
    return {"google": "Google"}.get(name, settings.oidc_name if name == "oidc" else name)


def identities(session: Session, user: User) -> IdentitiesOut:
    rows = session.exec(select(LinkedIdentity).where(LinkedIdentity.user_id == user.id)
                        .order_by(LinkedIdentity.created_at)).all()
    return IdentitiesOut(has_password=bool(user.password_hash), identities=[
        LinkedIdentityOut(provider=row.provider, label=_label(row.provider), email=row.email,
                          created_at=row.created_at, last_used_at=row.last_used_at) for row in rows])


def unlink(session: Session, user_id: uuid.UUID, name: str) -> IdentitiesOut:
    """Only while the account has a password: unlinking its one way in would lock it out."""
    user = session.get(User, user_id)
    row = session.exec(select(LinkedIdentity).where(LinkedIdentity.user_id == user_id,
                                                    LinkedIdentity.provider == name)).first()
    if row is None:
        raise NotFound("No such linked sign-in")
    if not user.password_hash:
        raise Conflict("This account has no password: unlinking its only sign-in would lock you out")
    session.delete(row)
    session.commit()
    return identities(session, user)


def same_site_redirect_uri(base: str, name: str) -> str:
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}{callback_path(name)}"
