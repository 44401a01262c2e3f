"""The content studio in a real browser: a seeker with a resume generates a cover letter offline
and watches it arrive in the editor, edits it into version 2 (an invented employer is flagged and
the diff shows the change), then restores version 1; from a job page, "Write a cover letter"
opens the studio with the job picked, the letter names its missing skill as a gap and is signed with
the seeker's name; a follow-up email without an application says so in a note, never "I applied"."""

import re

import uuid

import httpx
from playwright.sync_api import expect

from career_app.db import app_redis, session_scope
from career_app.services import jobs
from career_app.services.auth import SESSION_COOKIE
from models.job import Job, JobStatus
from tests import resume_files
from tests.e2e.conftest import wait_ready
from tests.e2e.test_jobs_flow import _sign_up

RESUME = [
    "Robin Studio",
    "Senior Backend Engineer",
    "Experience",
    "Senior Backend Engineer, Acme Analytics, 2019 - Present",
    "Built Python services with FastAPI serving 2 million requests a day.",
    "Led a migration to Docker on AWS with Terraform.",
    "Education",
    "BSc Computer Science, University of Leeds, 2015",
    "Skills: Python, SQL, Redis, Docker",
]


def test_generate_edit_diff_restore(page, app_url, shot):
    _sign_up(page, app_url, "Robin Studio", "looking for a job")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    resp = httpx.post(f"{app_url}/api/v1/users/resume", headers={"Authorization": f"Bearer {token}"},
                      files={"file": ("cv.pdf", resume_files.pdf_resume(RESUME, pages=1), "application/pdf")},
                      timeout=60)
    assert resp.status_code == 200, resp.text

    page.goto(f"{app_url}/studio")
    wait_ready(page)
    expect(page.get_by_role("link", name="Studio")).to_be_visible()
    page.locator("#studio-company").fill("Globex Robotics")
    page.locator("#studio-role").fill("Python Developer")
    page.locator("#studio-generate").click()
    editor = page.locator("#studio-editor")
    expect(editor).to_have_value(re.compile("Globex Robotics"), timeout=60_000)
    expect(page.locator("#studio-versions .studio-version")).to_have_count(1, timeout=30_000)
    expect(page.locator("#studio-clean")).to_be_visible()
    text = editor.input_value()
    assert "Python Developer" in text and "Acme Analytics" in text
    shot("generated")

    editor.fill(text + "\n\nI also spent two years at Hooli Labs.")
    page.locator("#studio-save").click()
    expect(page.locator("#studio-notice")).to_have_text("Saved as version 2.")
    expect(page.locator("#studio-versions .studio-version")).to_have_count(2)
    expect(page.locator("#studio-claims")).to_contain_text("Hooli Labs")
    expect(page.locator("#studio-highlighted mark")).to_have_text("Hooli Labs")
    diff = page.locator("#studio-diff")
    expect(diff).to_contain_text("Changes from version 1 to version 2")
    expect(diff.locator("ins")).to_contain_text("Hooli Labs")
    # the newest version: no Restore, and its diff is from the version before, never with itself
    expect(page.locator("#studio-restore-2")).to_have_count(0)
    page.locator("#studio-diff-2").click()
    expect(diff).to_contain_text("Changes from version 1 to version 2")
    # the editor writes in the app's font, not a serif
    fonts = editor.evaluate("e => [getComputedStyle(e).fontFamily, getComputedStyle(document.querySelector('main'))"
                            ".fontFamily]")
    assert fonts[0] == fonts[1] and "Georgia" not in fonts[0], fonts
    shot("edited")

    page.locator("#studio-restore-1").click()
    expect(page.locator("#studio-notice")).to_have_text("Version 1 restored as version 3.")
    expect(page.locator("#studio-versions .studio-version")).to_have_count(3)
    assert editor.input_value() == text
    expect(page.locator("#studio-claims")).to_have_count(0)
    expect(diff.locator("del")).to_contain_text("Hooli Labs")
    shot("restored")

    # From a job page: "Write a cover letter" opens the studio with that job picked.
    me = httpx.get(f"{app_url}/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}).json()
    with session_scope() as session:
        job = Job(owner_id=uuid.UUID(me["id"]), title="Platform Engineer", company_name="Northwind Health",
                  description_raw="Northwind Health needs a Platform Engineer for Python services on AWS and "
                                  "Kubernetes.", skills_required=["Python", "AWS", "Kubernetes"],
                  status=JobStatus.active)
        session.add(job)
        session.commit()
        job_id = str(job.id)
    jobs.invalidate(app_redis())
    page.goto(f"{app_url}/jobs/{job_id}")
    wait_ready(page)
    page.locator("#write-cover-letter").click()
    expect(page).to_have_url(re.compile(rf"/studio\?job={job_id}$"))
    wait_ready(page)
    expect(page.locator("#studio-job")).to_contain_text("Platform Engineer · Northwind Health")
    expect(page.locator("#studio-company")).to_have_count(0)
    page.locator("#studio-generate").click()
    expect(editor).to_have_value(re.compile("The position calls for"), timeout=60_000)
    expect(editor).to_have_value(re.compile("I do not yet have direct experience with Kubernetes"))
    expect(editor).to_have_value(re.compile(r"Sincerely,\nRobin Studio$"))  # signed with the seeker's name
    expect(page.locator("#studio-clean")).to_be_visible()
    shot("job-letter")

    # A follow-up without an application in the tracker: no "I applied", and a note says why.
    page.locator("#studio-kind").click()
    page.get_by_role("option", name="Email", exact=True).click()
    page.locator("#studio-generate").click()
    expect(editor).to_have_value(re.compile("Subject: The Platform Engineer position at Northwind Health"),
                                 timeout=60_000)
    expect(page.locator("#studio-notes")).to_contain_text("no application for this job")
    assert "applied" not in editor.input_value().lower()
    shot("follow-up-note")
