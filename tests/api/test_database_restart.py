"""An external PostgreSQL (DATABASE_URL) that restarts under a running app: once /health answers
200 again, no request fails, though every pooled connection (the ORM's and the ones the fast
paths use through the driver) died with the old server.

The app is a real `career_app.serve` process on a PostgreSQL of this module's own (so killing it
leaves the session's database alone); the server is killed with -9 and started again, as a
crash and restart of a database host would be."""

import subprocess
import sys
import time

import httpx
import psutil
import pytest

from career_app import embedded
from tests.api.conftest import WebApp
from tests.api.restart_helpers import Traffic
from tests.conftest import ROOT, eventually


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
