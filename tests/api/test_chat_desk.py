"""The support desk around the coach chat: asking for a person and the queue, assignment and the
takeover race, transfer, release answered by the AI, the idle hand-back and the SLA alert (the
worker's sweep), author names, typing and advisor presence, internal notes that never reach a
seeker, canned replies, CSAT, the audit trail and the transcript."""

import json
import threading
import time
import uuid

import pytest
from sqlalchemy import text

from career_app import db
from career_app.db import session_scope
from career_app.services import auth, chat, desk
from models.user import User
from tests.api.conftest import bearer
from tests.api.test_chat import new_session, until, ws_url
from tests.conftest import unique_email


@pytest.fixture
def desk_people(client, register):
    seeker, _ = register("seeker")
    other, _ = register("seeker")

    def admin(name: str) -> tuple[str, str]:
        email = unique_email("admin")
        with session_scope() as session:
            auth.create_admin(session, email, "admin-password-1", name)
            admin_id = str(session.exec(text("SELECT id FROM users WHERE email = :e").bindparams(e=email)).one()[0])
        resp = client.post("/api/v1/auth/login", json={"email": email, "password": "admin-password-1"})
        client.cookies.clear()
        return resp.json()["access_token"], admin_id

    (a, a_id), (b, b_id) = admin("Alice Advisor"), admin("Bob Advisor")
    return {"seeker": seeker, "other": other, "admin": a, "admin_id": a_id, "admin2": b, "admin2_id": b_id}


def _sql(statement: str, **params) -> None:
    with session_scope() as session:
        session.exec(text(statement).bindparams(**params))
        session.commit()


def test_request_a_person_queue_position_and_takeover_race(client, desk_people):
    p = desk_people
    first, second = new_session(client, p["seeker"])["id"], new_session(client, p["other"])["id"]
    # Only the owner asks; an unknown id is a 404.
    assert client.post(f"/api/v1/chat/sessions/{first}/request-human", headers=bearer(p["other"])).status_code == 404
    assert client.post(f"/api/v1/chat/sessions/{uuid.uuid4()}/request-human",
                       headers=bearer(p["seeker"])).status_code == 404
    with client.websocket_connect(ws_url(first, p["seeker"])) as ws:
        until(ws, "history_replay")
        resp = client.post(f"/api/v1/chat/sessions/{first}/request-human", headers=bearer(p["seeker"]))
        assert resp.status_code == 200, resp.text
        mine = resp.json()
        assert mine["status"] == "waiting_human" and mine["position"] >= 1 and mine["estimated_wait_seconds"] > 0
        said, _ = until(ws, "human_requested")
        assert said["message"]["author_name"] == "AI coach" and "advisor" in said["message"]["content"]
        update, _ = until(ws, "queue_update")
        assert update["position"] == mine["position"]
        # Asking twice changes nothing; a second seeker queues behind.
        again = client.post(f"/api/v1/chat/sessions/{first}/request-human", headers=bearer(p["seeker"])).json()
        assert again["position"] == mine["position"]
        theirs = client.post(f"/api/v1/chat/sessions/{second}/request-human", headers=bearer(p["other"])).json()
        assert theirs["position"] == mine["position"] + 1
        # The AI keeps answering while the seeker waits, and says a person was asked.
        ws.send_text("What should I put first on my resume?")
        reply, _ = until(ws, "ai_reply")
        assert reply["message"]["author_name"] == "AI coach" and "advisor has been asked" in reply["content"]
        assert reply["session_status"] == "waiting_human"
        # The queue: oldest request first, with waited seconds; admins only.
        assert client.get("/api/v1/admin/chat/queue", headers=bearer(p["seeker"])).status_code == 403
        queue = client.get("/api/v1/admin/chat/queue?limit=100", headers=bearer(p["admin"])).json()
        ids = [e["session"]["id"] for e in queue]
        assert ids.index(first) < ids.index(second)
        assert all(e["waited_seconds"] >= 0 for e in queue) and queue[0]["position"] == 1
        # Two admins take over at once: exactly one wins, the other is told who holds it.
        results = {}
        barrier = threading.Barrier(2)

        def take(who):
            with session_scope() as session:
                admin = session.get(User, uuid.UUID(p[f"{who}_id"]))
                barrier.wait()
                try:
                    results[who] = chat.takeover(session, db.app_redis(), admin, first).assignee_name
                except Exception as exc:  # noqa: BLE001
                    results[who] = exc

        threads = [threading.Thread(target=take, args=(w,)) for w in ("admin", "admin2")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        winners = [w for w, v in results.items() if isinstance(v, str)]
        assert len(winners) == 1, results
        loser = "admin2" if winners[0] == "admin" else "admin"
        holder = results[winners[0]]
        assert holder in ("Alice Advisor", "Bob Advisor")
        assert str(results[loser]) == f"{holder} holds this conversation"
        resp = client.post(f"/api/v1/admin/chat/{first}/takeover", headers=bearer(p[loser]))
        assert resp.status_code == 409 and resp.json()["detail"] == f"{holder} holds this conversation"
        joined, _ = until(ws, "admin_takeover")
        assert joined["session"]["assignee_name"] == holder and joined["session_status"] == "human"
        # The first seeker left the queue: the second moved up.
        after = client.get(f"/api/v1/chat/sessions/{second}/queue", headers=bearer(p["other"])).json()
        assert after["position"] == theirs["position"] - 1
        # Transfer: the holder hands it to the other admin.
        assert client.post(f"/api/v1/admin/chat/{first}/transfer", json={"admin_id": p[f"{loser}_id"]},
                           headers=bearer(p[loser])).status_code == 409
        assert client.post(f"/api/v1/admin/chat/{first}/transfer", json={"admin_id": str(uuid.uuid4())},
                           headers=bearer(p[winners[0]])).status_code == 400
        moved = client.post(f"/api/v1/admin/chat/{first}/transfer", json={"admin_id": p[f"{loser}_id"]},
                            headers=bearer(p[winners[0]]))
        assert moved.status_code == 200 and moved.json()["assignee_id"] == p[f"{loser}_id"]
        until(ws, "admin_transfer")
        mine_list = client.get("/api/v1/chat/sessions?mine=true", headers=bearer(p[loser])).json()
        assert first in [s["id"] for s in mine_list["items"]]
        # The advisor's reply carries their name; it is the request's first response.
        reply = client.post(f"/api/v1/admin/chat/{first}/messages", json={"content": "Hi, I can help."},
                            headers=bearer(p[loser])).json()
        assert reply["author_name"] != "" and reply["author_name"] != "AI coach"
    audit = client.get(f"/api/v1/admin/chat/{first}/audit", headers=bearer(p["admin"])).json()
    actions = [a["action"] for a in audit]
    assert actions == ["requested", "taken_over", "transferred", "first_response"], actions
    assert audit[-1]["detail"]["wait_seconds"] >= 0
    assert client.get(f"/api/v1/admin/chat/{first}/audit", headers=bearer(p["seeker"])).status_code == 403


def test_release_answers_the_pending_question_then_csat_notes_transcript(client, desk_people):
    p = desk_people
    sid = new_session(client, p["seeker"])["id"]
    note_text = f"Internal: seeker seems anxious {uuid.uuid4().hex[:6]}"
    with client.websocket_connect(ws_url(sid, p["seeker"])) as ws, \
            client.websocket_connect(ws_url(sid, p["admin"])) as admin_ws:
        until(ws, "history_replay")
        until(admin_ws, "history_replay")
        assert client.post(f"/api/v1/admin/chat/{sid}/takeover", headers=bearer(p["admin"])).status_code == 200
        until(ws, "admin_takeover")
        # Typing both ways, with the role of who types.
        ws.send_text(json.dumps({"type": "typing"}))
        typing, _ = until(admin_ws, "typing")
        assert typing["role"] == "seeker" and typing["expires_in"] == 5
        admin_ws.send_text(json.dumps({"type": "typing"}))
        typing, _ = until(ws, "typing")
        if typing["role"] == "seeker":  # its own typing comes back first: clients show the other side's
            typing, _ = until(ws, "typing")
        assert typing["role"] == "admin" and typing["name"] == "Alice Advisor"
        # An internal note reaches admins' sockets, never the seeker's.
        resp = client.post(f"/api/v1/admin/chat/{sid}/notes", json={"content": note_text}, headers=bearer(p["admin"]))
        assert resp.status_code == 201 and resp.json()["author_name"] == "Alice Advisor"
        assert client.post(f"/api/v1/admin/chat/{sid}/notes", json={"content": note_text},
                           headers=bearer(p["seeker"])).status_code == 403
        assert client.post(f"/api/v1/admin/chat/{sid}/notes", json={"content": ""},
                           headers=bearer(p["admin"])).status_code == 422
        noted, _ = until(admin_ws, "note_added")
        assert noted["note"]["content"] == note_text
        ws.send_text("Are you still there? How long should my cover letter be?")
        queued, before = until(ws, "queued")
        assert not any(note_text in json.dumps(f) for f in before)
        # Nothing to rate while the advisor holds it.
        assert client.post(f"/api/v1/chat/sessions/{sid}/rating", json={"score": 5},
                           headers=bearer(p["seeker"])).status_code == 409
        # Release: the AI answers the seeker's question that was left unanswered.
        resp = client.post(f"/api/v1/admin/chat/{sid}/release", headers=bearer(p["admin"]))
        assert resp.status_code == 200 and resp.json()["rating_requested"] is True
        released, _ = until(ws, "admin_release")
        assert released["how"] == "by_hand"
        reply, seen = until(ws, "ai_reply")
        assert not reply["message"]["interrupted"] and reply["message"]["author_name"] == "AI coach"
        assert not any(note_text in json.dumps(f) for f in seen)
    # CSAT: once, by the seeker, 1-5.
    for body, who, code in (({"score": 6}, "seeker", 422), ({"score": 4}, "other", 404), ({"score": 4}, "admin", 403)):
        assert client.post(f"/api/v1/chat/sessions/{sid}/rating", json=body, headers=bearer(p[who])).status_code == code
    resp = client.post(f"/api/v1/chat/sessions/{sid}/rating", json={"score": 4, "comment": "Clear and kind"},
                       headers=bearer(p["seeker"]))
    assert resp.status_code == 201 and resp.json()["admin_id"] == p["admin_id"]
    assert client.post(f"/api/v1/chat/sessions/{sid}/rating", json={"score": 1},
                       headers=bearer(p["seeker"])).status_code == 409
    ratings = {r["admin_id"]: r for r in client.get("/api/v1/admin/chat/ratings", headers=bearer(p["admin"])).json()}
    assert ratings[p["admin_id"]]["count"] >= 1 and "Clear and kind" in ratings[p["admin_id"]]["last_comments"]
    # The note is in the notes and the audit, never in what a seeker can read.
    assert [n["content"] for n in client.get(f"/api/v1/admin/chat/{sid}/notes", headers=bearer(p["admin"])).json()] \
        == [note_text]
    assert client.get(f"/api/v1/admin/chat/{sid}/notes", headers=bearer(p["seeker"])).status_code == 403
    messages = client.get(f"/api/v1/chat/sessions/{sid}/messages?limit=100", headers=bearer(p["seeker"])).text
    transcript = client.get(f"/api/v1/chat/sessions/{sid}/transcript", headers=bearer(p["seeker"]))
    assert transcript.status_code == 200 and transcript.headers["content-type"].startswith("text/plain")
    assert note_text not in messages and note_text not in transcript.text
    assert "How long should my cover letter be?" in transcript.text and "AI coach:" in transcript.text
    assert client.get(f"/api/v1/chat/sessions/{sid}/transcript", headers=bearer(p["other"])).status_code == 404
    assert client.get(f"/api/v1/chat/sessions/{sid}/transcript", headers=bearer(p["admin"])).status_code == 200
    actions = [a["action"] for a in client.get(f"/api/v1/admin/chat/{sid}/audit", headers=bearer(p["admin"])).json()]
    assert actions == ["taken_over", "note_added", "released", "rated"], actions


def test_idle_hand_back_and_sla_alert_from_the_worker_sweep(client, desk_people, worker):
    from jobs_worker.scheduler import Scheduler

    p = desk_people
    client.post("/api/v1/admin/chat/presence", json={"idle_seconds": 0}, headers=bearer(p["admin2"]))
    held, waiting = new_session(client, p["seeker"])["id"], new_session(client, p["other"])["id"]
    client.post(f"/api/v1/chat/sessions/{waiting}/request-human", headers=bearer(p["other"]))
    with client.websocket_connect(ws_url(held, p["seeker"])) as ws:
        until(ws, "history_replay")
        client.post(f"/api/v1/admin/chat/{held}/takeover", headers=bearer(p["admin"]))
        ws.send_text("Which skills should I learn next?")
        until(ws, "queued")
        # The holder has been idle past TAKEOVER_IDLE_MINUTES; the request past HUMAN_SLA_SECONDS.
        _sql("UPDATE chat_sessions SET admin_active_at = now() - interval '11 minutes' WHERE id = :i", i=uuid.UUID(held))
        _sql("UPDATE chat_sessions SET requested_at = now() - interval '200 seconds' WHERE id = :i", i=uuid.UUID(waiting))
        Scheduler(name="test-desk", lock="test:desk-scheduler").desk_tick()
        released, _ = until(ws, "admin_release")
        assert released["how"] == "idle" and released["session_status"] == "active_ai"
        reply, _ = until(ws, "ai_reply")  # answered by the coach in the RQ worker
        assert reply["message"]["author_name"] == "AI coach" and not reply["message"]["interrupted"]
    audit = client.get(f"/api/v1/admin/chat/{held}/audit", headers=bearer(p["admin"])).json()
    assert audit[-1]["action"] == "released" and audit[-1]["detail"]["how"] == "idle"
    assert audit[-1]["actor_name"] == "system"
    # The SLA alert went to the online admin once, however many sweeps run.
    with session_scope() as session:
        r = db.app_redis()
        assert desk.sla_alerts(session, r) == 0
    notes = client.get("/api/v1/notifications?limit=50", headers=bearer(p["admin2"])).json()["items"]
    alerts = [n for n in notes if n["type"] == "chat_sla" and n["data"]["session_id"] == waiting]
    assert len(alerts) == 1 and alerts[0]["priority"] == "urgent"
    sla = [a for a in client.get(f"/api/v1/admin/chat/{waiting}/audit", headers=bearer(p["admin"])).json()
           if a["action"] == "sla_alert"]
    assert len(sla) == 1 and sla[0]["detail"]["waited_seconds"] >= 200


def test_advisor_presence_canned_replies_and_bad_input(client, desk_people):
    p = desk_people
    sid = new_session(client, p["seeker"])["id"]
    with client.websocket_connect(ws_url(sid, p["seeker"])) as ws:
        until(ws, "history_replay")
        client.post("/api/v1/admin/chat/presence", json={"idle_seconds": 500}, headers=bearer(p["admin"]))
        away, _ = until(ws, "advisor_presence")
        assert away["state"] == "away"
        body = client.post("/api/v1/admin/chat/presence", json={"idle_seconds": 0}, headers=bearer(p["admin"])).json()
        online, _ = until(ws, "advisor_presence")
        assert online["state"] == "online" and online["online"] >= 1
        assert any(a["id"] == p["admin_id"] and a["state"] == "online" for a in body["advisors"])
        seen = client.get("/api/v1/chat/advisors", headers=bearer(p["seeker"])).json()
        assert seen["online"] >= 1 and seen["advisors"] == []  # seekers see whether, not who
        ws.send_text(json.dumps({"type": "typing", "extra": [1]}))
        ws.send_text(json.dumps({"type": "nonsense"}))
        error, _ = until(ws, "error")
        assert "typing" in error["detail"]
    assert client.post("/api/v1/admin/chat/presence", json={"idle_seconds": -1},
                       headers=bearer(p["admin"])).status_code == 422
    assert client.post("/api/v1/admin/chat/presence", json={}, headers=bearer(p["seeker"])).status_code == 403
    # Canned replies: CRUD for admins, shortcuts unique, bad input a 4xx.
    short = f"hi{uuid.uuid4().hex[:6]}"
    url = "/api/v1/admin/canned-replies"
    assert client.post(url, json={"shortcut": short, "content": "Hello!"}, headers=bearer(p["seeker"])).status_code == 403
    for bad in ({"shortcut": "Has Space", "content": "x"}, {"shortcut": short, "content": ""}, {"shortcut": short}):
        assert client.post(url, json=bad, headers=bearer(p["admin"])).status_code == 422
    made = client.post(url, json={"shortcut": short, "content": "Hello! How can I help?"}, headers=bearer(p["admin"]))
    assert made.status_code == 201
    cid = made.json()["id"]
    assert client.post(url, json={"shortcut": short, "content": "again"}, headers=bearer(p["admin2"])).status_code == 409
    changed = client.put(f"{url}/{cid}", json={"shortcut": short, "content": "Hi there!"}, headers=bearer(p["admin2"]))
    assert changed.status_code == 200 and changed.json()["content"] == "Hi there!"
    assert short in [c["shortcut"] for c in client.get(url, headers=bearer(p["admin"])).json()]
    assert client.delete(f"{url}/{cid}", headers=bearer(p["admin"])).status_code == 204
    assert client.delete(f"{url}/{cid}", headers=bearer(p["admin"])).status_code == 404
    assert client.put(f"{url}/not-an-id", json={"shortcut": short, "content": "x"},
                      headers=bearer(p["admin"])).status_code == 404


def test_auto_assignment_to_the_least_busy_online_advisor(client, desk_people, monkeypatch):
    from career_app.settings import settings

    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    assert desk.pick_advisor({a: 3, b: 1, c: 2}, capacity=5) == b
    assert desk.pick_advisor({a: 5, b: 6}, capacity=5) is None  # everyone at capacity: the request waits
    assert desk.pick_advisor({}, capacity=5) is None
    p = desk_people
    monkeypatch.setattr(settings, "chat_auto_assign", True)
    client.post("/api/v1/admin/chat/presence", json={"idle_seconds": 0}, headers=bearer(p["admin"]))
    sid = new_session(client, p["seeker"])["id"]
    queued = client.post(f"/api/v1/chat/sessions/{sid}/request-human", headers=bearer(p["seeker"])).json()
    assert queued["status"] == "human" and queued["position"] is None
    summary = client.get(f"/api/v1/chat/sessions/{sid}", headers=bearer(p["seeker"])).json()
    online = {a["id"] for a in client.get("/api/v1/chat/advisors", headers=bearer(p["admin"])).json()["advisors"]
              if a["state"] == "online"}
    assert summary["assignee_id"] in online
    taken = [e for e in client.get(f"/api/v1/admin/chat/{sid}/audit", headers=bearer(p["admin"])).json()
             if e["action"] == "taken_over"]
    assert len(taken) == 1 and taken[0]["detail"]["auto_assigned"] is True
