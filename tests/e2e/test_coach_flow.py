"""The live coach in a real browser: the reply streams in, two tabs of one seeker and an API
websocket client on the same conversation all see every message live, and an admin's takeover
and reply reach the page without a reload."""

import json
import pickle
import re

import httpx
from playwright.sync_api import expect
from websockets.sync.client import connect

import redis

from career_app.db import redis_url
from career_app.services.auth import SESSION_COOKIE
from state.live import REFLEX_SOCKET_RECORD
from tests.e2e.conftest import wait_ready
from tests.e2e.test_jobs_flow import _sign_up


def _token(app_url: str, page) -> str:
    """The seeker's session token, as an API client would get it."""
    return next(c["value"] for c in page.context.cookies() if c["name"] == SESSION_COOKIE)


def _admin_token(app_url: str, make_admin) -> str:
    email, password = make_admin()
    return httpx.post(f"{app_url}/api/v1/auth/login", json={"email": email, "password": password}).json()["access_token"]


def _backend_instance(tab) -> str:
    """Which backend worker holds this tab's websocket (Reflex records it in Redis)."""
    token = tab.evaluate("() => window.sessionStorage.getItem('token')")
    record = redis.Redis.from_url(redis_url()).get(REFLEX_SOCKET_RECORD + token)  # pickled, not text
    return pickle.loads(record).instance_id


def _tabs_on_two_workers(context, url: str, first) -> list:
    """Open tabs of one seeker on `url` until two of them are held by different backend workers
    (the kernel spreads connections between the two); returns those two."""
    opened = [first]
    for _ in range(12):
        tab = context.new_page()
        tab.goto(url)
        wait_ready(tab)
        opened.append(tab)
        by_worker = {_backend_instance(t): t for t in opened}
        if len(by_worker) == 2:
            return list(by_worker.values())
    raise AssertionError("every tab landed on one backend worker")


def test_seeker_chats_live_across_tabs_socket_and_takeover(page, new_page, app_url, make_admin, shot):
    _sign_up(page, app_url, "Casey Coached", "looking for a job")
    page.goto(f"{app_url}/coach")
    wait_ready(page)
    expect(page.get_by_text("No conversations yet")).to_be_visible()
    page.locator("#new-conversation").click()
    page.locator("#chat-input").fill("How should I prepare for interviews?")
    page.keyboard.press("Enter")
    expect(page.locator(".chat-bubble[data-role=user]")).to_have_count(1)
    reply = page.locator(".chat-bubble[data-role=assistant]")
    expect(reply).to_have_count(1, timeout=30_000)
    expect(reply).to_contain_text("offline coach")
    expect(page.locator("#chat-input")).to_have_value("")
    shot("ai-reply")

    # Two tabs of the same seeker held by different backend workers, and an API client on a
    # websocket, on the same conversation.
    page, tab2 = _tabs_on_two_workers(page.context, page.url, page)
    expect(tab2.locator(".chat-bubble[data-role=assistant]")).to_have_count(1)
    session_id = httpx.get(f"{app_url}/api/v1/chat/sessions", headers={"Authorization": f"Bearer {_token(app_url, page)}"}
                           ).json()["items"][0]["id"]
    ws_base = app_url.replace("http://", "ws://")
    with connect(f"{ws_base}/api/v1/ws/chat/{session_id}?token={_token(app_url, page)}", open_timeout=10) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "history_replay"
        ws.send("Sent from the API client")
        for tab in (page, tab2):
            expect(tab.locator(".chat-bubble[data-role=user]", has_text="Sent from the API client")).to_be_visible()
        # The admin takes over (REST) and replies: both tabs and the socket see it live.
        admin = _admin_token(app_url, make_admin)
        headers = {"Authorization": f"Bearer {admin}"}
        assert httpx.post(f"{app_url}/api/v1/admin/takeover", json={"session_id": session_id},
                          headers=headers).status_code == 200
        assert httpx.post(f"{app_url}/api/v1/admin/chat/{session_id}/messages", json={"content": "Hi, Riley here."},
                          headers=headers).status_code == 200
        for tab in (page, tab2):
            expect(tab.locator("#chat-banner")).to_contain_text("A human agent has joined the chat.")
            expect(tab.locator(".chat-bubble[data-role=admin]")).to_contain_text("Hi, Riley here.")
            expect(tab.locator("#chat-status")).to_have_text("Human advisor")
        kinds = []
        while "admin_message" not in kinds:
            kinds.append(json.loads(ws.recv(timeout=10)).get("type"))
        assert "admin_takeover" in kinds
    shot("after-takeover")
    # Typing while a human holds it: the message is queued for them, the input stays usable.
    page.locator("#chat-input").fill("Thanks Riley!")
    page.keyboard.press("Enter")
    expect(tab2.locator(".chat-bubble[data-role=user]", has_text="Thanks Riley!")).to_be_visible()
    expect(page.locator("#chat-banner")).to_contain_text("will answer shortly")
    assert not re.search("error", page.locator("main").inner_text(), re.I)
