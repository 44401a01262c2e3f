"""Browser tests: the app built and served in production mode (`reflex run --env prod
--single-port`) on the test services, driven by Playwright in Debian's Chromium."""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, ROOT

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = ARTIFACTS / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url(service_env, worker):
    port = _free_port()
    env = {**service_env, "PORT": str(port), "REFLEX_USE_NPM": "1", "GRANIAN_WORKERS": "1",
           "PATH": f"{Path(os.sys.executable).parent}{os.pathsep}{service_env.get('PATH', '')}"}
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "web.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [str(Path(os.sys.executable).parent / "reflex"), "run", "--env", "prod", "--single-port",
         "--backend-port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 600  # the first production build installs npm packages
    while True:
        if proc.poll() is not None:
            pytest.fail(f"web app exited:\n{log_path.read_text()[-4000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200 and \
                    httpx.get(f"{url}/signin/", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"web app did not start:\n{log_path.read_text()[-4000:]}")
        time.sleep(1)
    yield url
    os.killpg(proc.pid, 15)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
    log.close()


def wait_ready(page) -> None:
    """Wait until the page's state has arrived over the websocket, so events are not raced."""
    page.locator('main[data-hydrated="true"]').wait_for()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    expect.set_options(timeout=15_000)
    yield pg
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-final.png"), full_page=True)
    context.close()


@pytest.fixture
def shot(page, request):
    """shot("step") keeps a screenshot of the flow at that step."""
    counter = iter(range(1, 100))

    def take(step: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-{next(counter):02d}-{step}.png"), full_page=True)

    return take
