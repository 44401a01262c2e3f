"""Task entry points run by the RQ worker (named in career_app.services.tasks.TASKS)."""

import logging
import uuid

from career_app.db import app_redis, session_scope
from career_app.services import enrichment, jobs, notifications, resumes, tasks, users
from career_app.settings import settings
from models.job import Job

log = logging.getLogger(__name__)


def export_account(user_id: str) -> dict:
    tasks.report_progress(10)
    with session_scope() as session:
        data = users.export_account_data(session, uuid.UUID(user_id))
    tasks.report_progress(100)
    return data


def _quietly(trigger, *args) -> None:
    """A notification that cannot be made never changes the outcome of the work it is about."""
    try:
        trigger(*args)
    except Exception:
        log.exception("notification %s failed", trigger.__name__)


def parse_resume(upload_id: str) -> None:
    with session_scope() as session:
        upload = resumes.process_upload(session, uuid.UUID(upload_id), tasks.report_progress)
        if upload is not None:
            _quietly(notifications.resume_processed, session, app_redis(), upload)


def enrich_job(job_id: str) -> dict:
    r = app_redis()
    with session_scope() as session:
        job = session.get(Job, uuid.UUID(job_id))
        first_time = job is not None and job.enriched_at is None  # enrich() works on this same object
        try:
            job = enrichment.enrich(session, uuid.UUID(job_id))
        except Exception:
            _quietly(notifications.job_enrichment_failed, session, r, session.get(Job, uuid.UUID(job_id)))
            raise
        finally:
            jobs.invalidate(r)  # active or enrich_failed: either way listings changed
        if first_time and job is not None:
            _quietly(notifications.announce_job_matches, session, r, job)
        return {"job_id": job_id, "status": job.status if job else "deleted"}


def reenrich_jobs(batch_size: int | None = None, pause_seconds: float | None = None) -> dict:
    r = app_redis()
    try:
        with session_scope() as session:
            return enrichment.reenrich_missing(
                session,
                batch_size or settings.reenrich_batch_size,
                settings.reenrich_pause_seconds if pause_seconds is None else pause_seconds,
                progress=tasks.report_progress,
                after_each=lambda: jobs.invalidate(r),
            )
    finally:
        enrichment.finish_reenrich(r)


def send_email(notification_id: str) -> dict:
    with session_scope() as session:
        return notifications.deliver_email(session, app_redis(), uuid.UUID(notification_id))
