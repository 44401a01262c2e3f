"""Sessions end everywhere at once: a change of role, password or active flag ends every token of the
account, and a sign-out or such a change closes every websocket of the session within 2 s (a frame
sent after it is refused, not stored). Hostile JSON frames get an error frame and never drop a socket.

Against the app as it is served (granian, Reflex mounted, API only), one process besides this one."""

import json
import subprocess
import sys
import time
import uuid

import httpx
import pytest
from sqlmodel import select
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from career_app.db import app_redis, session_scope
from career_app.services import auth
from models.user import User
from tests.api.conftest import bearer, web_apps
from tests.conftest import ROOT, unique_email

PASSWORD = "correct-horse-1"


@pytest.fixture(scope="module")
def app(service_env):
    with web_apps(service_env, 1) as (started,):
        yield started


def register(url: str, role: str = "seeker") -> tuple[str, str]:
    email = unique_email(role)
    resp = httpx.post(f"{url}/api/v1/auth/register",
                      json={"email": email, "password": PASSWORD, "full_name": "Sam Session", "role": role})
    assert resp.status_code == 201, resp.text
    return resp.json()["access_token"], email


def login(url: str, email: str, password: str = PASSWORD) -> httpx.Response:
    return httpx.post(f"{url}/api/v1/auth/login", json={"email": email, "password": password})


def ws_url(url: str, path: str) -> str:
    return url.replace("http://", "ws://", 1) + path


def chat_socket(url: str, token: str, session_id: str | None = None):
    """(an open chat socket, its conversation's id): use the socket in a `with`."""
    session_id = session_id or httpx.post(f"{url}/api/v1/chat/sessions", headers=bearer(token)).json()["id"]
    ws = connect(ws_url(url, f"/api/v1/ws/chat/{session_id}?token={token}"), proxy=None, open_timeout=10, legacy=True)
    assert json.loads(ws.recv(timeout=5))["type"] == "history_replay"
    return ws, session_id


def notifications_socket(url: str, token: str):
    ws = connect(ws_url(url, f"/api/v1/ws/notifications?token={token}"), proxy=None, open_timeout=10, legacy=True)
    assert json.loads(ws.recv(timeout=5))["type"] == "hello"
    return ws


def socket_token(url: str, token: str) -> str:
    return httpx.get(f"{url}/api/v1/notifications/socket-token", headers=bearer(token)).json()["token"]


def closed_with(ws, timeout: float) -> tuple[int, str, float]:
    """(close code, reason, seconds it took); code -1 when the socket is still open after `timeout`."""
    start = time.monotonic()
    try:
        while True:
            ws.recv(timeout=max(0.01, timeout - (time.monotonic() - start)))
    except ConnectionClosed as closed:
        frame = closed.rcvd or closed.sent
        return frame.code, frame.reason, time.monotonic() - start
    except TimeoutError:
        return -1, "", time.monotonic() - start


def still_answers(ws) -> bool:
    ws.send("__ping__")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if ws.recv(timeout=5) == "__pong__":
            return True
    return False


def message_count(url: str, token: str, session_id: str) -> int:
    resp = httpx.get(f"{url}/api/v1/chat/sessions/{session_id}/messages", headers=bearer(token))
    assert resp.status_code == 200, resp.text
    return resp.json()["total"]


# --- a change of role, password or active flag ends every session --------------------------------------


def test_promotion_by_the_cli_ends_every_token_and_socket_of_the_account(app, service_env):
    url = app.url
    old, email = register(url)
    assert httpx.get(f"{url}/api/v1/auth/me", headers=bearer(old)).status_code == 200  # remembered by the app
    assert httpx.get(f"{url}/api/v1/admin/users", headers=bearer(old)).status_code == 403
    chat, _sid = chat_socket(url, old)
    notes = notifications_socket(url, socket_token(url, old))
    with chat, notes:
        out = subprocess.run([sys.executable, "-m", "career_app.cli", "create-admin", email, "--password-stdin"],
                             input="promoted-password-1\n", text=True, capture_output=True, cwd=ROOT, env=service_env)
        assert out.returncode == 0, out.stderr
        assert closed_with(chat, 2.0)[:2] == (4401, "Session ended")
        assert closed_with(notes, 2.0)[:2] == (4401, "Session ended")
    # The token from before the promotion is refused everywhere, remembered or not.
    resp = httpx.get(f"{url}/api/v1/admin/users", headers=bearer(old))
    assert resp.status_code == 401 and resp.headers["www-authenticate"] == "Bearer"
    assert httpx.get(f"{url}/api/v1/auth/me", headers=bearer(old)).status_code == 401
    assert login(url, email).status_code == 401, "the password was re-keyed too"
    fresh = login(url, email, "promoted-password-1").json()
    assert fresh["user"]["role"] == "admin"
    assert httpx.get(f"{url}/api/v1/admin/users", headers=bearer(fresh["access_token"])).status_code == 200


def _account(email: str) -> User:
    with session_scope() as session:
        user = session.exec(select(User).where(User.email == email)).one()
        session.expunge(user)
        return user


def _change(email: str, **changes) -> None:
    with session_scope() as session:
        user = session.exec(select(User).where(User.email == email)).one()
        auth.change_account(session, app_redis(), user, **changes)


def test_password_and_active_flag_changes_end_every_token_and_unchanged_values_end_none(app):
    url = app.url
    first, email = register(url)
    second = login(url, email).json()["access_token"]
    version = _account(email).token_version

    _change(email, role=_account(email).role, is_active=True)  # nothing changes: every session stands
    assert _account(email).token_version == version
    assert all(httpx.get(f"{url}/api/v1/auth/me", headers=bearer(t)).status_code == 200 for t in (first, second))

    _change(email, password="a-new-password-2")
    assert _account(email).token_version == version + 1
    for token in (first, second):
        assert httpx.get(f"{url}/api/v1/auth/me", headers=bearer(token)).status_code == 401
        assert httpx.get(f"{url}/api/v1/users/me", headers=bearer(token)).status_code == 401
    third = login(url, email, "a-new-password-2").json()["access_token"]
    assert httpx.get(f"{url}/api/v1/auth/me", headers=bearer(third)).status_code == 200

    _change(email, is_active=False)
    assert httpx.get(f"{url}/api/v1/auth/me", headers=bearer(third)).status_code == 401
    assert login(url, email, "a-new-password-2").status_code == 401
    _change(email, is_active=True)
    assert httpx.get(f"{url}/api/v1/auth/me", headers=bearer(third)).status_code == 401, "re-enabling revives nothing"
    assert login(url, email, "a-new-password-2").status_code == 200


# --- sign-out closes every socket of the session -----------------------------------------------------


def test_sign_out_closes_every_socket_of_the_token_within_two_seconds_and_no_other(app):
    url = app.url
    token, email = register(url)
    other_session = login(url, email).json()["access_token"]
    chat, sid = chat_socket(url, token)
    notes_by_access_token = notifications_socket(url, token)
    notes_by_socket_token = notifications_socket(url, socket_token(url, token))
    elsewhere, _ = chat_socket(url, other_session, sid)  # the same account signed in on another device
    with chat, notes_by_access_token, notes_by_socket_token, elsewhere:
        assert httpx.post(f"{url}/api/v1/auth/logout", headers=bearer(token)).status_code == 200
        for ws in (chat, notes_by_access_token, notes_by_socket_token):
            code, reason, took = closed_with(ws, 2.0)
            assert (code, reason) == (4401, "Session ended") and took < 2.0
        assert still_answers(elsewhere), "the account's other session keeps its socket"


def test_a_chat_frame_sent_after_sign_out_is_refused_not_stored(app):
    url = app.url
    token, email = register(url)
    reader = login(url, email).json()["access_token"]
    chat, sid = chat_socket(url, token)
    with chat:
        assert httpx.post(f"{url}/api/v1/auth/logout", headers=bearer(token)).status_code == 200
        try:
            chat.send("Sent after signing out")
        except ConnectionClosed:
            pass  # already closed by the server: refused all the same
        assert closed_with(chat, 2.0)[:2] == (4401, "Session ended")
    assert message_count(url, reader, sid) == 0


# --- hostile JSON frames -----------------------------------------------------------------------------


DEEP_FRAMES = ["[" * 5000, '{"a":' * 3000, json.dumps({"type": "message", "content": "x"})[:-1] + ', "x": ' + "[" * 4000]


def test_deeply_nested_frames_get_an_error_frame_and_drop_no_socket(app):
    url = app.url
    token, _ = register(url)
    bystander_token, _ = register(url)
    chat, sid = chat_socket(url, token)
    notes = notifications_socket(url, socket_token(url, token))
    bystander = notifications_socket(url, bystander_token)
    with chat, notes, bystander:
        for frame in DEEP_FRAMES:
            for ws in (chat, notes):
                ws.send(frame)
                reply = json.loads(ws.recv(timeout=5))
                assert reply["type"] == "error" and "nested deeper" in reply["detail"], reply
        assert still_answers(chat) and still_answers(notes) and still_answers(bystander)
    assert message_count(url, token, sid) == 0


def test_a_deeply_nested_first_frame_is_a_refused_sign_in(app):
    for path in ("/api/v1/ws/notifications", f"/api/v1/ws/chat/{uuid.uuid4()}"):
        with connect(ws_url(app.url, path), proxy=None, open_timeout=10) as ws:
            ws.send("[" * 5000)
            assert closed_with(ws, 3.0)[0] == 4401
