"""The worker process: listens on every queue of career_app.services.tasks.

Timings are short so that a dead worker is noticed quickly: the worker heartbeats at least every
WORKER_TTL - 15 s when idle and every JOB_MONITORING_INTERVAL s during a job, and every
MAINTENANCE_INTERVAL s (and at start) it requeues jobs that dead workers abandoned and retries
taking the scheduler lock (needed for delayed retries) if another worker's has lapsed. A child
process runs the ingestion schedules (jobs_worker.scheduler), unless the schedules run on their own
(`run --role scheduler`)."""

import logging
from datetime import timedelta

from rq import Queue, Worker

from career_app.db import rq_redis
from career_app.services import embeddings
from career_app.services.tasks import QUEUES
from career_app.settings import settings
from jobs_worker.recovery import requeue_abandoned
from jobs_worker import scheduler

WORKER_TTL = 30
JOB_MONITORING_INTERVAL = 5
MAINTENANCE_INTERVAL = 10
# A live worker's heartbeat is never older than this, idle (WORKER_TTL - 15) or busy.
STALE_HEARTBEAT = timedelta(seconds=2 * WORKER_TTL)


class _QuietMaintenance(logging.Filter):
    """RQ logs each registry cleaning at INFO; every 10 s that would bury the job lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().split(": ", 1)[-1].startswith("cleaning ")


class RecoveringWorker(Worker):
    def run_maintenance_tasks(self):
        requeue_abandoned(self.connection, self.queues, STALE_HEARTBEAT)
        super().run_maintenance_tasks()


def run(burst: bool = False, schedule: bool = True) -> None:
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s worker %(levelname)s %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(_QuietMaintenance())
    # Load the embedding model once, before RQ forks a child per job: children share it.
    embeddings.load()
    conn = rq_redis()
    queues = [Queue(name, connection=conn) for name in QUEUES]
    worker = RecoveringWorker(queues, connection=conn, worker_ttl=WORKER_TTL,
                              job_monitoring_interval=JOB_MONITORING_INTERVAL, maintenance_interval=MAINTENANCE_INTERVAL)
    # Ingestion schedules, in a child process (one holder of its lock among all workers).
    schedules = scheduler.start(worker.name) if schedule and not burst else None
    try:
        worker.work(burst=burst, with_scheduler=True)
    finally:
        if schedules is not None:
            schedules.terminate()
