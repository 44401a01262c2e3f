"""Readiness of the two backing services, checked about once a second per process, in the
background while probes keep coming.

A burst of health checks (load balancers, monitors) costs one check, not one per probe. The
report is refreshed ahead: a probe that finds it older than REFRESH_AFTER seconds starts a check
in the background and is answered from the report at once, so under a steady stream of probes
none waits for a check, however loaded the machine. A report up to CACHE_SECONDS old is served
while its successor's check runs: under a 1,000-connection burst a check (a thread, then a
callback on a crowded event loop) can take a second or more, and probes that waited for it timed
out (bench_load). Only a probe that finds no report under CACHE_SECONDS old (the first, or one
after a quiet spell) waits for the check, at most WAIT_SECONDS. A report is never older than
CACHE_SECONDS (counted from when its check started).
The check runs in threads of its own, on a database connection of its own (db.probe_engine)."""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache

import redis
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import Engine

from models.schemas import HealthReport

CACHE_SECONDS = 3.0
REFRESH_AFTER = 0.5
WAIT_SECONDS = 5.0


def _database(engine: Engine) -> str:
    for _ in range(2):
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            failure = f"unavailable: {type(exc).__name__}"
            # A kept connection that died without a word (the server's host went away) fails its
            # first query and is discarded: one more try on a new connection tells the truth.
            if not (isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated):
                break
    return failure


def check(engine: Engine, r: redis.Redis) -> HealthReport:
    database = _database(engine)
    try:
        r.ping()
        redis_state = "ok"
    except Exception as exc:  # noqa: BLE001
        redis_state = f"unavailable: {type(exc).__name__}"
    status = "ok" if database == redis_state == "ok" else "error"
    return HealthReport(status=status, database=database, redis=redis_state)


@dataclass
class _Entry:
    services: tuple  # the engine and client checked, kept so their ids (the key) are never reused
    report: HealthReport | None = None
    checked_at: float = float("-inf")  # when the check behind `report` started (time.monotonic)
    running: asyncio.Future | None = None
    rendered: dict = field(default_factory=dict)  # what callers derive from `report`, e.g. response bytes


_entries: dict[tuple[int, int], _Entry] = {}


@cache
def _checker() -> ThreadPoolExecutor:
    # Threads of its own: during a burst the shared pool of request threads is full.
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="health-check")


async def _refresh(entry: _Entry, engine: Engine, r: redis.Redis) -> HealthReport:
    started = time.monotonic()
    try:
        report = await asyncio.get_running_loop().run_in_executor(_checker(), check, engine, r)
        entry.report, entry.checked_at, entry.rendered = report, started, {}
        return report
    finally:
        if entry.running is asyncio.current_task():
            entry.running = None


def _entry(engine: Engine, r: redis.Redis) -> _Entry:
    key = (id(engine), id(r))
    entry = _entries.get(key)
    if entry is None:
        entry = _entries[key] = _Entry((engine, r))
    return entry


async def current(engine: Engine, r: redis.Redis) -> tuple[HealthReport, dict]:
    """The report (and its `rendered` dict, emptied whenever the report changes), from the last check
    if it started under CACHE_SECONDS ago; starts a check in the background when it is older than
    REFRESH_AFTER. Called on the event loop."""
    entry = _entry(engine, r)
    age = time.monotonic() - entry.checked_at
    running = entry.running
    if running is not None and running.get_loop() is not asyncio.get_running_loop():
        running = None  # started on an event loop that has ended since (an API test's client)
    if age >= REFRESH_AFTER and running is None:
        running = entry.running = asyncio.ensure_future(_refresh(entry, engine, r))
    if age < CACHE_SECONDS:
        return entry.report, entry.rendered
    try:
        await asyncio.wait_for(asyncio.shield(running), WAIT_SECONDS)
    except TimeoutError:
        late = f"unavailable: no answer within {WAIT_SECONDS:g} s"
        return HealthReport(status="error", database=late, redis=late), {}
    return entry.report, entry.rendered


async def report(engine: Engine, r: redis.Redis) -> HealthReport:
    return (await current(engine, r))[0]
