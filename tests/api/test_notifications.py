"""Notifications: notify() and its rules (muted categories, quiet hours in the user's zone, in-app
off), the REST routes with auth and ownership, the websocket served by a real app process, email
through a loopback SMTP server sent by the real RQ worker, and the triggers (resume parsed or
failed, enrichment failed, the hourly job-match digest)."""

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlmodel import select
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from career_app.db import app_redis, session_scope
from career_app.services import auth, live, notifications, presence
from career_app.services.errors import Unauthorized
from career_app.settings import settings
from models.notification import Category, Notification, NotificationSettings, Priority
from tests import resume_files
from tests.api.conftest import bearer
from tests.api.jobs_helpers import post_job, unique_title, wait_job
from tests.conftest import ARTIFACTS, ROOT, eventually, free_port
from tests.llm_server import LoopbackLLM, write_config
from tests.smtp_server import LoopbackSMTP

# The `worker` fixture starts the RQ worker once per session with the environment of that moment,
# which comes after pytest imported every test module: SMTP settings set here reach the worker.
SMTP = LoopbackSMTP("mailer", "s3cret pass/word").start()
SMTP_URL = f"smtp://mailer:{quote('s3cret pass/word', safe='')}@127.0.0.1:{SMTP.port}"
SMTP_FROM = "Career Copilot <notify@example.com>"
os.environ["SMTP_URL"], os.environ["SMTP_FROM"] = SMTP_URL, SMTP_FROM

NURSE_LINES = ["Alex Kim - Registered Nurse", "Eight years of acute care nursing in a busy emergency department.",
               "Patient assessment, medication administration, wound care and triage.",
               "BLS and ACLS certified; EHR charting in Epic.",
               "Skills: patient care, triage, IV therapy, infection control."]


# --- helpers ------------------------------------------------------------------------------------------


def _me(client, token) -> dict:
    return client.get("/api/v1/auth/me", headers=bearer(token)).json()


def _notify(user_id, category=Category.system, **fields) -> Notification | None:
    """notify() as any part of the product calls it (here: from the test process)."""
    fields = {"type": "test_event", "title": "Hello", "message": "Something happened", **fields}
    with session_scope() as session:
        return notifications.notify(session, app_redis(), uuid.UUID(str(user_id)), category=category, **fields)


def _stored(user_id, **where) -> list[Notification]:
    with session_scope() as session:
        query = select(Notification).where(Notification.user_id == uuid.UUID(str(user_id)))
        for name, value in where.items():
            query = query.where(getattr(Notification, name) == value)
        return list(session.exec(query.order_by(Notification.created_at)).all())


def _set_prefs(client, token, **changes) -> dict:
    resp = client.patch("/api/v1/notifications/settings", headers=bearer(token), json=changes)
    assert resp.status_code == 200, resp.text
    return resp.json()


class Published:
    """The live events published for one user, read straight from Redis pub/sub."""

    def __init__(self, user_id):
        r = app_redis()
        self._pubsub = r.pubsub()
        self._pubsub.subscribe(live.channel(r, live.user(user_id)))
        assert self._pubsub.get_message(timeout=5)["type"] == "subscribe"
        self.events: list[dict] = []

    def drain(self, quiet_for: float = 0.5) -> list[dict]:
        """Everything published so far: reads until nothing more came for `quiet_for` seconds."""
        while (message := self._pubsub.get_message(timeout=quiet_for)) is not None:
            if message["type"] == "message":
                self.events.append(json.loads(message["data"]))
        return self.events

    def of_type(self, kind: str) -> list[dict]:
        return [e for e in self.drain() if e["type"] == kind]

    def close(self) -> None:
        self._pubsub.close()


@pytest.fixture
def published():
    opened = []

    def follow(user_id) -> Published:
        opened.append(Published(user_id))
        return opened[-1]

    yield follow
    for p in opened:
        p.close()


# --- REST: auth, ownership, the feed ---------------------------------------------------------------------

ROUTES = [("get", "/api/v1/notifications", None), ("post", "/api/v1/notifications/mark-read", {"all": True}),
          ("get", "/api/v1/notifications/settings", None), ("patch", "/api/v1/notifications/settings", {}),
          ("get", "/api/v1/notifications/socket-token", None)]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_every_route_needs_a_valid_bearer_token(client, register, method, path, body):
    token, _ = register()
    socket_token = client.get("/api/v1/notifications/socket-token", headers=bearer(token)).json()["token"]
    kwargs = {"json": body} if body is not None else {}
    for headers in ({}, bearer("not-a-token"), bearer(socket_token)):
        resp = client.request(method, path, headers=headers, **kwargs)
        assert resp.status_code == 401, (headers, resp.text)
        assert resp.headers["www-authenticate"] == "Bearer"
        assert isinstance(resp.json()["detail"], str)
    assert client.request(method, path, headers=bearer(token), **kwargs).status_code == 200


def test_socket_token_is_short_lived_and_never_a_bearer_token(client, register):
    token, _ = register()
    resp = client.get("/api/v1/notifications/socket-token", headers=bearer(token))
    assert resp.status_code == 200 and resp.headers["cache-control"] == "no-store"
    body = resp.json()
    assert body["expires_in"] == 60 and body["websocket_path"] == "/api/v1/ws/notifications"
    claims = auth.decode_token(body["token"])
    assert claims["purpose"] == auth.SOCKET_PURPOSE and claims["exp"] - claims["iat"] == 60
    refused = client.get("/api/v1/auth/me", headers=bearer(body["token"]))
    assert refused.status_code == 401 and "purpose" in refused.json()["detail"]
    # Nor as the browser's session cookie.
    assert client.get("/api/v1/auth/me", headers={"Cookie": f"{auth.SESSION_COOKIE}={body['token']}"}).status_code == 401


def test_feed_is_paginated_newest_first_and_hides_expired(client, register):
    token, _ = register()
    uid = _me(client, token)["id"]
    ids = [str(_notify(uid, title=f"Note {i}", data={"n": i}).id) for i in range(5)]
    _notify(uid, title="Expired", expires_at=datetime.now(UTC) - timedelta(minutes=1))
    _notify(uid, title="Expires later", expires_at=datetime.now(UTC) + timedelta(hours=1))

    page = client.get("/api/v1/notifications", headers=bearer(token), params={"limit": 3}).json()
    assert page["total"] == 6 and page["unread_count"] == 6 and page["skip"] == 0 and page["limit"] == 3
    assert [n["title"] for n in page["items"]] == ["Expires later", "Note 4", "Note 3"]
    item = page["items"][1]
    assert item["id"] == ids[4] and item["data"] == {"n": 4} and item["read"] is False and item["read_at"] is None
    assert item["category"] == "system" and item["priority"] == "normal" and item["type"] == "test_event"
    rest = client.get("/api/v1/notifications", headers=bearer(token), params={"skip": 3, "limit": 10}).json()
    assert [n["title"] for n in rest["items"]] == ["Note 2", "Note 1", "Note 0"]

    client.post("/api/v1/notifications/mark-read", headers=bearer(token), json={"ids": ids[:2]})
    unread = client.get("/api/v1/notifications", headers=bearer(token), params={"unread_only": True}).json()
    assert unread["total"] == 4 and unread["unread_count"] == 4
    assert {n["id"] for n in unread["items"]} == set(ids[2:]) | {unread["items"][0]["id"]}
    everything = client.get("/api/v1/notifications", headers=bearer(token)).json()
    assert everything["total"] == 6 and everything["unread_count"] == 4
    read = [n for n in everything["items"] if n["id"] in ids[:2]]
    assert all(n["read"] and n["read_at"] for n in read)


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"skip": -1}, {"unread_only": "maybe"},
                                    {"limit": "ten"}])
def test_bad_feed_parameters_are_422(client, register, params):
    token, _ = register()
    resp = client.get("/api/v1/notifications", headers=bearer(token), params=params)
    assert resp.status_code == 422, resp.text


def test_nobody_reads_or_marks_another_users_notifications(client, register, published):
    alice, _ = register()
    bob, _ = register()
    alice_id, bob_id = _me(client, alice)["id"], _me(client, bob)["id"]
    hers = str(_notify(alice_id, title="For Alice only").id)
    his = str(_notify(bob_id, title="For Bob").id)
    assert [n["id"] for n in client.get("/api/v1/notifications", headers=bearer(bob)).json()["items"]] == [his]

    alice_events = published(alice_id)
    # Foreign and unknown ids are ignored, not an error, and change nothing.
    resp = client.post("/api/v1/notifications/mark-read", headers=bearer(bob),
                       json={"ids": [hers, str(uuid.uuid4())]})
    assert resp.status_code == 200 and resp.json() == {"marked": 0, "unread_count": 1}
    assert client.post("/api/v1/notifications/mark-read", headers=bearer(bob), json={"all": True}).json() == {
        "marked": 1, "unread_count": 0}
    alice_page = client.get("/api/v1/notifications", headers=bearer(alice)).json()
    assert alice_page["unread_count"] == 1 and alice_page["items"][0]["read"] is False
    assert alice_events.drain() == []  # nothing was published for Alice either

    resp = client.post("/api/v1/notifications/mark-read", headers=bearer(alice), json={"ids": [hers, hers]})
    assert resp.json() == {"marked": 1, "unread_count": 0}
    assert alice_events.of_type("unread_count") == [{"type": "unread_count", "unread_count": 0}]
    again = client.post("/api/v1/notifications/mark-read", headers=bearer(alice), json={"ids": [hers]})
    assert again.json() == {"marked": 0, "unread_count": 0}


@pytest.mark.parametrize("body", [{}, {"ids": []}, {"all": False}, {"ids": ["not-a-uuid"]},
                                  {"ids": [str(uuid.uuid4())], "all": True}, {"ids": "abc"},
                                  {"ids": [str(uuid.uuid4()) for _ in range(501)]}, [], {"all": "yes please"}])
def test_bad_mark_read_bodies_are_422(client, register, body):
    token, _ = register()
    resp = client.post("/api/v1/notifications/mark-read", headers=bearer(token), json=body)
    assert resp.status_code == 422, resp.text
    assert isinstance(resp.json()["detail"], list)


# --- settings -------------------------------------------------------------------------------------------


def test_settings_defaults_then_partial_updates(client, register, monkeypatch):
    token, _ = register()
    monkeypatch.setattr(settings, "smtp_url", None)
    defaults = client.get("/api/v1/notifications/settings", headers=bearer(token)).json()
    assert defaults == {"muted_categories": [], "in_app": True, "email": False, "email_available": False,
                        "quiet_start": None, "quiet_end": None, "time_zone": "UTC", "match_threshold": 0.7,
                        "updated_at": None}
    changed = _set_prefs(client, token, muted_categories=["system", "chat", "chat"], quiet_start="22:30",
                         quiet_end="07:00", time_zone="America/Sao_Paulo", match_threshold=0.85, email=True)
    assert changed["muted_categories"] == ["chat", "system"]
    assert (changed["quiet_start"], changed["quiet_end"], changed["time_zone"]) == ("22:30", "07:00", "America/Sao_Paulo")
    assert changed["match_threshold"] == 0.85 and changed["email"] is True and changed["in_app"] is True
    assert changed["updated_at"] is not None

    monkeypatch.setattr(settings, "smtp_url", SMTP_URL)
    only_in_app = _set_prefs(client, token, in_app=False)
    assert only_in_app == {**changed, "in_app": False, "email_available": True, "updated_at": only_in_app["updated_at"]}
    cleared = _set_prefs(client, token, quiet_start=None, quiet_end=None, muted_categories=[])
    assert cleared["quiet_start"] is None and cleared["quiet_end"] is None and cleared["muted_categories"] == []
    assert client.get("/api/v1/notifications/settings", headers=bearer(token)).json() == cleared
    other, _ = register()
    assert client.get("/api/v1/notifications/settings", headers=bearer(other)).json()["in_app"] is True


@pytest.mark.parametrize("body", [
    {"muted_categories": ["gossip"]}, {"muted_categories": "chat"}, {"muted_categories": None},
    {"quiet_start": "22:00"}, {"quiet_start": "24:00", "quiet_end": "07:00"}, {"quiet_start": "7:00", "quiet_end": "08:00"},
    {"quiet_start": "22:00", "quiet_end": "22:00"}, {"quiet_start": "22:00", "quiet_end": None},
    {"quiet_start": "10pm", "quiet_end": "07:00"}, {"time_zone": "Mars/Olympus_Mons"}, {"time_zone": "../../etc/passwd"},
    {"time_zone": ""}, {"time_zone": None}, {"match_threshold": 1.5}, {"match_threshold": -0.1},
    {"match_threshold": "high"}, {"in_app": None}, {"email": "sometimes"}, {"time_zone": "x" * 5000},
])
def test_invalid_settings_are_422_and_change_nothing(client, register, body):
    token, _ = register()
    before = client.get("/api/v1/notifications/settings", headers=bearer(token)).json()
    resp = client.patch("/api/v1/notifications/settings", headers=bearer(token), json=body)
    assert resp.status_code == 422, resp.text
    assert client.get("/api/v1/notifications/settings", headers=bearer(token)).json() == before


def test_nan_threshold_is_refused(client, register):
    token, _ = register()
    resp = client.patch("/api/v1/notifications/settings", headers={**bearer(token), "Content-Type": "application/json"},
                        content=b'{"match_threshold": NaN}')
    assert resp.status_code == 422


# --- notify(): muted, quiet hours, in-app off ------------------------------------------------------------


def test_muted_category_creates_nothing_and_others_still_arrive(client, register, published):
    token, _ = register()
    uid = _me(client, token)["id"]
    _set_prefs(client, token, muted_categories=["job_match"])
    events = published(uid)
    assert _notify(uid, Category.job_match, title="Muted") is None
    assert _stored(uid) == [] and events.drain() == []

    note = _notify(uid, Category.chat, type="admin_joined_chat", title="An advisor joined your chat",
                   priority=Priority.high, data={"session_id": "s-1"}, action_url="/coach/s-1")
    assert [n.id for n in _stored(uid)] == [note.id] and note.pushed is True
    pushed = events.of_type("notification")
    assert len(pushed) == 1 and pushed[0]["unread_count"] == 1
    assert pushed[0]["notification"]["id"] == str(note.id)
    assert pushed[0]["notification"]["category"] == "chat" and pushed[0]["notification"]["priority"] == "high"
    assert pushed[0]["notification"]["action_url"] == "/coach/s-1"


def _window_around_now(zone: str) -> tuple[str, str]:
    local = datetime.now(ZoneInfo(zone))
    return (local - timedelta(hours=1)).strftime("%H:%M"), (local + timedelta(hours=1)).strftime("%H:%M")


def test_quiet_hours_in_the_users_zone_store_without_pushing(client, register, published):
    token, _ = register()
    uid = _me(client, token)["id"]
    start, end = _window_around_now("Asia/Tokyo")  # now, in Tokyo; 9 hours away from now in UTC
    _set_prefs(client, token, quiet_start=start, quiet_end=end, time_zone="UTC")
    events = published(uid)
    outside = _notify(uid, title="Outside quiet hours")
    assert outside.pushed is True and len(events.of_type("notification")) == 1

    _set_prefs(client, token, time_zone="Asia/Tokyo")
    quiet = _notify(uid, title="During quiet hours")
    assert quiet is not None and quiet.pushed is False
    assert [e["notification"]["id"] for e in events.drain()] == [str(outside.id)], "nothing pushed in quiet hours"
    page = client.get("/api/v1/notifications", headers=bearer(token)).json()
    assert page["unread_count"] == 2 and page["items"][0]["title"] == "During quiet hours"


def test_in_app_off_stores_without_pushing(client, register, published):
    token, _ = register()
    uid = _me(client, token)["id"]
    _set_prefs(client, token, in_app=False)
    events = published(uid)
    note = _notify(uid, title="Stored only")
    assert note.pushed is False and [n.id for n in _stored(uid)] == [note.id]
    assert events.drain() == []


@pytest.mark.parametrize(("start", "end", "at", "quiet"), [
    ("22:00", "07:00", "23:30", True), ("22:00", "07:00", "03:00", True), ("22:00", "07:00", "07:00", False),
    ("22:00", "07:00", "12:00", False), ("09:00", "17:00", "09:00", True), ("09:00", "17:00", "17:00", False),
    ("09:00", "17:00", "08:59", False),
])
def test_quiet_hour_windows(start, end, at, quiet):
    prefs = NotificationSettings(user_id=uuid.uuid4(), quiet_start=start, quiet_end=end, time_zone="Europe/Lisbon")
    hour, minute = map(int, at.split(":"))
    local = datetime(2026, 1, 15, hour, minute, tzinfo=ZoneInfo("Europe/Lisbon"))  # winter: UTC+0
    assert notifications.in_quiet_hours(prefs, local.astimezone(UTC)) is quiet
    summer = datetime(2026, 7, 15, hour, minute, tzinfo=ZoneInfo("Europe/Lisbon"))  # UTC+1
    assert notifications.in_quiet_hours(prefs, summer.astimezone(UTC)) is quiet
    assert notifications.in_quiet_hours(NotificationSettings(user_id=uuid.uuid4()), local) is False


# --- email through the real worker ----------------------------------------------------------------------


def test_email_is_sent_by_the_worker_through_smtp(client, register, worker, monkeypatch):
    monkeypatch.setattr(settings, "smtp_url", SMTP_URL)  # this process enqueues; the worker got it from the env
    silent, silent_body = register()
    token, body = register()
    silent_id, uid = _me(client, silent)["id"], _me(client, token)["id"]
    assert _set_prefs(client, token, email=True)["email_available"] is True

    _notify(silent_id, title="No email for me")  # email off: no task at all
    note = _notify(uid, type="admin_replied", category=Category.chat, title="Your advisor replied\r\nBcc: x@evil.test",
                   message="Ana answered your question about salaries.", action_url="/coach/abc")
    assert eventually(lambda: SMTP.to(body["email"]), 30), "no email arrived"
    [received] = SMTP.to(body["email"])
    assert received.authenticated_as == "mailer"  # the credentials in SMTP_URL, percent-decoded
    assert received.rcpt_to == [body["email"]]
    message = received.message
    assert message["Subject"] == "Your advisor replied Bcc: x@evil.test" and message["Bcc"] is None
    assert message["From"] == SMTP_FROM and message["To"] == body["email"]
    text = message.get_content()
    assert "Ana answered your question about salaries." in text and "/coach/abc" in text
    # FIFO queue, one worker: had the silent user's email been queued, it would have been sent first.
    assert SMTP.to(silent_body["email"]) == []
    assert len(SMTP.to(body["email"])) == 1
    with session_scope() as session:  # the task is idempotent: running it again sends nothing
        assert notifications.deliver_email(session, app_redis(), note.id) == {"status": "skipped",
                                                                               "reason": "already sent"}


def test_email_is_queued_only_with_smtp_configured(client, register, monkeypatch):
    queued = []
    monkeypatch.setattr(notifications.tasks, "enqueue", lambda conn, name, owner, *args: queued.append((name, args)))
    token, _ = register()
    uid = _me(client, token)["id"]
    _set_prefs(client, token, email=True)
    monkeypatch.setattr(settings, "smtp_url", None)
    _notify(uid, title="Stored and pushed only")
    assert queued == [] and len(_stored(uid)) == 1
    monkeypatch.setattr(settings, "smtp_url", SMTP_URL)
    note = _notify(uid, title="Emailed too")
    assert queued == [("send_email", (str(note.id),))]


# --- websocket (a real app process) ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def app_url(service_env):
    """The app as `make run` serves it (granian, Reflex mounted), API only, one worker."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "app-notifications.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "career_app.serve", "--port", str(port), "--workers", "1",
                             "--no-frontend"], cwd=ROOT, env=service_env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(f"{url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return proc.poll() is not None

    assert eventually(healthy, 120, 0.5) and proc.poll() is None, Path(log.name).read_text()[-3000:]
    yield url
    os.killpg(proc.pid, 15)
    proc.wait(timeout=30)
    log.close()


def _ws(app_url: str, query: str = ""):
    return connect(app_url.replace("http", "ws", 1) + "/api/v1/ws/notifications" + query, proxy=None,
                   open_timeout=10, max_size=2 ** 22)


def _recv(ws, timeout: float = 5.0):
    raw = ws.recv(timeout=timeout)
    return json.loads(raw) if isinstance(raw, str) and raw.startswith("{") else raw


def _closed_with(ws, timeout: float = 8.0) -> int:
    try:
        while True:
            ws.recv(timeout=timeout)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else closed.sent.code
    except TimeoutError:
        return -1


def _socket_token(url: str, token: str) -> str:
    return httpx.get(f"{url}/api/v1/notifications/socket-token", headers=bearer(token)).json()["token"]


def test_websocket_refuses_missing_invalid_and_spent_tokens(app_url, client, register):
    token, _ = register()
    with _ws(app_url) as ws:  # no token at all: closed once the 5 s for an auth frame are over
        assert _closed_with(ws) == 4401
    with _ws(app_url) as ws:
        ws.send(json.dumps({"type": "subscribe"}))  # a first frame that is not an auth frame
        assert _closed_with(ws, 2) == 4401
    with _ws(app_url, "?token=forged.token.value") as ws:
        assert _closed_with(ws, 2) == 4401
    with _ws(app_url) as ws:
        ws.send("not json")
        assert _closed_with(ws, 2) == 4401
    socket_token = _socket_token(app_url, token)
    with _ws(app_url, f"?token={socket_token}") as ws:
        assert _recv(ws)["type"] == "hello"
    with _ws(app_url, f"?token={socket_token}") as ws:  # single use
        assert _closed_with(ws, 2) == 4401
    client.post("/api/v1/auth/logout", headers=bearer(token))
    with _ws(app_url, f"?token={token}") as ws:  # a revoked access token
        assert _closed_with(ws, 2) == 4401


def test_websocket_hello_live_events_ping_and_bad_frames(app_url, client, register):
    token, _ = register()
    uid = _me(client, token)["id"]
    _notify(uid, title="Before connecting 1")
    _notify(uid, title="Before connecting 2")
    with _ws(app_url, f"?token={_socket_token(app_url, token)}") as ws:
        assert _recv(ws) == {"type": "hello", "unread_count": 2}
        assert eventually(lambda: presence.online(app_redis(), uid)), "the socket marks the user present"

        note = _notify(uid, Category.job_match, title="Live from another process", data={"k": "v"})
        event = _recv(ws)
        assert event["type"] == "notification" and event["unread_count"] == 3
        assert event["notification"]["id"] == str(note.id) and event["notification"]["data"] == {"k": "v"}
        assert event["notification"]["title"] == "Live from another process"

        ws.send("__ping__")
        assert _recv(ws) == "__pong__"
        ws.send(json.dumps({"type": "ping"}))
        assert _recv(ws) == {"type": "pong"}
        for frame, words in [(b"\x00\x01binary", "Binary"), ("{not json", "Invalid JSON"),
                             ("x" * 100_000, "at most"), ('["a", "list"]', "Unknown"),
                             (json.dumps({"type": "auth", "token": token}), "Already authenticated")]:
            ws.send(frame)
            reply = _recv(ws)
            assert reply["type"] == "error" and words in reply["detail"], (frame[:20], reply)
        ws.send("__ping__")
        assert _recv(ws) == "__pong__", "the socket still works after bad frames"

        client.post("/api/v1/notifications/mark-read", headers=bearer(token), json={"all": True})
        assert _recv(ws) == {"type": "unread_count", "unread_count": 0}
        _notify(uid, title="Still live")
        assert _recv(ws)["notification"]["title"] == "Still live"
    assert eventually(lambda: not presence.online(app_redis(), uid)), "presence cleared on disconnect"


def test_websocket_auth_frame_with_an_access_token_and_two_sockets(app_url, client, register):
    token, _ = register()
    other, _ = register()
    uid, other_id = _me(client, token)["id"], _me(client, other)["id"]
    with _ws(app_url) as first, _ws(app_url, f"?token={_socket_token(app_url, token)}") as second:
        first.send(json.dumps({"type": "auth", "token": token}))
        assert _recv(first) == {"type": "hello", "unread_count": 0}
        assert _recv(second) == {"type": "hello", "unread_count": 0}
        _notify(other_id, title="Not yours")
        _notify(uid, title="Both tabs")
        assert _recv(first)["notification"]["title"] == "Both tabs"  # the other user's never came first
        assert _recv(second)["notification"]["title"] == "Both tabs"


def test_open_socket_is_rechecked_against_sign_out(client, register):
    token, _ = register()
    uid = uuid.UUID(_me(client, token)["id"])
    socket_token = client.get("/api/v1/notifications/socket-token", headers=bearer(token)).json()["token"]
    with session_scope() as session:
        user, session_claims = notifications.open_socket(session, app_redis(), token)
        assert user.id == uid and session_claims["jti"] == auth.decode_token(token)["jti"]
        assert auth.session_user(session, app_redis(), session_claims).id == uid
        # A socket token belongs to the session it was asked for with.
        _user, socket_session = notifications.open_socket(session, app_redis(), socket_token)
        assert socket_session["jti"] == session_claims["jti"] and socket_session["exp"] == session_claims["exp"]
    client.post("/api/v1/auth/logout", headers=bearer(token))
    with session_scope() as session:
        for claims in (session_claims, socket_session):
            with pytest.raises(Unauthorized, match="Session ended"):
                auth.session_user(session, app_redis(), claims)


# --- triggers --------------------------------------------------------------------------------------------


def _upload_async(client, token, data: bytes) -> str:
    resp = client.post("/api/v1/resume/upload", headers=bearer(token),
                       files={"file": ("resume.pdf", data, "application/pdf")})
    assert resp.status_code == 202, resp.text
    return resp.json()["upload_id"]


def test_resume_parsed_and_failed_notify_the_uploader(client, register, worker):
    token, _ = register()
    uid = _me(client, token)["id"]
    good = _upload_async(client, token, resume_files.pdf_resume())
    assert eventually(lambda: _stored(uid), 60), "no notification after parsing"
    [parsed] = _stored(uid)
    assert (parsed.type, parsed.category, parsed.action_url) == ("resume_parsed", Category.resume, "/resume")
    assert parsed.data["upload_id"] == good and "Python" in parsed.data["skills"]
    assert "skills found" in parsed.message

    bad = _upload_async(client, token, resume_files.image_only_pdf())
    assert eventually(lambda: len(_stored(uid)) == 2, 60), "no notification after a failed parse"
    failed = _stored(uid)[1]
    assert (failed.type, failed.category, failed.priority) == ("resume_parse_failed", Category.resume, Priority.high)
    assert failed.data["upload_id"] == bad and "scanned" in failed.message
    status = client.get(f"/api/v1/resume/{bad}/status", headers=bearer(token)).json()
    assert status["status"] == "failed"


@pytest.fixture
def llm_config():
    path = Path(os.environ["LLM_CONFIG_FILE"])
    yield path
    path.unlink(missing_ok=True)


def test_failed_enrichment_notifies_the_owner_once(client, register, worker, llm_config):
    owner, _ = register("provider")
    bystander, _ = register("provider")
    owner_id, bystander_id = _me(client, owner)["id"], _me(client, bystander)["id"]
    with LoopbackLLM(mode="error") as broken:
        write_config(llm_config, ("broken", broken))
        job_id = post_job(client, owner, title=unique_title("Data Engineer"))
        wait_job(client, owner, job_id, statuses=("enrich_failed",))
        assert eventually(lambda: _stored(owner_id), 10)
        [note] = _stored(owner_id)
        assert (note.type, note.category, note.priority) == ("job_enrichment_failed", Category.enrichment, Priority.high)
        assert note.data["job_id"] == job_id and "broken" in note.data["error"] and note.action_url == "/provider"
        # The owner retries by hand and it fails again: the unread notice is updated, not repeated.
        assert client.post(f"/api/v1/jobs/{job_id}/retry-enrichment", headers=bearer(owner)).status_code == 202
        assert eventually(lambda: _stored(owner_id)[0].data.get("attempts", 0) > note.data["attempts"], 30)
    assert len(_stored(owner_id)) == 1 and _stored(bystander_id) == []
    client.delete(f"/api/v1/jobs/{job_id}", headers=bearer(owner))  # no later automatic retry goes live


def _seeker_with_resume(client, register, lines=resume_files.RESUME_LINES, **prefs) -> tuple[str, str]:
    token, _ = register()
    resp = client.post("/api/v1/users/resume", headers=bearer(token),
                       files={"file": ("resume.pdf", resume_files.pdf_resume(lines), "application/pdf")})
    assert resp.status_code == 200, resp.text
    if prefs:
        _set_prefs(client, token, **prefs)
    return token, _me(client, token)["id"]


def _digests(user_id) -> list[Notification]:
    return _stored(user_id, type=notifications.DIGEST_TYPE)


def _pushed_ids(events: Published) -> list[str]:
    return [e["notification"]["id"] for e in events.of_type("notification")]


def _counts_sent(events: Published) -> list[int]:
    return [e["unread_count"] for e in events.of_type("unread_count")]


def _an_hour_passes(digest: Notification) -> None:
    with session_scope() as session:
        row = session.get(Notification, digest.id)
        row.created_at -= timedelta(minutes=61)
        session.add(row)
        session.commit()


def test_a_batch_of_new_listings_is_announced_with_one_candidates_query(client, register, worker):
    """announce_many (an ingestion batch's path): each listing of the batch reaches the seekers it
    matches, folded into one digest; a seeker it does not match gets nothing."""
    from models.job import Job
    from models.resume import Resume

    provider, _ = register("provider")
    listed = [post_job(client, provider, title=unique_title(title), company_name=company)
              for title, company in (("Backend Engineer", "Acme Cloud"), ("Python Developer", "Beta Data"))]
    for job_id in listed:
        assert wait_job(client, provider, job_id)["status"] == "active"
    _, fan = _seeker_with_resume(client, register)  # after the listings went live: only the call below
    _, nurse = _seeker_with_resume(client, register, NURSE_LINES)

    def embedded():
        with session_scope() as session:
            return all(session.exec(select(Resume).where(Resume.user_id == uuid.UUID(u))).first().embedding is not None
                       for u in (fan, nurse))
    assert eventually(embedded, 30)
    with session_scope() as session:
        jobs = [session.get(Job, uuid.UUID(job_id)) for job_id in listed]
        assert notifications.announce_many(session, app_redis(), jobs) >= 2
    [digest] = _digests(fan)
    assert digest.data["count"] == 2 and {j["job_id"] for j in digest.data["jobs"]} == set(listed)
    assert all(j["score"] >= 0.7 for j in digest.data["jobs"])
    assert _stored(nurse) == []


def test_new_jobs_reach_matching_seekers_in_one_digest_an_hour(client, register, worker, published):
    fan_token, fan = _seeker_with_resume(client, register)
    _, nurse = _seeker_with_resume(client, register, NURSE_LINES)
    _, muted = _seeker_with_resume(client, register, muted_categories=["job_match"])
    _, picky = _seeker_with_resume(client, register, match_threshold=0.99)
    provider, _ = register("provider")
    events = published(fan)

    first = post_job(client, provider, title=unique_title("Backend Engineer"), company_name="Acme Cloud")
    assert wait_job(client, provider, first)["status"] == "active"
    assert eventually(lambda: _digests(fan), 30), "the matching seeker got no digest"
    [digest] = _digests(fan)
    assert digest.category == Category.job_match and digest.action_url == f"/jobs/{first}"
    assert digest.data["count"] == 1 and [j["job_id"] for j in digest.data["jobs"]] == [first]
    assert digest.data["jobs"][0]["score"] >= 0.7 and "Acme Cloud" in digest.message
    # the score in words, as the match page shows it: "(87% match)", never "score 0.87"
    assert f"({round(digest.data['jobs'][0]['score'] * 100)}% match)" in digest.message and "score" not in digest.message
    assert _pushed_ids(events) == [str(digest.id)]
    client.post("/api/v1/notifications/mark-read", headers=bearer(fan_token), json={"ids": [str(digest.id)]})

    # Within the hour: folded into the same digest, which is unread again; no second push.
    second = post_job(client, provider, title=unique_title("Python Developer"), company_name="Beta Data")
    assert wait_job(client, provider, second)["status"] == "active"
    assert eventually(lambda: _digests(fan)[0].data["count"] == 2, 30), "the second match was not folded in"
    [folded] = _digests(fan)
    assert folded.id == digest.id and {j["job_id"] for j in folded.data["jobs"]} == {first, second}
    assert folded.title == "2 new job matches" and folded.action_url == "/recommended" and folded.read_at is None
    assert _pushed_ids(events) == [str(digest.id)], "no second push within the hour"
    assert _counts_sent(events) == [0, 1]
    assert client.get("/api/v1/notifications", headers=bearer(fan_token)).json()["unread_count"] == 1

    for other in (nurse, muted, picky):
        assert _stored(other) == [], other
    assert _stored(_me(client, provider)["id"]) == []

    # An hour later: a job re-enriched after an edit is not announced again, a new one starts a new digest.
    _an_hour_passes(digest)
    client.patch(f"/api/v1/jobs/{first}", headers=bearer(provider), json={"title": unique_title("Staff Engineer")})
    assert wait_job(client, provider, first)["status"] == "active"
    third = post_job(client, provider, title=unique_title("Platform Engineer"))  # enriched after the edit (FIFO)
    assert wait_job(client, provider, third)["status"] == "active"
    assert eventually(lambda: len(_digests(fan)) == 2, 30), "no new digest after the hour"
    newest = _digests(fan)[1]
    assert newest.data["count"] == 1 and [j["job_id"] for j in newest.data["jobs"]] == [third]
    assert _pushed_ids(events) == [str(digest.id), str(newest.id)]


def test_openapi_documents_the_notification_routes(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    expected = {("/api/v1/notifications", "get"), ("/api/v1/notifications/mark-read", "post"),
                ("/api/v1/notifications/settings", "get"), ("/api/v1/notifications/settings", "patch"),
                ("/api/v1/notifications/socket-token", "get")}
    for path, method in expected:
        operation = paths[path][method]
        assert operation.get("description"), (path, method)
        assert "200" in operation["responses"] and "$ref" in json.dumps(operation["responses"]["200"])
    assert "/api/v1/ws/notifications" in paths["/api/v1/notifications/socket-token"]["get"]["description"]
