"""Live-event benchmark: how fast an admin's chat message reaches the seeker's websocket with many
conversations open, and how fast notifications fan out to many connected users.

    .venv/bin/python bench/bench_live.py [--sessions 200] [--messages 400] [--rate 40] [--users 1000]
                                         [--pairs 20] [--rounds 10] [--skip-fanout]
    .venv/bin/python bench/bench_live.py --browser [--tabs 8] [--messages 100] [--rate 8]

Starts the app as `make run` does (`cli run --no-frontend`, WEB_WORKERS=2, embedded PostgreSQL and
Redis in a temporary DATA_DIR). Accounts are inserted directly (one shared password hash) and get
tokens from the auth service, so setting up 1,000 users takes seconds, not 1,000 argon2 hashes.

1. Chat: `--sessions` seekers each hold a websocket on their conversation (an admin has taken each
   over); the admin posts `--messages` replies over REST at `--rate` per second to random
   conversations. Latency = from just before the POST to the frame arriving on the seeker's socket.
2. Fan-out: `--users` users hold /api/v1/ws/notifications; one announcement to all of them is
   created through the notifications service (`notify_many`: stored, committed, then published).
   Reported: the time from the call until every socket got its notification, and each delivery's
   time since the call.
3. Typing and presence: `--pairs` conversations each with a seeker socket and an admin socket (the
   2 workers share the port, so about half the pairs cross workers). Typing = from a `{"type":
   "typing"}` frame sent on one side to the `typing` event on the other, both ways; presence = from an
   advisor's heartbeat that flips them online/away (REST) to `advisor_presence` on every seeker socket.
   p95 against 100 ms.
4. Chat under typing: step 1 again, with an admin socket on each of the `--sessions` conversations
   and both sides sending a typing frame every second; admin message -> seeker p95 against 50 ms.
5. With `--browser` (instead of 1-4): the app as `make run` serves it, production frontend included
   (built into .web-bench, apart from `make run`'s .web), and `--tabs` seekers each signed in (their
   session cookie) in their own Chromium context with their conversation open on /coach; an admin has
   taken each over and posts `--messages` replies over REST (as the desk does) at `--rate` per second
   to random tabs. Latency = from just before the POST to the reply's text entering the tab's DOM,
   timed in the browser (below); p95 against 50 ms. The tabs' sockets and the POSTs spread over both
   workers; the tabs per worker are printed.
The load generator runs on the same machine as the app (2 cores here): figures are upper bounds.

Browser timing: a MutationObserver installed before the page's own scripts notes performance.now()
when a node or text carrying a message's key enters the DOM (before paint; the render is done). The
page's clock is mapped onto this process's perf_counter by asking it for performance.now() ten times
and keeping the exchange with the shortest round trip: the offset is the page's reading minus the
midpoint, wrong by at most half that round trip (printed; about a millisecond). Both are monotonic
clocks of one machine, so the offset does not drift; it is measured again at the end as a check.
"""

import argparse
import asyncio
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_load import start_app, stop  # noqa: E402


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (f"n={len(values)}  median {statistics.median(values) * 1000:.1f} ms  p95 {p95 * 1000:.1f} ms  "
            f"max {ordered[-1] * 1000:.1f} ms")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)] if ordered else float("nan")


def _verdict(values: list[float], limit_ms: float) -> str:
    p50 = statistics.median(values) * 1000 if values else float("nan")
    p95 = _p95(values) * 1000
    return f"p50 {p50:.1f} ms  p95 {p95:.1f} ms  {'PASS' if p95 <= limit_ms else 'MISS'} (<= {limit_ms:g} ms p95)"


def make_users(count: int, role) -> list[tuple[str, str]]:
    """(user id, access token) for `count` new accounts, inserted in one transaction."""
    from career_app.db import session_scope
    from career_app.services import auth
    from models.user import User

    password_hash = auth.hash_password("bench-password-1")
    users = [User(email=f"live-{uuid.uuid4().hex[:12]}@example.com", full_name=f"Live {role.value} {i}",
                  role=role, password_hash=password_hash) for i in range(count)]
    with session_scope() as session:
        session.add_all(users)
        session.commit()
        return [(str(u.id), auth.issue_token(u)[0]) for u in users]


async def chat_latency(url: str, sessions: int, messages: int, rate: float, typing: bool = False) -> list[float]:
    """Admin message -> seeker socket; with `typing`, both sides of every conversation also type every second."""
    from models.user import Role

    seekers = make_users(sessions, Role.seeker)
    (_admin_id, admin), = make_users(1, Role.admin)
    ws_base = url.replace("http://", "ws://")
    sent: dict[str, float] = {}
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        ids = []
        for _uid, token in seekers:
            resp = await http.post("/api/v1/chat/sessions", headers={"Authorization": f"Bearer {token}"})
            ids.append(resp.json()["id"])
        admin_auth = {"Authorization": f"Bearer {admin}"}
        for sid in ids:
            await http.post("/api/v1/admin/takeover", json={"session_id": sid}, headers=admin_auth)

        async def listen(sid: str, token: str, ready: asyncio.Event, done: asyncio.Event):
            async with websockets.connect(f"{ws_base}/api/v1/ws/chat/{sid}?token={token}", max_size=None) as ws:
                await ws.recv()  # history_replay
                ready.set()
                while not done.is_set():
                    try:
                        frame = json.loads(await asyncio.wait_for(ws.recv(), 1.0))
                    except asyncio.TimeoutError:
                        continue
                    if frame.get("type") == "admin_message":
                        key = frame["message"]["content"]
                        if key in sent:
                            latencies.append(time.perf_counter() - sent.pop(key))

        async def typist(sid: str, token: str, ready: asyncio.Event, done: asyncio.Event):
            """One side of a conversation typing every second (and draining what it receives)."""
            async with websockets.connect(f"{ws_base}/api/v1/ws/chat/{sid}?token={token}", max_size=None,
                                          open_timeout=60) as ws:
                await ws.recv()
                ready.set()

                async def drain():
                    while True:
                        await ws.recv()

                drainer = asyncio.create_task(drain())
                await asyncio.sleep(random.random())
                while not done.is_set():
                    await ws.send('{"type":"typing"}')
                    await asyncio.sleep(1.0)
                drainer.cancel()

        done = asyncio.Event()
        readies = [asyncio.Event() for _ in ids]
        listeners = [asyncio.create_task(listen(sid, token, ready, done))
                     for sid, (_uid, token), ready in zip(ids, seekers, readies)]
        if typing:
            typist_ready = [asyncio.Event() for _ in range(2 * len(ids))]
            for i, sid in enumerate(ids):  # the admin's side, and the seeker's typing on a second socket
                listeners.append(asyncio.create_task(typist(sid, admin, typist_ready[2 * i], done)))
                listeners.append(asyncio.create_task(typist(sid, seekers[i][1], typist_ready[2 * i + 1], done)))
                await asyncio.sleep(0.005)
            await asyncio.gather(*(r.wait() for r in typist_ready))
        await asyncio.gather(*(r.wait() for r in readies))
        print(f"  {len(ids)} seeker sockets open" + (f", {2 * len(ids)} sockets typing every second" if typing else ""))

        async def post(i: int):
            sid = random.choice(ids)
            key = f"bench message {i} {uuid.uuid4().hex[:6]}"
            sent[key] = time.perf_counter()
            await http.post(f"/api/v1/admin/chat/{sid}/messages", json={"content": key}, headers=admin_auth)

        posts = []
        for i in range(messages):
            posts.append(asyncio.create_task(post(i)))
            await asyncio.sleep(1 / rate)
        await asyncio.gather(*posts)
        deadline = time.monotonic() + 10
        while sent and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        done.set()
        await asyncio.gather(*listeners, return_exceptions=True)
    if sent:
        print(f"  {len(sent)} messages never arrived")
    return latencies


async def typing_presence(url: str, pairs: int, rounds: int) -> tuple[list[float], list[float], list[float]]:
    """(admin typing -> seeker, seeker typing -> admin, heartbeat -> advisor_presence on seeker sockets)."""
    from models.user import Role

    seekers = make_users(pairs, Role.seeker)
    (_admin_id, admin), = make_users(1, Role.admin)
    ws_base = url.replace("http://", "ws://")
    to_seeker, to_admin, presence = [], [], []
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        admin_auth = {"Authorization": f"Bearer {admin}"}
        ids = []
        for _uid, token in seekers:
            ids.append((await http.post("/api/v1/chat/sessions", headers={"Authorization": f"Bearer {token}"})).json()["id"])
        sockets = []
        for sid, (_uid, token) in zip(ids, seekers):
            seeker_ws = await websockets.connect(f"{ws_base}/api/v1/ws/chat/{sid}?token={token}", max_size=None)
            admin_ws = await websockets.connect(f"{ws_base}/api/v1/ws/chat/{sid}?token={admin}", max_size=None)
            await seeker_ws.recv()
            await admin_ws.recv()
            sockets.append((seeker_ws, admin_ws))
        await asyncio.sleep(0.5)

        async def wait_for(ws, kind: str, role: str | None = None) -> float:
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if frame.get("type") == kind and (role is None or frame.get("role") == role):
                    return time.perf_counter()

        async def pair(seeker_ws, admin_ws):
            for _ in range(rounds):
                started = time.perf_counter()
                await admin_ws.send('{"type":"typing"}')
                to_seeker.append(await wait_for(seeker_ws, "typing", "admin") - started)
                started = time.perf_counter()
                await seeker_ws.send('{"type":"typing"}')
                to_admin.append(await wait_for(admin_ws, "typing", "seeker") - started)
                await asyncio.sleep(2.1)  # a socket passes on a typing frame every 2 s at most

        await asyncio.gather(*(pair(s, a) for s, a in sockets))
        for i in range(rounds):
            started = time.perf_counter()
            waits = [asyncio.create_task(wait_for(s, "advisor_presence")) for s, _a in sockets]
            await http.post("/api/v1/admin/chat/presence", json={"idle_seconds": 300 if i % 2 == 0 else 0},
                            headers=admin_auth)
            presence.extend([t - started for t in await asyncio.gather(*waits)])
            await asyncio.sleep(0.1)
        for seeker_ws, admin_ws in sockets:
            await seeker_ws.close()
            await admin_ws.close()
    return to_seeker, to_admin, presence


async def fanout(url: str, users: int) -> tuple[float, list[float]]:
    from career_app.db import app_redis, session_scope
    from career_app.services import notifications
    from models.notification import Category
    from models.user import Role

    accounts = make_users(users, Role.seeker)
    ws_base = url.replace("http://", "ws://")
    arrived: dict[str, float] = {}
    everyone = asyncio.Event()

    async def listen(uid: str, token: str, ready: asyncio.Event):
        async with websockets.connect(f"{ws_base}/api/v1/ws/notifications?token={token}", max_size=None,
                                      open_timeout=60) as ws:
            await ws.recv()  # hello
            ready.set()
            while True:
                frame = json.loads(await ws.recv())
                if frame.get("type") == "notification":
                    arrived[uid] = time.perf_counter()
                    if len(arrived) == users:
                        everyone.set()
                    return

    readies = [asyncio.Event() for _ in accounts]
    listeners = []
    for (uid, token), ready in zip(accounts, readies):
        listeners.append(asyncio.create_task(listen(uid, token, ready)))
        await asyncio.sleep(0.002)  # a connection storm of 1,000 at once would measure the accept queue
    await asyncio.gather(*(r.wait() for r in readies))
    print(f"  {users} notification sockets open")

    def notify_everyone() -> None:
        with session_scope() as session:
            notifications.notify_many(session, app_redis(), [uuid.UUID(uid) for uid, _ in accounts],
                                      type="announcement", category=Category.system,
                                      title="Scheduled maintenance tonight",
                                      message="Career Copilot will be read-only from 02:00 to 02:15 UTC.")

    started = time.perf_counter()
    await asyncio.to_thread(notify_everyone)
    stored = time.perf_counter()
    try:
        await asyncio.wait_for(everyone.wait(), 30)
    except asyncio.TimeoutError:
        print(f"  only {len(arrived)} of {users} notifications arrived within 30 s")
    for task in listeners:
        task.cancel()
    total = max(arrived.values()) - started if arrived else float("nan")
    print(f"  stored and published in {(stored - started) * 1000:.0f} ms")
    return total, [arrived[u] - started for u in arrived]


# --- 5. the browser: admin reply over REST -> the seeker's open tab ---------------------------

KEY = r"lbm\d+x[0-9a-f]{6}"  # a reply's key, in its text
BENCH_WEB_DIR = ROOT / ".web-bench"  # the frontend this bench builds, apart from make run's .web

# Installed before the page's scripts: the first moment each message key enters the DOM, and the
# first websocket frame carrying it (as the page's JS gets it; the rest is applying it and rendering).
OBSERVER_JS = r"""
window.__seen = {};
window.__frames = {};
const NativeWebSocket = window.WebSocket;
window.WebSocket = function (...args) {
  const socket = new NativeWebSocket(...args);
  socket.addEventListener("message", (message) => {
    const now = performance.now();
    if (typeof message.data !== "string") return;
    for (const key of message.data.match(/lbm\d+x[0-9a-f]{6}/g) || []) {
      if (!(key in window.__frames)) window.__frames[key] = now;
    }
  });
  return socket;
};
window.WebSocket.prototype = NativeWebSocket.prototype;
Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
new MutationObserver((records) => {
  const now = performance.now();
  for (const record of records) {
    const texts = record.type === "characterData" ? [record.target.data]
      : Array.from(record.addedNodes, (node) => node.textContent || "");
    for (const text of texts) {
      for (const key of text.match(/lbm\d+x[0-9a-f]{6}/g) || []) {
        if (!(key in window.__seen)) window.__seen[key] = now;
      }
    }
  }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


def start_app_with_frontend(data_dir: Path) -> tuple[str, subprocess.Popen]:
    """`make run` (`cli run`, WEB_WORKERS=2, the production frontend) on a free port."""
    from bench_load import _free_port

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "LLM_CONFIG_FILE")}
    env.update(DATA_DIR=str(data_dir), WEB_WORKERS="2", LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1",
               REFLEX_USE_NPM="1", REFLEX_WEB_WORKDIR=str(BENCH_WEB_DIR),
               REFLEX_STATES_WORKDIR=str(ROOT / ".states-bench"))
    log = open(data_dir / "app.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "career_app.cli", "run", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 900  # the first build installs the frontend's npm packages
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"the app exited; see {data_dir / 'app.log'}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200 and \
                    httpx.get(f"{url}/signin/", timeout=5).status_code == 200:
                return url, proc
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"the app did not start; see {data_dir / 'app.log'}")
        time.sleep(1)


async def _clock_offset(page) -> tuple[float, float]:
    """(page performance.now() in s minus this process's perf_counter, the error bound in s)."""
    best = None
    for _ in range(10):
        before = time.perf_counter()
        now_ms = await page.evaluate("performance.now()")
        after = time.perf_counter()
        if best is None or after - before < best[1] * 2:
            best = (now_ms / 1000 - (before + after) / 2, (after - before) / 2)
    return best


def _tab_workers(tokens: list[str]) -> dict[str, int]:
    """How many of the tabs each backend worker holds (Reflex's socket record of each tab)."""
    import pickle

    import redis

    from career_app import db

    r = redis.Redis.from_url(db.redis_url())
    counts: dict[str, int] = {}
    for token in tokens:
        raw = r.get(f"token_manager_socket_record_{token}")
        owner = pickle.loads(raw).instance_id[:8] if raw else "none"
        counts[owner] = counts.get(owner, 0) + 1
    return counts


async def browser_latency(url: str, tabs: int, messages: int, rate: float) -> list[float]:
    from playwright.async_api import async_playwright

    from career_app.services import auth
    from models.user import Role
    from tests.e2e.conftest import CHROMIUM_ARGS

    seekers = make_users(tabs, Role.seeker)
    (_admin_id, admin), = make_users(1, Role.admin)
    admin_auth = {"Authorization": f"Bearer {admin}"}
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        ids = []
        for _uid, token in seekers:
            ids.append((await http.post("/api/v1/chat/sessions", headers={"Authorization": f"Bearer {token}"})).json()["id"])
            assert (await http.post("/api/v1/admin/takeover", json={"session_id": ids[-1]},
                                    headers=admin_auth)).status_code == 200

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                           args=CHROMIUM_ARGS, headless=True)
        pages = []
        for sid, (_uid, token) in zip(ids, seekers):
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            await context.add_cookies([{"name": auth.SESSION_COOKIE, "value": token, "url": url}])
            await context.add_init_script(OBSERVER_JS)
            page = await context.new_page()
            await page.goto(f"{url}/coach?session={sid}")
            await page.locator('main[data-hydrated="true"]').wait_for(timeout=60_000)
            await page.locator("#chat-status", has_text="Human advisor").wait_for(timeout=60_000)
            pages.append(page)
        tokens = [await page.evaluate("sessionStorage.getItem('token')") for page in pages]
        print(f"  {tabs} seeker tabs open on /coach; tabs per backend worker: {_tab_workers(tokens)}")
        offsets = [await _clock_offset(page) for page in pages]
        print(f"  page clocks aligned within {max(e for _o, e in offsets) * 1000:.2f} ms (worst tab)")

        # A few clients with kept-alive connections, so the POSTs land on both workers.
        clients = [httpx.AsyncClient(base_url=url, timeout=30, headers=admin_auth) for _ in range(4)]
        sent: dict[str, tuple[int, float]] = {}  # key -> (tab, perf_counter before the POST)
        answered: list[float] = []  # POST -> its response: the REST write path, publish included

        async def post(i: int) -> None:
            tab = random.randrange(len(pages))
            key = f"lbm{i}x{uuid.uuid4().hex[:6]}"
            sent[key] = (tab, time.perf_counter())
            resp = await clients[i % len(clients)].post(f"/api/v1/admin/chat/{ids[tab]}/messages",
                                                        json={"content": f"{key} Thanks, I'll look at your CV now."})
            answered.append(time.perf_counter() - sent[key][1])
            assert resp.status_code == 200, resp.text

        for client in clients:  # open the connections before the clock starts
            await client.get("/health")
        posts = []
        for i in range(messages):
            posts.append(asyncio.create_task(post(i)))
            await asyncio.sleep(random.expovariate(rate))
        await asyncio.gather(*posts)
        seen: list[dict[str, float]] = [{} for _ in pages]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            seen = [await page.evaluate("window.__seen") for page in pages]
            if sum(len(s) for s in seen) >= len(sent):
                break
            await asyncio.sleep(0.2)
        frames = [await page.evaluate("window.__frames") for page in pages]
        latencies, to_frame, to_dom = [], [], []
        for key, (tab, started) in sent.items():
            if key in seen[tab]:
                latencies.append(seen[tab][key] / 1000 - offsets[tab][0] - started)
                if key in frames[tab]:
                    to_frame.append(frames[tab][key] / 1000 - offsets[tab][0] - started)
                    to_dom.append((seen[tab][key] - frames[tab][key]) / 1000)
        drift = max([abs((await _clock_offset(page))[0] - offset) for page, (offset, _e) in zip(pages, offsets)])
        # Correctness: each tab shows its replies once each, in the conversation's stored order.
        wrong = 0
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            for page, sid, (_uid, token) in zip(pages, ids, seekers):
                stored = (await http.get(f"/api/v1/chat/sessions/{sid}/messages?limit=100",
                                         headers={"Authorization": f"Bearer {token}"})).json()["items"]
                expected = [k for m in stored for k in re.findall(KEY, m["content"])]
                wrong += re.findall(KEY, await page.locator("#chat-messages").inner_text()) != expected
        missing = len(sent) - len(latencies)
        print(f"  POST -> its response (the write, the publish, the answer): {_ms(answered)}")
        if to_frame:
            print(f"  POST -> the tab's socket frame: {_ms(to_frame)}\n  frame -> DOM (applying the delta, "
                  f"rendering): {_ms(to_dom)}")
        print(f"  clock offsets moved by at most {drift * 1000:.2f} ms over the run; "
              f"{missing} replies never shown, {wrong} tabs with a reply missing, doubled or out of order")
        for client in clients:
            await client.aclose()
        await browser.close()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--messages", type=int, help="admin messages (default 400; 100 with --browser)")
    parser.add_argument("--rate", type=float, help="admin messages per second (default 40; 8 with --browser)")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=20, help="conversations for the typing/presence latency")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--skip-fanout", action="store_true", help="only the chat, typing and presence parts")
    parser.add_argument("--browser", action="store_true",
                        help="only the browser step: admin reply -> the seekers' open /coach tabs")
    parser.add_argument("--tabs", type=int, default=8, help="seekers' browser tabs for --browser")
    args = parser.parse_args()
    args.messages = args.messages or (100 if args.browser else 400)
    args.rate = args.rate or (8.0 if args.browser else 40.0)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # a socket each, here and in the app
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))

    data_dir = Path(tempfile.mkdtemp(prefix="bench-live-"))
    if args.browser:
        print(f"starting the app as make run does (2 web workers, frontend built into {BENCH_WEB_DIR.name}) "
              f"in {data_dir} …")
        url, proc = start_app_with_frontend(data_dir)
    else:
        print(f"starting the app (2 web workers) in {data_dir} …")
        url, proc = start_app(data_dir)
    os.environ["DATA_DIR"] = str(data_dir)  # this process reaches the same embedded services
    for key in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(key, None)
    try:
        if args.browser:
            print(f"\nbrowser: admin reply over REST -> the seeker's /coach tab, {args.tabs} tabs, "
                  f"{args.messages} replies at {args.rate:g}/s")
            latencies = asyncio.run(browser_latency(url, args.tabs, args.messages, args.rate))
            print(f"  {_ms(latencies)}\n  admin reply -> seeker's tab  {_verdict(latencies, 50)}")
            return
        print(f"\nchat: admin message -> seeker websocket, {args.sessions} conversations open, "
              f"{args.rate:g} messages/s over REST")
        latencies = asyncio.run(chat_latency(url, args.sessions, args.messages, args.rate))
        print("  " + _ms(latencies))
        print(f"\ntyping and presence: {args.pairs} conversations, a seeker and an admin socket each")
        to_seeker, to_admin, presence = asyncio.run(typing_presence(url, args.pairs, args.rounds))
        print(f"  typing admin -> seeker   {_verdict(to_seeker, 100)}  (n={len(to_seeker)})")
        print(f"  typing seeker -> admin   {_verdict(to_admin, 100)}  (n={len(to_admin)})")
        print(f"  presence -> seekers      {_verdict(presence, 100)}  (n={len(presence)})")
        print(f"\nchat under typing: admin message -> seeker websocket, {args.sessions} conversations, both sides "
              f"typing every second, {args.rate:g} messages/s")
        typed = asyncio.run(chat_latency(url, args.sessions, args.messages, args.rate, typing=True))
        print(f"  {_ms(typed)}\n  admin -> seeker under typing  {_verdict(typed, 50)}")
        if not args.skip_fanout:
            print(f"\nnotifications: one each to {args.users} connected users")
            total, deliveries = asyncio.run(fanout(url, args.users))
            print(f"  all delivered {total:.2f} s after notify_many() was called; per delivery: {_ms(deliveries)}")
    finally:
        stop(proc)


if __name__ == "__main__":
    main()
