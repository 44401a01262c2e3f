"""The supervisor behind `make run`: keeps the web server, the RQ worker and the embedded
PostgreSQL and Redis running until Ctrl-C / SIGTERM.

A child that exits is restarted after a backoff that doubles on each quick crash (0.5 s up to
30 s) and resets once the child has stayed up for a while; its whole process group is killed
first, so an orphan (an RQ work horse, a granian worker) never keeps running beside the new one.
The embedded servers are checked every second and started again when they are down: PostgreSQL
recovers from its WAL, Redis from its append-only file, and the children reconnect."""

import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

log = logging.getLogger("supervisor")

BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0
STABLE_AFTER = 30.0  # seconds up after which a crash counts as the first one again
STOP_GRACE = 15.0
TICK = 0.2
SERVICE_CHECK_EVERY = 1.0


@dataclass
class Backoff:
    delay: float = 0.0

    def next(self) -> float:
        self.delay = min(BACKOFF_MAX, self.delay * 2 if self.delay else BACKOFF_FIRST)
        return self.delay

    def reset(self) -> None:
        self.delay = 0.0


@dataclass
class Child:
    """A process the supervisor keeps running."""

    name: str
    command: list[str]
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    restart_at: float = 0.0
    restarts: int = 0
    backoff: Backoff = field(default_factory=Backoff)


@dataclass
class Service:
    """An embedded server: how to tell it is up, and how to start it."""

    name: str
    is_up: Callable[[], bool]
    start: Callable[[], object]
    next_check: float = 0.0
    backoff: Backoff = field(default_factory=Backoff)


def _kill_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_session(proc: subprocess.Popen) -> None:
    """SIGKILL everything left in a dead child's session, not only its process group: an RQ
    work horse moves to a group of its own and would go on working beside the restarted worker."""
    for other in psutil.process_iter():
        try:
            if os.getsid(other.pid) == proc.pid:
                other.kill()
        except (OSError, psutil.Error):
            pass


class Supervisor:
    def __init__(self, children: list[Child], services: list[Service], env: dict[str, str], cwd: Path):
        self.children = children
        self.services = services
        self.env = env
        self.cwd = cwd
        self.stopping = False

    def request_stop(self, *_args) -> None:
        self.stopping = True

    def _start(self, child: Child) -> None:
        # Its own session (process group): a Ctrl-C reaches only the supervisor, which stops
        # each group in order, and a crashed child's leftovers can be killed as a group.
        child.proc = subprocess.Popen(child.command, env=self.env, cwd=self.cwd, start_new_session=True)
        child.started_at = time.monotonic()
        log.info("started %s (pid %d)", child.name, child.proc.pid)

    def _check_child(self, child: Child, now: float) -> None:
        if child.proc is None:
            if now >= child.restart_at:
                self._start(child)
            return
        code = child.proc.poll()
        if code is None:
            return
        _kill_session(child.proc)  # whatever it left behind
        if now - child.started_at >= STABLE_AFTER:
            child.backoff.reset()
        delay = child.backoff.next()
        child.proc, child.restart_at, child.restarts = None, now + delay, child.restarts + 1
        log.error("%s exited with code %s; restarting in %.1f s (restart #%d)", child.name, code, delay,
                  child.restarts)

    def _check_service(self, service: Service, now: float) -> None:
        if now < service.next_check:
            return
        service.next_check = now + SERVICE_CHECK_EVERY
        if service.is_up():
            service.backoff.reset()
            return
        log.error("embedded %s is down; starting it", service.name)
        try:
            service.start()
        except Exception as exc:  # noqa: BLE001 - keep supervising; try again after the backoff
            delay = service.backoff.next()
            service.next_check = now + delay
            log.error("embedded %s did not start (%s); retrying in %.1f s", service.name, exc, delay)
        else:
            log.warning("embedded %s is up again", service.name)

    def run(self) -> None:
        signal.signal(signal.SIGINT, self.request_stop)
        signal.signal(signal.SIGTERM, self.request_stop)
        while not self.stopping:
            now = time.monotonic()
            for service in self.services:
                self._check_service(service, now)
            for child in self.children:
                self._check_child(child, now)
            time.sleep(TICK)
        self.stop_children()

    def stop_children(self) -> None:
        log.info("stopping…")
        running = [c.proc for c in self.children if c.proc is not None and c.proc.poll() is None]
        for proc in running:
            _kill_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for proc in running:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _kill_group(proc, signal.SIGKILL)
            _kill_session(proc)  # any grandchild still running
