"""The live chat across processes, as several backend workers run it: events reach sockets held by
another process, a takeover made in one process stops a reply streaming in another, and a web
process killed mid-conversation loses nothing that was acknowledged: the conversation goes on
through another process, and the reply the dead process was writing is written again."""

import json
import time
import uuid

import httpx
import pytest
from websockets.sync.client import connect

from tests.api.conftest import web_apps


@pytest.fixture(scope="module")
def apps(service_env, worker):
    # The offline coach streams slowly enough for a takeover or a crash to land mid-reply.
    with web_apps(service_env, 2, COACH_OFFLINE_WORD_DELAY="0.05") as started:
        yield started


def register(url: str, role: str = "seeker") -> str:
    body = {"email": f"{role}-{uuid.uuid4().hex[:10]}@example.com", "password": "correct-horse-1",
            "full_name": f"Process {role}", "role": role}
    resp = httpx.post(f"{url}/api/v1/auth/register", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()["access_token"]


def admin_token(url: str, make_admin) -> str:
    email, password = make_admin()
    return httpx.post(f"{url}/api/v1/auth/login", json={"email": email, "password": password}).json()["access_token"]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def socket(url: str, session_id: str, token: str):
    return connect(f"{url.replace('http://', 'ws://')}/api/v1/ws/chat/{session_id}?token={token}", open_timeout=10)


def until(ws, wanted: str, timeout: float = 20) -> tuple[dict, list[dict]]:
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        if frame.get("type") == wanted:
            return frame, seen
        seen.append(frame)
    raise AssertionError(f"no {wanted} within {timeout} s; saw {[f.get('type') for f in seen]}")


def test_events_cross_processes_and_a_takeover_stops_a_stream_in_another(apps, make_admin):
    a, b = apps
    seeker, admin = register(a.url), admin_token(b.url, make_admin)
    sid = httpx.post(f"{a.url}/api/v1/chat/sessions", headers=auth(seeker)).json()["id"]
    with socket(a.url, sid, seeker) as mine, socket(b.url, sid, admin) as theirs:
        until(mine, "history_replay")
        until(theirs, "history_replay")
        mine.send("How do I get ready for interviews and improve my resume?")
        seen, _ = until(theirs, "user_message")  # written through process a, seen on process b
        assert seen["message"]["content"].startswith("How do I get ready")
        until(theirs, "ai_delta")  # the coach streams from process a
        resp = httpx.post(f"{b.url}/api/v1/admin/takeover", json={"session_id": sid}, headers=auth(admin))
        assert resp.status_code == 200
        until(mine, "admin_takeover")
        reply, after = until(mine, "ai_reply")
        assert reply["message"]["interrupted"] is True
        assert sum(f["type"] == "ai_delta" for f in after) <= 2, "the stream in process a stopped at once"
        theirs.send("Hello, I am here to help.")
        message, _ = until(mine, "admin_message")
        assert message["message"]["content"] == "Hello, I am here to help."


def test_a_web_process_killed_mid_conversation_loses_nothing(apps, make_admin):
    a, b = apps
    seeker = register(b.url)
    sid = httpx.post(f"{b.url}/api/v1/chat/sessions", headers=auth(seeker)).json()["id"]
    with socket(a.url, sid, seeker) as ws:
        until(ws, "history_replay")
        ws.send("First question: which skills matter most?")
        until(ws, "ai_reply")
        ws.send("Second question: how should I prepare for interviews?")
        echo, _ = until(ws, "user_message")  # acknowledged: committed before it was delivered
        until(ws, "ai_delta")
        a.kill()  # the process streaming the reply dies mid-stream
        with pytest.raises(Exception):
            for _ in range(1000):
                ws.recv(timeout=5)
    try:
        # The conversation continues through the other process: nothing acknowledged is lost, and the
        # unanswered question is answered once someone is back.
        with socket(b.url, sid, seeker) as ws:
            replay, _ = until(ws, "history_replay")
            contents = [m["content"] for m in replay["messages"]]
            assert contents[0] == "First question: which skills matter most?"
            assert echo["message"]["id"] == replay["messages"][-1]["id"]
            reply, _ = until(ws, "ai_reply")
            assert not reply["message"]["interrupted"]
            ws.send("Thanks! One more thing?")
            until(ws, "ai_reply")
        stored = httpx.get(f"{b.url}/api/v1/chat/sessions/{sid}/messages", headers=auth(seeker)).json()["items"]
        assert [m["role"] for m in stored] == ["user", "assistant", "user", "assistant", "user", "assistant"]
    finally:
        a.start()
        a.wait_healthy()


def test_desk_across_processes_typing_presence_and_one_takeover_wins(apps, make_admin):
    """Typing and advisor presence cross processes; two admins taking over through two processes at
    the same moment: exactly one wins, the other is told who holds it."""
    import threading

    a, b = apps
    seeker, admin, admin2 = register(a.url), admin_token(b.url, make_admin), admin_token(a.url, make_admin)
    sid = httpx.post(f"{a.url}/api/v1/chat/sessions", headers=auth(seeker)).json()["id"]
    with socket(a.url, sid, seeker) as mine, socket(b.url, sid, admin) as theirs:
        until(mine, "history_replay")
        until(theirs, "history_replay")
        queued = httpx.post(f"{a.url}/api/v1/chat/sessions/{sid}/request-human", headers=auth(seeker)).json()
        assert queued["status"] == "waiting_human"
        until(theirs, "human_requested")
        mine.send(json.dumps({"type": "typing"}))
        typing, _ = until(theirs, "typing")
        assert typing["role"] == "seeker"
        # Presence: an advisor going away then coming back, seen by the seeker on the other process.
        httpx.post(f"{b.url}/api/v1/admin/chat/presence", json={"idle_seconds": 300}, headers=auth(admin))
        def presence_of(state: str) -> dict:  # (the admin's socket opening made them online first)
            for _ in range(5):
                event, _ = until(mine, "advisor_presence")
                if event["state"] == state:
                    return event
            raise AssertionError(f"no {state}")

        presence_of("away")
        theirs.send(json.dumps({"type": "heartbeat", "idle_seconds": 0}))
        assert presence_of("online")["online"] >= 1
        results, barrier = {}, threading.Barrier(2)

        def take(url, token):
            barrier.wait()
            results[url] = httpx.post(f"{url}/api/v1/admin/chat/{sid}/takeover", headers=auth(token))

        threads = [threading.Thread(target=take, args=args) for args in ((a.url, admin2), (b.url, admin))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = sorted(r.status_code for r in results.values())
        assert codes == [200, 409], codes
        won = next(r for r in results.values() if r.status_code == 200).json()
        lost = next(r for r in results.values() if r.status_code == 409).json()
        assert lost["detail"] == f"{won['assignee_name']} holds this conversation"
        joined, _ = until(mine, "admin_takeover")
        assert joined["session"]["assignee_id"] == won["assignee_id"]
