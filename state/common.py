"""Helpers the State classes share: run a service call with a database session off the event loop."""

import asyncio
from collections.abc import Callable
from typing import TypeVar

from career_app import db

T = TypeVar("T")


async def in_session(fn: Callable[..., T], *args, **kwargs) -> T:
    """Run fn(session, *args) in a worker thread; fn should return plain data, not live rows."""

    def call() -> T:
        with db.session_scope() as session:
            return fn(session, *args, **kwargs)

    return await asyncio.to_thread(call)


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


def job_row(job) -> dict[str, str]:
    return {
        "id": str(job.id), "title": job.title, "company": job.company_name or "", "status": job.status.value,
        "color": STATUS_COLOR.get(job.status.value, "gray"), "error": job.enrich_error or "",
        "generated_by": job.generated_by or "", "created": job.created_at.strftime("%Y-%m-%d %H:%M"),
        "salary": money(job.salary_min, job.salary_max, job.salary_currency), "skills": ", ".join(job.skills[:6]),
    }
