"""The live-event hub of a web process: events reach the subscribers of their topic in order,
a subscriber that falls too far behind is told to resync, and after the hub loses Redis every
subscriber is told to resync (what was published meanwhile is lost to pub/sub, not to PostgreSQL)."""

import asyncio
import uuid

from career_app.db import app_redis
from career_app.services import live
from tests.conftest import run_async


async def _next(subscription, timeout: float = 5.0):
    return await asyncio.wait_for(subscription.get(), timeout)


def test_events_reach_their_topic_in_order_and_nowhere_else():
    async def scenario():
        mine, other = live.conv(uuid.uuid4()), live.conv(uuid.uuid4())
        with live.hub.subscribe(mine) as a, live.hub.subscribe(mine) as b, live.hub.subscribe(other) as c:
            assert await live.hub.connected()
            for i in range(20):
                live.publish(app_redis(), mine, {"type": "n", "i": i})  # from sync code, as a worker does
            for subscription in (a, b):
                got = [(await _next(subscription))[1]["i"] for _ in range(20)]
                assert got == list(range(20))
            await live.apublish(other, {"type": "elsewhere"})
            assert (await _next(c)) == (other, {"type": "elsewhere"})
            assert a._queue.empty() and b._queue.empty()

    run_async(scenario())


def test_a_slow_subscriber_is_told_to_resync_instead_of_growing_without_bound():
    async def scenario():
        topic = live.user(uuid.uuid4())
        with live.hub.subscribe(topic) as slow:
            for i in range(live.QUEUE_SIZE + 5):
                live.hub.dispatch(topic, {"type": "n", "i": i})
            first = await _next(slow)
            assert first[1] == live.RESYNC
            assert slow._queue.qsize() == 4  # only what came after the overflow is left

    run_async(scenario())


def test_after_losing_redis_every_subscriber_resyncs_and_events_flow_again():
    async def scenario():
        topic = live.user(uuid.uuid4())
        with live.hub.subscribe(topic) as subscription:
            assert await live.hub.connected()
            app_redis().client_kill_filter(_type="pubsub")  # as when Redis restarts
            assert (await _next(subscription))[1] == live.RESYNC
            assert await live.hub.connected()
            live.publish(app_redis(), topic, {"type": "after"})
            assert (await _next(subscription))[1] == {"type": "after"}

    run_async(scenario())
