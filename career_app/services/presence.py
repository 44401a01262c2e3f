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
