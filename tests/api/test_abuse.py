"""Abuse: body caps before parsing, 422s that echo little and no secrets, login throttling that
cannot lock the owner out, JSON 404/405 under /api even with the web app mounted behind, and
passwords of spaces or text with bidirectional controls refused."""

import asyncio
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.responses import HTMLResponse

from career_app.api import limits
from career_app.api.app import ECHO_CHARS, build_api
from career_app.services import auth
from career_app.settings import settings
from tests.api.conftest import bearer
from tests.api.jobs_helpers import job_body
from tests.conftest import unique_email

MB = 1024 * 1024


def _client(api, address: str) -> TestClient:
    return TestClient(api, base_url="http://localhost", client=(address, 1234))


def _login(client, email: str, password: str, **headers):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password}, headers=headers)


# --- body caps ---------------------------------------------------------------------------


def test_json_body_over_1_mb_is_413_before_parsing(client):
    big = {"email": "a@example.com", "password": "x" * (limits.MAX_BODY_BYTES + 1)}
    resp = client.post("/api/v1/auth/login", json=big)
    assert resp.status_code == 413
    assert resp.json() == {"detail": "Request body is larger than 1 MB"}
    # Under the cap the same field is parsed and refused by its own rule, without being echoed.
    under = client.post("/api/v1/auth/login", json={"email": "a@example.com", "password": "x" * (MB - 100)})
    assert under.status_code == 422 and len(under.content) < 1000


def test_chunked_body_is_counted_and_reading_stops_at_the_cap():
    pulled = 0

    async def body():
        nonlocal pulled
        for _ in range(200):  # 12.5 MB if it were all read
            pulled += 1
            yield b"x" * (64 * 1024)

    async def send():
        transport = httpx.ASGITransport(app=build_api())
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as c:
            return await c.post("/api/v1/auth/login", content=body(), headers={"content-type": "application/json"})

    resp = asyncio.run(send())
    assert "content-length" not in resp.request.headers and resp.request.headers["transfer-encoding"] == "chunked"
    assert resp.status_code == 413 and resp.json()["detail"] == "Request body is larger than 1 MB"
    assert pulled <= limits.MAX_BODY_BYTES // (64 * 1024) + 2


def test_multipart_uploads_get_the_upload_cap(client):
    from career_app.services.documents import MAX_UPLOAD_BYTES

    five_mb = {"file": ("resume.pdf", b"%PDF-" + b"0" * (5 * MB), "application/pdf")}
    # Past the 1 MB cap of other bodies, yet read: the route itself answers (no token: 401).
    assert client.post("/api/v1/users/resume", files=five_mb).status_code == 401
    too_big = {"file": ("resume.pdf", b"%PDF-" + b"0" * (MAX_UPLOAD_BYTES + 100 * 1024), "application/pdf")}
    resp = client.post("/api/v1/users/resume", files=too_big)
    assert resp.status_code == 413 and resp.json() == {"detail": "Request body is larger than 10 MB"}
    # The same 5 MB as JSON is over its cap.
    assert client.post("/api/v1/users/resume", json={"file": "0" * (5 * MB)}).status_code == 413


def test_a_route_can_declare_a_larger_cap(client, monkeypatch):
    body = {"email": "a@example.com", "password": "x" * (2 * MB)}
    assert client.post("/api/v1/auth/login", json=body).status_code == 413
    monkeypatch.setitem(limits.LARGER_BODY_LIMITS, "/api/v1/auth/login", 3 * MB)
    assert client.post("/api/v1/auth/login", json=body).status_code == 422


# --- what a 422 echoes ---------------------------------------------------------------------


def test_422_never_echoes_passwords_or_secret_fields(client, register):
    resp = client.post("/api/v1/auth/register", json={"email": unique_email(), "password": "pw9Qz", "full_name": "X"})
    assert resp.status_code == 422
    (error,) = resp.json()["detail"]
    assert error["loc"] == ["body", "password"] and "input" not in error
    assert "pw9Qz" not in resp.text
    # A model-level error carries the whole body as its input: the password is left out of it.
    resp = client.post("/api/v1/auth/login", json={"password": "hunter2-secret"})
    assert resp.status_code == 422 and "hunter2-secret" not in resp.text
    assert resp.json()["detail"][0]["input"] == {}
    # Any field named like a secret, wherever it is.
    token, _ = register()
    resp = client.patch("/api/v1/users/me", headers=bearer(token),
                        json={"api_token": "tok-123456", "client_secret": "sec-123456", "headline": "ok"})
    assert resp.status_code == 422
    assert {tuple(e["loc"]) for e in resp.json()["detail"]} == {("body", "api_token"), ("body", "client_secret")}
    assert "tok-123456" not in resp.text and "sec-123456" not in resp.text


def test_422_echoes_only_a_short_prefix(client, register):
    resp = client.post("/api/v1/auth/register",
                       json={"email": unique_email(), "password": "password-123", "full_name": "N" * 100_000})
    assert resp.status_code == 422
    echoed = resp.json()["detail"][0]["input"]
    assert echoed.startswith("N" * ECHO_CHARS) and len(echoed) <= ECHO_CHARS + 1
    assert len(resp.content) < 2000
    # Thousands of unknown fields, each with a long name: a few short errors, not the body back.
    token, _ = register()
    flood = {f"{'k' * 1000}{i}": i for i in range(500)}
    resp = client.patch("/api/v1/users/me", headers=bearer(token), json=flood)
    assert resp.status_code == 422
    assert 0 < len(resp.json()["detail"]) <= 20 and len(resp.content) < 20_000


# --- login throttling ---------------------------------------------------------------------


def test_throttled_address_never_locks_the_owner_out(api, register):
    _, body = register()
    with _client(api, "198.51.100.7") as attacker, _client(api, "192.0.2.10") as owner:
        for _ in range(settings.login_failures_per_pair):
            assert _login(attacker, body["email"], "guess-guess").status_code == 401
        throttled = _login(attacker, body["email"], body["password"])
        assert throttled.status_code == 429 and throttled.headers["retry-after"] == "1"
        assert _login(owner, body["email"], body["password"]).status_code == 200


def test_retry_after_doubles_up_to_the_cap(api, register, monkeypatch):
    monkeypatch.setattr(settings, "login_failures_per_pair", 1)
    monkeypatch.setattr(settings, "login_max_delay_seconds", 2)
    _, body = register()
    waits = []
    with _client(api, "198.51.100.8") as c:
        for _ in range(3):
            if waits:
                time.sleep(waits[-1] + 0.1)
            assert _login(c, body["email"], "guess-guess").status_code == 401
            refused = _login(c, body["email"], "guess-guess")
            assert refused.status_code == 429
            waits.append(int(refused.headers["retry-after"]))
    assert waits == [1, 2, 2]
    assert [auth.login_delay_seconds(n, 5) for n in range(1, 9)] == [0, 0, 0, 0, 1, 2, 2, 2]


def test_guesses_sent_in_parallel_are_all_counted(api, register):
    _, body = register()
    tries = 3 * settings.login_failures_per_pair
    start = threading.Barrier(tries)
    statuses = []

    def guess():
        with _client(api, "198.51.100.9") as c:
            start.wait()
            statuses.append(_login(c, body["email"], "guess-guess").status_code)

    threads = [threading.Thread(target=guess) for _ in range(tries)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Without counting before the password check, every one of them would have been checked (401).
    assert statuses.count(401) <= settings.login_failures_per_pair + 1
    assert statuses.count(429) == tries - statuses.count(401)


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(api, register, monkeypatch):
    _, body = register()
    with _client(api, "10.0.0.5") as c:
        for i in range(settings.login_failures_per_pair):
            _login(c, body["email"], "guess-guess", **{"X-Forwarded-For": f"203.0.113.{i}"})
        # A new X-Forwarded-For each time does not make a new client: still the socket peer.
        assert _login(c, body["email"], body["password"], **{"X-Forwarded-For": "203.0.113.99"}).status_code == 429

        monkeypatch.setattr(settings, "forwarded_allow_ips", "10.0.0.5")
        for _ in range(settings.login_failures_per_pair):
            assert _login(c, body["email"], "guess-guess", **{"X-Forwarded-For": "203.0.113.50"}).status_code == 401
        # Behind the trusted proxy the right-most untrusted entry is the client; what it prepends is ignored.
        spoofed = _login(c, body["email"], body["password"], **{"X-Forwarded-For": "192.0.2.1, 203.0.113.50"})
        assert spoofed.status_code == 429
        assert _login(c, body["email"], body["password"], **{"X-Forwarded-For": "203.0.113.51"}).status_code == 200


def test_client_address_rule(monkeypatch):
    assert auth.client_address("10.0.0.5", "1.2.3.4") == "10.0.0.5"
    monkeypatch.setattr(settings, "forwarded_allow_ips", "10.0.0.0/8")
    assert auth.client_address("10.0.0.5", "9.9.9.9, 1.2.3.4, 10.0.0.7") == "1.2.3.4"
    assert auth.client_address("10.0.0.5", "10.0.0.9, 10.0.0.7") == "10.0.0.9"
    assert auth.client_address("10.0.0.5", "not-an-address") == "10.0.0.5"
    assert auth.client_address("10.0.0.5", None) == "10.0.0.5"
    assert auth.client_address("192.0.2.1", "1.2.3.4") == "192.0.2.1"


# --- unknown API paths and methods -------------------------------------------------------------


def _assert_json_404_and_405(c: TestClient) -> None:
    for path in ("/api/v1/no-such-thing", "/api/nope/deeper", "/api"):
        resp = c.get(path)
        assert resp.status_code == 404 and resp.json() == {"detail": "Not Found"}, path
    wrong = c.delete("/api/v1/auth/login")
    assert wrong.status_code == 405 and wrong.json() == {"detail": "Method Not Allowed"}
    assert wrong.headers["allow"] == "POST"
    assert c.post("/health").headers["allow"] == "GET"


def test_unknown_api_paths_are_json(client):
    _assert_json_404_and_405(client)
    assert not any("{path}" in p for p in client.get("/api/openapi.json").json()["paths"])


def test_unknown_api_paths_stay_json_with_the_web_app_mounted_behind():
    # What reflex 0.10's api_transformer does with a FastAPI app: mount the web app at "" behind it.
    api = build_api()
    api.mount("", HTMLResponse("<html>web app</html>", status_code=404))
    with TestClient(api, base_url="http://localhost") as c:
        assert c.get("/jobs/somewhere").text == "<html>web app</html>"
        _assert_json_404_and_405(c)


# --- passwords of spaces, bidirectional controls -------------------------------------------------


def test_passwords_of_only_spaces_are_refused(client):
    for password in (" " * 12, "\t \n \t \n  "):
        resp = client.post("/api/v1/auth/register",
                           json={"email": unique_email(), "password": password, "full_name": "Space"})
        assert resp.status_code == 422
        assert resp.json()["detail"][0]["msg"] == "Value error, must not be only spaces"
    resp = client.post("/api/v1/auth/login", json={"email": unique_email(), "password": "   "})
    assert resp.status_code == 422 and resp.json()["detail"][0]["loc"] == ["body", "password"]


@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c"])
def test_bidirectional_controls_are_refused_in_text_fields(client, register, char):
    def refused(resp, field):
        assert resp.status_code == 422, resp.text
        error = next(e for e in resp.json()["detail"] if e["loc"][-1] == field)
        assert "bidi" in error["msg"]

    refused(client.post("/api/v1/auth/register",
                        json={"email": unique_email(), "password": "password-123", "full_name": f"Eve{char}lyn"}),
            "full_name")
    seeker, _ = register()
    refused(client.patch("/api/v1/users/me", headers=bearer(seeker), json={"headline": f"Chef {char}gpj.exe"}),
            "headline")
    provider, _ = register("provider")
    refused(client.post("/api/v1/jobs", headers=bearer(provider), json=job_body(title=f"Engineer {char}x")), "title")
    refused(client.get("/api/v1/jobs/search", params={"q": f"python{char}"}), "q")
