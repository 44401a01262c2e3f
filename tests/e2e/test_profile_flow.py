"""A nurse uploads a resume whose first lines are her name and "Summary": the suggested headline is
her role, the field is nursing; accepted, they land on /profile, which she edits with the keyboard.
Her skills gap counts nursing listings only, with nursing links, and the chart's legend keeps clear
of its labels. Real browser, real worker."""

import re
import uuid

from playwright.sync_api import expect

from career_app.db import app_redis, session_scope
from career_app.services import jobs
from career_app.services.skills import taxonomy
from models.job import Job, JobStatus, Visibility
from models.user import Role, User
from tests import resume_files
from tests.api.test_skills_gap import HEALTHCARE, NURSE_LINES, OTHERS
from tests.e2e.conftest import SCREENSHOTS, wait_ready
from tests.e2e.test_jobs_flow import _sign_up


def _listings() -> None:
    """Nursing listings and listings of other fields, as enriched before jobs.family existed."""
    with session_scope() as session:
        owner = User(email=f"hr-{uuid.uuid4().hex[:8]}@example.com", full_name="Clinic HR", role=Role.provider)
        session.add(owner)
        session.commit()
        for title, required in HEALTHCARE + OTHERS:
            session.add(Job(owner_id=owner.id, title=f"{title} {uuid.uuid4().hex[:6]}", description_raw="z" * 60,
                            skills_required=required, skills=taxonomy().normalise(required),
                            status=JobStatus.active, visibility=Visibility.public))
        session.commit()
    jobs.invalidate(app_redis())


def _overlap(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and \
        a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def test_nurse_profile_and_skills_gap(page, app_url, shot):
    _listings()
    _sign_up(page, app_url, "Hannah Whitfield", "looking for a job")
    page.get_by_role("link", name="Resume").click()
    expect(page).to_have_url(re.compile(r"/resume/?$"))
    wait_ready(page)
    page.locator("#resume-upload input[type=file]").set_input_files(files=[{
        "name": "hannah.pdf", "mimeType": "application/pdf", "buffer": resume_files.pdf_resume(NURSE_LINES, pages=1)}])
    page.locator("#upload-resume").click()
    expect(page.locator("#upload-status")).to_contain_text("done", timeout=60_000)
    suggestions = page.get_by_text("Headline: ").locator("..")
    expect(suggestions).to_contain_text("Registered nurse")
    expect(page.get_by_text("Field: ").locator("..")).to_contain_text("Nursing and healthcare")
    page.locator("#accept-headline").click()
    expect(page.locator("#profile-updated")).to_be_visible()
    page.locator("#accept-family").click()
    expect(page.get_by_text("In your profile")).to_have_count(3)  # name (signed up with it), headline, field
    shot("resume-suggestions")

    page.locator("#profile-updated").get_by_role("link", name="See and edit your profile").click()
    expect(page).to_have_url(re.compile(r"/profile/?$"))
    wait_ready(page)
    expect(page.locator("#profile-headline")).to_have_value("Registered nurse")
    expect(page.locator("#profile-family")).to_have_value("healthcare")
    expect(page.locator("#family-in-use")).to_have_text("Nursing and healthcare")
    shot("profile-loaded")

    # keyboard only: a section heading as headline is refused next to the field, then fixed
    page.locator("#profile-headline").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Summary")
    page.keyboard.press("Enter")
    expect(page.locator("#profile-headline-error")).to_contain_text("role line")
    expect(page.locator("#profile-headline")).to_have_attribute("aria-invalid", "true")
    shot("profile-error")
    page.keyboard.press("Control+A")
    page.keyboard.type("Medical-Surgical Registered Nurse")
    page.keyboard.press("Tab")  # to the resume's "Use" button, then location
    page.keyboard.press("Tab")
    expect(page.locator("#profile-location")).to_be_focused()
    page.keyboard.type("Columbus, OH")
    page.locator("#profile-seniority").select_option("senior")
    page.locator("#profile-location").press("Enter")
    expect(page.locator("#profile-saved")).to_have_text("Profile saved.")
    expect(page.locator("#profile-headline-error")).to_have_count(0)
    page.reload()
    wait_ready(page)
    expect(page.locator("#profile-headline")).to_have_value("Medical-Surgical Registered Nurse")
    expect(page.locator("#profile-location")).to_have_value("Columbus, OH")
    expect(page.locator("#profile-seniority")).to_have_value("senior")
    shot("profile-saved")

    page.get_by_role("link", name="Skill gap").click()
    expect(page).to_have_url(re.compile(r"/skills-gap/?$"))
    expect(page.locator("#market-fields")).to_have_text("Nursing and healthcare")
    learn = page.locator("#learn-next")
    expect(learn.locator(".missing-skill", has_text="Triage")).to_be_visible()
    for other in ("Rust", "Stormwater Design", "Month-End Close", "CAD", "Forecasting"):
        expect(learn.get_by_text(other, exact=True)).to_have_count(0)
    for href in learn.locator(".learn-link").evaluate_all("links => links.map(a => a.href)"):
        assert "nursing" in href and "freecodecamp" not in href, href
    chart = page.locator("#skills-chart")
    expect(chart.locator(".recharts-bar-rectangle").first).to_be_visible()
    legend = chart.locator(".recharts-legend-wrapper").bounding_box()
    ticks = [t.bounding_box() for t in chart.locator(".recharts-cartesian-axis-tick-value").all()]
    assert len(ticks) >= 6 and not [t for t in ticks if _overlap(legend, t)], (legend, ticks)
    shot("skills-gap-nursing")

    page.locator("#change-fields").click()
    nursing, software = page.get_by_label("Nursing and healthcare"), page.get_by_label("Software engineering")
    expect(nursing).to_be_checked()
    nursing.click()  # controlled checkboxes: their state round-trips through the backend
    expect(nursing).not_to_be_checked()
    software.focus()
    page.keyboard.press("Space")
    expect(software).to_be_checked()
    page.locator("#apply-fields").click()
    expect(page.locator("#market-fields")).to_have_text("Software engineering")
    expect(learn.locator(".missing-skill", has_text="Rust")).to_be_visible()
    shot("skills-gap-software")
    page.locator("#change-fields").click()
    page.locator("#profile-fields").click()
    expect(page.locator("#market-fields")).to_have_text("Nursing and healthcare")


def test_profile_and_skills_gap_fit_a_phone(new_page, app_url):
    phone = new_page(390, 844)
    _sign_up(phone, app_url, "Pia Phone", "looking for a job")
    phone.goto(f"{app_url}/profile")
    wait_ready(phone)
    expect(phone.locator("#profile-no-resume")).to_be_visible()  # nothing to read from yet: says how
    expect(phone.locator("#family-in-use")).to_have_text("General")
    for path in ("/profile", "/skills-gap"):
        phone.goto(f"{app_url}{path}")
        wait_ready(phone)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the screen"
        phone.screenshot(path=str(SCREENSHOTS / f"phone-390-seeker-{path.strip('/')}.png"), full_page=True)
