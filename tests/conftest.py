"""The test session runs against real services: a fresh embedded PostgreSQL (+pgvector)
cluster and Redis under a temporary DATA_DIR, migrated to head, and a real RQ worker.

Environment variables are set here, before anything imports career_app.settings."""

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"

_DATA_DIR = Path(tempfile.mkdtemp(prefix="cc-test-"))
os.environ["DATA_DIR"] = str(_DATA_DIR)
for var in ("DATABASE_URL", "REDIS_URL", "JWT_SECRET", "PUBLIC_URL", "CORS_ORIGINS", "OPENAI_API_KEY",
            "OPENAI_BASE_URL", "EMBEDDINGS_BACKEND"):
    os.environ.pop(var, None)
# No LLM unless a test writes this file (the worker re-reads it when it changes): offline by default.
os.environ["LLM_CONFIG_FILE"] = str(_DATA_DIR / "llm_config.json")

from career_app import embedded  # noqa: E402

os.environ["DATABASE_URL"] = embedded.ensure_postgres(_DATA_DIR, database=f"career_test_{uuid.uuid4().hex[:8]}")
os.environ["REDIS_URL"] = embedded.ensure_redis(_DATA_DIR)
subprocess.run([sys.executable, "-m", "career_app.cli", "migrate"], cwd=ROOT, check=True, capture_output=True)


def pytest_sessionfinish(session, exitstatus):
    embedded.stop_embedded(_DATA_DIR)
    shutil.rmtree(_DATA_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return _DATA_DIR


@pytest.fixture(scope="session")
def service_env() -> dict[str, str]:
    """Environment for child processes (worker, web app) pointing at the test services."""
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


@pytest.fixture(scope="session")
def worker(service_env):
    """A real RQ worker process on the test Redis."""
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "worker.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "career_app.cli", "worker"], cwd=ROOT, env=service_env,
                            stdout=log, stderr=subprocess.STDOUT)
    time.sleep(1.0)
    assert proc.poll() is None, (ARTIFACTS / "worker.log").read_text()
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(autouse=True)
def _clear_login_throttle():
    """Failed-login counters are per account and address; tests share one address."""
    yield
    from career_app.db import app_redis

    r = app_redis()
    keys = list(r.scan_iter("auth:fail:*"))
    if keys:
        r.delete(*keys)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def eventually(predicate, timeout: float = 3.0, every: float = 0.05) -> bool:
    """True as soon as predicate() is, False if it never is within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def create_admin_account(password: str = "admin-password-1") -> tuple[str, str]:
    """Admins only come from the CLI's service function; tests use the same one."""
    from career_app.db import session_scope
    from career_app.services import auth

    email = unique_email("admin")
    with session_scope() as session:
        auth.create_admin(session, email, password, "Ada Admin")
    return email, password


@pytest.fixture
def make_admin():
    return create_admin_account


def run_async(coroutine):
    """asyncio.run in a thread of its own: the browser tests' Playwright (sync API) keeps an event
    loop running in the main thread for the rest of the session."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
