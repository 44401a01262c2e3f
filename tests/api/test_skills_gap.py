"""The skills gap counts the seeker's own field: a nurse's market is nursing listings, with nursing
links to learn; an engineer's stays software. GET /api/v1/recommendations/skills-gap."""

import uuid

import pytest
from sqlmodel import select

from career_app.db import app_redis, session_scope
from career_app.services import auth, families, jobs, skills_gap
from career_app.services.skills import taxonomy
from models.job import Job, JobStatus, Visibility
from tests import resume_files
from tests.api.conftest import bearer
from tests.api.jobs_helpers import post_job, wait_job

GAP = "/api/v1/recommendations/skills-gap"

NURSE_LINES = [
    "Hannah Whitfield",
    "Summary",
    "Registered nurse with six years of experience on a medical-surgical unit.",
    "Experience",
    "Registered Nurse, Riverside Hospital (2019 - present)",
    "- IV therapy and medication administration for five to six patients per shift.",
    "Skills: IV therapy, medication administration, patient education",
]

# (title, must-haves): the listings of other fields carry the skills a nurse was once told to learn.
HEALTHCARE = [("Registered Nurse, Med-Surg", ["Triage", "IV therapy", "Wound Care"]),
              ("ICU Nurse", ["Critical Care", "Triage", "Telemetry"]),
              ("Pediatric Nurse", ["Pediatrics", "PALS", "Triage"])]
OTHERS = [("Backend Engineer", ["Python", "Rust", "Kubernetes"]),
          ("Civil Engineer", ["Stormwater Design", "Forecasting"]),
          ("Mechanical Design Engineer", ["CAD", "Prototyping", "Troubleshooting"]),
          ("Staff Accountant", ["Month-End Close", "Forecasting"])]
NOT_NURSING = {"Rust", "Kubernetes", "Stormwater Design", "Forecasting", "CAD", "Prototyping", "Month-End Close"}


def _user_id(token: str):
    with session_scope() as session:
        return auth.user_from_token(session, app_redis(), token).id


def _listing(owner_id, title: str, required: list[str]) -> str:
    """A listing enriched before jobs.family existed (its skills named, no family): the gap reads its
    family once and keeps it."""
    with session_scope() as session:
        job = Job(owner_id=owner_id, title=f"{title} {uuid.uuid4().hex[:6]}", description_raw="y" * 60,
                  skills_required=required, skills=taxonomy().normalise(required), status=JobStatus.active,
                  visibility=Visibility.public)
        session.add(job)
        session.commit()
        jobs.invalidate(app_redis())
        return str(job.id)


@pytest.fixture
def market(register):
    provider, _ = register("provider")
    owner = _user_id(provider)
    return {title: _listing(owner, title, required) for title, required in HEALTHCARE + OTHERS}


def _seeker(client, register, lines) -> str:
    token, _ = register()
    resp = client.post("/api/v1/users/resume", headers=bearer(token),
                       files={"file": ("cv.pdf", resume_files.pdf_resume(lines, pages=1), "application/pdf")})
    assert resp.status_code == 200, resp.text
    return token


def _healthcare_must_haves() -> set[str]:
    """Every must-have of an active public healthcare listing in the database (other tests add some)."""
    with session_scope() as session:
        rows = session.exec(select(Job).where(Job.status == JobStatus.active, Job.visibility == Visibility.public))
        return {name for job in rows if families.of_job(job) == "healthcare" for name in
                skills_gap.must_haves(job.skills_required)}


def test_a_nurses_gap_is_nursing_must_haves_with_nursing_links(client, register, market):
    nurse = _seeker(client, register, NURSE_LINES)
    resp = client.get(GAP, headers=bearer(nurse))
    assert resp.status_code == 200, resp.text
    report = resp.json()
    assert report["families"] == ["healthcare"] and report["family_labels"] == ["Nursing and healthcare"]
    listed = {d["skill"] for d in report["top_market_skills"]} | {d["skill"] for d in report["missing_skills"]}
    assert not listed & NOT_NURSING
    assert listed <= _healthcare_must_haves()
    missing = {d["skill"]: d for d in report["missing_skills"]}
    assert {"Triage", "Critical Care", "Wound Care", "Pediatrics"} <= set(missing)
    assert "IV Therapy" not in missing and "IV Therapy" in report["covered_skills"]  # on the resume
    assert missing["Triage"]["job_count"] >= 3
    counts = [d["job_count"] for d in report["missing_skills"]]
    assert counts == sorted(counts, reverse=True)
    for d in report["missing_skills"]:
        assert "nursing" in d["learning"]["url"] and "freecodecamp" not in d["learning"]["url"]
        assert d["learning"]["url"].startswith("https://") and d["skill"] in d["learning"]["title"]
    assert report["active_jobs"] >= 3 and 0 < report["coverage_percent"] < 100

    with session_scope() as session:  # the listings stored without a family were read once and kept
        stored = {str(j.id): j.family for j in session.exec(
            select(Job).where(Job.id.in_([uuid.UUID(v) for v in market.values()])))}
    assert stored[market["ICU Nurse"]] == "healthcare" and stored[market["Backend Engineer"]] == "software"
    assert stored[market["Staff Accountant"]] == "finance and accounting"


def test_the_engineer_still_gets_software_skills(client, register, market):
    engineer = _seeker(client, register, resume_files.RESUME_LINES)
    report = client.get(GAP, headers=bearer(engineer)).json()
    assert report["families"] == ["software"]
    listed = {d["skill"] for d in report["top_market_skills"]}
    assert "Python" in report["covered_skills"] and "Rust" in {d["skill"] for d in report["missing_skills"]}
    assert not listed & {"Triage", "Critical Care", "Stormwater Design", "Month-End Close", "CAD"}
    rust = next(d for d in report["missing_skills"] if d["skill"] == "Rust")
    assert rust["learning"]["url"].startswith("https://www.freecodecamp.org/")


def test_family_param_picks_the_market_and_is_validated(client, register, market):
    engineer = _seeker(client, register, resume_files.RESUME_LINES)
    nursing = client.get(GAP, headers=bearer(engineer), params={"family": "healthcare"}).json()
    assert nursing["families"] == ["healthcare"]
    assert "Triage" in {d["skill"] for d in nursing["missing_skills"]}
    assert not {d["skill"] for d in nursing["top_market_skills"]} & {"Rust", "Kubernetes"}

    both = client.get(GAP, headers=bearer(engineer), params=[("family", "healthcare"), ("family", "software")]).json()
    assert both["families"] == ["healthcare", "software"]
    assert both["active_jobs"] == nursing["active_jobs"] + client.get(
        GAP, headers=bearer(engineer), params={"family": "software"}).json()["active_jobs"]
    links = {d["skill"]: d["learning"]["url"] for d in both["missing_skills"]}
    assert "nursing" in links["Triage"] and "freecodecamp" in links["Rust"]  # each from its own field

    wrong = client.get(GAP, headers=bearer(engineer), params={"family": "astrology"})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"][:2] == ["query", "family"]
    assert client.get(GAP, headers=bearer(engineer), params=[("family", "software"), ("family", "")]).status_code == 422
    provider, _ = register("provider")
    assert client.get(GAP, headers=bearer(provider)).status_code == 403


def test_the_family_set_on_the_profile_makes_the_market(client, register, market):
    nurse = _seeker(client, register, NURSE_LINES)
    assert client.patch("/api/v1/users/me", headers=bearer(nurse), json={"family": "finance and accounting"}
                        ).status_code == 200
    report = client.get(GAP, headers=bearer(nurse)).json()
    assert report["families"] == ["finance and accounting"]
    assert {"Month-End Close", "Forecasting"} <= {d["skill"] for d in report["missing_skills"]}
    assert "Triage" not in {d["skill"] for d in report["top_market_skills"]}
    assert client.patch("/api/v1/users/me", headers=bearer(nurse), json={"family": None}).status_code == 200
    assert client.get(GAP, headers=bearer(nurse)).json()["families"] == ["healthcare"]


def test_enrichment_stores_the_family_of_a_posted_job(client, register, worker):
    provider, _ = register("provider")
    job_id = post_job(client, provider, title="Charge Nurse, Emergency Department",
                      description_raw="Lead a team of emergency nurses: triage, trauma care and patient flow. "
                                      "BLS and ACLS required; two years of emergency nursing experience.",
                      skills_required=["Triage", "BLS", "ACLS"])
    assert wait_job(client, provider, job_id)["status"] == "active"
    with session_scope() as session:
        assert session.get(Job, uuid.UUID(job_id)).family == "healthcare"
