"""Readiness of the two backing services."""

import redis
from sqlalchemy import text
from sqlalchemy.engine import Engine

from models.schemas import HealthReport


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
