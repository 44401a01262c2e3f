"""Finding work that a dead worker abandoned, and putting it back on its queue at once.

RQ notices an abandoned job only when its heartbeat entry expires (at least a minute after the
worker died), then retries it through the scheduler after the retry interval. A worker killed
mid-job would leave a job `processing` for minutes. Here a job is abandoned as soon as the worker
that started it is known to be dead: its record is gone, its heartbeat is stale, or it ran on this
host and its process no longer exists. Abandoned jobs are requeued at the front; a job that
keeps killing its workers (a poison job) fails after MAX_ABANDONS."""

import logging
import os
import socket
from datetime import datetime, timedelta, timezone

from redis import Redis
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.utils import utcparse
from rq.worker import Worker

log = logging.getLogger(__name__)

MAX_ABANDONS = 3
SCAN_LOCK_SECONDS = 15


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_is_dead(conn: Redis, worker_name: str, stale_after: timedelta) -> bool:
    data = conn.hgetall(Worker.redis_worker_namespace_prefix + worker_name)
    if not data:
        return True
    fields = {k.decode(): v.decode() for k, v in data.items()}
    if fields.get("death"):
        return True
    if fields.get("hostname") == socket.gethostname() and fields.get("pid") and not _pid_alive(int(fields["pid"])):
        return True
    heartbeat = fields.get("last_heartbeat")
    return heartbeat is None or datetime.now(timezone.utc) - utcparse(heartbeat) > stale_after


def requeue_abandoned(conn: Redis, queues: list[Queue], stale_after: timedelta) -> list[str]:
    """Requeue started jobs whose worker is dead; returns their ids."""
    requeued = []
    for queue in queues:
        # One scan per queue at a time (two workers scanning at once would requeue a job twice); a short
        # expiry, so a worker killed mid-scan does not block the others for long.
        lock = f"{queue.key}:requeue-lock"
        if not conn.set(lock, 1, nx=True, ex=SCAN_LOCK_SECONDS):
            continue
        try:
            requeued += _requeue_from(conn, queue, stale_after)
        finally:
            conn.delete(lock)
    return requeued


def _requeue_from(conn: Redis, queue: Queue, stale_after: timedelta) -> list[str]:
    requeued = []
    registry = queue.started_job_registry
    for job_id, _execution_id in registry.get_job_and_execution_ids(cleanup=False):
        try:
            job = Job.fetch(job_id, connection=conn, serializer=queue.serializer)
        except NoSuchJobError:
            continue
        if job.get_status() != JobStatus.STARTED or not job.worker_name:
            continue
        if not worker_is_dead(conn, job.worker_name, stale_after):
            continue
        abandons = int(job.meta.get("abandoned", 0)) + 1
        job.meta["abandoned"] = abandons
        job.save_meta()
        registry.remove_executions(job)
        if abandons > MAX_ABANDONS:
            log.error("job %s killed its worker %d times; marking it failed", job.id, abandons - 1)
            job.set_status(JobStatus.FAILED)
            queue.failed_job_registry.add(job, exc_string="Abandoned by dead workers too often")
            continue
        queue.enqueue_job(job, at_front=True)
        log.warning("requeued job %s (%s) abandoned by dead worker %s", job.id, job.func_name, job.worker_name)
        requeued.append(job.id)
    return requeued
