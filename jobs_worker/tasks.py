"""Task entry points run by the RQ worker (named in career_app.services.tasks.TASKS)."""

import uuid

from career_app.db import app_redis, session_scope
from career_app.services import enrichment, jobs, resumes, tasks, users
from career_app.settings import settings


def export_account(user_id: str) -> dict:
    tasks.report_progress(10)
    with session_scope() as session:
        data = users.export_account_data(session, uuid.UUID(user_id))
    tasks.report_progress(100)
    return data


def parse_resume(upload_id: str) -> None:
    with session_scope() as session:
        resumes.process_upload(session, uuid.UUID(upload_id), tasks.report_progress)


def enrich_job(job_id: str) -> dict:
    r = app_redis()
    with session_scope() as session:
        try:
            job = enrichment.enrich(session, uuid.UUID(job_id))
        finally:
            jobs.invalidate(r)  # active or enrich_failed: either way listings changed
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
