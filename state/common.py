"""Helpers the State classes share: run a service call with a database session off the event loop."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

import redis
from sqlalchemy import exc as sa_exc

from career_app import db
from career_app.services import jobs
from career_app.services.errors import Unavailable
from models.base import utcnow
from models.job import JobStatus

T = TypeVar("T")
log = logging.getLogger(__name__)


BUSY_RETRY_DELAYS = (0.25, 0.5, 1.0, 2.0)
_TRANSIENT = (sa_exc.TimeoutError, sa_exc.OperationalError, redis.ConnectionError, redis.TimeoutError)


async def in_session(fn: Callable[..., T], *args, **kwargs) -> T:
    """Run fn(session, *args) in a worker thread; fn should return plain data, not live rows.

    A busy or restarting database or Redis (no free connection in time, a lost connection) is
    retried with backoff, as REST clients retry a 503; if it lasts, the page shows that the
    server is busy (Unavailable) instead of failing."""

    def call() -> T:
        with db.session_scope() as session:
            return fn(session, *args, **kwargs)

    for attempt, delay in enumerate((*BUSY_RETRY_DELAYS, None)):
        try:
            return await asyncio.to_thread(call)
        except _TRANSIENT as exc:
            if delay is None:
                raise Unavailable("The server is busy or restarting; please try again in a moment") from exc
            log.warning("busy (%s), retrying in %.2f s (attempt %d)", type(exc).__name__, delay, attempt + 1)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


def pages_for(total: int, page_size: int) -> int:
    return max(1, -(-total // page_size))


def money(low: int | None, high: int | None, currency: str | None) -> str:
    if low is None and high is None:
        return ""
    cur = currency or ""
    if low is not None and high is not None:
        return f"{low:,} – {high:,} {cur}".strip()
    return f"{'from ' if low is not None else 'up to '}{(low if low is not None else high):,} {cur}".strip()


STATUS_COLOR = {"processing": "amber", "active": "green", "enrich_failed": "red", "closed": "gray"}
# What people read for the job enums (the form still sends the values).
REMOTE_LABEL = {"onsite": "On-site", "hybrid": "Hybrid", "remote": "Remote"}
EMPLOYMENT_LABEL = {"full_time": "Full-time", "part_time": "Part-time", "contract": "Contract",
                    "internship": "Internship", "temporary": "Temporary"}


def duration(delta: timedelta) -> str:
    """'less than a minute', '2 min', '1 h 5 min'."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def job_row(job) -> dict[str, str]:
    """A job as a table row. A processing job carries how long its enrichment attempt has been running
    (its updated_at is the attempt's start) and whether it stalled (then it may be retried by hand)."""
    processing = job.status == JobStatus.processing
    return {
        "id": str(job.id), "title": job.title, "company": job.company_name or "", "status": job.status.value,
        "color": STATUS_COLOR.get(job.status.value, "gray"), "error": job.enrich_error or "",
        "generated_by": job.generated_by or "", "created": job.created_at.strftime("%Y-%m-%d %H:%M"),
        "salary": money(job.salary_min, job.salary_max, job.salary_currency), "skills": ", ".join(job.skills[:6]),
        "running_for": duration(utcnow() - job.updated_at) if processing else "",
        "stalled": "yes" if jobs.enrichment_stalled(job) else "",
    }


ENRICHMENT_POLL_SECONDS = 1.5
ENRICHMENT_POLL_LIMIT_SECONDS = 600


def any_processing(rows: list[dict[str, str]]) -> bool:
    return any(r["status"] == "processing" for r in rows)


async def follow_enrichment(state, reload: Callable[[], Awaitable[bool]]) -> None:
    """The body of a background event: `reload` (False once the caller may no longer see the list) the
    state's job rows while any is being enriched, so statuses and enrichment ages stay live. One loop
    per tab (the state's `_following` flag), for ENRICHMENT_POLL_LIMIT_SECONDS at most."""
    async with state:
        if state._following:
            return
        state._following = True
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ENRICHMENT_POLL_LIMIT_SECONDS
        while loop.time() < deadline:
            await asyncio.sleep(ENRICHMENT_POLL_SECONDS)
            async with state:
                if not await reload() or not any_processing(state.rows):
                    return
    finally:
        async with state:
            state._following = False
