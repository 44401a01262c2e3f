"""What still differed from ottobon-jobs-api.md: GET / answers the service JSON to a JSON client (a
browser still gets the page), /docs and /redoc lead to the API docs, history_replay messages carry
`timestamp`; the chat socket still needs a token (the document's unauthenticated connect is a hole)."""

import pytest
from starlette.websockets import WebSocketDisconnect

from career_app.api.root import wants_json
from tests.api.conftest import bearer

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize("accept, json_wanted", [
    ("application/json", True), ("application/json, text/plain, */*", True),
    ("text/html;q=0.5, application/json", True), (BROWSER, False), ("*/*", False), ("", False),
    ("application/json;q=0.2, text/html", False), ("application/*", False), ("application/json;q=x", False),
])
def test_who_gets_json(accept, json_wanted):
    assert wants_json(accept) is json_wanted


def test_root_json_docs_and_redoc(client):
    resp = client.get("/", headers={"Accept": "application/json"})
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/json"
    assert resp.json()["status"] == "ok" and resp.json()["service"] == "career-copilot"
    assert "Accept" in resp.headers["vary"]
    page = client.get("/", headers={"Accept": BROWSER})  # not answered here: the web app's page is behind
    assert "status" not in page.text[:200] and "Accept" in page.headers.get("vary", "")
    assert client.head("/", headers={"Accept": "application/json"}).content == b""
    for short, target in (("/docs", "/api/docs"), ("/redoc", "/api/redoc")):
        moved = client.get(short, follow_redirects=False)
        assert moved.status_code == 308 and moved.headers["location"] == target
        assert client.get(short).status_code == 200 and "text/html" in client.get(short).headers["content-type"]


def test_history_replay_carries_timestamp_and_the_socket_needs_a_token(client, register):
    seeker, _ = register("seeker")
    sid = client.post("/api/v1/chat/sessions", headers=bearer(seeker)).json()["id"]
    with client.websocket_connect(f"/api/v1/ws/chat/{sid}?token={seeker}") as ws:
        assert ws.receive_json()["type"] == "history_replay"
        ws.send_text("What should I ask at the end of an interview?")
        while ws.receive_json().get("type") != "user_message":
            pass
    with client.websocket_connect(f"/api/v1/ws/chat/{sid}?token={seeker}") as ws:
        replay = ws.receive_json()
    first = replay["messages"][0]
    assert first["role"] == "user" and first["content"].startswith("What should I ask")
    assert first["timestamp"] and first["timestamp"][:19] == first["created_at"][:19]
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect(f"/api/v1/ws/chat/{sid}") as ws:
            ws.receive_json()
    assert refused.value.code == 4401
