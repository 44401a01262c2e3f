"""Browser tests: the app built and served as `make run` does (the production frontend built once
by `reflex export`, then `python -m career_app.serve` on one port) on the test services, driven by
Playwright in Debian's Chromium."""

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from career_app.serve import build_frontend
from tests.conftest import ARTIFACTS, ROOT, free_port
from tests.oidc_server import LoopbackOIDC

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = ARTIFACTS / "screenshots"
WEB_WORKERS = 2
# The tests' frontend is built apart from .web: `make run` in the same checkout serves .web, and a
# build for the tests' port rewrote it under the running app (its pages stopped connecting).
TEST_WEB_DIR = ROOT / ".web-test"


@pytest.fixture(scope="session")
def loopback_idp():
    """The OpenID Connect provider the app offers as "Google" (tests/oidc_server.py)."""
    server = LoopbackOIDC().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app_url(service_env, worker, loopback_idp):
    port = free_port()
    # Two backend workers, as in production: a tab's live updates may come from either.
    env = {**service_env, "PORT": str(port), "REFLEX_USE_NPM": "1", "GRANIAN_WORKERS": str(WEB_WORKERS),
           "GOOGLE_CLIENT_ID": loopback_idp.client_id, "GOOGLE_CLIENT_SECRET": loopback_idp.client_secret,
           "GOOGLE_DISCOVERY_URL": loopback_idp.discovery_url,
           "REFLEX_WEB_WORKDIR": str(TEST_WEB_DIR), "REFLEX_STATES_WORKDIR": str(ROOT / ".states-test"),
           "PATH": f"{Path(os.sys.executable).parent}{os.pathsep}{service_env.get('PATH', '')}"}
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "web.log"
    log = open(log_path, "w")
    served = ROOT / ".web" / "build" / "client" / "index.html"
    before = served.stat().st_mtime_ns if served.exists() else None
    build_frontend(port, env)  # the first production build installs npm packages
    assert (TEST_WEB_DIR / "build" / "client" / "index.html").exists(), "the tests' frontend was not built apart"
    assert (served.stat().st_mtime_ns if served.exists() else None) == before, "the build rewrote .web"
    proc = subprocess.Popen(
        [os.sys.executable, "-m", "career_app.serve", "--port", str(port), "--workers", str(WEB_WORKERS)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 120
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


class BrowserErrors:
    """Console errors and uncaught exceptions of every page a test opens (a CSP violation and a
    React hydration error are console errors). Any not declared with `expect` fails the test."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.expected: list[str] = []

    def expect(self, pattern: str) -> None:
        """An error the test provokes on purpose (a regular expression), e.g. the 404 of a missing page."""
        self.expected.append(pattern)

    def watch(self, pg) -> None:
        def on_console(msg) -> None:
            if msg.type == "error":
                where = (msg.location or {}).get("url", "")
                self.seen.append(f"console error on {pg.url}: {msg.text}" + (f" ({where})" if where else ""))

        pg.on("console", on_console)
        pg.on("pageerror", lambda exc: self.seen.append(f"page error on {pg.url}: {exc}"))

    def unexpected(self) -> list[str]:
        return [e for e in self.seen if not any(re.search(p, e) for p in self.expected)]


@pytest.fixture
def browser_errors():
    errors = BrowserErrors()
    yield errors
    if errors.unexpected():
        pytest.fail("The browser reported errors:\n" + "\n".join(errors.unexpected()), pytrace=False)


@pytest.fixture
def new_page(browser, browser_errors):
    """new_page(width, height) opens another browser context (another user), watched for errors."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        pg = context.new_page()
        pg.set_default_timeout(20_000)
        browser_errors.watch(pg)
        return pg

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page, request):
    pg = new_page(1280, 860)
    expect.set_options(timeout=15_000)
    yield pg
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-final.png"), full_page=True)


@pytest.fixture
def shot(page, request):
    """shot("step") keeps a screenshot of the flow at that step."""
    counter = iter(range(1, 100))

    def take(step: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-{next(counter):02d}-{step}.png"), full_page=True)

    return take
