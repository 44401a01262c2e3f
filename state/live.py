"""The browser side of live events: every web process delivers the hub's events (services/live.py)
to the browser tabs whose websocket it holds, through Reflex's own state channel.

A tab follows topics from an event handler (`await follow(self, topic)`): its client token and
state class are recorded in Redis under the topic, so the record survives a backend worker restart
and a reconnect to another worker. Each worker receives every event; for each tab following the
topic, only the worker holding that tab's socket applies it (`state.on_live(topic, event)` inside
`app.modify_state`), so an event reaches each tab exactly once and from the nearest process.
Events of one topic are applied in order (per-topic queue); topics run concurrently."""

import asyncio
import contextlib
import logging
import random

import reflex as rx
from reflex.istate.manager.token import BaseStateToken

from career_app.services import live, presence

log = logging.getLogger(__name__)

TABS = "live:tabs:"  # + topic -> hash {client token: state class name}
TAB_TTL = 3600  # Reflex forgets a tab's state after an hour too
REFLEX_SOCKET_RECORD = "token_manager_socket_record_"  # Reflex's RedisTokenManager key of a connected tab
STALE_CHECK_RATE = 0.05  # share of deliveries that also forget tabs no longer connected anywhere
IDLE_SECONDS = 30.0

_states: dict[str, type[rx.State]] = {}
_app: rx.App | None = None


def live_state(cls):
    """Class decorator: a state that receives live events in `async def on_live(self, topic, event)`."""
    _states[cls.get_full_name()] = cls
    return cls


def _token(state: rx.State) -> str:
    return state.router.session.client_token


async def follow(state: rx.State, *topics: str) -> None:
    """From an event handler of a live state: this tab receives the topics' events from now on."""
    r = live.hub.client()
    pipe = r.pipeline()
    for topic in topics:
        pipe.hset(TABS + topic, _token(state), type(state).get_full_name())
        pipe.expire(TABS + topic, TAB_TTL)
    await pipe.execute()


async def unfollow(state: rx.State, *topics: str) -> None:
    r = live.hub.client()
    pipe = r.pipeline()
    for topic in topics:
        pipe.hdel(TABS + topic, _token(state))
    await pipe.execute()


def _token_manager():
    return _app.event_namespace._token_manager if _app and _app.event_namespace else None


def _holds_socket(manager, token: str) -> bool:
    record = manager.token_to_socket.get(token)
    return record is not None and record.instance_id == manager.instance_id


async def _apply(token: str, cls: type[rx.State], topic: str, event: dict) -> None:
    try:
        async with _app.modify_state(BaseStateToken(ident=token, cls=cls)) as root:
            state = await root.get_state(cls)
            await state.on_live(topic, event)
    except Exception:  # noqa: BLE001 - one tab's failure must not stop the others
        log.exception("live event %s for a tab failed", event.get("type"))


async def _deliver(topic: str, event: dict) -> None:
    manager = _token_manager()
    if manager is None:
        return
    r = live.hub.client()
    tabs = await r.hgetall(TABS + topic)
    mine, elsewhere = [], []
    for token, name in tabs.items():
        cls = _states.get(name)
        if cls is None:
            continue
        (mine if _holds_socket(manager, token) else elsewhere).append((token, cls))
    await asyncio.gather(*(_apply(token, cls, topic, event) for token, cls in mine))
    if elsewhere and random.random() < STALE_CHECK_RATE:
        for token, _cls in elsewhere:
            if not await manager.is_token_connected(token):
                await r.hdel(TABS + topic, token)


async def _resync_all() -> None:
    """After the hub lost Redis for a while: every tab of this worker reloads what it shows."""
    r = live.hub.client()
    async for key in r.scan_iter(match=TABS + "*", count=500):
        await _deliver(key[len(TABS):], live.RESYNC)


class _Dispatcher:
    """The hub's sink in this process: one queue and one worker task per busy topic."""

    def __init__(self):
        self._queues: dict[str, asyncio.Queue] = {}

    def __call__(self, topic: str, event: dict) -> None:
        if not topic:
            asyncio.get_running_loop().create_task(_resync_all())
            return
        queue = self._queues.get(topic)
        if queue is None:
            queue = self._queues[topic] = asyncio.Queue()
            asyncio.get_running_loop().create_task(self._work(topic, queue))
        queue.put_nowait(event)

    async def _work(self, topic: str, queue: asyncio.Queue) -> None:
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), IDLE_SECONDS)
            except asyncio.TimeoutError:
                if queue.empty():  # no await between the check and the removal: no event slips in
                    del self._queues[topic]
                    return
                continue
            try:
                await _deliver(topic, event)
            except Exception:  # noqa: BLE001 - Redis blip: this event is lost for tabs, the next ones go on
                log.exception("live delivery on %s failed", topic)


def _tab_open(r, user_id) -> bool:
    """Presence through browser tabs: a tab following the user's topic whose socket Reflex still
    records as connected (on any worker)."""
    tokens = r.hkeys(TABS + live.user(user_id))
    return any(r.exists(REFLEX_SOCKET_RECORD + token) for token in tokens)


@contextlib.asynccontextmanager
async def _start_bridge():
    live.hub.add_sink(_Dispatcher())
    yield


def install(app: rx.App) -> None:
    """Called once where the app is built."""
    global _app
    _app = app
    presence.tab_checkers.append(_tab_open)
    app.register_lifespan_task(_start_bridge)
