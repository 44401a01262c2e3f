"""What the admins' ingestion page shows: the queues, running and failed ingestion tasks, the
global run, the sources, and how many jobs are listed."""

import redis
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job as RQJob
from rq.registry import FailedJobRegistry, StartedJobRegistry
from sqlalchemy import func
from sqlmodel import Session, select

from career_app.services import tasks
from career_app.services.ingestion.sources import list_sources
from career_app.services.ingestion.start import GLOBAL_LOCK, expire_stale_runs
from models.ingestion import INGESTION_OWNER_ID
from models.ingestion_schemas import IngestStatus, TaskBrief
from models.job import Job, JobStatus, Visibility

INGEST_TASKS = ("ingest_source", "ingest_all", "ingest_enrich")


def _brief(job: RQJob) -> TaskBrief:
    error = None
    if job.is_failed:
        latest = job.latest_result()
        error = (latest.exc_string or "").strip().splitlines()[-1][:300] if latest and latest.exc_string else "failed"
    return TaskBrief(task_id=job.id, name=job.meta.get("name", job.func_name), status=job.get_status().value,
                     args=list(job.args or [])[:3], enqueued_at=job.enqueued_at, started_at=job.started_at,
                     ended_at=job.ended_at, error=error)


def status(session: Session, r: redis.Redis, conn: redis.Redis) -> IngestStatus:
    expire_stale_runs(session, conn)
    queues, running, failed = {}, [], []
    for name in tasks.QUEUES:
        queue = Queue(name, connection=conn)
        queues[name] = queue.count
        started_ids = StartedJobRegistry(queue=queue).get_job_ids()
        failed_ids = FailedJobRegistry(queue=queue).get_job_ids(0, 200)
        for ids, out in ((started_ids, running), (failed_ids, failed)):
            for job in RQJob.fetch_many(ids, connection=conn):
                if job is not None and job.meta.get("name") in INGEST_TASKS:
                    out.append(_brief(job))
    holder = r.get(GLOBAL_LOCK)
    global_task = None
    if holder and holder != "starting":
        try:
            global_task = _brief(RQJob.fetch(holder, connection=conn))
        except NoSuchJobError:
            global_task = None
    active = session.exec(select(func.count()).select_from(Job).where(
        Job.status == JobStatus.active, Job.visibility == Visibility.public)).one()
    ingested = session.exec(select(func.count()).select_from(Job).where(Job.owner_id == INGESTION_OWNER_ID)).one()
    return IngestStatus(queues=queues, running=running, failed=failed[-20:], global_task=global_task,
                        sources=list_sources(session), active_jobs=active, ingested_jobs=ingested,
                        empty_catalogue=active == 0)
