"""Issue 21's nurse, in a real browser: a medical-surgical nurse opens a pediatric job she lacks the
specialization for (the match says what is missing, never "Strong fit"; the guides speak nursing), then
writes a letter for it in the studio (whole sentences, her name under it, the gap named as a gap).
Screenshots of the job page and the letter. Real worker, real enrichment."""

import json
import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests import resume_files
from tests.e2e.conftest import wait_ready
from tests.e2e.test_accounts_flow import _sign_in
from tests.e2e.test_match_flow import _register, live_job, seeker_with_resume

CASE = next(c for c in json.loads((Path(__file__).parent.parent / "data" / "labelled_near_misses.json").read_text())
            ["cases"] if c["id"] == "nm-healthcare-1")


@pytest.mark.timeout(900)
def test_nurse_sees_the_missing_specialization_and_writes_an_honest_letter(page, app_url, shot):
    job = CASE["near_miss_job"]
    with httpx.Client(base_url=app_url, timeout=180) as api:
        _, _, provider = _register(api, "provider")
        job_id = live_job(api, provider, {
            "title": job["title"], "company_name": "Maplewood Children's Hospital", "description_raw": job["description"],
            "skills_required": job["skills_required"], "location": "Columbus, OH"})
        email, password = seeker_with_resume(api, resume_files.pdf_resume(CASE["resume"].splitlines(), pages=1))

    page.goto(f"{app_url}/signin")
    _sign_in(page, email, password)
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    page.goto(f"{app_url}/jobs/{job_id}")
    wait_ready(page)
    expect(page.locator("#match-score")).to_have_text(re.compile(r"^\d{1,3}%$"), timeout=60_000)
    expect(page.locator("#match-gap")).to_have_text("Missing a must-have")
    expect(page.locator("#match-missing")).to_contain_text("Pediatrics")
    expect(page.locator("#gap-explanation")).to_contain_text("asks for")
    expect(page.locator("#gap-explanation")).not_to_contain_text("apply now")
    page.get_by_role("tab", name="Resume guide").click()
    guide = page.locator("#resume-guide")
    expect(guide).to_contain_text(re.compile(r"patient|shift|unit|clinical", re.I))
    expect(guide).not_to_contain_text(re.compile(r"in production|deploy|codebase", re.I))
    shot("nurse-job-page")

    page.locator("#write-cover-letter").click()
    expect(page).to_have_url(re.compile(rf"/studio\?job={job_id}$"))
    wait_ready(page)
    page.locator("#studio-generate").click()
    editor = page.locator("#studio-editor")
    expect(editor).to_have_value(re.compile("Pediatric Registered Nurse"), timeout=60_000)
    expect(editor).to_have_value(re.compile(r"\nMaria Delgado$"))  # signed with her name
    expect(editor).to_have_value(re.compile(r"I do not yet (?:have direct experience in|hold) ", re.I))
    expect(editor).not_to_have_value(re.compile(r"^Cover letter:", re.M))
    shot("nurse-studio-letter")
