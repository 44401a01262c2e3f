"""Version counters mirrored through Redis pub/sub (what the in-process response caches key on)."""

import uuid

from career_app.db import app_redis
from career_app.services.versions import RESYNC_SECONDS, VersionCounter
from tests.conftest import eventually


def test_a_bump_in_one_process_is_seen_by_another_without_a_redis_read():
    key = f"test:version:{uuid.uuid4().hex}"
    r = app_redis()
    here, there = VersionCounter(key), VersionCounter(key)  # two processes' mirrors of one counter
    assert here.current(r) == there.current(r) == "0"
    assert eventually(lambda: there._mirrored is not None), "the listener subscribed"
    here.bump(r)
    assert here.current(r) == "1"  # read-your-own-write at once
    assert eventually(lambda: there.current(r) == "1")
    r.set(key, 7)  # a change whose message was missed is picked up by the periodic re-read
    assert eventually(lambda: there.current(r) == "7", timeout=RESYNC_SECONDS + 2)


def test_resubscribing_clears_the_caches_that_depend_on_it():
    key = f"test:version:{uuid.uuid4().hex}"
    r = app_redis()
    counter = VersionCounter(key)
    cleared = []
    counter.on_resubscribe.append(lambda: cleared.append(True))
    counter.current(r)
    assert eventually(lambda: cleared), "subscribing (and every re-subscription) clears dependent caches"
    r.client_kill_filter(_type="pubsub")  # the subscription drops, as when Redis restarts
    assert eventually(lambda: len(cleared) >= 2, timeout=5)
    assert eventually(lambda: counter._mirrored is not None)


def test_apps_on_other_databases_of_the_same_redis_never_move_the_counter():
    """Pub/sub is shared by every database of a Redis server: an app on database 7 bumping the same key
    (a staging app, the contract tests' server) must not push this app's mirror ahead of its own counter,
    or every later bump here would look old and the caches would never see it."""
    import redis

    from career_app.db import redis_url_for_db

    key = f"test:version:{uuid.uuid4().hex}"
    r, other = app_redis(), redis.Redis.from_url(redis_url_for_db(7), decode_responses=True)
    here, there = VersionCounter(key), VersionCounter(key)
    assert here.current(r) == "0" and there.current(other) == "0"
    assert eventually(lambda: here._mirrored is not None and there._mirrored is not None)
    for _ in range(50):
        there.bump(other)
    assert eventually(lambda: there.current(other) == "50")
    here.bump(r)
    assert eventually(lambda: VersionCounter(key).current(r) == "1")  # a third process agrees with Redis
    assert here.current(r) == "1", "the other database's bumps leaked into this app's mirror"
    other.delete(key)
