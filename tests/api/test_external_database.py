"""An external PostgreSQL (DATABASE_URL) under a running app, as a real `career_app.serve`
process sees it (on a PostgreSQL of this module's own, so the session's database is left alone):

- the server restarts (killed with -9 and started again, as a crash and restart of a database host
  would be): once /health answers 200 again, no request fails, though every pooled connection (the
  ORM's and the ones the fast paths use through the driver) died with the old server;
- the app is saturated (its in-flight bound taken by a slow request) and PostgreSQL has no
  connection slot left, as under a burst: /health still answers 200, for the database does;
- the database's host goes away and comes back (behind a TCP proxy that cuts every connection
  without a word): the first read on each dead connection is run again on a new one."""

import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import psutil
import psycopg
import pytest

from career_app import embedded
from career_app.api.overload import BUSY_DETAIL
from tests.api.conftest import WebApp
from tests.api.restart_helpers import Traffic, VanishingHostProxy
from tests.conftest import ARTIFACTS, ROOT, eventually


def _postmaster(data_dir) -> psutil.Process:
    return psutil.Process(int((data_dir / "pg" / "postmaster.pid").read_text().split()[0]))


@pytest.fixture(scope="module")
def external_db(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("external-pg")
    url = embedded.ensure_postgres(data_dir)
    yield data_dir, url
    embedded.stop_embedded(data_dir)


@pytest.fixture(scope="module")
def app_on_external_db(external_db, service_env):
    data_dir, url = external_db
    env = {**service_env, "DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "career_app.cli", "migrate"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    app = WebApp("external-db", env).start()
    try:
        app.wait_healthy()
        yield app
    finally:
        app.stop()


def _start_again(data_dir) -> None:
    """The database host is back: PostgreSQL recovers from its WAL (it may refuse to start while a
    backend of the killed server is still exiting; then it is tried again)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            embedded.ensure_postgres(data_dir)
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_no_request_fails_once_health_is_back_after_an_external_database_restart(external_db, app_on_external_db):
    data_dir, _ = external_db
    traffic = Traffic(app_on_external_db.url)
    traffic.warm()
    postmaster = _postmaster(data_dir)
    postmaster.kill()
    postmaster.wait(10)
    assert eventually(lambda: not _healthy(app_on_external_db.url), 10), "/health reports the database down"
    _start_again(data_dir)
    deadline = time.monotonic() + 30
    while not _healthy(app_on_external_db.url):
        assert time.monotonic() < deadline, "/health did not answer 200 again"
        time.sleep(0.1)
    failures = traffic.after_restart()
    assert not failures, f"{len(failures)} requests failed after /health was 200 again:\n" + "\n".join(failures)


@pytest.fixture
def saturable_app(external_db, app_on_external_db, service_env):
    """One API request in flight at most; a statement may wait for a lock for a minute."""
    _, url = external_db
    app = WebApp("saturable", {**service_env, "DATABASE_URL": url, "WEB_MAX_IN_FLIGHT": "1",
                               "DB_STATEMENT_TIMEOUT_MS": "60000"}).start()
    try:
        app.wait_healthy()
        yield app
    finally:
        app.stop()


def _fill_connection_slots(url: str) -> list[psycopg.Connection]:
    """Connections until PostgreSQL takes no more ("too many clients")."""
    held = []
    for _ in range(1000):
        try:
            held.append(psycopg.connect(url, connect_timeout=5))
        except psycopg.OperationalError as exc:
            assert "too many clients" in str(exc) or "reserved" in str(exc), exc
            return held
    raise AssertionError("PostgreSQL took 1,000 connections")


def test_health_answers_while_requests_are_shed_and_postgres_has_no_free_connection(external_db, saturable_app):
    _, url = external_db
    plain_url = url.replace("postgresql+psycopg://", "postgresql://")
    http = httpx.Client(base_url=saturable_app.url, timeout=90)

    def call(method: str, path: str, **kwargs) -> httpx.Response:
        """As a client should: a 503 (one request in flight at most) is retried after its Retry-After."""
        for _ in range(20):
            resp = http.request(method, path, **kwargs)
            if resp.status_code != 503:
                return resp
            time.sleep(float(resp.headers.get("Retry-After", 1)))
        return resp

    body = {"email": f"slow-{uuid.uuid4().hex[:10]}@example.com", "password": "correct-horse-1",
            "full_name": "Slow User", "role": "seeker"}
    headers = {"Authorization": f"Bearer {call('POST', '/api/v1/auth/register', json=body).json()['access_token']}"}
    me = call("GET", "/api/v1/users/me", headers=headers)
    assert me.status_code == 200, me.text
    user_id = me.json()["id"]

    lock = psycopg.connect(plain_url)
    lock.execute("SELECT 1 FROM users WHERE id = %s FOR UPDATE", (user_id,))  # a transaction holds the row
    slow: list[httpx.Response] = []
    update = threading.Thread(target=lambda: slow.append(
        http.patch("/api/v1/users/me", json={"full_name": "Waited"}, headers=headers)))
    update.start()  # waits for the row lock, holding the one in-flight slot
    held: list[psycopg.Connection] = []
    try:
        busy = None
        for _ in range(100):
            busy = httpx.get(f"{saturable_app.url}/api/v1/")
            if busy.status_code == 503:
                break
            time.sleep(0.05)
        assert busy.status_code == 503 and busy.json()["detail"] == BUSY_DETAIL, "the in-flight bound is taken"
        held = _fill_connection_slots(plain_url)
        answers = []
        for _ in range(4):  # over two seconds: the report is checked again meanwhile
            resp = httpx.get(f"{saturable_app.url}/health", timeout=10)
            answers.append((resp.status_code, resp.json()))
            time.sleep(0.7)
        assert all(code == 200 for code, _ in answers), answers
        assert resp.headers["content-type"] == "application/json" and resp.headers["cache-control"] == "no-store"
        assert resp.headers["x-content-type-options"] == "nosniff", "answered ahead of the API, with its headers"
        assert resp.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert httpx.get(f"{saturable_app.url}/api/v1/").status_code == 503, "still saturated throughout"
    finally:
        for conn in held:
            conn.close()
        lock.rollback()
        lock.close()
        update.join(90)
    assert slow and slow[0].status_code == 200, "the slow request completes once the lock is gone"


def test_reads_that_meet_a_connection_dropped_without_a_word_are_run_again(external_db, app_on_external_db,
                                                                          service_env):
    """No goodbye reaches the app, so nothing tells a dead pooled connection from a live one before
    its first query: that read fails, SQLAlchemy discards the pool, and the read runs once more."""
    _, url = external_db
    socket_dir = Path(parse_qs(urlsplit(url).query)["host"][0])
    unix_socket = next(str(p) for p in socket_dir.glob(".s.PGSQL.*") if not p.name.endswith(".lock"))
    proxy = VanishingHostProxy(unix_socket)
    tcp_url = f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}{urlsplit(url).path}"
    log = ARTIFACTS / "app-vanishing-host.log"
    log.unlink(missing_ok=True)
    app = WebApp("vanishing-host", {**service_env, "DATABASE_URL": tcp_url}).start()
    try:
        app.wait_healthy()
        traffic = Traffic(app.url)
        traffic.warm()
        assert proxy.vanish() > 3, "the app held several connections"
        failures = traffic.run(4 * 12, reads_only=True) + traffic.run(4 * 12, 12, reads_only=True)
        assert not failures, f"{len(failures)} reads failed:\n" + "\n".join(failures)
        assert "running it once more" in log.read_text(), "reads did meet dead connections"
    finally:
        app.stop()
        proxy.close()
