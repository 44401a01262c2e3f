"""Enrichment through langchain-openai against a loopback OpenAI-compatible server, run by the
real worker: routing, repair of invalid answers, fallback, failure kept visible, manual and admin
retries, and description-hash reuse (never for placeholders)."""

import os
import time
from pathlib import Path

import pytest

from tests.api.conftest import bearer
from tests.api.jobs_helpers import post_job, unique_title, wait_job
from tests.llm_server import GUIDES, LoopbackLLM, write_config

CONFIG = Path(os.environ["LLM_CONFIG_FILE"])


@pytest.fixture
def llm_config():
    yield CONFIG
    CONFIG.unlink(missing_ok=True)  # back to the offline generator for the other tests


def _chat_calls(server: LoopbackLLM) -> int:
    return len(server.requests)


def test_llm_enrichment_with_repair_round(client, register, worker, llm_config):
    with LoopbackLLM(mode="invalid_once") as server:
        write_config(llm_config, ("loopback", server))
        owner, _ = register("provider")
        job_id = post_job(client, owner, title=unique_title("Platform Engineer"))
        job = wait_job(client, owner, job_id)
    assert job["status"] == "active", job["enrich_error"]
    assert job["generated_by"] == "loopback:loopback-model"
    assert job["resume_guide_generated"]["resume_guide"] == GUIDES["resume_guide"]
    assert job["prep_guide_generated"]["questions"][0]["answer_strategy"].startswith("Loopback strategy 1")
    assert {"Python", "PostgreSQL", "Kubernetes"} <= set(job["skills"])  # the model's names made canonical
    # The model answers with a salary of its own (90,000-120,000 USD): ignored, the posted one stands.
    assert (job["salary_min"], job["salary_max"], job["salary_currency"]) == (60000, 80000, "EUR")
    assert job["salary_estimate"] is None
    prompts = [m["content"] for body in server.requests for m in body["messages"]]
    assert not any("estimate a yearly salary" in p or "Salary currency" in p for p in prompts)
    assert any("Do not estimate a salary" in p for p in prompts)
    # analysis + generation, each answered once with prose and once repaired
    assert _chat_calls(server) == 4
    assert any("invalid" in m["content"] for body in server.requests for m in body["messages"] if m["role"] == "user")


def test_falls_back_to_next_model_when_first_fails(client, register, worker, llm_config):
    with LoopbackLLM(mode="error") as broken, LoopbackLLM() as good:
        write_config(llm_config, ("broken", broken), ("backup", good))
        owner, _ = register("provider")
        job = wait_job(client, owner, post_job(client, owner, title=unique_title("SRE")))
    assert job["status"] == "active" and job["generated_by"] == "backup:loopback-model"
    assert _chat_calls(broken) >= 2 and _chat_calls(good) == 2


def test_failure_is_visible_then_manual_retry_succeeds(client, register, worker, llm_config, make_admin):
    with LoopbackLLM(mode="error") as broken:
        write_config(llm_config, ("broken", broken))
        owner, _ = register("provider")
        job_id = post_job(client, owner, title=unique_title("Data Engineer"))
        job = wait_job(client, owner, job_id, statuses=("enrich_failed",))
    assert "broken:loopback-model" in job["enrich_error"]
    assert client.get(f"/api/v1/jobs/{job_id}/details").status_code == 404  # never shown as active
    assert job_id not in [j["id"] for j in client.get("/api/v1/jobs/feed", params={"limit": 100}).json()]

    other, _ = register("provider")
    assert client.post(f"/api/v1/jobs/{job_id}/retry-enrichment", headers=bearer(other)).status_code == 404
    assert client.get("/api/v1/admin/jobs", headers=bearer(owner)).status_code == 403
    email, password = make_admin()
    admin = client.post("/api/v1/auth/login", json={"email": email, "password": password}).json()["access_token"]
    failed = client.get("/api/v1/admin/jobs", headers=bearer(admin), params={"status": "enrich_failed", "limit": 100})
    listed = {j["id"]: j for j in failed.json()["items"]}
    assert job_id in listed and "loopback-model" in listed[job_id]["enrich_error"]
    assert all(j["status"] == "enrich_failed" for j in listed.values())
    with LoopbackLLM() as good:
        write_config(llm_config, ("good", good))
        resp = client.post(f"/api/v1/jobs/{job_id}/retry-enrichment", headers=bearer(owner))
        assert resp.status_code == 202
        job = wait_job(client, owner, job_id, statuses=("active",))
    assert job["enrich_error"] is None and job["generated_by"] == "good:loopback-model"
    assert client.post(f"/api/v1/jobs/{job_id}/retry-enrichment", headers=bearer(owner)).status_code == 409


def test_identical_postings_reuse_results_but_placeholders_do_not(client, register, worker, llm_config):
    with LoopbackLLM() as server:
        write_config(llm_config, ("loopback", server))
        owner, _ = register("provider")
        title = unique_title("Backend Engineer")
        first = wait_job(client, owner, post_job(client, owner, title=title))
        calls = _chat_calls(server)
        twin = wait_job(client, owner, post_job(client, owner, title=title))
        assert _chat_calls(server) == calls  # reused, no model calls
        assert twin["resume_guide_generated"] == first["resume_guide_generated"]

        placeholder = "See the careers page for the full job description of this role."
        a = wait_job(client, owner, post_job(client, owner, title="Analyst", description_raw=placeholder))
        calls = _chat_calls(server)
        b = wait_job(client, owner, post_job(client, owner, title="Analyst", description_raw=placeholder))
        assert a["status"] == b["status"] == "active"
        assert _chat_calls(server) == calls + 2  # enriched on its own


def test_admin_reenrich_fills_missing_pillars_in_batches(client, register, worker, make_admin):
    from sqlmodel import select

    from career_app.db import session_scope
    from models.job import Job, JobStatus

    owner, _ = register("provider")
    ids = [wait_job(client, owner, post_job(client, owner, title=unique_title("QA Engineer")))["id"] for _ in range(3)]
    with session_scope() as session:  # as if enrichment had been lost (e.g. jobs imported before it existed)
        for job in session.exec(select(Job).where(Job.id.in_(ids))).all():
            job.resume_guide_generated, job.embedding, job.status = None, None, JobStatus.enrich_failed
            session.add(job)
        session.commit()

    seeker, _ = register()
    assert client.post("/api/v1/admin/reenrich", headers=bearer(seeker)).status_code == 403
    email, password = make_admin()
    admin = client.post("/api/v1/auth/login", json={"email": email, "password": password}).json()["access_token"]
    resp = client.post("/api/v1/admin/reenrich", headers=bearer(admin), json={"batch_size": 2, "pause_seconds": 0.2})
    assert resp.status_code == 202
    task_id = resp.json()["task_id"]
    deadline = time.monotonic() + 60
    while (status := client.get(f"/api/v1/tasks/{task_id}", headers=bearer(admin)).json())["status"] != "finished":
        assert status["status"] != "failed" and time.monotonic() < deadline, status
        time.sleep(0.25)
    assert status["progress"] == 100 and status["result"]["total"] >= 3 and status["result"]["failed"] == 0
    for job_id in ids:
        job = client.get(f"/api/v1/jobs/{job_id}/details").json()
        assert job["status"] == "active" and len(job["resume_guide_generated"]["resume_guide"]) == 5
