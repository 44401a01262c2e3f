"""Guides from a model are written for the job's occupational family and checked like the offline
ones (services/advice.py): langchain-openai against the loopback OpenAI-compatible server (real
HTTP). The prompt carries the family; a reply that borrows another field's words or names fewer
than two of the job's requirements is repaired once by the same model, else replaced by the
offline text, and the job says which ("check", "generated_by")."""

import os
import uuid
from pathlib import Path

import pytest

from career_app.services import advice, enrichment
from models.job import Job
from tests.api.conftest import bearer
from tests.api.jobs_helpers import post_job, unique_title, wait_job
from tests.llm_server import GUIDES, LoopbackLLM, write_config

CONFIG = Path(os.environ["LLM_CONFIG_FILE"])

NURSE_POSTING = dict(
    title="Pediatric Nurse", company_name="Clearwater Clinics",
    skills_required=["Pediatrics", "Pediatric Advanced Life Support", "Triage"],
    description_raw=("Clearwater Clinics is hiring a pediatric nurse for its children's unit.\n"
                     "- You will assess children and plan their care with the medical team.\n"
                     "- You will monitor vital signs and respond quickly to changes.\n"
                     "- You will educate families before discharge."))

# What the old offline templates wrote for this nurse (issue 21), as a model might too.
SOFTWARE_FOR_A_NURSE = {
    "resume_guide": ["Quantify one project built with Pediatrics: its scale, users, speed-up or money saved.",
                     "Show Triage in work close to this posting.",
                     "Add the design decisions you drove and the engineers you mentored.",
                     "Mention the codebase you own and how often you deploy.",
                     "List side projects that show you can ramp up quickly."],
    "interview_questions": [
        {"question": "Something built with Pediatric Advanced Life Support is slow or failing in production. How do "
                     "you find the cause?", "answer_strategy": "Reproduce, read logs and metrics, fix, add a safeguard."},
        {"question": "Tell us about a project where you used Pediatrics.", "answer_strategy": "Use STAR and numbers."},
        {"question": "How would you cut latency for this team?", "answer_strategy": "Measure first, then optimise."},
        {"question": "Describe a code review you disagreed with.", "answer_strategy": "Show you listened."},
        {"question": "What would you do in your first 90 days?", "answer_strategy": "Learn, deliver, improve."}],
}
CLINICAL = {
    "resume_guide": ["Lead with your licence and your Pediatrics experience on a children's unit.",
                     "Quantify your Triage work: patients a shift, acuity and outcomes.",
                     "Show Pediatric Advanced Life Support as a current certification with its renewal date.",
                     "Describe one family you educated before discharge and what changed.",
                     "Name the settings and age groups you have cared for."],
    "interview_questions": [
        {"question": "Walk us through a child in your care whose condition changed. How did Pediatrics experience "
                     "guide you?", "answer_strategy": "Assess, act within your scope, escalate early, document."},
        {"question": "How do you prioritise in Triage when three children arrive at once?",
         "answer_strategy": "Use the triage scale, reassess, escalate."},
        {"question": "When did you last use Pediatric Advanced Life Support?",
         "answer_strategy": "Give the date, the situation and your role."},
        {"question": "A parent disagrees with the plan of care. What do you do?",
         "answer_strategy": "Listen, explain, involve the right clinician, document."},
        {"question": "How would you settle into our children's unit?", "answer_strategy": "Learn policies first."}],
}


@pytest.fixture
def llm_config():
    yield CONFIG
    CONFIG.unlink(missing_ok=True)  # back to the offline generator for the other tests


def _nurse() -> Job:
    return Job(id=uuid.uuid4(), owner_id=uuid.uuid4(), **NURSE_POSTING)


def _user_messages(server: LoopbackLLM) -> list[str]:
    return [m["content"] for body in server.requests for m in body["messages"] if m["role"] == "user"]


def test_the_prompt_carries_the_family_and_a_fitting_reply_passes(llm_config):
    with LoopbackLLM(guides=CLINICAL) as server:
        write_config(llm_config, ("loopback", server))
        analysis, guides, generated_by = enrichment.generate(_nurse())
    assert generated_by == "loopback:loopback-model" and guides._check == advice.PASSED
    assert guides._family == "healthcare" and guides.resume_guide == CLINICAL["resume_guide"]
    assert len(server.requests) == 2  # analysis and guides, no repair
    guides_request = server.requests[1]["messages"]
    assert "Occupational family: Nursing and healthcare" in guides_request[1]["content"]
    system = guides_request[0]["content"]
    assert "Nursing and healthcare" in system and "clinical case" in system and "Pediatrics" in system
    assert "in production" in system  # what to keep out, by example


def test_a_reply_in_another_fields_words_is_repaired_once(llm_config):
    with LoopbackLLM(guides=SOFTWARE_FOR_A_NURSE, repaired_guides=CLINICAL) as server:
        write_config(llm_config, ("loopback", server))
        _analysis, guides, generated_by = enrichment.generate(_nurse())
    assert guides._check == advice.REPAIRED and guides.resume_guide == CLINICAL["resume_guide"]
    assert generated_by == "loopback:loopback-model" and guides._generated_by is None
    assert len(server.requests) == 3
    repair = server.requests[2]["messages"]
    assert [m["role"] for m in repair] == ["system", "user", "assistant", "user"]
    assert "in production" in repair[2]["content"]  # its own answer, then what was wrong with it
    request = repair[3]["content"]
    assert "Software engineering" in request and '"in production"' in request and '"users, speed-up"' in request


def test_a_reply_still_wrong_after_the_repair_is_replaced_by_the_offline_text(llm_config):
    job = _nurse()
    with LoopbackLLM(guides=SOFTWARE_FOR_A_NURSE) as server:
        write_config(llm_config, ("loopback", server))
        analysis, guides, generated_by = enrichment.generate(job)
    assert len(server.requests) == 3  # analysis, guides, one repair round: never a second
    assert guides._check == advice.REPLACED and guides._generated_by == "offline"
    assert any("Software engineering" in p for p in guides._problems)
    assert advice.check(guides, "healthcare", job.skills_required, own=[job.title, job.company_name]) == []
    enrichment._apply(job, analysis, guides, generated_by)
    assert job.generated_by == "loopback:loopback-model"  # the analysis is still the model's
    for pillar in (job.resume_guide_generated, job.prep_guide_generated):
        assert pillar["generated_by"] == "offline" and pillar["check"] == "replaced"
        assert pillar["family"] == "healthcare" and pillar["check_problems"]
    assert "production" not in " ".join(job.resume_guide_generated["resume_guide"])


def test_a_reply_naming_too_few_requirements_is_repaired(llm_config):
    vague = {"resume_guide": [f"Tailor your resume to the unit, point {i}." for i in range(1, 6)],
             "interview_questions": [{"question": f"Tell us about your clinical practice, part {i}.",
                                      "answer_strategy": "Be specific and honest."} for i in range(1, 6)]}
    with LoopbackLLM(guides=vague, repaired_guides=CLINICAL) as server:
        write_config(llm_config, ("loopback", server))
        _analysis, guides, _ = enrichment.generate(_nurse())
    assert guides._check == advice.REPAIRED
    request = _user_messages(server)[-1]
    assert "resume guide names 0 of the job's requirements" in request and "Pediatrics" in request


def test_a_replaced_reply_is_stored_and_served_through_the_worker(client, register, worker, llm_config):
    with LoopbackLLM(guides=SOFTWARE_FOR_A_NURSE) as server:
        write_config(llm_config, ("loopback", server))
        owner, _ = register("provider")
        body = {**NURSE_POSTING, "title": unique_title("Pediatric Nurse")}
        job_id = post_job(client, owner, **body)
        job = wait_job(client, owner, job_id)
    assert job["status"] == "active", job["enrich_error"]
    assert job["generated_by"] == "loopback:loopback-model"
    guide, prep = job["resume_guide_generated"], job["prep_guide_generated"]
    assert guide["generated_by"] == prep["generated_by"] == "offline"
    assert guide["check"] == prep["check"] == "replaced" and guide["family"] == "healthcare"
    text = " ".join(guide["resume_guide"] + [q["question"] + q["answer_strategy"] for q in prep["questions"]])
    assert advice.foreign_terms(text, "healthcare", own=[body["title"], body["company_name"]]) == []
    details = client.get(f"/api/v1/jobs/{job_id}/details", headers=bearer(owner)).json()
    assert details["resume_guide_generated"]["check"] == "replaced"


def test_the_default_loopback_answer_still_passes_for_a_software_job(client, register, worker, llm_config):
    with LoopbackLLM() as server:
        write_config(llm_config, ("loopback", server))
        owner, _ = register("provider")
        job = wait_job(client, owner, post_job(client, owner, title=unique_title("Backend Engineer")))
    assert job["resume_guide_generated"]["resume_guide"] == GUIDES["resume_guide"]
    assert job["resume_guide_generated"]["check"] == "passed" and job["resume_guide_generated"]["family"] == "software"
    assert len(server.requests) == 2


def test_guides_written_before_the_family_banks_are_refreshed_not_reused(client, register, worker):
    """Jobs enriched before advice followed the family keep software templates: they are not current,
    an identical new posting does not copy them, and the admins' re-enrichment picks them up."""
    from sqlmodel import select

    from career_app.db import session_scope

    owner, _ = register("provider")
    body = {**NURSE_POSTING, "title": unique_title("Pediatric Nurse")}
    job_id = wait_job(client, owner, post_job(client, owner, **body))["id"]
    old_guide = {"resume_guide": ["Quantify one project built with Pediatrics: its scale, users, speed-up or money "
                                  "saved."] * 5, "generated_by": "offline"}
    with session_scope() as session:
        job = session.exec(select(Job).where(Job.id == uuid.UUID(job_id))).one()
        assert enrichment.is_current(job)
        job.resume_guide_generated = old_guide
        session.add(job)
        session.commit()
        session.refresh(job)
        assert not enrichment.is_current(job)
        assert job.id in enrichment.missing_pillars(session)
        twin = Job(id=uuid.uuid4(), owner_id=job.owner_id, title=job.title, description_raw=job.description_raw,
                   skills_required=list(job.skills_required), salary_currency=job.salary_currency)
        assert enrichment.description_hash(twin) == job.description_hash
        assert enrichment._twin(session, twin, enrichment.description_hash(twin)) is None
        enrichment.enrich(session, job.id)
        session.refresh(job)
        assert job.resume_guide_generated["family"] == "healthcare" and enrichment.is_current(job)
        assert "speed-up" not in " ".join(job.resume_guide_generated["resume_guide"])
        assert job.id not in enrichment.missing_pillars(session)
        assert enrichment._twin(session, twin, enrichment.description_hash(twin)).id == job.id
