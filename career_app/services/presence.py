"""Whether a user has the app open anywhere right now: an API websocket or a browser tab connected
to any web process. Used to decide whether a live push is enough or a stored notification is due.

Websockets mark themselves in a Redis sorted set (member = connection, score = expiry) and refresh
it while open; browser tabs are known to the Reflex bridge, which registers a checker here."""

import time
import uuid
from collections.abc import Callable

import redis

TTL_SECONDS = 90  # a websocket refreshes its mark well within this (every ping, at least each minute)

TabChecker = Callable[[redis.Redis, uuid.UUID | str], bool]
tab_checkers: list[TabChecker] = []


def _key(user_id) -> str:
    return f"presence:{user_id}"


def mark(r: redis.Redis, user_id, connection: str) -> None:
    pipe = r.pipeline()
    pipe.zadd(_key(user_id), {connection: time.time() + TTL_SECONDS})
    pipe.expire(_key(user_id), TTL_SECONDS)
    pipe.execute()


def clear(r: redis.Redis, user_id, connection: str) -> None:
    r.zrem(_key(user_id), connection)


def online(r: redis.Redis, user_id) -> bool:
    if r.zcount(_key(user_id), time.time(), "+inf") > 0:
        return True
    return any(check(r, user_id) for check in tab_checkers)


# --- advisors (admins) ---------------------------------------------------------------------------------
# An admin's page (or API client) sends a heartbeat every HEARTBEAT_SECONDS saying how long the person
# has been idle. Online: a heartbeat within ADVISOR_TTL and idle under AWAY_SECONDS; away: a heartbeat
# but idle longer; offline: no heartbeat within ADVISOR_TTL. Redis only (ephemeral, never rows); a
# change of someone's state is published on the advisors topic, which seekers' sockets follow.

HEARTBEAT_SECONDS = 30
ADVISOR_TTL = 75
AWAY_SECONDS = 120
ADVISORS_SEEN = "presence:advisors:seen"  # zset admin id -> last heartbeat (epoch seconds)
ADVISORS_ACTIVE = "presence:advisors:active"  # zset admin id -> last activity (epoch seconds)
ADVISORS_STATE = "presence:advisors:state"  # hash admin id -> last published state
ADVISORS_NAME = "presence:advisors:name"  # hash admin id -> display name


def _state(seen: float | None, active: float | None, now: float) -> str:
    if seen is None or seen < now - ADVISOR_TTL:
        return "offline"
    return "online" if active is not None and active >= now - AWAY_SECONDS else "away"


def advisors(r: redis.Redis, now: float | None = None) -> list[dict]:
    """Every advisor seen lately: id, name, state."""
    now = now or time.time()
    pipe = r.pipeline()
    pipe.zrangebyscore(ADVISORS_SEEN, now - ADVISOR_TTL, "+inf", withscores=True)
    pipe.zrange(ADVISORS_ACTIVE, 0, -1, withscores=True)
    pipe.hgetall(ADVISORS_NAME)
    seen, active, names = pipe.execute()
    active = {_s(k): v for k, v in active}
    names = {_s(k): _s(v) for k, v in names.items()}
    return [{"id": _s(k), "name": names.get(_s(k), ""), "state": _state(v, active.get(_s(k)), now)} for k, v in seen]


def _s(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def counts(rows: list[dict]) -> dict:
    return {"online": sum(a["state"] == "online" for a in rows), "away": sum(a["state"] == "away" for a in rows)}


def heartbeat(r: redis.Redis, admin_id, name: str, idle_seconds: float = 0.0) -> str:
    """An advisor's heartbeat; publishes their new state when it changed. Returns the state."""
    now = time.time()
    key = str(admin_id)
    pipe = r.pipeline()
    pipe.zadd(ADVISORS_SEEN, {key: now})
    pipe.zadd(ADVISORS_ACTIVE, {key: now - max(0.0, idle_seconds)})
    pipe.hset(ADVISORS_NAME, key, name[:120])
    pipe.execute()
    state = "online" if idle_seconds < AWAY_SECONDS else "away"
    _publish_if_changed(r, key, name, state)
    return state


def _publish_if_changed(r: redis.Redis, key: str, name: str, state: str) -> None:
    from career_app.services import live  # live imports nothing from here; kept local for import order

    if _s(r.hget(ADVISORS_STATE, key) or b"") == state:
        return
    r.hset(ADVISORS_STATE, key, state)
    rows = advisors(r)
    live.publish(r, live.ADVISORS, {"type": "advisor_presence", "admin_id": key, "name": name, "state": state,
                                    "ts": time.time(), **counts(rows)})


def sweep_advisors(r: redis.Redis) -> None:
    """From the worker's sweep: publish advisors who went away or offline without a last heartbeat."""
    now = time.time()
    current = {a["id"]: a for a in advisors(r, now)}
    for key, published in r.hgetall(ADVISORS_STATE).items():
        key = _s(key)
        state = current[key]["state"] if key in current else "offline"
        if state != _s(published):
            _publish_if_changed(r, key, _s(r.hget(ADVISORS_NAME, key) or b""), state)
        if state == "offline":
            r.zrem(ADVISORS_SEEN, key)


# --- typing -------------------------------------------------------------------------------------------
TYPING_SECONDS = 5  # a typing indicator clears by itself this long after the last typing frame


def typing_event(role: str, name: str) -> dict:
    """`role` ("seeker" or "admin") is typing: an ephemeral event on the conversation's topic, never a
    row. Clients clear it on that side's next message or after TYPING_SECONDS without another one."""
    return {"type": "typing", "role": role, "name": name, "expires_in": TYPING_SECONDS, "ts": time.time()}


def typing(r: redis.Redis, session_id, role: str, name: str) -> None:
    from career_app.services import live

    live.publish(r, live.conv(session_id), typing_event(role, name))
