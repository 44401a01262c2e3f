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


def money(low: int | None, high: int | None, currency: str | None) -> str:
    if low is None and high is None:
        return ""
    cur = currency or ""
    if low is not None and high is not None:
        return f"{low:,} – {high:,} {cur}".strip()
    return f"{'from ' if low is not None else 'up to '}{(low if low is not None else high):,} {cur}".strip()
