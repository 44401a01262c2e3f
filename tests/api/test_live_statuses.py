"""The live events that replaced the web pages' polling: a job's status changes (published once by
services/jobs.announce_status, from the API and from the worker's enrichment) and a resume
upload's parsing steps, each after its commit, on the owner's live topic."""

from tests import resume_files
from tests.api.conftest import bearer
from tests.api.jobs_helpers import post_job, unique_title, wait_job
from tests.api.test_notifications import published  # noqa: F401 - the fixture
from tests.api.test_resumes import _upload, _wait_upload


def _me(client, token) -> str:
    return client.get("/api/v1/auth/me", headers=bearer(token)).json()["id"]


def test_job_status_changes_reach_the_owner_live(client, register, worker, published):  # noqa: F811
    provider, _ = register("provider")
    events = published(_me(client, provider))
    job_id = post_job(client, provider, title=unique_title("Site Reliability Engineer"))
    assert wait_job(client, provider, job_id)["status"] == "active"
    assert client.patch(f"/api/v1/jobs/{job_id}", headers=bearer(provider), json={"status": "closed"}).status_code == 200
    assert client.delete(f"/api/v1/jobs/{job_id}", headers=bearer(provider)).status_code in (200, 204)
    statuses = [e["status"] for e in events.of_type("job_status") if e["job_id"] == job_id]
    # posted, the worker's attempt started, it went live, the owner closed it, then deleted it
    assert statuses == ["processing", "processing", "active", "closed", "deleted"], statuses


def test_resume_parsing_steps_reach_the_uploader_live(client, register, worker, published):  # noqa: F811
    seeker, _ = register()
    events = published(_me(client, seeker))
    resp = _upload(client, seeker, resume_files.pdf_resume(resume_files.RESUME_LINES), path="/api/v1/resume/upload")
    assert resp.status_code == 202, resp.text
    upload_id = resp.json()["upload_id"]
    assert _wait_upload(client, seeker, upload_id)["status"] == "done"
    steps = [(e["status"], e["progress"]) for e in events.of_type("resume_upload") if e["upload_id"] == upload_id]
    assert steps == [("processing", 10), ("processing", 40), ("processing", 75), ("done", 100)], steps
