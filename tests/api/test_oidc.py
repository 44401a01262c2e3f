"""Sign-in through an OpenID Connect provider: a real provider on loopback (tests/oidc_server.py,
its keys made at start) reached through GOOGLE_DISCOVERY_URL, and each way a sign-in is refused."""

import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlmodel import func, select

from career_app.db import session_scope
from career_app.services import oidc
from career_app.settings import settings
from models.support import LinkedIdentity
from models.user import User
from tests.api.conftest import bearer
from tests.oidc_server import LoopbackOIDC


@pytest.fixture(scope="module")
def idp():
    server = LoopbackOIDC().start()
    yield server
    server.stop()


@pytest.fixture
def google(idp, monkeypatch):
    monkeypatch.setattr(settings, "google_client_id", idp.client_id)
    monkeypatch.setattr(settings, "google_client_secret", idp.client_secret)
    monkeypatch.setattr(settings, "google_discovery_url", idp.discovery_url)
    oidc._cache.clear()
    idp.reset()
    return idp


def _begin(client, provider="google", next_path="/jobs"):
    """The login redirect, then the provider's consent: the callback URL the provider sends the browser to."""
    resp = client.get(f"/api/v1/auth/oauth/{provider}/login", params={"next": next_path}, follow_redirects=False)
    assert resp.status_code == 302, resp.text
    authorize = resp.headers["location"]
    back = httpx.get(authorize, follow_redirects=False)
    assert back.status_code == 302, back.text
    parts = urlsplit(back.headers["location"])
    return f"{parts.path}?{parts.query}", parse_qs(urlsplit(authorize).query)


def _users(email: str) -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(User).where(User.email == email)).one()


def _links(email: str) -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(LinkedIdentity).where(LinkedIdentity.email == email)).one()


def _refused(resp, words: str, status: int = 400) -> None:
    assert resp.status_code == status, resp.text
    assert "text/html" in resp.headers["content-type"]
    assert "Sign-in refused" in resp.text and words in resp.text
    assert "cc_session" not in resp.headers.get("set-cookie", "")


def test_new_account_is_a_seeker_signed_in_with_the_session_cookie(client, google):
    callback, asked = _begin(client)
    assert asked["code_challenge_method"] == ["S256"] and len(asked["code_challenge"][0]) == 43
    assert asked["nonce"][0] and asked["state"][0] and asked["scope"] == ["openid email profile"]
    resp = client.get(callback, follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"] == "/jobs"
    me = client.get("/api/v1/auth/me")  # the cookie the callback set, as after a password sign-in
    assert me.status_code == 200
    assert me.json()["role"] == "seeker" and me.json()["email"] == google.identity["email"]
    assert me.json()["full_name"] == "Olive Idc"
    linked = client.get("/api/v1/auth/identities").json()
    assert [i["provider"] for i in linked["identities"]] == ["google"] and linked["has_password"] is False
    # Unlinking the only way in is refused.
    assert client.delete("/api/v1/auth/identities/google").status_code == 409

    # Signing in again (same subject) is the same account; the replayed callback is refused.
    client.cookies.clear()
    assert client.get(_begin(client)[0], follow_redirects=False).status_code == 303
    assert _users(google.identity["email"]) == 1
    # The first callback again, from the browser that started it (its state cookie): replayed.
    client.cookies.clear()
    client.cookies.set(oidc.STATE_COOKIE, asked["state"][0], path="/api/v1/auth/oauth")
    _refused(client.get(callback, follow_redirects=False), "already used")


def test_links_an_existing_account_only_on_a_verified_email(client, google, register):
    token, body = register("seeker")
    google.reset(email=body["email"].upper(), email_verified=False)
    _refused(client.get(_begin(client)[0], follow_redirects=False), "has not verified", 409)
    assert _links(body["email"].upper()) == 0 and _users(body["email"]) == 1

    google.reset(email=body["email"], email_verified=True)
    resp = client.get(_begin(client, next_path="//evil.example/x")[0], follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"] == "/dashboard"  # never off-site
    assert client.get("/api/v1/auth/me").json()["email"] == body["email"]
    client.cookies.clear()
    # Another Google account with the same verified email does not take the link over.
    google.reset(email=body["email"], email_verified=True)
    _refused(client.get(_begin(client)[0], follow_redirects=False), "already linked to another Google account", 409)
    client.cookies.clear()
    linked = client.get("/api/v1/auth/identities", headers=bearer(token)).json()
    assert linked["has_password"] is True and linked["identities"][0]["email"] == body["email"]
    resp = client.delete("/api/v1/auth/identities/google", headers=bearer(token))
    assert resp.status_code == 200 and resp.json()["identities"] == []


def test_state_must_come_back_from_the_browser_that_started(client, google):
    callback, _ = _begin(client)
    client.cookies.clear()
    client.cookies.set(oidc.STATE_COOKIE, "someone-elses-state", path="/api/v1/auth/oauth")
    _refused(client.get(callback, follow_redirects=False), "state mismatch")
    path, query = callback.split("?")
    params = {k: v[0] for k, v in parse_qs(query).items()}
    client.cookies.clear()
    client.cookies.set(oidc.STATE_COOKIE, "x" * 43, path="/api/v1/auth/oauth")
    _refused(client.get(path, params={**params, "state": "x" * 43}, follow_redirects=False), "expired or was already used")
    assert _users(google.identity["email"]) == 0


def test_a_code_is_accepted_once(client, google):
    callback, _ = _begin(client)
    assert client.get(callback, follow_redirects=False).status_code == 303
    client.cookies.clear()
    old_code = parse_qs(urlsplit(callback).query)["code"][0]
    fresh, _ = _begin(client)  # a new state, then the old code with it
    path, query = fresh.split("?")
    params = {k: v[0] for k, v in parse_qs(query).items()}
    _refused(client.get(path, params={**params, "code": old_code}, follow_redirects=False), "refused the sign-in code")


@pytest.mark.parametrize("tamper, foreign, words", [
    ({"aud": "another-client"}, False, "(aud)"),
    ({"exp": int(time.time()) - 600, "iat": int(time.time()) - 900}, False, "(exp)"),
    ({"iss": "https://impostor.example"}, False, "(iss)"),
    ({"nonce": "not-the-nonce"}, False, "(nonce)"),
    ({}, True, "signature is not from this provider"),
])
def test_id_tokens_that_do_not_hold_are_refused(client, google, tamper, foreign, words):
    google.tamper, google.foreign_key = tamper, foreign
    _refused(client.get(_begin(client)[0], follow_redirects=False), words)
    assert _users(google.identity["email"]) == 0 and _links(google.identity["email"]) == 0


def test_providers_offered_only_when_configured(client, idp, monkeypatch):
    monkeypatch.setattr(settings, "google_client_id", None)
    monkeypatch.setattr(settings, "oidc_client_id", None)
    assert client.get("/api/v1/auth/oauth/providers").json() == []
    assert client.get("/api/v1/auth/oauth/google/login", follow_redirects=False).status_code == 404
    assert client.get("/api/v1/auth/oauth/github/login", follow_redirects=False).status_code == 422

    # The second provider (Keycloak, Authentik...) goes through the same flow under /oauth/oidc.
    monkeypatch.setattr(settings, "oidc_client_id", idp.client_id)
    monkeypatch.setattr(settings, "oidc_client_secret", idp.client_secret)
    monkeypatch.setattr(settings, "oidc_discovery_url", idp.discovery_url)
    monkeypatch.setattr(settings, "oidc_name", "Company SSO")
    oidc._cache.clear()
    idp.reset()
    assert client.get("/api/v1/auth/oauth/providers").json() == [
        {"name": "oidc", "label": "Company SSO", "login_url": "/api/v1/auth/oauth/oidc/login"}]
    resp = client.get(_begin(client, "oidc", "/tracker")[0], follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"] == "/tracker"
    assert client.get("/api/v1/auth/identities").json()["identities"][0]["label"] == "Company SSO"
