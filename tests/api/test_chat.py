"""Coach chat over REST and the chat websocket: who may see what, takeover/release, streaming,
queued messages while a human holds the conversation, and bad frames that never drop the socket."""

import json
import os
import time
import uuid
from pathlib import Path

import pytest
from starlette.websockets import WebSocketDisconnect

from career_app.settings import settings
from tests.api.conftest import bearer
from tests.api.jobs_helpers import post_job, unique_title, wait_job
from tests.llm_server import LoopbackLLM, write_config

CONFIG = Path(os.environ["LLM_CONFIG_FILE"])


@pytest.fixture
def people(client, register, make_admin):
    seeker, _ = register("seeker")
    other, _ = register("seeker")
    provider, _ = register("provider")
    def admin_token() -> str:
        email, password = make_admin()
        resp = client.post("/api/v1/auth/login", json={"email": email, "password": password})
        client.cookies.clear()
        return resp.json()["access_token"]

    admin, admin2 = admin_token(), admin_token()
    return {"seeker": seeker, "other": other, "provider": provider, "admin": admin, "admin2": admin2}


@pytest.fixture
def slow_offline_coach():
    """The offline coach streams slowly enough to be interrupted."""
    before = settings.coach_offline_word_delay
    settings.coach_offline_word_delay = 0.05
    yield
    settings.coach_offline_word_delay = before


def new_session(client, token, **body) -> dict:
    resp = client.post("/api/v1/chat/sessions", json=body or None, headers=bearer(token))
    assert resp.status_code == 200, resp.text
    return resp.json()


def ws_url(session_id, token=None) -> str:
    return f"/api/v1/ws/chat/{session_id}" + (f"?token={token}" if token else "")


def until(ws, wanted: str, limit: int = 2000) -> tuple[dict, list[dict]]:
    """Read frames until one of type `wanted`; returns it and everything read before it."""
    seen = []
    for _ in range(limit):
        frame = ws.receive_json()
        if frame.get("type") == wanted:
            return frame, seen
        seen.append(frame)
    raise AssertionError(f"no {wanted} in {len(seen)} frames")


def test_session_rest_contract_and_visibility(client, people):
    s = new_session(client, people["seeker"])
    assert set(s) >= {"id", "user_id", "status", "created_at", "job_id"}
    assert s["status"] == "active_ai" and s["job_id"] is None
    sid = s["id"]
    for who, code in (("seeker", 200), ("admin", 200), ("other", 404), ("provider", 404)):
        assert client.get(f"/api/v1/chat/sessions/{sid}", headers=bearer(people[who])).status_code == code, who
        assert client.get(f"/api/v1/chat/sessions/{sid}/messages", headers=bearer(people[who])).status_code == code
    assert client.get(f"/api/v1/chat/sessions/{sid}").status_code == 401
    assert client.get("/api/v1/chat/sessions/not-a-uuid", headers=bearer(people["seeker"])).status_code == 404
    # Lists: mine for a seeker, everyone's for an admin.
    mine = client.get("/api/v1/chat/sessions", headers=bearer(people["seeker"])).json()
    assert [i["id"] for i in mine["items"]] == [sid]
    assert client.get("/api/v1/chat/sessions", headers=bearer(people["other"])).json()["total"] == 0
    everyone = client.get("/api/v1/chat/sessions?status=active_ai&limit=100", headers=bearer(people["admin"])).json()
    assert sid in [i["id"] for i in everyone["items"]]
    assert client.get("/api/v1/chat/sessions?limit=1000", headers=bearer(people["admin"])).status_code == 422
    # Only seekers have conversations; unknown jobs are 404.
    assert client.post("/api/v1/chat/sessions", headers=bearer(people["provider"])).status_code == 403
    resp = client.post("/api/v1/chat/sessions", json={"job_id": str(uuid.uuid4())}, headers=bearer(people["seeker"]))
    assert resp.status_code == 404
    # Closing: the owner may; a closed conversation takes no more messages.
    assert client.post(f"/api/v1/chat/sessions/{sid}/close", headers=bearer(people["other"])).status_code == 404
    assert client.post(f"/api/v1/chat/sessions/{sid}/close", headers=bearer(people["seeker"])).json()["status"] == "closed"
    resp = client.post(f"/api/v1/chat/sessions/{sid}/messages", json={"content": "hi"}, headers=bearer(people["seeker"]))
    assert resp.status_code == 409


def test_takeover_release_rules(client, people):
    sid = new_session(client, people["seeker"])["id"]
    url = "/api/v1/admin/takeover"
    assert client.post(url, json={"session_id": sid}, headers=bearer(people["seeker"])).json() == \
        {"detail": "Admin access required"}
    assert client.post(url, json={"session_id": str(uuid.uuid4())}, headers=bearer(people["admin"])).status_code == 404
    resp = client.post(url, json={"session_id": sid}, headers=bearer(people["admin"]))
    assert resp.status_code == 200 and resp.json() == {"message": "Takeover successful", "session_id": sid}
    assert client.post(url, json={"session_id": sid}, headers=bearer(people["admin2"])).status_code == 409
    session = client.get(f"/api/v1/chat/sessions/{sid}", headers=bearer(people["seeker"])).json()
    assert session["status"] == "human" and session["admin_id"]
    # Only the holder releases or replies.
    assert client.post("/api/v1/admin/release", json={"session_id": sid}, headers=bearer(people["admin2"])).status_code == 409
    resp = client.post(f"/api/v1/admin/chat/{sid}/messages", json={"content": "Hello from a human"},
                       headers=bearer(people["admin2"]))
    assert resp.status_code == 409
    resp = client.post(f"/api/v1/admin/chat/{sid}/messages", json={"content": "Hello from a human"},
                       headers=bearer(people["admin"]))
    assert resp.status_code == 200 and resp.json()["role"] == "admin"
    assert client.post("/api/v1/admin/release", json={"session_id": sid}, headers=bearer(people["admin"])).status_code == 200
    messages = client.get(f"/api/v1/chat/sessions/{sid}/messages", headers=bearer(people["seeker"])).json()["items"]
    assert [m["role"] for m in messages] == ["system", "admin", "system"]
    newest = client.get(f"/api/v1/chat/sessions/{sid}/messages?order=newest&limit=1",
                        headers=bearer(people["seeker"])).json()
    assert newest["total"] == 3 and newest["items"][0]["id"] == messages[-1]["id"]


def test_websocket_close_codes(client, people):
    sid = new_session(client, people["seeker"])["id"]
    cases = [(ws_url(sid), 4401), (ws_url(sid, "not-a-token"), 4401), (ws_url(sid, people["other"]), 4403),
             (ws_url(uuid.uuid4(), people["seeker"]), 4404), (ws_url("junk", people["seeker"]), 4404)]
    for url, code in cases:
        with pytest.raises(WebSocketDisconnect) as caught:
            with client.websocket_connect(url) as ws:
                if "token" not in url:
                    ws.send_text(json.dumps({"type": "auth", "token": "wrong"}))
                ws.receive_json()
        assert caught.value.code == code, url
    client.post(f"/api/v1/chat/sessions/{sid}/close", headers=bearer(people["seeker"]))
    with pytest.raises(WebSocketDisconnect) as caught:
        with client.websocket_connect(ws_url(sid, people["seeker"])) as ws:
            ws.receive_json()
    assert caught.value.code == 4410


def test_auth_frame_replay_and_offline_coach_streaming(client, people):
    sid = new_session(client, people["seeker"])["id"]
    with client.websocket_connect(ws_url(sid)) as ws:
        ws.send_text(json.dumps({"type": "auth", "token": people["seeker"]}))
        replay = ws.receive_json()
        assert replay["type"] == "history_replay" and replay["session_status"] == "active_ai"
        assert replay["messages"] == []
        ws.send_text("__ping__")
        assert ws.receive_text() == "__pong__"
        ws.send_text("Which skills should I learn for interviews?")
        echo, _ = until(ws, "user_message")
        assert echo["message"]["content"] == "Which skills should I learn for interviews?"
        reply, before = until(ws, "ai_reply")
        deltas = [f["delta"] for f in before if f["type"] == "ai_delta"]
        assert len(deltas) > 5, "the reply streams in chunks"
        assert "".join(deltas) == reply["message"]["content"]
        assert reply["message"]["generated_by"] == "offline" and not reply["message"]["interrupted"]
        assert "I am offline" not in reply["message"]["content"]
    # Everything is stored; a new socket replays the last 10 messages.
    for i in range(5):
        client.post(f"/api/v1/admin/chat/{sid}/messages", json={"content": f"note {i}"}, headers=bearer(people["admin"]))
    with client.websocket_connect(ws_url(sid, people["seeker"])) as ws:
        replay = ws.receive_json()
    assert len(replay["messages"]) == 8 and replay["session_status"] == "human"  # user, ai, system, 5 admin
    assert replay["messages"][0]["role"] == "user" and replay["messages"][-1]["content"] == "note 4"


def test_two_sockets_see_everything_live_and_queued_while_human(client, people):
    sid = new_session(client, people["seeker"])["id"]
    with client.websocket_connect(ws_url(sid, people["seeker"])) as tab1, \
            client.websocket_connect(ws_url(sid, people["seeker"])) as tab2, \
            client.websocket_connect(ws_url(sid, people["admin"])) as admin:
        for ws in (tab1, tab2, admin):
            assert ws.receive_json()["type"] == "history_replay"
        admin.send_text(json.dumps({"type": "message", "content": "Hi, I am Sam from the team."}))
        for ws in (tab1, tab2, admin):
            takeover, _ = until(ws, "admin_takeover")
            assert takeover["event"] == "admin_takeover" and takeover["note"] == "A human agent has joined the chat."
            message, _ = until(ws, "admin_message")
            assert message["message"]["content"] == "Hi, I am Sam from the team."
        tab1.send_text("Thanks Sam, can you look at my resume?")
        queued, _ = until(tab1, "queued")
        assert queued["stored"]["content"].startswith("Thanks Sam") and queued["message"] == queued["note"]
        for ws in (tab2, admin):
            seen, _ = until(ws, "user_message")
            assert seen["message"]["content"].startswith("Thanks Sam")
        resp = client.post("/api/v1/admin/release", json={"session_id": sid}, headers=bearer(people["admin"]))
        assert resp.status_code == 200
        for ws in (tab1, tab2):
            release, _ = until(ws, "admin_release")
            assert release["event"] == "admin_release" and release["session_status"] == "active_ai"
    stored = client.get(f"/api/v1/chat/sessions/{sid}/messages", headers=bearer(people["admin"])).json()["items"]
    assert [m["role"] for m in stored] == ["system", "admin", "user", "system"]


def test_takeover_stops_the_stream_and_keeps_the_partial_reply(client, people, slow_offline_coach):
    sid = new_session(client, people["seeker"])["id"]
    with client.websocket_connect(ws_url(sid, people["seeker"])) as ws:
        ws.receive_json()
        ws.send_text("How do I prepare for the interview and what about my resume?")
        until(ws, "ai_delta")
        until(ws, "ai_delta")
        resp = client.post("/api/v1/admin/takeover", json={"session_id": sid}, headers=bearer(people["admin"]))
        assert resp.status_code == 200
        _takeover, _ = until(ws, "admin_takeover")
        reply, after = until(ws, "ai_reply")
        assert reply["message"]["interrupted"] is True
        assert len([f for f in after if f["type"] == "ai_delta"]) <= 2, "the stream stopped at the takeover"
    stored = client.get(f"/api/v1/chat/sessions/{sid}/messages", headers=bearer(people["seeker"])).json()["items"]
    assistant = [m for m in stored if m["role"] == "assistant"]
    assert len(assistant) == 1 and assistant[0]["interrupted"] and 0 < len(assistant[0]["content"]) < 300


def test_bad_frames_get_errors_and_the_socket_lives(client, people):
    sid = new_session(client, people["seeker"])["id"]
    with client.websocket_connect(ws_url(sid, people["seeker"])) as ws:
        ws.receive_json()
        ws.send_bytes(b"\x00\x01binary")
        assert "Binary" in ws.receive_json()["detail"]
        ws.send_text("{not json")
        assert ws.receive_json() == {"type": "error", "detail": "Invalid JSON"}
        ws.send_text(json.dumps({"type": "message", "content": "   "}))
        assert ws.receive_json()["detail"] == "The message is empty"
        ws.send_text(json.dumps({"type": "message", "content": "x" * 4001}))
        assert "4,000" in ws.receive_json()["detail"]
        ws.send_text("y" * 100_000)
        assert "at most" in ws.receive_json()["detail"]
        ws.send_text(json.dumps([1, 2]))
        assert ws.receive_json()["type"] == "error"
        ws.send_text("__ping__")
        assert ws.receive_text() == "__pong__"
    assert client.get(f"/api/v1/chat/sessions/{sid}/messages", headers=bearer(people["seeker"])).json()["total"] == 0


def test_rate_limit_twenty_messages_a_minute(client, people):
    sid = new_session(client, people["seeker"])["id"]
    client.post("/api/v1/admin/takeover", json={"session_id": sid}, headers=bearer(people["admin"]))  # no AI replies
    codes = [client.post(f"/api/v1/chat/sessions/{sid}/messages", json={"content": f"m{i}"},
                         headers=bearer(people["seeker"])).status_code for i in range(21)]
    if time.localtime().tm_sec < 2:  # the minute window turned during the burst
        return
    assert codes[:20] == [200] * 20 and codes[20] == 429


@pytest.fixture
def chat_llm():
    with LoopbackLLM(stream_delay=0.01) as server:
        write_config(CONFIG, ("loopback", server))
        yield server
    CONFIG.unlink(missing_ok=True)


def test_llm_coach_streams_with_job_context_and_remembers_the_human_part(client, register, people, worker, chat_llm):
    provider, _ = register("provider")
    job_id = post_job(client, provider, title=unique_title("Kubernetes Engineer"))
    wait_job(client, provider, job_id)
    sid = new_session(client, people["seeker"], job_id=job_id)["id"]
    assert client.get(f"/api/v1/chat/sessions/{sid}", headers=bearer(people["seeker"])).json()["job_id"] == job_id
    client.post(f"/api/v1/admin/chat/{sid}/messages", json={"content": "Advisor tip: mention your Helm charts."},
                headers=bearer(people["admin"]))
    client.post("/api/v1/admin/release", json={"session_id": sid}, headers=bearer(people["admin"]))
    with client.websocket_connect(ws_url(sid, people["seeker"])) as ws:
        ws.receive_json()
        ws.send_text("What should I stress?")
        reply, before = until(ws, "ai_reply")
    assert reply["message"]["content"].strip() == chat_llm.chat_answer
    assert reply["message"]["generated_by"] == "loopback:loopback-model"
    assert sum(f["type"] == "ai_delta" for f in before) == len(chat_llm.chat_answer.split())
    body = [b for b in chat_llm.requests if b.get("stream")][-1]
    prompt = json.dumps(body["messages"])
    assert "Kubernetes Engineer" in prompt, "the job is in the coach's context"
    assert "Advisor tip: mention your Helm charts." in prompt, "the human part of the conversation is remembered"
    assert body["messages"][-1] == {"role": "user", "content": "What should I stress?"}
