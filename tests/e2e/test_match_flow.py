"""The match page shows the evidence behind the score; /recommended runs the enhanced recommendations
as a task and shows the bands and reasons when it ends (live, no reload). Real browser, real worker."""

import re
import time
import uuid

import httpx
import pytest
from playwright.sync_api import expect

from tests import resume_files
from tests.conftest import unique_email
from tests.e2e.conftest import wait_ready
from tests.e2e.test_accounts_flow import _sign_in

# Close to the test resume (resume_files.RESUME_LINES), so it ranks in the top 50 even beside the
# sample catalogue other browser tests load; Go is the one must-have it lacks, Rust only nice to have.
DESCRIPTION = ("Senior Backend Engineer: build Python services with FastAPI and Django on PostgreSQL for our logistics "
               "platform, run them on Kubernetes in AWS with Terraform and GitHub Actions, and mentor engineers.\n"
               "Requirements:\n- Python\n- FastAPI\n- Django\n- PostgreSQL\n- Kubernetes\n- Go\nNice to have:\n- Rust")


def live_job(api: httpx.Client, token: str, body: dict) -> str:
    """A job posted by a provider and enriched by the worker until it is live; its id."""
    auth = {"Authorization": f"Bearer {token}"}
    resp = api.post("/api/v1/jobs", headers=auth, json=body)
    assert resp.status_code == 202, resp.text
    job_id = resp.json()["id"]
    deadline = time.monotonic() + 120
    while api.get(f"/api/v1/jobs/{job_id}", headers=auth).json()["status"] != "active":
        assert time.monotonic() < deadline, "the job never went live"
        time.sleep(0.5)
    return job_id


def seeker_with_resume(api: httpx.Client, pdf: bytes) -> tuple[str, str]:
    """A new seeker whose resume (a PDF) is parsed and embedded; their email and password."""
    email, password, seeker = _register(api, "seeker")
    resp = api.post("/api/v1/users/resume", headers={"Authorization": f"Bearer {seeker}"},
                    files={"file": ("cv.pdf", pdf, "application/pdf")})
    assert resp.status_code == 200, resp.text
    return email, password


def _register(api: httpx.Client, role: str) -> tuple[str, str, str]:
    email, password = unique_email(f"match-{role}"), "match-password-1"
    resp = api.post("/api/v1/auth/register", json={"email": email, "password": password, "full_name": f"M {role}",
                                                    "role": role})
    assert resp.status_code == 201, resp.text
    return email, password, resp.json()["access_token"]


@pytest.mark.timeout(900)  # run alone, this test also bears the production build of the app_url fixture
def test_match_page_evidence_and_enhanced_recommendations(page, app_url, shot):
    title = f"Logistics Backend Engineer {uuid.uuid4().hex[:6]}"
    with httpx.Client(base_url=app_url, timeout=180) as api:  # the first upload loads the embedding model
        _, _, provider = _register(api, "provider")
        job_id = live_job(api, provider, {
            "title": title, "company_name": "Harbor Freight Tech", "description_raw": DESCRIPTION,
            "skills_required": ["Python", "FastAPI", "Django", "PostgreSQL", "Kubernetes", "Go", "Rust"]})
        email, password = seeker_with_resume(api, resume_files.pdf_resume(pages=1))

    page.goto(f"{app_url}/signin")
    _sign_in(page, email, password)
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    page.goto(f"{app_url}/jobs/{job_id}")
    wait_ready(page)
    expect(page.locator("#match-score")).to_have_text(re.compile(r"^\d{1,3}%$"), timeout=30_000)
    evidence = page.locator("#match-evidence .evidence")
    python = evidence.filter(has_text="Python").first
    expect(python).to_be_visible()
    # the requirement with the resume line that shows it, quoted
    expect(python).to_contain_text(re.compile(r"Python services with FastAPI|Skills: Python"))
    expect(page.locator("#match-missing")).to_contain_text("Go")
    expect(page.locator("#match-missing")).not_to_contain_text("Python")  # never both matched and missing
    expect(page.locator("#match-seniority")).to_contain_text("the job asks")
    expect(page.locator("#match-seniority")).to_contain_text("your resume reads")
    expect(page.locator("#gap-explanation")).to_contain_text("Go")
    expect(page.locator("#match-band")).to_have_count(0)  # no enhanced run yet
    shot("match-evidence")

    page.goto(f"{app_url}/recommended")
    wait_ready(page)
    expect(page.locator("#enhanced-list")).to_have_count(0)
    page.locator("#run-enhanced").click()
    cards = page.locator("#enhanced-list .banded")
    expect(cards.first).to_be_visible(timeout=60_000)  # the task's end arrives live
    expect(page.locator("#enhanced-by")).to_contain_text("offline")
    bands = [card.locator(".band").inner_text() for card in cards.all()]
    order = {"Great": 0, "Good": 1, "Fair": 2, "Poor": 3}
    assert [order[b] for b in bands] == sorted(order[b] for b in bands), bands
    ours = cards.filter(has_text=title)
    expect(ours).to_have_count(1)
    assert ours.locator(".reason").count() >= 2
    expect(ours).to_contain_text("Missing must-have: Go")  # Rust is only nice to have
    expect(ours).not_to_contain_text("Missing must-have: Go, Rust")
    our_band = ours.locator(".band").inner_text()
    shot("enhanced-recommendations")

    page.goto(f"{app_url}/jobs/{job_id}")
    wait_ready(page)
    expect(page.locator("#match-band")).to_contain_text(our_band, timeout=30_000)
    expect(page.locator("#match-band")).to_contain_text("offline rule")
    expect(page.locator("#match-band")).to_contain_text("Missing must-have: Go")
