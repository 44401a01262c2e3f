"""Background tasks on RQ: enqueueing with an owner, progress, and status for the owner.

Tasks are named by their import path so this module never imports the worker code. Progress and
the end of a task are announced live to its owner (`{"type": "task", "task_id", "status",
"progress"}` on their topic); the full status and result are read with `status()`."""

import uuid
from dataclasses import dataclass

import redis
from rq import Callback, Queue, Retry, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job

from career_app import db
from career_app.services import live
from career_app.services.errors import NotFound
from models.schemas import TaskStatus
from models.user import User

DEFAULT_QUEUE = "default"
# Bulk work (ingestion runs, their enrichment batches, re-enrichment of the catalogue) waits behind
# what people are waiting for: workers take from the queues in this order.
BULK_QUEUE = "bulk"
QUEUES = (DEFAULT_QUEUE, BULK_QUEUE)


@dataclass(frozen=True)
class TaskSpec:
    path: str
    queue: str = DEFAULT_QUEUE
    timeout: int = 600
    result_ttl: int = 24 * 3600
    retry_intervals: tuple[int, ...] = ()  # seconds before each automatic retry


TASKS = {
    "export_account": TaskSpec("jobs_worker.tasks.export_account"),
    # 60 s is the parse timeout: a file that takes longer is refused, not left half-done.
    "parse_resume": TaskSpec("jobs_worker.tasks.parse_resume", timeout=60),
    "enrich_job": TaskSpec("jobs_worker.tasks.enrich_job", timeout=300, retry_intervals=(15, 60, 300)),
    "reenrich_jobs": TaskSpec("jobs_worker.tasks.reenrich_jobs", queue=BULK_QUEUE, timeout=6 * 3600),
    # An SMTP server that is down gets three more tries over about 15 minutes.
    "send_email": TaskSpec("jobs_worker.tasks.send_email", timeout=60, retry_intervals=(30, 120, 600)),
    # Enhanced recommendations: the top 50 banded by the LLM (or the offline rule); kept in Redis.
    "enhanced_recommendations": TaskSpec("jobs_worker.tasks.enhanced_recommendations", timeout=600),
    # The content studio's documents, streamed to their owner while written.
    "generate_content": TaskSpec("jobs_worker.tasks.generate_content", timeout=300),
    # Ingestion: a run commits per batch and resumes after a killed worker, so no automatic retry
    # (the next scheduled or manual run is the retry); enrichment batches retry like enrich_job.
    "ingest_source": TaskSpec("jobs_worker.tasks.ingest_source", queue=BULK_QUEUE, timeout=2 * 3600,
                              result_ttl=7 * 24 * 3600),
    "ingest_all": TaskSpec("jobs_worker.tasks.ingest_all", queue=BULK_QUEUE, timeout=6 * 3600,
                           result_ttl=7 * 24 * 3600),
    "ingest_enrich": TaskSpec("jobs_worker.tasks.ingest_enrich", queue=BULK_QUEUE, timeout=900,
                              retry_intervals=(30, 120, 600)),
    # One mailbox read: resumable by UID, so the next scheduled run is the retry.
    "sync_mailbox": TaskSpec("jobs_worker.tasks.sync_mailbox", timeout=600, result_ttl=3600),
}


def enqueue(conn: redis.Redis, name: str, owner: User, *args, **kwargs) -> str:
    spec = TASKS[name]
    job = Queue(spec.queue, connection=conn).enqueue(
        spec.path,
        args=args,
        kwargs=kwargs,
        job_id=str(uuid.uuid4()),
        job_timeout=spec.timeout,
        result_ttl=spec.result_ttl,
        failure_ttl=spec.result_ttl,
        meta={"owner_id": str(owner.id), "name": name, "progress": 0},
        retry=Retry(max=len(spec.retry_intervals), interval=list(spec.retry_intervals)) if spec.retry_intervals else None,
        on_success=Callback(_announce_success), on_failure=Callback(_announce_failure),
    )
    return job.id


def _announce(job: Job, status: str) -> None:
    owner = job.meta.get("owner_id")
    if owner:
        live.publish(db.app_redis(), live.user(owner), {"type": "task", "task_id": job.id, "status": status,
                                                        "progress": job.meta.get("progress", 0)})


def _announce_success(job: Job, _connection, _result, *args, **kwargs) -> None:
    # RQ runs this just before it stores the result: a reader may see "started" for a moment more.
    _announce(job, "finished")


def _announce_failure(job: Job, _connection, *exc_info, **kwargs) -> None:
    _announce(job, "failed")


def report_progress(percent: float) -> None:
    """Called from inside a running task."""
    job = get_current_job()
    if job is not None:
        job.meta["progress"] = round(max(0.0, min(100.0, percent)), 1)
        job.save_meta()
        _announce(job, "started")


def status(conn: redis.Redis, task_id: str, viewer: User) -> TaskStatus:
    """A task's state and result, for the user who started it alone. Anyone else, admins included, is
    told it does not exist: a result can hold private data (an account export carries the resume
    text and private jobs), and an admin may not read through a task what they may not read directly."""
    try:
        job = Job.fetch(task_id, connection=conn)
    except (NoSuchJobError, ValueError) as exc:
        raise NotFound("Task not found") from exc
    if job.meta.get("owner_id") != str(viewer.id):
        raise NotFound("Task not found")
    state = job.get_status().value
    error = None
    result = None
    if state == "finished":
        result = job.return_value()
    elif state == "failed":
        latest = job.latest_result()
        error = (latest.exc_string or "").strip().splitlines()[-1] if latest and latest.exc_string else "failed"
    return TaskStatus(
        task_id=job.id,
        name=job.meta.get("name", job.func_name),
        status=state,
        progress=100.0 if state == "finished" else float(job.meta.get("progress", 0)),
        result=result,
        error=error,
        enqueued_at=job.enqueued_at,
        ended_at=job.ended_at,
    )
