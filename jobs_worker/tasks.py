"""Task entry points run by the RQ worker (named in career_app.services.tasks.TASKS)."""

import logging
import uuid

from rq import get_current_job

from career_app.db import app_redis, rq_redis, session_scope
from career_app.services import enrichment, ingestion, jobs, notifications, resumes, tasks, users
from career_app.settings import settings
from jobs_worker import ingest
from models.job import Job

log = logging.getLogger(__name__)


def export_account(user_id: str) -> dict:
    tasks.report_progress(10)
    with session_scope() as session:
        data = users.export_account_data(session, uuid.UUID(user_id))
    tasks.report_progress(100)
    return data


def enhanced_recommendations(user_id: str) -> dict:
    from career_app.services import enhanced_recommendations as enhanced

    tasks.report_progress(5)
    with session_scope() as session:
        return enhanced.run(session, app_redis(), uuid.UUID(user_id), tasks.report_progress)


def _quietly(trigger, *args) -> None:
    """A notification that cannot be made never changes the outcome of the work it is about."""
    try:
        trigger(*args)
    except Exception:
        log.exception("notification %s failed", trigger.__name__)


def parse_resume(upload_id: str) -> None:
    with session_scope() as session:
        upload = resumes.process_upload(session, uuid.UUID(upload_id), tasks.report_progress, app_redis())
        if upload is not None:
            _quietly(notifications.resume_processed, session, app_redis(), upload)


def enrich_job(job_id: str) -> dict:
    r = app_redis()
    with session_scope() as session:
        job = session.get(Job, uuid.UUID(job_id))
        first_time = job is not None and job.enriched_at is None  # enrich() works on this same object
        try:
            job = enrichment.enrich(session, uuid.UUID(job_id), on_status=lambda j: jobs.announce(r, j))
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

    def progress(percent: float) -> None:
        tasks.report_progress(percent)
        enrichment.announce_reenrich(r, "started", percent)

    try:
        with session_scope() as session:
            result = enrichment.reenrich_missing(
                session,
                batch_size or settings.reenrich_batch_size,
                settings.reenrich_pause_seconds if pause_seconds is None else pause_seconds,
                progress=progress,
                after_each=lambda: jobs.invalidate(r),
                on_status=lambda j: jobs.announce(r, j),
            )
    except Exception as exc:
        enrichment.announce_reenrich(r, "failed", error=f"{type(exc).__name__}: {exc}"[:300])
        raise
    finally:
        enrichment.finish_reenrich(r)
    enrichment.announce_reenrich(r, "finished", 100, result)
    return result


def send_email(notification_id: str) -> dict:
    with session_scope() as session:
        return notifications.deliver_email(session, app_redis(), uuid.UUID(notification_id))


# --- job ingestion ---------------------------------------------------------------------------


def _queue_enrichment(job_ids: list[uuid.UUID]) -> None:
    with session_scope() as session:
        ingestion.enqueue_enrichment(session, rq_redis(), job_ids)


def _task_id() -> str | None:
    current = get_current_job()
    return current.id if current is not None else None


def ingest_source(run_id: str) -> dict:
    """One run of one source (queued by ingestion.start_run); a killed worker's run resumes here."""
    return ingest.run_source(run_id, app_redis(), _task_id(), after_batch=_queue_enrichment)


def ingest_all(names: list[str] | None = None, trigger: str = "all") -> dict:
    """Every enabled source (or `names`), one after the other: one that breaks never stops the others."""
    r, task_id = app_redis(), _task_id()
    results: dict[str, dict] = {}
    try:
        with session_scope() as session:
            ingestion.ensure_seeded(session)
            names = ingestion.global_sources(session, names)
        for done, name in enumerate(names, 1):
            try:
                with session_scope() as session:
                    run_id, reason = ingestion.run_for_global(session, name, trigger, task_id)
                results[name] = ingest.run_source(run_id, r, task_id, after_batch=_queue_enrichment) if run_id \
                    else {"status": "skipped", "reason": reason}
            except Exception as exc:
                log.exception("ingestion of %s failed", name)
                results[name] = {"status": "failed", "error": f"{type(exc).__name__}: {exc}"[:300]}
            tasks.report_progress(100 * done / len(names))
    finally:
        ingestion.release_global(r, task_id)
    return results


def generate_content(user_id: str, request: dict) -> dict:
    """The content studio (career_app.services.content): the text streams to the owner live."""
    from career_app.services import content

    with session_scope() as session:
        return content.run_task(session, app_redis(), user_id, request, _task_id())


def ingest_enrich(job_ids: list[str]) -> dict:
    """Enrich and embed a batch of ingested jobs, then announce the new listings to matching seekers."""
    r, live = app_redis(), []
    with session_scope() as session:
        result = ingestion.enrich_batch(session, r, [uuid.UUID(j) for j in job_ids], on_live=live.append)
        _quietly(notifications.announce_many, session, r, live)  # one candidates query for the batch
        return result


def sync_mailbox(mailbox_id: str) -> dict:
    """Read one mailbox's new messages (career_app.services.mailbox): one run at a time per mailbox."""
    from career_app.services import mailbox

    r = app_redis()
    r.delete(f"mailbox:queued:{mailbox_id}")
    with session_scope() as session:
        return mailbox.sync(session, r, mailbox_id).model_dump(mode="json")
