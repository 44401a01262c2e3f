"""Live events: one path from whichever process made a change to every open tab and websocket
of the people concerned.

A service commits its change to PostgreSQL first, then publishes a small event on a Redis
pub/sub channel named after a topic (`conv:<session id>`, `user:<user id>`, `account:<user id>`, `admins`). Every web
process runs one `hub`: a single subscription to all live channels that hands each event to the
process's own subscribers, the API websockets (`hub.subscribe`) and the Reflex bridge
(`hub.add_sink`). Nothing here holds anything another process needs: a subscriber lives exactly as
long as its socket in this process.

Pub/sub does not replay: an event published while the hub is reconnecting to Redis is lost, so
after a reconnect every subscriber receives a `{"type": "resync"}` event and reloads what it shows
from PostgreSQL, where everything durable is."""

import asyncio
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable

import redis
import redis.asyncio as aioredis

from career_app import db

log = logging.getLogger(__name__)

PREFIX = "live:"
ADMINS = "admins"
ADVISORS = "advisors"  # advisors going online/away/offline (services/presence.py): seekers follow it
RESYNC = {"type": "resync"}
QUEUE_SIZE = 1000  # events a slow subscriber may fall behind by before it is told to resync


def conv(session_id) -> str:
    return f"conv:{session_id}"


def notes(session_id) -> str:
    """A conversation's internal notes: followed by admins' sockets and tabs only."""
    return f"notes:{session_id}"


def user(user_id) -> str:
    return f"user:{user_id}"


def account(user_id) -> str:
    """Session events of an account (auth.SESSION_ENDED): followed by its open sockets, never sent to clients."""
    return f"account:{user_id}"


def encode(event: dict) -> str:
    return json.dumps(event, default=str, separators=(",", ":"))


def channel(r, topic: str) -> str:
    """The pub/sub channel of `topic` on the Redis database `r` uses (see db.pubsub_channel)."""
    return db.pubsub_channel(r, PREFIX + topic)


def publish(r: redis.Redis, topic: str, event: dict) -> None:
    """From synchronous code (services, RQ workers): after the change is committed."""
    r.publish(channel(r, topic), encode(event))


async def apublish(topic: str, event: dict) -> None:
    """From async code in a web process (the coach's streamed deltas)."""
    client = hub.client()
    await client.publish(channel(client, topic), encode(event))


class Subscription:
    """The events of some topics, in the order they were published, for one consumer."""

    def __init__(self, hub: "Hub", topics: Iterable[str]):
        self._hub = hub
        self.topics = set(topics)
        self._queue: asyncio.Queue[tuple[str, dict]] = asyncio.Queue(QUEUE_SIZE)

    def put(self, topic: str, event: dict) -> None:
        try:
            self._queue.put_nowait((topic, event))
        except asyncio.QueueFull:  # fell too far behind: drop the backlog, reload from the database
            while not self._queue.empty():
                self._queue.get_nowait()
            self._queue.put_nowait(("", RESYNC))

    async def get(self) -> tuple[str, dict]:
        return await self._queue.get()

    def close(self) -> None:
        self._hub._remove(self)

    def __enter__(self) -> "Subscription":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


Sink = Callable[[str, dict], None]


class Hub:
    """This process's one subscription to every live channel (started on first use, in the
    running event loop)."""

    def __init__(self):
        self._subscriptions: dict[str, set[Subscription]] = defaultdict(set)
        self._sinks: list[Sink] = []
        self._task: asyncio.Task | None = None
        self._client: aioredis.Redis | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.ready = asyncio.Event()

    def _bind(self) -> None:
        """A web process has one event loop for its life; a test client starts a new one per test.
        Everything here belongs to one loop: on a new loop, start over."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._task, self._client = loop, None, None
            self._subscriptions.clear()
            self.ready = asyncio.Event()

    def client(self) -> aioredis.Redis:
        self._bind()
        if self._client is None:
            self._client = aioredis.Redis.from_url(db.redis_url(), decode_responses=True, socket_connect_timeout=2,
                                                   health_check_interval=30)
        return self._client

    def start(self) -> None:
        self._bind()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="live hub")

    async def connected(self, timeout: float = 2.0) -> bool:
        """Wait (briefly) until the hub listens, so nothing published from now on is missed."""
        self.start()
        try:
            await asyncio.wait_for(self.ready.wait(), timeout)
            return True
        except asyncio.TimeoutError:
            return False

    def subscribe(self, *topics: str) -> Subscription:
        self.start()
        subscription = Subscription(self, topics)
        for topic in subscription.topics:
            self._subscriptions[topic].add(subscription)
        return subscription

    def add_topics(self, subscription: Subscription, *topics: str) -> None:
        for topic in topics:
            subscription.topics.add(topic)
            self._subscriptions[topic].add(subscription)

    def add_sink(self, sink: Sink) -> None:
        """`sink(topic, event)` is called for every event in this process; it must not block."""
        self.start()
        self._sinks.append(sink)

    def _remove(self, subscription: Subscription) -> None:
        for topic in subscription.topics:
            subscribers = self._subscriptions.get(topic)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._subscriptions[topic]

    def dispatch(self, topic: str, event: dict) -> None:
        for subscription in list(self._subscriptions.get(topic, ())):
            subscription.put(topic, event)
        for sink in self._sinks:
            try:
                sink(topic, event)
            except Exception:  # noqa: BLE001 - one broken consumer must not stop the others
                log.exception("live sink failed on %s", topic)

    def _resync_everyone(self) -> None:
        for subscribers in list(self._subscriptions.values()):
            for subscription in list(subscribers):
                subscription.put("", RESYNC)
        for sink in self._sinks:
            sink("", RESYNC)

    async def _run(self) -> None:
        delay, first = 0.1, True
        while True:
            client = self.client()
            pubsub = client.pubsub()
            prefix = channel(client, "")
            try:
                await pubsub.psubscribe(prefix + "*")
                if not first:
                    self._resync_everyone()
                first, delay = False, 0.1
                self.ready.set()
                async for message in pubsub.listen():
                    if message["type"] != "pmessage":
                        continue
                    try:
                        event = json.loads(message["data"])
                    except ValueError:
                        continue
                    self.dispatch(message["channel"][len(prefix):], event)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - Redis restarting: follow again with backoff
                log.warning("live hub lost Redis (%s); retrying in %.1f s", type(exc).__name__, delay)
            finally:
                self.ready.clear()
                try:
                    await pubsub.aclose()
                except Exception:  # noqa: BLE001
                    pass
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


hub = Hub()
