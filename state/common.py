"""Helpers the State classes share: run a service call with a database session off the event loop."""

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import redis
from sqlalchemy import exc as sa_exc

from career_app import db
from career_app.services import jobs, salary
from career_app.services.errors import ServiceError, Unavailable
from career_app.settings import settings
from models.base import utcnow
from models.job import JobStatus
from state.live import later

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


# The service's 422 without a resume is worded for API clients (the seed contract's text); a page says it plainly.
RESUME_FIRST = "Upload your resume first: matches, recommendations and the skill gap are worked out from it."


def said(exc: ServiceError) -> str:
    """What a page shows for a refused request: the service's words, except those meant for API clients."""
    return RESUME_FIRST if getattr(exc, "kind", "") == "resume_missing" else exc.detail


def pages_for(total: int, page_size: int) -> int:
    return max(1, -(-total // page_size))


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 job", "2 jobs", "1,200 jobs" (`many` for an irregular plural)."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def byline(*parts: str | None) -> str:
    """Parts of a line joined by " · ", the empty ones left out (no dangling separator)."""
    return " · ".join(p for p in parts if p)


def page_label(page: int, total: int, page_size: int, word: str) -> str:
    return f"Page {page + 1} of {pages_for(total, page_size)} · {plural(total, word)}"


def money(low: int | None, high: int | None, currency: str | None, period: str | None = None) -> str:
    """A salary as posted (yearly amounts shown per `period`): "27.50 – 33.10 EUR an hour"."""
    return salary.posted_text(low, high, currency, period)


STATUS_COLOR = {"processing": "amber", "active": "green", "enrich_failed": "red", "closed": "gray"}
# What people read for the job enums (the form still sends the values).
REMOTE_LABEL = {"onsite": "On-site", "hybrid": "Hybrid", "remote": "Remote"}
EMPLOYMENT_LABEL = {"full_time": "Full-time", "part_time": "Part-time", "contract": "Contract",
                    "internship": "Internship", "temporary": "Temporary"}


def job_row(job) -> dict[str, str]:
    """A job as a table row. A processing job carries when its enrichment attempt started (its
    updated_at; the page counts the time since) and whether it stalled (then it may be retried by hand)."""
    processing = job.status == JobStatus.processing
    return {
        "id": str(job.id), "title": job.title, "company": job.company_name or "", "status": job.status.value,
        "color": STATUS_COLOR.get(job.status.value, "gray"), "error": job.enrich_error or "",
        "generated_by": job.generated_by or "", "created": job.created_at.strftime("%Y-%m-%d %H:%M"),
        "salary": money(job.salary_min, job.salary_max, job.salary_currency, job.salary_period),
        "skills": ", ".join(job.skills[:6]),
        "since": job.updated_at.isoformat() if processing else "",
        "stalled": "yes" if jobs.enrichment_stalled(job) else "",
    }


# Job lists (provider console, admin jobs) follow statuses through live events (job_status, published
# by services/jobs.py); the one thing no event announces is an attempt that silently stops making
# progress, so the list wakes once at the moment the first running attempt would count as stalled.
JOB_EVENTS = ("job_status", "resync")
STALL_CHECK = {"type": "stall_check"}


def _stall_due_in(rows: list[dict[str, str]]) -> float | None:
    now = utcnow()
    waits = [settings.enrich_stall_seconds - (now - datetime.fromisoformat(r["since"])).total_seconds()
             for r in rows if r["status"] == "processing" and not r["stalled"] and r["since"]]
    return max(0.0, min(waits)) if waits else None


def arm_stall_check(state) -> None:
    """After the state's `rows` were reloaded: one wake-up (`on_live("", STALL_CHECK)`) when the
    first processing job on them would stall, unless an earlier one is pending (`_stall_check_at`)."""
    due = _stall_due_in(state.rows)
    if due is None:
        return
    at = time.time() + due
    if time.time() < state._stall_check_at <= at:
        return
    state._stall_check_at = at
    later(state, due + 0.5, STALL_CHECK)


def reloads_jobs(event: dict, state) -> bool:
    """Whether a live event means the job rows must be read again."""
    kind = event.get("type")
    if kind == STALL_CHECK["type"]:
        state._stall_check_at = 0.0
        return True
    return kind in JOB_EVENTS
