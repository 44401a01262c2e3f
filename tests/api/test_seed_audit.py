"""Rows of the seed documents that the audit (issue 24) found served differently: the Ottobon base URL
(/api/v1) with its docs, feedback and application imports sent as JSON (career-copilot-api.md's
clients send JSON), the content generator's `prompt` control and the search's `tech_stack` filter."""

import uuid

import pytest
from rq.job import Job as RQJob
from sqlmodel import func, select

from career_app import db
from career_app.db import app_redis, session_scope
from career_app.services import jobs
from models.job import Job, JobStatus, Visibility
from models.support import Feedback
from tests import resume_files
from tests.api.conftest import bearer


def test_the_base_url_answers_like_the_site_root(client):
    root = client.get("/api/v1")
    assert root.status_code == 200 and root.json() == client.get("/api/v1/").json()
    assert root.json()["status"] == "ok"
    for path, target in (("/api/v1/docs", "/api/docs"), ("/api/v1/redoc", "/api/redoc"),
                         ("/api/v1/openapi.json", "/api/openapi.json")):
        moved = client.get(path, follow_redirects=False)
        assert moved.status_code == 308 and moved.headers["location"] == target
    assert "/api/v1/feedback" in client.get("/api/v1/openapi.json").json()["paths"]
    assert "swagger" in client.get("/api/v1/docs").text.lower()
    assert client.post("/api/v1/docs").status_code == 405  # still the API's JSON answers, not the web app


@pytest.fixture
def fresh_feedback_rate():
    def clear():
        r = app_redis()
        keys = list(r.scan_iter("feedback:rate:*"))
        if keys:
            r.delete(*keys)
    clear()
    yield
    clear()


def _feedback_count() -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(Feedback)).one()


def test_feedback_as_json(client, register, fresh_feedback_rate):
    seeker, _ = register("seeker")
    sent = client.post("/api/v1/feedback", headers=bearer(seeker),
                       json={"message": "The board loses my filter", "category": "bug", "page": "/applications"})
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert (body["message"], body["category"], body["page"], body["screenshot_url"]) == (
        "The board loses my filter", "bug", "/applications", None)
    assert client.post("/api/v1/feedback", json={"message": "Nice"}).json()["category"] == "other"

    before = _feedback_count()
    missing = client.post("/api/v1/feedback", json={"category": "idea"})
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "message"]
    assert client.post("/api/v1/feedback", json={"message": "Hi", "category": "rant"}).status_code == 400
    assert client.post("/api/v1/feedback", content=b"{not json",
                       headers={"Content-Type": "application/json"}).status_code == 422
    assert client.post("/api/v1/feedback", json={"message": ["a list"]}).status_code == 422
    # A form without a message is still the standard 422 (multipart stays the way to attach a screenshot).
    form = client.post("/api/v1/feedback", data={"category": "idea"})
    assert form.status_code == 422 and form.json()["detail"][0]["loc"] == ["body", "message"]
    assert _feedback_count() == before


def test_import_applications_as_a_json_body(client, register):
    seeker, _ = register("seeker")
    rows = [{"company": "Globex", "title": "Data Analyst", "status": "applied"},
            {"company": "Initech", "title": "QA Engineer"}, {"company": "", "title": "No company"}]
    preview = client.post("/api/v1/import/applications", params={"dry_run": "true"}, headers=bearer(seeker), json=rows)
    assert preview.status_code == 200, preview.text
    assert (preview.json()["created"], preview.json()["error_count"]) == (2, 1)
    assert client.get("/api/v1/applications", headers=bearer(seeker)).json()["total"] == 0

    done = client.post("/api/v1/import/applications", headers=bearer(seeker), json={"applications": rows})
    assert (done.json()["created"], done.json()["dry_run"]) == (2, False)
    listed = client.get("/api/v1/applications", headers=bearer(seeker)).json()["items"]
    assert {(a["company_name"], a["status"]) for a in listed} == {("Globex", "applied"), ("Initech", "saved")}
    assert client.post("/api/v1/import/applications", headers=bearer(seeker), json=rows).json()["duplicates"] == 2

    assert client.post("/api/v1/import/applications", headers=bearer(seeker), json=[]).status_code == 400
    nothing = client.post("/api/v1/import/applications", headers=bearer(seeker), data={"mapping": "{}"})
    assert nothing.status_code == 422 and nothing.json()["detail"][0]["loc"] == ["body", "file"]
    provider, _ = register("provider")
    assert client.post("/api/v1/import/applications", headers=bearer(provider), json=rows).status_code == 403


def test_generate_reads_the_prompt_control(client, register):
    seeker, _ = register("seeker")
    base = {"type": "cover_letter", "tone": "warm", "length": "short", "company": "Initech", "role": "Analyst"}
    too_long = client.post("/api/v1/content/generate", headers=bearer(seeker), json={**base, "prompt": "x" * 1001})
    assert too_long.status_code == 422 and too_long.json()["detail"][0]["loc"] == ["body", "prompt"]

    upload = client.post("/api/v1/users/resume", headers=bearer(seeker),
                         files={"file": ("resume.pdf", resume_files.pdf_resume(), "application/pdf")})
    assert upload.status_code == 200, upload.text
    resp = client.post("/api/v1/content/generate", headers=bearer(seeker),
                       json={**base, "prompt": "Mention my open-source work."})
    assert resp.status_code == 202, resp.text
    job = RQJob.fetch(resp.json()["task_id"], connection=db.rq_redis())
    try:
        assert job.args[1]["instructions"] == "Mention my open-source work."
    finally:
        job.cancel()  # the request is what this test checks: no worker needs to write the letter
        job.delete()


def test_search_filters_by_tech_stack(client, register):
    provider, _ = register("provider")
    owner = uuid.UUID(client.get("/api/v1/auth/me", headers=bearer(provider)).json()["id"])
    word = "zq" + uuid.uuid4().hex[:8]
    made = {}
    with session_scope() as session:
        for name, skills in (("python", ["Python", "FastAPI"]), ("excel", ["Excel", "SQL"])):
            job = Job(owner_id=owner, title=f"Analyst {word}", description_raw=f"Work on {word} every day.",
                      skills_required=skills, skills=skills, status=JobStatus.active, visibility=Visibility.public)
            session.add(job)
            session.commit()
            made[name] = str(job.id)
    jobs.invalidate(app_redis())

    def ids(**params):
        resp = client.get("/api/v1/jobs/search", params={"q": word, **params})
        assert resp.status_code == 200, resp.text
        return {item["id"] for item in resp.json()["items"]}

    assert ids() == set(made.values())
    assert ids(tech_stack="excel") == {made["excel"]} == ids(skills="excel")
    assert ids(tech_stack=["Python", "FastAPI"]) == {made["python"]}
    assert ids(tech_stack="Python", skills="SQL") == set()  # both lists apply: every skill named is required
    too_many = client.get("/api/v1/jobs/search", params={"skills": [f"s{i}" for i in range(12)],
                                                         "tech_stack": [f"t{i}" for i in range(12)]})
    assert too_many.status_code == 422 and too_many.json()["detail"][0]["loc"] == ["query", "tech_stack"]
