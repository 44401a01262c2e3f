"""Overload handling: past the in-flight bound a worker answers 503 + Retry-After at once, outages
of PostgreSQL or Redis are 503s (never 500s), /health stays answerable, and two app processes
behind one PostgreSQL and Redis serve the same data with caches that follow each other's changes."""

import asyncio
import time
import uuid

import httpx
import pytest

from career_app.api.overload import BUSY_DETAIL, AdmissionControl
from tests.api.jobs_helpers import job_body
from tests.api.conftest import web_apps
from tests.conftest import eventually


def test_admission_control_answers_503_at_once_past_its_bound():
    release = asyncio.Event()

    async def slow_app(scope, receive, send):
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"done"})

    async def scenario():
        app = AdmissionControl(slow_app, max_in_flight=2, max_queued=0)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            held = [asyncio.create_task(client.get("/api/v1/jobs/feed")) for _ in range(2)]
            await asyncio.sleep(0.05)
            started = time.monotonic()
            busy = await client.get("/api/v1/jobs/feed")
            waited = time.monotonic() - started
            outside = asyncio.create_task(client.get("/health"))  # not counted: answers when the app does
            release.set()
            done = await asyncio.gather(*held)
            return busy, waited, done, await outside, await client.get("/api/v1/jobs/feed")

    busy, waited, done, health, after = asyncio.run(scenario())
    assert busy.status_code == 503 and busy.json() == {"detail": BUSY_DETAIL}
    assert busy.headers["retry-after"] == "1" and waited < 0.5
    assert [r.status_code for r in done] == [200, 200] and health.status_code == 200
    assert after.status_code == 200, "a slot frees once a request ends"


def test_past_its_bound_a_request_waits_briefly_in_line_then_gets_a_slot_or_a_503():
    """Two slots and one place in line: the third request is served as soon as a slot frees, the
    fourth (line full) is refused at once, and one that waits past queue_seconds gets its 503."""
    gates = [asyncio.Event() for _ in range(5)]

    async def gated_app(scope, receive, send):
        await gates[int(scope["path"].rsplit("/", 1)[1])].wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"done"})

    async def scenario():
        app = AdmissionControl(gated_app, max_in_flight=2, max_queued=1, queue_seconds=0.4)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            held = [asyncio.create_task(client.get(f"/api/v1/x/{k}")) for k in range(2)]
            await asyncio.sleep(0.05)
            queued = asyncio.create_task(client.get("/api/v1/x/2"))
            await asyncio.sleep(0.05)
            started = time.monotonic()
            full = await client.get("/api/v1/x/3")  # the line is full: at once
            refused_in = time.monotonic() - started
            gates[2].set()
            gates[0].set()  # a slot frees: the one in line takes it
            first, in_line = await held[0], await queued
            holder = asyncio.create_task(client.get("/api/v1/x/3"))  # both slots held again
            await asyncio.sleep(0.05)
            started = time.monotonic()
            late = await client.get("/api/v1/x/4")  # waits in line; nobody frees a slot in time
            late_in = time.monotonic() - started
            gates[1].set()
            gates[3].set()
            return full, refused_in, first, in_line, late, late_in, [await held[1], await holder], app

    full, refused_in, first, in_line, late, late_in, others, app = asyncio.run(scenario())
    assert full.status_code == 503 and refused_in < 0.3
    assert [r.status_code for r in (first, in_line, *others)] == [200] * 4
    assert late.status_code == 503 and late.headers["retry-after"] == "1" and late_in >= 0.35
    assert app.in_flight == 0 and not app._waiting, "every slot came back"


@pytest.fixture(scope="module")
def two_apps(service_env, worker):
    """Two web server processes (one granian worker each) on the test PostgreSQL and Redis."""
    with web_apps(service_env, 2, WEB_MAX_IN_FLIGHT="3", WEB_MAX_QUEUED="3", WEB_THREADS="2", DB_POOL_SIZE="4") as apps:
        yield [app.url for app in apps]


def _feed_ids(url: str) -> set[str]:
    return {item["id"] for item in httpx.get(f"{url}/api/v1/jobs/feed", params={"limit": 100}).json()}


def _register(url: str, role: str, full_name: str) -> tuple[str, dict]:
    body = {"email": f"{role}-{uuid.uuid4().hex[:8]}@example.com", "password": "correct-horse-1",
            "full_name": full_name, "role": role}
    token = httpx.post(f"{url}/api/v1/auth/register", json=body).json()["access_token"]
    return token, {"Authorization": f"Bearer {token}"}


def test_two_processes_serve_the_same_jobs_and_follow_each_others_changes(two_apps):
    a, b = two_apps
    _, headers = _register(a, "provider", "Two Apps")
    assert httpx.get(f"{b}/api/v1/auth/me", headers=headers).status_code == 200, "a token from A works on B"
    before_b = _feed_ids(b)  # B now holds a cached feed page
    job_id = httpx.post(f"{a}/api/v1/jobs", json=job_body(title=f"Shared {uuid.uuid4().hex[:6]}"),
                        headers=headers).json()["id"]
    assert job_id not in before_b
    assert eventually(lambda: job_id in _feed_ids(b), 60), "B's cached feed shows the job once it is live"
    assert job_id in _feed_ids(a)
    public = httpx.get(f"{a}/api/v1/jobs/{job_id}")
    assert public.status_code == 200 and public.json()["status"] == "active"
    assert httpx.patch(f"{b}/api/v1/jobs/{job_id}", json={"status": "closed"}, headers=headers).status_code == 200
    assert eventually(lambda: job_id not in _feed_ids(a), 2), "A's cache follows B's change within moments"
    assert httpx.get(f"{a}/api/v1/jobs/{job_id}").status_code == 404, "A's cached job page is gone too"


def test_a_burst_gets_200_or_503_with_retry_after_and_health_answers(two_apps):
    """Uncached searches from 60 clients at once on two processes bounded at 3 requests each."""

    async def scenario():
        async with httpx.AsyncClient(timeout=30) as client:
            searches = [client.get(f"{two_apps[i % 2]}/api/v1/jobs/search", params={"q": f"burst{i}"})
                        for i in range(60)]
            health = [client.get(f"{url}/health") for url in two_apps]
            return await asyncio.gather(*searches, *health)

    *answers, health_a, health_b = asyncio.run(scenario())
    codes = [r.status_code for r in answers]
    assert set(codes) <= {200, 503}, codes
    assert codes.count(503) > 0, "past the bound, requests are shed"
    assert codes.count(200) > 0
    for r in answers:
        if r.status_code == 503:
            assert r.headers["retry-after"] == "1" and r.json()["detail"] == BUSY_DETAIL
    assert health_a.status_code == health_b.status_code == 200
    assert all(httpx.get(f"{url}/api/v1/jobs/search", params={"q": "after"}).status_code == 200 for url in two_apps)


def test_a_trickled_body_holds_no_slot_and_is_dropped_with_408():
    """Slowloris: bodies that arrive a byte at a time never take an admission slot."""

    async def echo_app(scope, receive, send):
        message = await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": message.get("body", b"")})

    app = AdmissionControl(echo_app, max_in_flight=1, body_read_seconds=0.3)

    async def call(method: str, receive):
        sent = []

        async def send(message):
            sent.append(message)

        headers = [(b"content-type", b"application/json")] + ([(b"content-length", b"100")] if method == "POST" else [])
        await app({"type": "http", "method": method, "path": "/api/v1/auth/login", "headers": headers}, receive, send)
        return sent[0]["status"], sent[-1]["body"]

    async def trickle():
        await asyncio.sleep(60)  # the rest of the body never comes

    async def complete():
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def scenario():
        slow = [asyncio.create_task(call("POST", trickle)) for _ in range(5)]
        await asyncio.sleep(0.05)
        normal = await call("POST", complete)  # the slot is free although five bodies are pending
        return normal, await asyncio.gather(*slow)

    normal, slow = asyncio.run(scenario())
    assert normal == (200, b"{}")
    assert all(status == 408 for status, _ in slow)


def test_database_outage_is_a_503_not_a_500(register, tmp_path):
    from fastapi.testclient import TestClient
    from sqlmodel import Session, create_engine

    from career_app.api import deps
    from career_app.api.app import build_api

    token, _ = register("seeker")
    dead = create_engine(f"postgresql+psycopg://postgres@/nope?host={tmp_path}", connect_args={"connect_timeout": 2})
    api = build_api()

    async def dead_session():
        with Session(dead) as session:
            yield session

    api.dependency_overrides[deps.get_session] = dead_session
    resp = TestClient(api).get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 503 and resp.headers["retry-after"] == "1"
    assert "database" in resp.json()["detail"].lower()


def test_a_sign_out_or_profile_change_on_one_process_reaches_the_others_cached_identity(two_apps):
    """/auth/me remembers the caller for a few seconds per process; a change anywhere ends that."""
    a, b = two_apps
    _, headers = _register(a, "seeker", "Before Change")
    assert httpx.get(f"{b}/api/v1/auth/me", headers=headers).json()["full_name"] == "Before Change"  # B remembers
    assert httpx.patch(f"{a}/api/v1/users/me", json={"full_name": "After Change"}, headers=headers).status_code == 200
    assert eventually(lambda: httpx.get(f"{b}/api/v1/auth/me", headers=headers).json()["full_name"] == "After Change",
                       1.0), "B reads the new profile well before its cache would expire"
    assert httpx.post(f"{a}/api/v1/auth/logout", headers=headers).status_code == 200
    assert eventually(lambda: httpx.get(f"{b}/api/v1/auth/me", headers=headers).status_code == 401, 1.0), \
        "a token revoked on A stops working on B at once"
