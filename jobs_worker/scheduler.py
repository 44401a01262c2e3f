"""The worker's scheduler: runs each enabled ingestion source on its cron schedule (UTC), sends
interview reminders every REMIND_SECONDS, and every DESK_SWEEP_SECONDS runs the support desk's timers
(services/desk.sweep: SLA alerts, the idle hand-back of held conversations, whose unanswered question
the coach then answers in an RQ job).

Every worker of `run` starts one as a child process (`python -m jobs_worker.scheduler <worker pid>`:
not a thread, since RQ forks a work horse per job and a fork taken while another thread holds a lock
can deadlock the child); it exits within a second of its worker. `run --role scheduler` runs it
alone (`python -m jobs_worker.scheduler`, no parent to follow): one or more such machines, the
same election. One scheduler at a time holds a Redis
lock (renewed each tick, taken over when it lapses, so a killed worker's scheduling moves to another
within LOCK_SECONDS) and queues due runs; each due time is also claimed by a compare-and-set on the
source's next_run_at, so even two schedulers could not both run it."""

import logging
import os
import socket
import subprocess
import sys
import time

from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from career_app import db
from career_app.services import applications, desk, ingestion, mailbox
from career_app.services.tasks import DEFAULT_QUEUE
from career_app.settings import settings

log = logging.getLogger(__name__)

LOCK = "ingest:scheduler"
LOCK_SECONDS = 45
TICK_SECONDS = 15
REMIND_SECONDS = 600  # interview rounds that became "tomorrow" are announced within this long
MAILBOX_CHECK_SECONDS = 60  # how often mailboxes due a read (MAILBOX_SYNC_MINUTES) are queued
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) and 1 or 0
"""


class Scheduler:
    def __init__(self, name: str | None = None, lock: str = LOCK):
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.lock = lock
        self.r = db.app_redis()
        self.conn = db.rq_redis()
        self._engine = create_engine(db.database_url(), poolclass=NullPool)
        self._take = self.r.register_script(_RENEW)
        self._seeded = False
        self._next_reminders = 0.0
        self._next_mailboxes = 0.0

    def holds_lock(self) -> bool:
        return bool(self._take(keys=[self.lock], args=[self.name, LOCK_SECONDS]))

    def tick(self) -> list[str]:
        if not self.holds_lock():
            return []
        with Session(self._engine, expire_on_commit=False) as session:
            if not self._seeded:
                ingestion.ensure_seeded(session)
                self._seeded = True
            if time.monotonic() >= self._next_reminders:
                self._next_reminders = time.monotonic() + REMIND_SECONDS
                try:
                    applications.remind_interviews(session, self.r)
                except Exception:  # a failed reminder pass never holds up the ingestion schedule
                    log.exception("interview reminders failed")
                    session.rollback()
            if time.monotonic() >= self._next_mailboxes:
                self._next_mailboxes = time.monotonic() + MAILBOX_CHECK_SECONDS
                try:
                    mailbox.sync_due(session, self.r, self.conn)
                except Exception:  # nor does a failed mailbox pass
                    log.exception("queueing mailbox reads failed")
                    session.rollback()
            return ingestion.schedule_due(session, self.r, self.conn)

    def desk_tick(self) -> list:
        """The support desk's timers; a handed-back conversation's pending question goes to the coach."""
        if not self.holds_lock():
            return []
        from rq import Queue

        with Session(self._engine, expire_on_commit=False) as session:
            _alerts, released = desk.sweep(session, self.r)
        for session_id in released:
            Queue(DEFAULT_QUEUE, connection=self.conn).enqueue(
                "career_app.services.coach.answer_blocking", str(session_id), job_timeout=300, result_ttl=600)
        return released

    def loop(self, parent: int | None = None) -> None:
        """Tick every TICK_SECONDS while the worker `parent` lives (no parent: until stopped)."""
        next_tick = next_desk = 0.0
        while parent is None or os.getppid() == parent:
            if time.monotonic() >= next_desk:
                next_desk = time.monotonic() + settings.desk_sweep_seconds
                try:
                    self.desk_tick()
                except Exception:
                    log.exception("support desk sweep failed")
            if time.monotonic() >= next_tick:
                next_tick = time.monotonic() + TICK_SECONDS
                try:
                    started = self.tick()
                    if started:
                        log.info("scheduled ingestion runs: %s", ", ".join(started))
                except Exception:
                    log.exception("ingestion scheduler tick failed")
            time.sleep(min(1.0, settings.desk_sweep_seconds))


def start(worker_name: str) -> subprocess.Popen:
    """The scheduler process of a worker (call before the worker starts working)."""
    return subprocess.Popen([sys.executable, "-m", "jobs_worker.scheduler", str(os.getpid()), worker_name])


if __name__ == "__main__":
    from career_app.settings import settings

    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s scheduler %(levelname)s %(message)s")
    Scheduler(sys.argv[2] if len(sys.argv) > 2 else None).loop(int(sys.argv[1]) if len(sys.argv) > 1 else None)
