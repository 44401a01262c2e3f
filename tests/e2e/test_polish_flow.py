"""The pages a person hits first, driven as a person would (issue 22, "In the way"): the import
wizard with bad rows in plain words, the card drawer's round form, the header (one Tab stop per
link, a phone menu with Tracked jobs), the admin's home and the Enrichment page, the dashboard
after a resume upload, the provider's confirmation, the feed's counts, bylines and paging by URL,
and the job page's tabs on a 390 px phone. Screenshots of each land in test-artifacts/screenshots."""

import re
import uuid

import httpx
from playwright.sync_api import expect

from career_app.db import app_redis, session_scope
from career_app.services import jobs
from models.job import Job, JobStatus
from tests import resume_files
from tests.e2e.conftest import SCREENSHOTS, wait_ready
from tests.e2e.test_accounts_flow import _sign_in
from tests.e2e.test_jobs_flow import DESCRIPTION, _sign_up
from tests.e2e.test_match_flow import seeker_with_resume


def _phone_shot(pg, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"polish-390-{name}.png"), full_page=True)


def _no_overlap(a, b) -> bool:
    one, two = a.bounding_box(), b.bounding_box()
    return one["x"] + one["width"] <= two["x"] or two["x"] + two["width"] <= one["x"] or \
        one["y"] + one["height"] <= two["y"] or two["y"] + two["height"] <= one["y"]


def test_import_preview_speaks_plainly_and_the_round_form_fits(page, app_url, shot):
    tag = uuid.uuid4().hex[:6]
    _sign_up(page, app_url, "Ivo Import", "looking for a job")
    page.goto(f"{app_url}/applications")
    wait_ready(page)
    csv = (f"Company,Title,Status,Date applied\n"
           f"Umbra {tag},Analyst,applied,2026-11-02\n"
           f"Initech {tag},Engineer,applied,2026-13-40\n"
           f",Chef,saved,\n"
           f"umbra {tag} , ANALYST,saved,\n"
           f"Vex {tag},Clerk,ghosted,\n")
    page.locator("#open-import").click()
    page.locator("#import-upload input[type=file]").set_input_files(files=[{
        "name": "mine.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
    page.locator("#import-preview").click()
    expect(page.locator("#import-summary")).to_have_text("5 rows · 1 to create · 1 duplicate · 3 with errors")
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("Row 3: the applied date '2026-13-40' is not a date; use YYYY-MM-DD")
    expect(errors).to_contain_text("Row 4: the company is empty")
    expect(errors).to_contain_text("Row 6: the status 'ghosted' is not one we know; use one of: saved, applied")
    expect(errors).not_to_contain_text("Value error")
    expect(errors).not_to_contain_text("applied_on")
    expect(page.locator("#import-duplicates")).to_have_text(re.compile(rf"Row 5: repeats row 2 \(Umbra {tag} — Analyst\)"))
    shot("import-preview")
    page.locator("#import-confirm").click()
    expect(page.locator("#import-summary")).to_contain_text("1 created")
    page.locator("#import-close").click()

    # the card drawer: the date-time input and the Outcome select side by side, not over each other
    page.locator(".kanban-card", has_text=f"Umbra {tag}").locator(".card-open").click()
    when, outcome = page.locator("#round-when"), page.locator("#round-outcome")
    expect(outcome).to_be_visible()
    assert _no_overlap(when, outcome), (when.bounding_box(), outcome.bounding_box())
    shot("drawer-round-form")


def test_header_links_are_one_tab_stop_and_the_phone_menu_holds_the_pages(page, new_page, app_url):
    page.goto(f"{app_url}/")
    wait_ready(page)
    nav = page.locator("nav")
    assert nav.locator("a button, button a").count() == 0  # a link wrapping a button is two Tab stops
    nav.get_by_role("link", name="Career Copilot home").focus()
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Sign in")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Create account")

    phone = new_page(390, 844)
    _sign_up(phone, app_url, "Pam Phone-Menu", "looking for a job")
    wait_ready(phone)
    header = phone.locator("nav").bounding_box()
    assert header["height"] < 70, f"the header takes {header['height']}px: more than one row"
    expect(phone.locator("#nav-links")).to_be_hidden()
    phone.locator("#nav-menu").click()
    menu = phone.get_by_role("menu")
    expect(menu.get_by_role("menuitem", name="Tracked jobs")).to_be_visible()
    _phone_shot(phone, "nav-menu-open")
    menu.get_by_role("menuitem", name="Tracked jobs").click()
    expect(phone).to_have_url(re.compile(r"/tracker/?$"))
    # the wide header lists it too
    page.set_viewport_size({"width": 1366, "height": 900})
    _sign_up(page, app_url, "Wes Wide", "looking for a job")
    expect(page.locator("#nav-links").get_by_role("link", name="Tracked jobs")).to_be_visible()


def test_admin_home_and_enrichment_page(new_page, app_url, make_admin):
    email, password = make_admin()
    admin = new_page(1366, 900)
    admin.goto(f"{app_url}/signin")
    _sign_in(admin, email, password)
    expect(admin).to_have_url(re.compile(r"/dashboard/?$"))
    admin.locator("#nav-links").get_by_role("link", name="Admin", exact=True).click()
    expect(admin).to_have_url(re.compile(r"/admin/?$"))
    wait_ready(admin)
    expect(admin.get_by_role("heading", name="Admin", exact=True)).to_be_visible()
    expect(admin.locator("#admin-home-chat")).to_contain_text("waiting for an answer")
    expect(admin.locator("#admin-home-users")).to_contain_text(re.compile(r"[1-9]\d* admins?"))
    expect(admin.locator("#admin-home-ingestion")).to_contain_text(re.compile(r"\d+ live listings?"))
    admin.screenshot(path=str(SCREENSHOTS / "polish-admin-home.png"), full_page=True)
    admin.locator("#admin-home-enrichment").get_by_role("link").click()
    expect(admin).to_have_url(re.compile(r"/admin/jobs/?$"))
    expect(admin.get_by_role("heading", name="Enrichment", exact=True)).to_be_visible()
    expect(admin.locator("#enrichment-filter")).to_have_text("Enrichment failed")
    expect(admin.locator("body")).not_to_contain_text("enrich_failed")
    admin.screenshot(path=str(SCREENSHOTS / "polish-admin-enrichment.png"), full_page=True)


def test_dashboard_after_upload_and_provider_confirmation(new_page, app_url):
    with httpx.Client(base_url=app_url, timeout=180) as api:
        email, password = seeker_with_resume(api, resume_files.pdf_resume())
    seeker = new_page(1366, 900)
    seeker.goto(f"{app_url}/signin")
    _sign_in(seeker, email, password)
    expect(seeker).to_have_url(re.compile(r"/dashboard/?$"))
    box = seeker.locator("#dashboard-resume")
    expect(box).to_contain_text("Your resume: cv.pdf")
    expect(box.get_by_role("link", name="Jobs matched to you")).to_have_attribute("href", "/recommended")
    expect(box.get_by_role("link", name="What to learn next")).to_have_attribute("href", "/skills-gap")
    expect(seeker.locator("main")).not_to_contain_text("Upload your resume")
    seeker.screenshot(path=str(SCREENSHOTS / "polish-dashboard-with-resume.png"), full_page=True)

    provider = new_page(1366, 900)
    _sign_up(provider, app_url, "Pia Poster", "hiring")
    provider.goto(f"{app_url}/provider")
    wait_ready(provider)
    title = f"Ward Nurse {uuid.uuid4().hex[:6]}"
    provider.locator("#job-title").fill(title)
    provider.locator("#job-description").fill(DESCRIPTION)
    provider.locator("#post-job").click()
    notice = provider.locator("#posted-notice")
    expect(notice).to_contain_text(f"Job posted. “{title}”")
    expect(notice).to_contain_text("is live in the feed", timeout=60_000)  # it stays and follows the job
    row = provider.locator("#provider-jobs tr", has_text=title)
    expect(row).to_be_in_viewport()  # the list is beside the form, not below the fold
    provider.screenshot(path=str(SCREENSHOTS / "polish-provider-posted.png"))


def _insert_jobs(company: str, count: int, location: str | None) -> list[str]:
    with session_scope() as session:
        from career_app.services.ingestion.start import system_owner
        owner = system_owner(session)
        made = [Job(owner_id=owner.id, title=f"Analyst {k:02d}", company_name=company, location=location,
                    description_raw="Reporting and analysis work for a growing team.", status=JobStatus.active)
                for k in range(count)]
        session.add_all(made)
        session.commit()
        ids = [str(j.id) for j in made]
    jobs.invalidate(app_redis())
    return ids


def test_feed_counts_bylines_and_paging_by_url(page, new_page, app_url, shot):
    company = f"CovCorp{uuid.uuid4().hex[:6]}"
    _insert_jobs(company, 21, None)
    page.goto(f"{app_url}/jobs")
    wait_ready(page)
    page.get_by_label("Company").fill(company)
    page.get_by_label("Company").press("Enter")
    label = page.locator("#feed-page-label")
    expect(label).to_have_text("Page 1 of 2 · 21 jobs")
    bylines = page.locator(".job-card .byline")
    expect(bylines.first).to_have_text(company)  # no location: no dangling "·"
    page.mouse.wheel(0, 5000)
    page.locator("#feed-next").click()
    expect(page).to_have_url(re.compile(r"/jobs\?page=2$"))
    wait_ready(page)
    expect(label).to_have_text("Page 2 of 2 · 21 jobs")
    assert page.evaluate("window.scrollY") == 0
    expect(page.locator(".job-card")).to_have_count(1)
    page.reload()
    wait_ready(page)
    expect(label).to_have_text("Page 2 of 2 · 21 jobs")
    page.go_back()
    wait_ready(page)
    expect(label).to_have_text("Page 1 of 2 · 21 jobs")

    # new filters from page 2: their first page, and the page number leaves the address
    solo = f"Solo{uuid.uuid4().hex[:6]}"
    _insert_jobs(solo, 1, None)
    page.go_forward()
    wait_ready(page)
    expect(label).to_have_text("Page 2 of 2 · 21 jobs")
    page.get_by_label("Company").fill(solo)
    page.get_by_label("Company").press("Enter")
    expect(page).to_have_url(re.compile(r"/jobs/?$"))
    expect(label).to_have_text("Page 1 of 1 · 1 job")
    shot("feed-one-job")


def test_job_page_tabs_fit_a_phone(new_page, app_url):
    [job_id] = _insert_jobs(f"Tabs {uuid.uuid4().hex[:6]}", 1, "Lisbon")
    phone = new_page(390, 844)
    phone.goto(f"{app_url}/jobs/{job_id}")
    wait_ready(phone)
    prep = phone.get_by_role("tab", name="Interview prep")
    prep.click()  # reachable: the tab list scrolls sideways instead of cutting it off
    expect(prep).to_have_attribute("aria-selected", "true")
    box = prep.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    _phone_shot(phone, "job-tabs")
