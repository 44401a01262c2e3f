"""Live-event benchmark: how fast an admin's chat message reaches the seeker's websocket with many
conversations open, and how fast notifications fan out to many connected users.

    .venv/bin/python bench/bench_live.py [--sessions 200] [--messages 400] [--rate 40] [--users 1000]
                                         [--pairs 20] [--rounds 10] [--skip-fanout]

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
The load generator runs on the same machine as the app (2 cores here): figures are upper bounds.
"""

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--rate", type=float, default=40.0, help="admin messages per second")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=20, help="conversations for the typing/presence latency")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--skip-fanout", action="store_true", help="only the chat, typing and presence parts")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # a socket each, here and in the app
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))

    data_dir = Path(tempfile.mkdtemp(prefix="bench-live-"))
    print(f"starting the app (2 web workers) in {data_dir} …")
    url, proc = start_app(data_dir)
    os.environ["DATA_DIR"] = str(data_dir)  # this process reaches the same embedded services
    for key in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(key, None)
    try:
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
