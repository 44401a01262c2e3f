"""Starting runs: one source at a time (one open run per source), or every enabled source in one
global task (one at a time, behind a Redis lock); runs whose worker is gone are failed first, so
they block nothing."""

import uuid
from datetime import timedelta

import redis
from rq.exceptions import NoSuchJobError
from rq.job import Job as RQJob
from sqlmodel import Session, col, select

from career_app.services import tasks
from career_app.services.errors import Conflict, Forbidden
from career_app.services.ingestion.runs import _publish, _publish_run
from career_app.services.ingestion.sources import _add_unique, _open_run, get_source
from models.base import utcnow
from models.ingestion import FINISHED, INGESTION_OWNER_ID, IngestRun, IngestSource, RunStatus
from models.user import Role, User

STALE_RUN_SECONDS = 300  # a running run without a heartbeat this long lost its worker
GLOBAL_LOCK = "ingest:all:task"
GLOBAL_LOCK_SECONDS = 6 * 3600


def system_owner(session: Session) -> User:
    owner = session.get(User, INGESTION_OWNER_ID)
    if owner is None:
        raise RuntimeError("the ingestion system account is missing: run the migrations")
    return owner


def expire_stale_runs(session: Session, conn: redis.Redis) -> int:
    """Runs whose task is gone (finished, failed, lost) or whose worker stopped heartbeating are
    failed, so they block nothing. A killed worker's task is requeued within seconds by the next
    worker (jobs_worker.recovery) and resumes its run long before it would count as stale."""
    stale = 0
    cutoff = utcnow() - timedelta(seconds=STALE_RUN_SECONDS)
    for run in session.exec(select(IngestRun).where(col(IngestRun.status).in_([RunStatus.queued,
                                                                                RunStatus.running]))).all():
        state = _task_state(conn, run.task_id) if run.task_id else None
        lost = run.task_id is not None and state in (None, "finished", "failed", "stopped", "canceled")
        silent = run.status == RunStatus.running and (run.heartbeat_at or run.created_at) < cutoff \
            and state not in ("queued", "scheduled", "deferred")
        if lost or silent:
            run.status, run.finished_at = RunStatus.failed, utcnow()
            run.message = "The worker running this source stopped; nothing was closed. Run it again."
            session.add(run)
            stale += 1
    session.commit()
    return stale


def _task_state(conn: redis.Redis, task_id: str) -> str | None:
    try:
        return RQJob.fetch(task_id, connection=conn).get_status().value
    except (NoSuchJobError, ValueError):
        return None


def start_run(session: Session, r: redis.Redis, conn: redis.Redis, name: str, caller: User,
              trigger: str = "manual") -> IngestRun:
    """Queue a run of one source; 409 while one is open. Admins may run a disabled source by hand
    (the sample catalogue, a test); anyone else only enabled ones."""
    source = get_source(session, name)
    if not source.enabled and caller.role != Role.admin and caller.id != INGESTION_OWNER_ID:
        raise Forbidden(f"The source {source.name} is disabled")
    expire_stale_runs(session, conn)
    running = _open_run(session, source.name)
    session.commit()
    run = _add_unique(session, IngestRun(source=source.name, trigger=trigger, status=RunStatus.queued),
                      f"A run of {source.name} is already in progress"
                      + (f" (task {running.task_id})" if running and running.task_id else ""))
    try:
        run.task_id = tasks.enqueue(conn, "ingest_source", caller, str(run.id))
    except redis.RedisError:
        session.delete(run)
        session.commit()
        raise
    session.add(run)
    session.commit()
    _publish_run(r, run)
    return run


def create_inline_run(session: Session, name: str, trigger: str) -> IngestRun:
    """A run that the calling process performs itself (make demo, the bench)."""
    source = get_source(session, name)
    return _add_unique(session, IngestRun(source=source.name, trigger=trigger, status=RunStatus.queued),
                       f"A run of {source.name} is already in progress")


class GlobalRunRunning(Conflict):
    def __init__(self, task_id: str):
        super().__init__(f"A global ingestion run is already in progress (task {task_id})")
        self.task_id = task_id


def start_all(r: redis.Redis, conn: redis.Redis, caller: User, names: list[str] | None = None,
              trigger: str = "all") -> str:
    """Queue one task that runs every enabled source (or `names`) one after the other; one such
    run at a time (GlobalRunRunning carries the running task's id)."""
    if not r.set(GLOBAL_LOCK, "starting", nx=True, ex=GLOBAL_LOCK_SECONDS):
        holder = r.get(GLOBAL_LOCK)
        if holder and holder != "starting" and _task_state(conn, holder) in (None, "finished", "failed",
                                                                                 "stopped", "canceled"):
            r.delete(GLOBAL_LOCK)  # its task ended without releasing the lock (a killed worker)
            return start_all(r, conn, caller, names, trigger)
        raise GlobalRunRunning(holder or "starting")
    try:
        task_id = tasks.enqueue(conn, "ingest_all", caller, names, trigger)
    except BaseException:
        r.delete(GLOBAL_LOCK)
        raise
    r.set(GLOBAL_LOCK, task_id, ex=GLOBAL_LOCK_SECONDS)
    _publish(r, {"type": "ingest_global", "task_id": task_id, "status": "queued"})
    return task_id


def release_global(r: redis.Redis, task_id: str | None) -> None:
    """The global run ended (its task's finally): the lock goes, and the admins' pages hear of it
    even when the run had no source to run (no run event would tell them)."""
    if task_id and r.get(GLOBAL_LOCK) == task_id:
        r.delete(GLOBAL_LOCK)
        _publish(r, {"type": "ingest_global", "task_id": task_id, "status": "ended"})


def run_for_global(session: Session, name: str, trigger: str, task_id: str | None) -> tuple[uuid.UUID | None, str]:
    """The run a global task performs for one source: its own open run when the task is taken up
    again after a killed worker, none when this task already finished it or another run is open,
    else a new one."""
    mine = session.exec(select(IngestRun).where(IngestRun.source == name, IngestRun.task_id == task_id)
                        .order_by(col(IngestRun.created_at).desc()).limit(1)).first() if task_id else None
    if mine is not None:
        return (None, "done before this task was interrupted") if mine.status in FINISHED else (mine.id, "resumed")
    try:
        run = create_inline_run(session, name, trigger)
    except Conflict:
        return None, "another run of this source is in progress"
    run.task_id = task_id
    session.add(run)
    session.commit()
    return run.id, "started"


def global_sources(session: Session, names: list[str] | None) -> list[str]:
    if names:
        return [get_source(session, n).name for n in names]
    return list(session.exec(select(IngestSource.name).where(col(IngestSource.enabled))
                             .order_by(IngestSource.name)).all())
