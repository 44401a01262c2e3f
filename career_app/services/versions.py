"""Version counters in Redis that each process mirrors through pub/sub.

Caches key their entries by a counter that every change bumps (INCR, then PUBLISH of the new
value). A process reads the counter once and then follows it from the channel, so a cache hit
costs no Redis round trip, and a change made by any process is seen by every other one within
the pub/sub delay (well under a millisecond here). While the subscription is down the counter is
read from Redis on every call; when it comes back, local caches are cleared (the counter may have
gone back if Redis lost its last writes)."""

import logging
import os
import threading
from collections.abc import Callable

import redis

from career_app import db

log = logging.getLogger(__name__)

RESYNC_SECONDS = 5.0  # also re-read periodically, in case a message was missed


class VersionCounter:
    def __init__(self, key: str):
        self.key = key
        self.on_resubscribe: list[Callable[[], None]] = []
        self._mirrored: int | None = None  # valid only while subscribed
        self._lock = threading.Lock()
        self._listener_pid: int | None = None

    def current(self, r: redis.Redis) -> str:
        self._ensure_listener(r)
        mirrored = self._mirrored
        return str(mirrored) if mirrored is not None else (r.get(self.key) or "0")

    def mirrored(self) -> str | None:
        """The counter as followed from the channel, without any I/O; None while not subscribed."""
        mirrored = self._mirrored
        return None if mirrored is None else str(mirrored)

    def bump(self, r: redis.Redis) -> None:
        value = r.incr(self.key)
        r.publish(self._channel(r), value)
        self._advance(value)  # this process reads its own change at once

    def _channel(self, r: redis.Redis) -> str:
        return db.pubsub_channel(r, f"{self.key}:changed")

    def _advance(self, value: int) -> None:
        with self._lock:
            if self._mirrored is not None and value > self._mirrored:
                self._mirrored = value

    def _ensure_listener(self, r: redis.Redis) -> None:
        pid = os.getpid()
        if self._listener_pid == pid:  # threads do not survive a fork: one listener per process
            return
        with self._lock:
            if self._listener_pid == pid:
                return
            self._listener_pid, self._mirrored = pid, None
            threading.Thread(target=self._listen, args=(r,), name=f"watch {self.key}", daemon=True).start()

    def _listen(self, r: redis.Redis) -> None:
        stop = threading.Event()
        while not stop.is_set():
            try:
                self._follow(r)
            except Exception as exc:  # noqa: BLE001 - keep following; callers read Redis meanwhile
                log.warning("lost the %s subscription (%s); retrying", self._channel(r), type(exc).__name__)
            with self._lock:
                self._mirrored = None
            stop.wait(1.0)

    def _follow(self, r: redis.Redis) -> None:
        pubsub = r.pubsub()
        try:
            pubsub.subscribe(self._channel(r))
            resynced = None
            while True:
                message = pubsub.get_message(timeout=RESYNC_SECONDS)
                if message and message["type"] == "subscribe":
                    for clear in self.on_resubscribe:
                        clear()
                    with self._lock:
                        self._mirrored = int(r.get(self.key) or 0)
                    resynced = message
                elif message and message["type"] == "message":
                    self._advance(int(message["data"]))
                elif resynced is not None:  # quiet for RESYNC_SECONDS: compare with Redis
                    self._advance(int(r.get(self.key) or 0))
        finally:
            pubsub.close()
