"""The browser side of live events: every web process delivers the hub's events (services/live.py)
to the browser tabs whose websocket it holds, through Reflex's own state channel.

A tab follows topics from an event handler (`await follow(self, topic)`): its client token and
state class are recorded in Redis under the topic, so the record survives a backend worker restart
and a reconnect to another worker; one record per tab and state class, so several states of a tab
(the header's bell and the page) can follow the same topic. Each worker receives every event;
for each tab following the topic, only the worker holding that tab's socket applies it
(`state.on_live(topic, event)` inside `app.modify_state`), so an event reaches each tab exactly
once and from the nearest process.
Events of one topic are applied in order; topics run concurrently (see _Dispatcher)."""

import asyncio
import contextlib
import logging
import random

import reflex as rx
from reflex.istate.manager.token import BaseStateToken

from career_app.services import live, presence

log = logging.getLogger(__name__)

TABS = "live:tabs:"  # + topic -> hash {"<client token> <state class name>": state class name}
TAB_TOPICS = "live:tab:"  # + client token -> set {"<state class name> <topic>"}: what the tab follows
# A follow is kept for a week after the last follow of its topic (a tab may stay open for days);
# tabs that went away are forgotten as events find them disconnected, and at sign-out.
TAB_TTL = 7 * 24 * 3600
REFLEX_SOCKET_RECORD = "token_manager_socket_record_"  # Reflex's RedisTokenManager key of a connected tab
STALE_CHECK_RATE = 0.05  # share of deliveries that also forget tabs no longer connected anywhere

_states: dict[str, type[rx.State]] = {}
_app: rx.App | None = None


def live_state(cls):
    """Class decorator: a state that receives live events in `async def on_live(self, topic, event)`."""
    _states[cls.get_full_name()] = cls
    return cls


def _token(state: rx.State) -> str:
    return state.router.session.client_token


def _field(state: rx.State) -> str:
    return f"{_token(state)} {type(state).get_full_name()}"


def _token_of(field: str) -> str:
    return field.split(" ", 1)[0]


async def follow(state: rx.State, *topics: str) -> None:
    """From an event handler of a live state: this tab receives the topics' events from now on."""
    name, index = type(state).get_full_name(), TAB_TOPICS + _token(state)
    pipe = live.hub.client().pipeline()
    for topic in topics:
        pipe.hset(TABS + topic, _field(state), name)
        pipe.expire(TABS + topic, TAB_TTL)
        pipe.sadd(index, f"{name} {topic}")
    pipe.expire(index, TAB_TTL)
    await pipe.execute()


async def unfollow(state: rx.State, *topics: str) -> None:
    name, index = type(state).get_full_name(), TAB_TOPICS + _token(state)
    pipe = live.hub.client().pipeline()
    for topic in topics:
        pipe.hdel(TABS + topic, _field(state))
        pipe.srem(index, f"{name} {topic}")
    await pipe.execute()


async def unfollow_tab(state: rx.State) -> None:
    """Every follow of this tab, by any of its states (at sign-out: the next user of the tab must not
    get the previous one's events, nor keep them marked present)."""
    token = _token(state)
    r = live.hub.client()
    follows = await r.smembers(TAB_TOPICS + token)
    pipe = r.pipeline()
    for entry in follows:
        name, topic = entry.split(" ", 1)
        pipe.hdel(TABS + topic, f"{token} {name}")
    pipe.delete(TAB_TOPICS + token)
    await pipe.execute()


async def own_topic(state: rx.State, topic: str) -> bool:
    """For `on_live` of a state following its user's topic: whether the event is for the user signed
    in on this tab now (or a timer's, topic ""). A topic followed by whoever used the tab before is
    dropped, so their events never reach the next user."""
    if not topic or topic == live.user(getattr(state, "_user_id", "")):
        return True
    await unfollow(state, topic)
    return False


def _token_manager():
    return _app.event_namespace._token_manager if _app and _app.event_namespace else None


def _holds_socket(manager, token: str) -> bool:
    record = manager.token_to_socket.get(token)
    return record is not None and record.instance_id == manager.instance_id


async def _apply(token: str, cls: type[rx.State], topic: str, events: list[dict]) -> None:
    """The events, in order, to one tab's state: one state load and one update sent for all of them
    (a burst of streamed chunks costs one round trip)."""
    try:
        async with _app.modify_state(BaseStateToken(ident=token, cls=cls)) as root:
            state = await root.get_state(cls)
            for event in events:
                await state.on_live(topic, event)
    except Exception:  # noqa: BLE001 - one tab's failure must not stop the others
        log.exception("live events %s for a tab failed", [e.get("type") for e in events])


def _targets(manager, tabs: dict[str, str]) -> tuple[list[tuple[str, type[rx.State]]], list[tuple[str, str]]]:
    """Of the tabs following a topic: (token, state class) of those whose socket this worker holds,
    and (field, token) of the others."""
    mine, elsewhere = [], []
    for field, name in tabs.items():
        cls = _states.get(name)
        if cls is None:
            continue
        token = _token_of(field)
        if _holds_socket(manager, token):
            mine.append((token, cls))
        else:
            elsewhere.append((field, token))
    return mine, elsewhere


async def _forget_stale(manager, topic: str, elsewhere: list[tuple[str, str]]) -> None:
    r = live.hub.client()
    for field, token in elsewhere:
        if not await manager.is_token_connected(token):
            await r.hdel(TABS + topic, field)


# Session events (services/live.account topics) are not followed by tabs: they reach the tabs that
# follow the same user's topic, where each function here runs as `check(root state)` under the tab's
# state lock (state.auth registers the one that signs a tab out when its cookie no longer stands).
ACCOUNT_PREFIX = live.account("")
session_checks: list = []


def _followed(topic: str) -> str:
    """The topic whose followers receive `topic`'s events: an account's session events go to the tabs
    following that user's topic."""
    return live.user(topic[len(ACCOUNT_PREFIX):]) if topic.startswith(ACCOUNT_PREFIX) else topic


async def _check_session(token: str, check) -> None:
    try:
        async with _app.modify_state(BaseStateToken(ident=token, cls=_app._state)) as root:
            await check(root)
    except Exception:  # noqa: BLE001 - one tab's failure must not stop the others
        log.exception("session check of a tab failed")


def later(state: rx.State, delay: float, event: dict) -> None:
    """A one-shot timer: `state.on_live("", event)` for this tab in `delay` seconds (a moment known in
    advance, such as when an enrichment would count as stalled; never a polling loop). It lives in
    this process: a restart loses it, and the page reloads its data when it reconnects anyway."""
    token, cls = _token(state), type(state)
    loop = asyncio.get_running_loop()
    loop.call_later(max(0.0, delay), lambda: loop.create_task(_apply(token, cls, "", [event])))


async def _resync_all(dispatcher: "_Dispatcher") -> None:
    """After the hub lost Redis for a while: every tab of this worker reloads what it shows."""
    r = live.hub.client()
    async for key in r.scan_iter(match=TABS + "*", count=500):
        dispatcher(key[len(TABS):], live.RESYNC)


class _Dispatcher:
    """The hub's sink in this process. Events are taken in batches (a burst of 1,000 notifications
    costs a few pipelined lookups of who follows what, not 1,000 round trips); each topic's events
    reach its tabs in order, after the topic's previous batch, and a slow tab holds up only its
    own topic."""

    BATCH = 500

    def __init__(self):
        self._queue: asyncio.Queue | None = None
        self._task: asyncio.Task | None = None
        self._tails: dict[str, asyncio.Task] = {}  # the last delivery of each busy topic

    def __call__(self, topic: str, event: dict) -> None:
        if self._task is None or self._task.done():
            self._queue = asyncio.Queue()
            self._task = asyncio.get_running_loop().create_task(self._run(), name="live bridge")
        self._queue.put_nowait((topic, event))

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty() and len(batch) < self.BATCH:
                batch.append(self._queue.get_nowait())
            try:
                await self._dispatch(batch)
            except Exception:  # noqa: BLE001 - Redis blip: these events are lost for tabs, the next go on
                log.exception("live delivery of %d events failed", len(batch))

    async def _dispatch(self, batch: list[tuple[str, dict]]) -> None:
        manager = _token_manager()
        if manager is None:
            return
        by_topic: dict[str, list[dict]] = {}
        for topic, event in batch:
            if not topic:  # the hub lost Redis for a while
                asyncio.get_running_loop().create_task(_resync_all(self))
                continue
            by_topic.setdefault(topic, []).append(event)
        pipe = live.hub.client().pipeline(transaction=False)
        for topic in by_topic:
            pipe.hgetall(TABS + _followed(topic))
        for (topic, events), tabs in zip(by_topic.items(), await pipe.execute()):
            if topic.startswith(ACCOUNT_PREFIX):
                self._end_sessions(manager, tabs)
                continue
            mine, elsewhere = _targets(manager, tabs)
            if mine:
                self._chain(topic, mine, events)
            if elsewhere and random.random() < STALE_CHECK_RATE:
                asyncio.get_running_loop().create_task(_forget_stale(manager, topic, elsewhere))

    @staticmethod
    def _end_sessions(manager, tabs: dict[str, str]) -> None:
        """A session of the account ended (sign-out, role, password or active-flag change): each of
        its tabs whose socket this worker holds re-checks its cookie now (session_checks)."""
        for token in {_token_of(field) for field in tabs}:
            if _holds_socket(manager, token):
                for check in session_checks:
                    asyncio.get_running_loop().create_task(_check_session(token, check))

    def _chain(self, topic: str, tabs: list[tuple[str, type[rx.State]]], events: list[dict]) -> None:
        previous = self._tails.get(topic)

        async def deliver() -> None:
            if previous is not None:
                await asyncio.wait([previous])
            await asyncio.gather(*(_apply(token, cls, topic, events) for token, cls in tabs))

        task = asyncio.get_running_loop().create_task(deliver())
        self._tails[topic] = task
        task.add_done_callback(lambda done: self._tails.pop(topic) if self._tails.get(topic) is done else None)


def _tab_open(r, user_id) -> bool:
    """Presence through browser tabs: a tab following the user's topic whose socket Reflex still
    records as connected (on any worker)."""
    tokens = {_token_of(field) for field in r.hkeys(TABS + live.user(user_id))}
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
