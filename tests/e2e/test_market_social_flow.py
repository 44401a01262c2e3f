"""/market shows the snapshot of one field in one country (charts, salary bands per currency with their
counts); on /social a seeker shares a tracked job, the link opens in another browser without sign-in
showing only that job, and once revoked it is gone. The listings and the tracked job are written
straight to the database (the REST paths have their own tests in tests/api)."""

import re
import uuid

import httpx

from playwright.sync_api import expect
from sqlmodel import select

from career_app.db import app_redis, session_scope
from career_app.services import jobs as jobs_service
from models.job import Job, JobStatus, RemoteOption, Visibility
from models.user import Role, User
from tests.conftest import unique_email
from tests.e2e.conftest import SCREENSHOTS, wait_ready
from tests.e2e.test_accounts_flow import _fill_signup

MARK = uuid.uuid4().hex[:6]
# Luxembourg, legal: no other test writes listings there.
PAY = [(60_000, 70_000, "EUR"), (70_000, 80_000, "EUR"), (80_000, 90_000, "EUR"), (90_000, 120_000, "CHF")]


def _listings() -> None:
    with session_scope() as session:
        owner = User(email=f"lux-{MARK}@example.com", full_name="Lux Legal", role=Role.provider)
        session.add(owner)
        session.flush()
        for i, (low, high, currency) in enumerate(PAY):
            session.add(Job(owner_id=owner.id, visibility=Visibility.public, status=JobStatus.active,
                            title=f"Legal Counsel {MARK} {i}", company_name=f"Kirchberg Law {i % 2}",
                            location="Luxembourg", country="LU", family="legal", description_raw="Advise on contracts.",
                            skills_required=["Contract Drafting", "Legal Research"] if i < 3 else ["Legal Research"], salary_min=low, salary_max=high,
                            salary_currency=currency, remote_option=RemoteOption.remote if i == 0 else RemoteOption.onsite))
        session.commit()
    jobs_service.invalidate(app_redis())


def _tracked_job(email: str) -> None:
    with session_scope() as session:
        user = session.exec(select(User).where(User.email == email)).one()
        session.add(Job(owner_id=user.id, visibility=Visibility.private, status=JobStatus.active,
                        title=f"Harbour Pilot {MARK}", company_name="Port Authority", location="Cork, Ireland",
                        description_raw="Guide ships safely into the harbour, day and night."))
        session.commit()


def test_market_and_a_share_link(page, new_page, app_url, shot):
    # The served app's root: the service JSON for a JSON client, the page for a browser.
    assert httpx.get(app_url, headers={"Accept": "application/json"}).json()["status"] == "ok"
    assert "<html" in httpx.get(app_url, headers={"Accept": "text/html,*/*;q=0.8"}).text[:500].lower()
    _listings()
    email = unique_email("social")
    page.goto(f"{app_url}/signup")
    _fill_signup(page, "Sam Sharer", email, "social-password-1", "looking for a job")
    page.get_by_role("button", name="Create account").last.click()
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    _tracked_job(email)

    page.get_by_role("link", name="Market").click()
    expect(page).to_have_url(re.compile(r"/market/?$"))
    wait_ready(page)
    page.locator("#market-country").fill("Luxembourg")
    page.locator("#market-apply").click()
    page.locator("#market-family").click()
    page.get_by_role("option", name="Legal").click()
    expect(page.locator("#market-summary")).to_contain_text("Luxembourg")
    expect(page.locator("#market-summary")).to_contain_text("4")
    bands = page.locator("#market-bands")
    expect(bands.get_by_role("row", name=re.compile("EUR"))).to_contain_text("75,000")  # median of 65k, 75k, 85k
    expect(bands.get_by_role("row", name=re.compile("CHF"))).to_contain_text("no figures")  # one posting
    expect(page.locator("#market-weeks .recharts-bar-rectangle").first).to_be_visible()
    expect(page.locator("#market-skills")).to_contain_text("Contract Drafting")
    shot("market")

    page.get_by_role("link", name="Social").click()
    expect(page).to_have_url(re.compile(r"/social/?$"))
    wait_ready(page)
    expect(page.locator("#choice-public_milestones")).not_to_be_checked()  # private by default
    page.locator("#share-job").click()
    page.get_by_role("option", name=re.compile(f"Harbour Pilot {MARK}")).click()
    page.locator("#share-job-button").click()
    link = page.locator("#share-new-link")
    expect(link).to_contain_text("/s/")
    url = link.inner_text().strip()
    expect(page.locator("#social-shares")).to_contain_text(f"Harbour Pilot {MARK}")
    shot("share-created")

    visitor = new_page(1100, 800)  # another browser, never signed in
    visitor.goto(url)
    wait_ready(visitor)
    expect(visitor.locator("#shared-title")).to_have_text(f"Harbour Pilot {MARK}")
    expect(visitor.locator("#shared-body")).to_contain_text("Guide ships safely")
    expect(visitor.get_by_text("Sam Sharer")).to_have_count(0)
    visitor.screenshot(path=str(SCREENSHOTS / "test_market_and_a_share_link-visitor.png"), full_page=True)

    page.reload()
    wait_ready(page)
    row = page.locator("#social-shares").get_by_role("row", name=re.compile(f"Harbour Pilot {MARK}"))
    expect(row).to_contain_text("1")  # one view
    row.get_by_role("button", name="Revoke").click()
    expect(row).to_contain_text("ended")
    visitor.reload()
    wait_ready(visitor)
    expect(visitor.get_by_text("This link does not exist or is no longer shared.")).to_be_visible()
    shot("share-revoked")
