"""A browser tab's Reflex state belongs to the user signed in on it, not to its tab token: a tab token
presented again without the cookie, or with another user's, gets a fresh state, and signing out
clears every state of the tab. Driven over Reflex's own websocket (/_event) as the browser does,
against the app as it is served (granian, Reflex with its Redis state manager)."""

import json
import time
import uuid

import httpx
import pytest
import redis
import reflex as rx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from career_app import db
from career_app.db import app_redis
from state.auth import AuthState
from state.live import REFLEX_SOCKET_RECORD
from tests.api.conftest import bearer, web_apps
from tests.conftest import eventually, unique_email

NAMESPACE = "/_event"
HYDRATE = f"{rx.State.get_full_name()}.hydrate_and_load"
SIGN_OUT = f"{AuthState.get_full_name()}.sign_out"


@pytest.fixture(scope="module")
def app(service_env):
    with web_apps(service_env, 1) as (started,):
        yield started


class Tab:
    """A browser tab's Reflex websocket: Engine.IO 4 / Socket.IO 5 over a plain websocket, carrying the
    tab token in the query and the cookie in the handshake, as the browser does."""

    def __init__(self, url: str, token: str, cookie: str | None = None):
        headers = {"Cookie": f"cc_session={cookie}"} if cookie else {}
        self.ws = connect(url.replace("http://", "ws://", 1) + f"{NAMESPACE}/?EIO=4&transport=websocket&token={token}",
                          additional_headers=headers, proxy=None, open_timeout=10, max_size=2 ** 24, legacy=True)
        assert self.ws.recv(timeout=10).startswith("0")  # Engine.IO open
        self.token = token
        self.updates: list[dict] = []

    def connect(self, path: str) -> None:
        """The Socket.IO CONNECT, carrying the page's hydrate event as the frontend sends it."""
        boot = {"name": HYDRATE, "payload": {}, "router_data": {"pathname": path, "asPath": path}}
        self.ws.send(f"40{NAMESPACE},{json.dumps({'event': boot})}")

    def emit(self, name: str, path: str, payload: dict | None = None) -> None:
        event = {"name": name, "payload": payload or {}, "router_data": {"pathname": path, "asPath": path}}
        self.ws.send(f"42{NAMESPACE},{json.dumps(['event', event])}")

    def read(self, seconds: float, until=None) -> str:
        """Every state update received within `seconds` (or until `until(text so far)`), as one text."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                packet = self.ws.recv(timeout=left)
            except (TimeoutError, ConnectionClosed):
                break
            if packet == "2":  # Engine.IO ping
                self.ws.send("3")
                continue
            prefix = f"42{NAMESPACE},"
            if packet.startswith(prefix):
                name, data = json.loads(packet[len(prefix):])[:2]
                if name == "event":
                    self.updates.append(data)
            if until is not None and until(self.text()):
                break
        return self.text()

    def text(self) -> str:
        return json.dumps(self.updates)

    def close(self) -> None:
        """Close, and wait until Reflex counts the tab as gone (a token still connected elsewhere
        would be replaced by a new one on the next connect, as for a duplicated tab)."""
        self.ws.close()
        record = REFLEX_SOCKET_RECORD + self.token
        assert eventually(lambda: not app_redis().exists(record), timeout=10), "the tab is still connected"


def _seeker_with_application(url: str) -> tuple[str, str, str]:
    email = unique_email("tab")
    resp = httpx.post(f"{url}/api/v1/auth/register",
                      json={"email": email, "password": "correct-horse-1", "full_name": "Tabitha Private", "role": "seeker"})
    token = resp.json()["access_token"]
    company = f"Secretco {uuid.uuid4().hex[:8]}"
    created = httpx.post(f"{url}/api/v1/applications", headers=bearer(token),
                         json={"company_name": company, "job_title": "Private role"})
    assert created.status_code == 201, created.text
    return token, email, company


def _load_applications(app, tab_token: str, cookie: str, company: str) -> None:
    tab = Tab(app.url, tab_token, cookie)
    tab.connect("/applications")
    text = tab.read(30, until=lambda t: company in t)
    tab.close()
    assert company in text, "the signed-in user's applications reach their tab"


def _stored_states(tab_token: str) -> bytes:
    """Everything Reflex keeps in Redis for the tab (its states, pickled), as one byte string."""
    raw = redis.Redis.from_url(db.redis_url())
    keys = list(raw.scan_iter(f"{tab_token}_*".encode()))
    return b"".join(value for value in (raw.mget(keys) if keys else []) if value)


@pytest.mark.parametrize("next_person", ["nobody", "another user"])
def test_a_tab_token_presented_without_its_users_cookie_gets_a_fresh_state(app, next_person):
    token, email, company = _seeker_with_application(app.url)
    tab_token = str(uuid.uuid4())
    _load_applications(app, tab_token, token, company)

    other = None
    if next_person == "another user":
        other, _, other_company = _seeker_with_application(app.url)
    tab = Tab(app.url, tab_token, other)
    tab.connect("/applications")
    # Until the page's guard has run: the next user's own rows, or the way to the sign-in page.
    text = tab.read(30, until=(lambda t: other_company in t) if other else (lambda t: "/signin?" in t))
    assert (other_company if other else "/signin?") in text
    tab.close()
    assert company not in text and email not in text, "the previous user's data came back to the tab"
    if other:
        assert other_company in text, "the next user's own data loads"
    assert company.encode() not in _stored_states(tab_token)


def test_sign_out_clears_every_state_of_the_tab(app):
    token, email, company = _seeker_with_application(app.url)
    tab_token = str(uuid.uuid4())
    _load_applications(app, tab_token, token, company)
    assert company.encode() in _stored_states(tab_token)  # ApplicationsState keeps the rows

    tab = Tab(app.url, tab_token, token)
    tab.connect("/applications")
    tab.read(30, until=lambda t: company in t)
    tab.emit(SIGN_OUT, "/applications")
    assert eventually(lambda: company.encode() not in _stored_states(tab_token), timeout=10), \
        "sign-out left the previous user's rows in the tab's stored state"
    assert email.encode() not in _stored_states(tab_token)
    tab.close()


def test_an_open_tab_is_signed_out_within_two_seconds_when_its_session_ends_elsewhere(app):
    """Signing out in another tab (or a role, password or active-flag change) ends the session of
    every open tab of that cookie: within 2 s the tab's state is fresh and it loads the sign-in page."""
    token, email, company = _seeker_with_application(app.url)
    tab = Tab(app.url, str(uuid.uuid4()), token)
    tab.connect("/applications")
    assert company in tab.read(30, until=lambda t: company in t)
    tab.updates.clear()
    assert httpx.post(f"{app.url}/api/v1/auth/logout", headers=bearer(token)).status_code == 200
    started = time.monotonic()
    text = tab.read(2.0, until=lambda t: "/signin?signed_out=1" in t)
    assert "/signin?signed_out=1" in text and time.monotonic() - started < 2.0
    assert company.encode() not in _stored_states(tab.token) and email.encode() not in _stored_states(tab.token)
    tab.close()
