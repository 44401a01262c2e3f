"""Sources' cron schedules: the scheduler's tick queues a run of each source whose time has come."""

import logging
from datetime import datetime

import redis
from sqlalchemy import text
from sqlmodel import Session, col, select

from career_app.services.errors import Conflict
from career_app.services.ingestion.sources import next_run
from career_app.services.ingestion.start import expire_stale_runs, start_run, system_owner
from models.base import utcnow
from models.ingestion import IngestSource

log = logging.getLogger(__name__)


def schedule_due(session: Session, r: redis.Redis, conn: redis.Redis, now: datetime | None = None) -> list[str]:
    """Queue a run of every enabled source whose cron time has come; returns their names. Each due
    time is claimed by a compare-and-set on next_run_at, so two schedulers can never both run it."""
    now = now or utcnow()
    started = []
    expire_stale_runs(session, conn)
    due = session.exec(select(IngestSource).where(col(IngestSource.enabled), col(IngestSource.schedule).is_not(None),
                                                  (col(IngestSource.next_run_at).is_(None))
                                                  | (col(IngestSource.next_run_at) <= now))).all()
    for source in due:
        planned, following = source.next_run_at, next_run(source.schedule, True, now)
        claimed = session.exec(text(
            "UPDATE ingest_sources SET next_run_at = :next WHERE name = :name AND enabled "
            "AND next_run_at IS NOT DISTINCT FROM :planned RETURNING name").bindparams(
            next=following, name=source.name, planned=planned)).first()
        session.commit()
        if claimed is None or planned is None:  # lost the race, or first sight of the schedule: wait for it
            continue
        try:
            start_run(session, r, conn, source.name, system_owner(session), trigger="schedule")
            started.append(source.name)
        except Conflict:
            log.info("scheduled run of %s skipped: one is still in progress", source.name)
    return started
