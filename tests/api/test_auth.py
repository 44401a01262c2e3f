from tests.api.conftest import bearer
from tests.conftest import unique_email


def test_register_returns_working_token(client, register):
    token, body = register("seeker")
    me = client.get("/api/v1/auth/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json()["email"] == body["email"]
    assert me.json()["role"] == "seeker"
    profile = client.get("/api/v1/users/me", headers=bearer(token)).json()
    assert set(profile) == {"id", "email", "role", "full_name", "headline", "location", "skills", "family",
                            "seniority", "family_in_use", "family_label", "seniority_in_use", "from_resume",
                            "resume_text", "resume_file_url", "resume_file_name"}
    assert profile["full_name"] == "Test seeker"


def test_register_provider(client, register):
    token, _ = register("provider")
    assert client.get("/api/v1/auth/me", headers=bearer(token)).json()["role"] == "provider"


def test_register_refuses_admin_and_unknown_roles(client):
    for role in ("admin", "superuser", ""):
        resp = client.post("/api/v1/auth/register", json={
            "email": unique_email(), "password": "password-123", "full_name": "X", "role": role})
        assert resp.status_code == 422, role
        assert resp.json()["detail"][0]["loc"] == ["body", "role"]


def test_register_validation_errors(client):
    cases = [
        {"email": "not-an-email", "password": "password-123", "full_name": "X"},
        {"email": unique_email(), "password": "short", "full_name": "X"},
        {"email": unique_email(), "password": "password-123", "full_name": "   "},
        {"email": unique_email(), "password": "password-123"},
        {"email": unique_email(), "password": "password-123", "full_name": "X", "username": "a b"},
    ]
    for body in cases:
        assert client.post("/api/v1/auth/register", json=body).status_code == 422, body


def test_duplicate_email_is_409_case_insensitive(client, register):
    _, body = register()
    again = {**body, "email": body["email"].upper()}
    resp = client.post("/api/v1/auth/register", json=again)
    assert resp.status_code == 409
    assert resp.json()["detail"] == "Email is already registered"


def test_duplicate_username_is_409(client, register):
    register(username="taken_name")
    resp = client.post("/api/v1/auth/register", json={
        "email": unique_email(), "password": "password-123", "full_name": "X", "username": "Taken_Name"})
    assert resp.status_code == 409
    assert "Username" in resp.json()["detail"]


def test_password_is_stored_as_argon2_hash(register):
    from sqlmodel import select

    from career_app.db import session_scope
    from models import User

    _, body = register(password="plain-text-secret")
    with session_scope() as session:
        user = session.exec(select(User).where(User.email == body["email"])).one()
    assert user.password_hash.startswith("$argon2id$")
    assert "plain-text-secret" not in user.password_hash


def test_login_by_email_and_username_sets_httponly_cookie(client, register):
    _, body = register(username="loginbyname")
    by_email = client.post("/api/v1/auth/login", json={"email": body["email"], "password": body["password"]})
    assert by_email.status_code == 200
    cookie = by_email.headers["set-cookie"]
    assert "cc_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    by_name = client.post("/api/v1/auth/login", json={"username": "LoginByName", "password": body["password"]})
    assert by_name.status_code == 200
    assert by_name.json()["user"]["email"] == body["email"]


def test_cookie_authenticates_browser_requests(client, register):
    _, body = register()
    client.post("/api/v1/auth/login", json={"email": body["email"], "password": body["password"]})
    assert client.get("/api/v1/auth/me").json()["email"] == body["email"]


def test_wrong_password_is_401_with_bearer_challenge(client, register):
    _, body = register()
    resp = client.post("/api/v1/auth/login", json={"email": body["email"], "password": "wrong-password"})
    assert resp.status_code == 401
    assert resp.headers["www-authenticate"] == "Bearer"
    unknown = client.post("/api/v1/auth/login", json={"email": unique_email(), "password": "whatever-1"})
    assert unknown.status_code == 401
    assert unknown.json()["detail"] == resp.json()["detail"]  # no account enumeration


def test_login_needs_an_identifier(client):
    assert client.post("/api/v1/auth/login", json={"password": "x"}).status_code == 422


def test_logout_revokes_token_and_clears_cookie(client, register):
    token, _ = register()
    resp = client.post("/api/v1/auth/logout", headers=bearer(token))
    assert resp.status_code == 200
    assert 'cc_session=""' in resp.headers["set-cookie"] and "Max-Age=0" in resp.headers["set-cookie"]
    after = client.get("/api/v1/auth/me", headers=bearer(token))
    assert after.status_code == 401
    assert after.json()["detail"] == "Token has been revoked"


def test_logout_without_session_is_harmless(client):
    assert client.post("/api/v1/auth/logout").status_code == 200


def test_failed_logins_are_throttled_per_account_and_address(client, register):
    from career_app.settings import settings

    _, body = register()
    for _ in range(settings.login_failures_per_pair):
        assert client.post("/api/v1/auth/login", json={"email": body["email"], "password": "nope-nope"}).status_code == 401
    throttled = client.post("/api/v1/auth/login", json={"email": body["email"], "password": body["password"]})
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) == 1


def test_failed_logins_are_rate_limited_per_address(api):
    from fastapi.testclient import TestClient

    from career_app.settings import settings

    with TestClient(api, base_url="http://localhost", client=("203.0.113.9", 4000)) as c:
        for i in range(settings.login_failures_per_address):
            c.post("/api/v1/auth/login", json={"email": unique_email(f"spray{i}"), "password": "guess-guess"})
        resp = c.post("/api/v1/auth/login", json={"email": unique_email(), "password": "guess-guess"})
        assert resp.status_code == 429
    with TestClient(api, base_url="http://localhost", client=("203.0.113.10", 4000)) as other:
        resp = other.post("/api/v1/auth/login", json={"email": unique_email(), "password": "guess-guess"})
        assert resp.status_code == 401


def test_successful_login_resets_account_failures(client, register):
    from career_app.settings import settings

    _, body = register()
    for _ in range(settings.login_failures_per_pair - 1):
        client.post("/api/v1/auth/login", json={"email": body["email"], "password": "nope-nope"})
    assert client.post("/api/v1/auth/login", json={"email": body["email"], "password": body["password"]}).status_code == 200
    assert client.post("/api/v1/auth/login", json={"email": body["email"], "password": "nope-nope"}).status_code == 401


def test_disabled_account_cannot_use_token_or_login(client, register):
    from sqlmodel import select

    from career_app.db import session_scope
    from models import User

    token, body = register()
    with session_scope() as session:
        user = session.exec(select(User).where(User.email == body["email"])).one()
        user.is_active = False
        session.add(user)
        session.commit()
    assert client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401
    assert client.post("/api/v1/auth/login", json={"email": body["email"], "password": body["password"]}).status_code == 401


def test_browser_session_exchange_is_one_time_and_same_site(client, register):
    from sqlmodel import select

    from career_app.db import app_redis, session_scope
    from career_app.services import auth
    from models import User

    _, body = register()
    with session_scope() as session:
        user = session.exec(select(User).where(User.email == body["email"])).one()
    code = auth.create_login_code(app_redis(), user)
    first = client.get(f"/api/v1/auth/session/{code}", params={"next": "//evil.example/x"}, follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/dashboard"
    assert "HttpOnly" in first.headers["set-cookie"]
    second = client.get(f"/api/v1/auth/session/{code}", follow_redirects=False)
    assert second.headers["location"].startswith("/signin")


def test_a_remembered_caller_is_refreshed_by_one_request_while_the_others_still_use_it(register):
    import time

    from career_app.db import app_redis, session_scope
    from career_app.services import auth as auth_service

    token, _ = register("seeker")
    with session_scope() as session:
        auth_service.remembered_user_from_token(session, app_redis(), token)
    deadline = time.monotonic() + 3
    while auth_service.cached_user(token) is None and time.monotonic() < deadline:  # mirror subscribing
        with session_scope() as session:
            auth_service.remembered_user_from_token(session, app_redis(), token)
        time.sleep(0.05)
    key = auth_service._cache_key(auth_service._identity_version.mirrored(), token)
    user = auth_service._identities[key][1]
    auth_service._identities[key] = (time.monotonic() + auth_service.REFRESH_AHEAD_SECONDS / 2, user)
    assert auth_service.cached_user(token) is None, "the first caller near expiry refreshes"
    assert auth_service.cached_user(token) is user, "the others keep the entry meanwhile"
    with session_scope() as session:
        auth_service.remembered_user_from_token(session, app_redis(), token)
    assert key not in auth_service._refreshing
    assert auth_service.cached_user(token) is not None
