"""The admin console of job ingestion in a real browser: an admin opens /admin/ingestion from the
navigation, runs a source served by a loopback feed server, watches its progress move live, sees
a second global run refused (409) while one is queued, disables and enables the source, and finds
the run in the log with its counters. Real worker, real HTTP, real live events."""

import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlmodel import func, select

from career_app.db import session_scope
from career_app.services import ingestion
from models.ingestion import IngestRun, IngestSource, JobPosting
from models.ingestion_schemas import SourceCreate
from tests.e2e.conftest import wait_ready
from tests.e2e.test_jobs_flow import _signed_in_admin
from tests.feed_server import FeedServer, Reply

POSTINGS = 130  # three batches of 50 (ingestion.BATCH_SIZE): progress is announced after each
DETAIL_DELAY = 0.3  # seconds per detail page, two at a time: about 7.5 s per batch, time to see it move
HTTP = {"rate_per_second": 1000, "burst": 100, "backoff": 0.01, "retries": 1, "breaker_failures": 1000,
        "concurrency": 2}


@pytest.fixture
def feed():
    with FeedServer() as server:
        yield server


def _smartrecruiters_source(feed: FeedServer) -> tuple[str, str]:
    """A SmartRecruiters-shaped feed of POSTINGS postings whose details are slow; returns (source, company)."""
    name, company = f"e2e-{uuid.uuid4().hex[:8]}", f"Console{uuid.uuid4().hex[:6]}"
    base = f"/boards/{name}/postings"
    ids = [f"{n:05d}" for n in range(POSTINGS)]
    feed.route(base, lambda q, _b: Reply(body={"totalFound": len(ids), "content": [
        {"id": i, "name": f"Field Technician {i}", "location": {"city": "Porto"}}
        for i in ids[int(q["offset"]):int(q["offset"]) + int(q["limit"])]]}))
    for i in ids:
        feed.route(f"{base}/{i}", Reply(delay=DETAIL_DELAY, body={
            "id": i, "name": f"Field Technician {i}", "location": {"city": "Porto"}, "company": {"name": company},
            "postingUrl": f"https://jobs.example.com/{company}/{i}",
            "jobAd": {"sections": {"jobDescription": {"text": f"<p>Install and maintain equipment on customer "
                                                              f"sites, diagnose faults and keep records ({i}).</p>"}}}}))
    with session_scope() as session:
        ingestion.ensure_seeded(session)
        ingestion.create_source(session, SourceCreate(
            name=name, kind="smartrecruiters", url=feed.url(base),
            params={"company": company, "page_size": 100, "allow_private_network": True, "http": HTTP}))
    return name, company


def _enabled(name: str) -> bool:
    with session_scope() as session:
        return session.get(IngestSource, name).enabled


def test_admin_runs_a_source_and_follows_it_live(new_page, app_url, make_admin, feed, worker):
    name, _company = _smartrecruiters_source(feed)
    admin = _signed_in_admin(new_page, app_url, make_admin)
    admin.get_by_role("link", name="Ingestion").click()
    expect(admin).to_have_url(re.compile(r"/admin/ingestion/?$"))
    wait_ready(admin)

    row = admin.locator(f"#source-{name}")
    expect(row).to_contain_text("smartrecruiters")
    expect(row).to_contain_text("never")
    switch = admin.get_by_role("switch", name=f"Enabled {name}")
    expect(switch).to_have_attribute("aria-checked", "true")
    # The bundled sources are listed too (seeded from config/sources.json, third-party ones disabled).
    expect(admin.locator("#source-deloitte")).to_contain_text("workday")
    expect(admin.get_by_role("switch", name="Enabled deloitte")).to_have_attribute("aria-checked", "false")

    admin.get_by_role("button", name=f"Run {name}").click()
    expect(admin.locator("main [role=alert]")).to_have_count(0)
    # Live progress: the total once listed, then a batch stored while the next is still fetched.
    expect(row.locator(".run-progress")).to_have_text(re.compile(rf"^(50|100) of {POSTINGS}$"), timeout=60_000)
    expect(row.locator(".run-counters")).to_contain_text(re.compile(r"new (50|100)\b"))
    expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", re.compile(r"^(38|77)$"))
    expect(admin.locator("#run-log tr", has_text=name).first.locator(".log-counters")).to_contain_text(
        re.compile(r"new (50|100)\b"))
    expect(admin.get_by_role("button", name=f"Run {name}")).to_be_disabled()
    admin.screenshot(path=_shot("running"), full_page=True)

    # A global run while one is queued: the second is refused with the running task named.
    admin.locator("#run-all").click()
    expect(admin.locator("#global-run")).to_be_visible()
    admin.locator("#run-all").click()
    expect(admin.locator("main [role=alert]")).to_contain_text("A global ingestion run is already in progress")

    # Disable the source (the queued global run will then not take it), then enable it again.
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "false")
    assert _enabled(name) is False

    # The run lands in the log with its counters; the source's row shows it as its last run.
    logged = admin.locator("#run-log tr", has_text=name).first
    expect(logged.locator(".log-status")).to_have_text("complete", timeout=90_000)
    expect(logged.locator(".log-counters")).to_contain_text(f"fetched {POSTINGS} · new {POSTINGS}")
    expect(row.locator(".last-status")).to_have_text("complete")
    expect(row.locator(".last-counters")).to_contain_text(f"new {POSTINGS}")
    expect(row.locator(".run-progress")).to_have_count(0)
    expect(logged.get_by_role("button", name="Retry")).to_be_visible()
    with session_scope() as session:
        stored = session.exec(select(func.count()).select_from(JobPosting).where(JobPosting.source == name)).one()
    assert stored == POSTINGS

    # The queued global run ends and the page hears of it; it did not run the disabled source. (Other
    # tests' enabled sources in the shared database may run and push this run off the log's first page.)
    expect(admin.locator("#global-run")).to_have_count(0, timeout=180_000)
    with session_scope() as session:
        runs = session.exec(select(func.count()).select_from(IngestRun).where(IngestRun.source == name)).one()
    assert runs == 1

    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true")
    assert _enabled(name) is True
    admin.screenshot(path=_shot("logged"), full_page=True)


def _shot(step: str) -> str:
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return str(SCREENSHOTS / f"test_ingestion_flow-{step}.png")
