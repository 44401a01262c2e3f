"""Forged, expired and tampered tokens are refused; roles are enforced by the server."""

import base64
import json
import time

from joserfc import jwt
from joserfc.jwk import OctKey

from tests.api.conftest import bearer


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _assert_refused(client, token: str):
    resp = client.get("/api/v1/auth/me", headers=bearer(token))
    assert resp.status_code == 401, resp.text
    assert resp.headers["www-authenticate"] == "Bearer"


def test_alg_none_is_refused(client, register):
    token, _ = register()
    claims = _claims(token)
    _assert_refused(client, f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.")


def test_wrong_key_is_refused(client, register):
    token, _ = register()
    forged = jwt.encode({"alg": "HS256"}, _claims(token), OctKey.import_key(b"x" * 48))
    _assert_refused(client, forged)


def test_expired_token_is_refused(client, register):
    from career_app.services.auth import _signing_key

    token, _ = register()
    claims = {**_claims(token), "iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600}
    _assert_refused(client, jwt.encode({"alg": "HS256"}, claims, _signing_key()))


def test_tampered_role_claim_is_refused(client, register):
    token, _ = register()
    header, _payload, signature = token.split(".")
    tampered = f"{header}.{_b64({**_claims(token), 'role': 'admin'})}.{signature}"
    _assert_refused(client, tampered)
    assert client.get("/api/v1/admin/users", headers=bearer(tampered)).status_code == 401


def test_garbage_and_missing_tokens(client):
    for token in ("", "abc", "a.b.c", "Bearer"):
        assert client.get("/api/v1/auth/me", headers=bearer(token)).status_code in (401, 403)
    resp = client.get("/api/v1/auth/me")
    assert resp.status_code == 401
    assert resp.json() == {"detail": "Not authenticated"}


def test_seekers_and_providers_get_403_on_admin_routes(client, register):
    for role in ("seeker", "provider"):
        token, _ = register(role)
        resp = client.get("/api/v1/admin/users", headers=bearer(token))
        assert resp.status_code == 403
        assert resp.json() == {"detail": "Admin access required"}


def test_admin_lists_users_paginated(client, register, make_admin):
    for _ in range(3):
        register("provider")
    email, password = make_admin()
    token = client.post("/api/v1/auth/login", json={"email": email, "password": password}).json()["access_token"]
    page = client.get("/api/v1/admin/users", params={"limit": 2}, headers=bearer(token))
    assert page.status_code == 200
    data = page.json()
    assert len(data["items"]) == 2 and data["limit"] == 2 and data["skip"] == 0
    assert data["total"] >= 4
    second = client.get("/api/v1/admin/users", params={"limit": 2, "skip": 2}, headers=bearer(token)).json()
    assert {u["id"] for u in data["items"]}.isdisjoint({u["id"] for u in second["items"]})
    providers = client.get("/api/v1/admin/users", params={"role": "provider", "limit": 100}, headers=bearer(token))
    assert providers.json()["items"] and all(u["role"] == "provider" for u in providers.json()["items"])
    found = client.get("/api/v1/admin/users", params={"q": email.split("@")[0]}, headers=bearer(token)).json()
    assert [u["email"] for u in found["items"]] == [email]
    assert all("password" not in key for key in data["items"][0])


def test_admin_list_bounds(client, make_admin):
    email, password = make_admin()
    token = client.post("/api/v1/auth/login", json={"email": email, "password": password}).json()["access_token"]
    for params in ({"limit": 0}, {"limit": 101}, {"skip": -1}, {"role": "owner"}, {"q": "x" * 101}):
        assert client.get("/api/v1/admin/users", params=params, headers=bearer(token)).status_code == 422, params


def test_create_admin_cli_is_the_only_way_to_admin(client, service_env):
    import subprocess
    import sys

    from tests.conftest import ROOT, unique_email

    email = unique_email("cli-admin")
    out = subprocess.run([sys.executable, "-m", "career_app.cli", "create-admin", email, "--password-stdin"],
                         input="cli-admin-password\n", text=True, capture_output=True, cwd=ROOT, env=service_env)
    assert out.returncode == 0, out.stderr
    login = client.post("/api/v1/auth/login", json={"email": email, "password": "cli-admin-password"})
    assert login.json()["user"]["role"] == "admin"
    assert client.get("/api/v1/admin/users", headers=bearer(login.json()["access_token"])).status_code == 200
    bad = subprocess.run([sys.executable, "-m", "career_app.cli", "create-admin", "nope", "--password-stdin"],
                         input="short\n", text=True, capture_output=True, cwd=ROOT, env=service_env)
    assert bad.returncode != 0
    assert "email" in bad.stderr
