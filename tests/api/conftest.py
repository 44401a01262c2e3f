import os
import subprocess
import sys
import time
from contextlib import contextmanager

import httpx
import pytest
from fastapi.testclient import TestClient

from career_app.api.app import build_api
from tests.conftest import ARTIFACTS, ROOT, free_port, unique_email


@pytest.fixture(scope="session")
def api():
    return build_api()


@pytest.fixture
def client(api):
    with TestClient(api, base_url="http://localhost") as c:
        yield c


@pytest.fixture
def register(client):
    """Sign up through the API; returns (token, body)."""

    def do(role: str = "seeker", password: str = "correct-horse-1", **extra):
        body = {"email": unique_email(role), "password": password, "full_name": f"Test {role}", "role": role, **extra}
        resp = client.post("/api/v1/auth/register", json=body)
        assert resp.status_code == 201, resp.text
        client.cookies.clear()  # tests choose their credentials explicitly
        return resp.json()["access_token"], body

    return do


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class WebApp:
    """One `python -m career_app.serve --no-frontend` process (one granian worker) on the test services."""

    def __init__(self, name: str, env: dict[str, str]):
        self.name, self.env = name, env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "WebApp":
        ARTIFACTS.mkdir(exist_ok=True)
        log = open(ARTIFACTS / f"app-{self.name}.log", "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "career_app.serve", "--port", str(self.port), "--workers", "1", "--no-frontend"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def wait_healthy(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self.proc.poll() is None, f"app {self.name} exited; see {ARTIFACTS / f'app-{self.name}.log'}"
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"app {self.name} did not start"
            time.sleep(0.3)

    def kill(self) -> None:
        """SIGKILL the whole process group: a crash, not a shutdown."""
        os.killpg(self.proc.pid, 9)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            self.proc.wait(timeout=30)


@contextmanager
def web_apps(service_env: dict[str, str], count: int, **env):
    """`count` app processes behind the one test PostgreSQL and Redis, as several backend workers are."""
    apps = [WebApp(chr(ord("a") + i), {**service_env, **env}).start() for i in range(count)]
    try:
        for app in apps:
            app.wait_healthy()
        yield apps
    finally:
        for app in apps:
            app.stop()
