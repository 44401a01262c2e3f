"""A provider posts a job and watches it go live; a seeker uploads a resume, gets skills and
suggestions, and sees the match score and gap on that job. Real browser, real worker."""

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from career_app.db import session_scope
from career_app.settings import settings
from models.base import utcnow
from models.job import Job, JobStatus

from tests import resume_files
from tests.conftest import unique_email
from tests.e2e.conftest import SCREENSHOTS, wait_ready
from tests.e2e.test_accounts_flow import _fill_signup, _sign_in

DESCRIPTION = ("Join our platform team to design and build Python services with FastAPI and PostgreSQL. You will "
               "run them on Kubernetes in AWS, own CI/CD with GitHub Actions, and mentor engineers. Terraform and "
               "Go experience is a plus.")


def _sign_up(page, app_url, name, role_label):
    page.goto(f"{app_url}/signup")
    _fill_signup(page, name, unique_email("flow"), "flow-password-1", role_label)
    page.get_by_role("button", name="Create account").last.click()
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))


def _provider_posts_live_job(page, app_url, provider_name: str, title: str):
    """A new provider posts a job and waits until it is live; returns its row in the console."""
    _sign_up(page, app_url, provider_name, "hiring")
    page.goto(f"{app_url}/provider")
    wait_ready(page)
    page.locator("#job-title").fill(title)
    page.locator("#job-description").fill(DESCRIPTION)
    page.locator("#post-job").click()
    row = page.locator("#provider-jobs tr", has_text=title)
    expect(row.locator(".job-status")).to_have_text("active", timeout=60_000)
    return row


def _signed_in_admin(new_page, app_url, make_admin):
    email, password = make_admin()
    admin = new_page()
    admin.goto(f"{app_url}/signin")
    _sign_in(admin, email, password)
    expect(admin).to_have_url(re.compile(r"/dashboard/?$"))
    return admin


def _choose(page, select_label: str, option: str) -> None:
    page.get_by_label(select_label).click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(page.get_by_label(select_label)).to_have_text(option)


def _job_titled(title: str) -> Job:
    with session_scope() as session:
        return session.exec(select(Job).where(Job.title == title)).one()


def _processing_since(title: str, seconds: int) -> None:
    """As if an enrichment attempt started `seconds` ago and never finished (a lost task: no event says so)."""
    with session_scope() as session:
        job = session.exec(select(Job).where(Job.title == title)).one()
        job.status, job.updated_at = JobStatus.processing, utcnow() - timedelta(seconds=seconds)
        session.add(job)
        session.commit()


def test_provider_posts_and_seeker_matches(new_page, app_url, shot, page):
    title = f"Platform Engineer {uuid.uuid4().hex[:6]}"
    _sign_up(page, app_url, "Pat Provider", "hiring")
    page.get_by_role("link", name="Provider console").click()
    expect(page).to_have_url(re.compile(r"/provider/?$"))
    wait_ready(page)
    page.locator("#job-title").fill(title)
    page.get_by_label("Company").fill("Orbital Labs")
    page.get_by_label("Location", exact=True).fill("Remote, EU")
    page.locator("#job-description").fill(DESCRIPTION)
    page.get_by_label("Skills (comma separated)").fill("Python, FastAPI, Go, Terraform")
    expect(page.get_by_label("Work place")).to_have_text("On-site")  # labels, not enum values
    expect(page.get_by_label("Employment type")).to_have_text("Full-time")
    _choose(page, "Work place", "Remote")
    _choose(page, "Employment type", "Part-time")
    shot("provider-form")
    page.locator("#post-job").click()
    expect(page.get_by_text("Job posted.")).to_be_visible()
    row = page.locator("#provider-jobs tr", has_text=title)
    expect(row.locator(".job-status")).to_have_text("active", timeout=60_000)  # live, no reload
    expect(page.get_by_text("goes live when it finishes")).to_have_count(0)  # the notice leaves with it
    shot("provider-job-active")
    job = _job_titled(title)
    assert (job.remote_option, job.employment_type) == ("remote", "part_time")  # the enum values were sent
    job_href = row.get_by_role("link", name=title).get_attribute("href")
    assert job_href and job_href.startswith("/jobs/")

    seeker = new_page()
    _sign_up(seeker, app_url, "Sam Seeker", "looking for a job")
    seeker.get_by_role("link", name="Resume").click()
    expect(seeker).to_have_url(re.compile(r"/resume/?$"))
    wait_ready(seeker)
    lines = ["Sam Seeker", "Backend Engineer", "Lisbon, Portugal", *resume_files.RESUME_LINES[1:]]
    seeker.locator("#resume-upload input[type=file]").set_input_files(files=[{
        "name": "sam.pdf", "mimeType": "application/pdf", "buffer": resume_files.pdf_resume(lines)}])
    seeker.locator("#upload-resume").click()
    expect(seeker.locator("#upload-status")).to_contain_text("done", timeout=60_000)
    expect(seeker.locator("#skills-found")).to_contain_text("FastAPI")
    expect(seeker.locator("#current-resume")).to_have_text("sam.pdf")
    with seeker.expect_download() as download:  # through its signed link
        seeker.locator("#download-resume").click()
    assert download.value.suggested_filename == "sam.pdf"
    seeker.locator("#accept-headline").click()
    expect(seeker.get_by_text("In your profile").first).to_be_visible()
    seeker.screenshot(path=str(SCREENSHOTS / "test_jobs_flow-seeker-resume-parsed.png"), full_page=True)

    seeker.goto(f"{app_url}{job_href}")
    wait_ready(seeker)
    expect(seeker.locator("#job-title")).to_have_text(title)
    expect(seeker.locator("#offline-notice")).to_be_visible()
    expect(seeker.locator("#match-score")).to_have_text(re.compile(r"^\d{1,3}%$"), timeout=30_000)
    match_score = int(seeker.locator("#match-score").inner_text().rstrip("%"))
    expect(seeker.locator("#match-gap")).to_be_visible()
    expect(seeker.locator("#gap-explanation")).to_contain_text("Go")  # the resume never mentions Go
    seeker.get_by_role("tab", name="Interview prep").click()
    expect(seeker.locator("#prep .rt-Card")).to_have_count(5)
    seeker.screenshot(path=str(SCREENSHOTS / "test_jobs_flow-seeker-job-match.png"), full_page=True)

    seeker.get_by_role("link", name="Recommended").click()
    # Ranked by the score the match page shows (other tests' jobs share this database): the list is in
    # descending order, and this job is in it with the same score, or every listed job scores higher.
    expect(seeker.locator(".recommendation").first).to_be_visible(timeout=30_000)
    scores = [int(re.search(r"(\d{1,3})%", card.inner_text()).group(1))
              for card in seeker.locator(".recommendation").all()]
    assert scores == sorted(scores, reverse=True), scores
    ours = seeker.locator(".recommendation", has_text=title)
    if ours.count():
        assert int(re.search(r"(\d{1,3})%", ours.first.inner_text()).group(1)) == match_score
    else:
        assert min(scores) >= match_score, (scores, match_score)
    seeker.get_by_role("link", name="Skill gap").click()
    expect(seeker.locator("#coverage")).to_be_visible()
    expect(seeker.locator("#skills-chart .recharts-bar-rectangle").first).to_be_visible()
    seeker.screenshot(path=str(SCREENSHOTS / "test_jobs_flow-seeker-skill-gap.png"), full_page=True)


def test_public_feed_filters(page, app_url, shot):
    page.goto(f"{app_url}/jobs")
    wait_ready(page)
    expect(page.get_by_role("heading", name="Jobs")).to_be_visible()
    page.locator("#filter-q").fill("zzzz-no-such-job-zzzz")
    page.locator("#filter-submit").click()
    expect(page.get_by_text("No jobs match these filters yet.")).to_be_visible()
    shot("feed-empty-filter")


@pytest.mark.timeout(600)
def test_provider_edits_job_and_admin_reenriches(new_page, page, app_url, make_admin, shot):
    first, second = f"QA Engineer {uuid.uuid4().hex[:6]}", f"Senior QA Engineer {uuid.uuid4().hex[:6]}"
    row = _provider_posts_live_job(page, app_url, "Quinn Provider", first)

    row.get_by_role("button", name="Edit").click()
    expect(page.get_by_role("heading", name="Edit job")).to_be_visible()
    expect(page.locator("#job-title")).to_have_value(first)
    expect(page.locator("#job-description")).to_have_value(DESCRIPTION)
    page.locator("#job-title").fill(second)
    page.locator("#post-job").click()
    expect(page.get_by_text("Changes saved.")).to_be_visible()
    edited = page.locator("#provider-jobs tr", has_text=second)
    expect(edited.locator(".job-status")).to_have_text("active", timeout=60_000)
    expect(page.locator("#provider-jobs tr", has_text=first)).to_have_count(0)
    shot("provider-edited")

    admin = _signed_in_admin(new_page, app_url, make_admin)
    admin.get_by_role("link", name="Enrichment").click()
    expect(admin).to_have_url(re.compile(r"/admin/jobs/?$"))
    wait_ready(admin)
    admin.locator("#start-reenrich").click()
    # The run re-enriches every listing of the shared test database missing a pillar or guides written
    # for its family (listings other tests stored by hand among them), in paced batches: minutes, not seconds.
    expect(admin.locator("#reenrich-status")).to_have_text("Status: finished", timeout=300_000)
    expect(admin.get_by_text("jobs enriched")).to_be_visible()
    admin.screenshot(path=str(SCREENSHOTS / "test_jobs_flow-admin-reenrich.png"), full_page=True)


def test_stalled_enrichment_shows_its_age_and_can_be_retried(new_page, page, app_url, make_admin, shot):
    title = f"Data Engineer {uuid.uuid4().hex[:6]}"
    row = _provider_posts_live_job(page, app_url, "Stella Provider", title)

    running_for = settings.enrich_stall_seconds - 6  # running, not stalled yet: its age, no retry
    _processing_since(title, seconds=running_for)
    page.reload()
    wait_ready(page)
    expect(row.locator(".enrichment-age")).to_have_text(f"Enrichment running for {running_for // 60} min")
    expect(row.get_by_role("button", name="Retry")).to_have_count(0)
    shot("enrichment-running")

    # Nothing announces a lost task: the console wakes once, when the attempt turns stalled.
    stalled_text = f"Enrichment stalled (started {settings.enrich_stall_seconds // 60} min ago)"
    expect(row.locator(".enrichment-age")).to_have_text(stalled_text, timeout=20_000)
    expect(row.get_by_role("button", name="Retry")).to_be_visible()
    shot("enrichment-stalled")

    admin = _signed_in_admin(new_page, app_url, make_admin)
    admin.goto(f"{app_url}/admin/jobs")
    wait_ready(admin)
    _choose(admin, "Show listings", "Being enriched")
    admin_row = admin.locator("#admin-jobs tr", has_text=title)
    expect(admin_row.locator(".enrichment-age")).to_have_text(stalled_text)
    admin.screenshot(path=str(SCREENSHOTS / "test_jobs_flow-admin-stalled.png"), full_page=True)
    admin_row.get_by_role("button", name="Retry").click()
    expect(admin_row).to_have_count(0, timeout=60_000)  # enriched again: it leaves the processing list, live

    expect(row.locator(".job-status")).to_have_text("active", timeout=60_000)  # and so does the console
    expect(row.locator(".enrichment-age")).to_have_count(0)
