"""Readiness of the two backing services, probed at most once a second per process: a burst of
health checks (load balancers, monitors) costs one probe, not one per request."""

import threading
import time

import redis
from sqlalchemy import text
from sqlalchemy.engine import Engine

from models.schemas import HealthReport

CACHE_SECONDS = 1.0

_recent: dict[tuple[int, int], tuple[float, HealthReport]] = {}
_lock = threading.Lock()


def check(engine: Engine, r: redis.Redis) -> HealthReport:
    database = redis_state = "ok"
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        database = f"unavailable: {type(exc).__name__}"
    try:
        r.ping()
    except Exception as exc:  # noqa: BLE001
        redis_state = f"unavailable: {type(exc).__name__}"
    status = "ok" if database == redis_state == "ok" else "error"
    return HealthReport(status=status, database=database, redis=redis_state)


def recent(engine: Engine, r: redis.Redis) -> HealthReport | None:
    """The last report for these services if it is under CACHE_SECONDS old."""
    entry = _recent.get((id(engine), id(r)))
    return entry[1] if entry and time.monotonic() - entry[0] < CACHE_SECONDS else None


def check_and_remember(engine: Engine, r: redis.Redis) -> HealthReport:
    with _lock:  # callers that arrive during a probe get its result
        report = recent(engine, r)
        if report is None:
            report = check(engine, r)
            _recent[(id(engine), id(r))] = (time.monotonic(), report)
        return report
