"""Matching, recommendations and the skills gap on known embeddings."""

import math
import uuid

import pytest
from sqlmodel import select

from career_app.db import app_redis, session_scope
from career_app.services import auth, jobs
from models.job import Job, JobStatus, Visibility
from models.resume import Resume
from tests import resume_files
from tests.api.conftest import bearer

DIM = 384


def _vector(cosine_with_axis: float) -> list[float]:
    """A unit vector whose cosine with the first axis is exactly `cosine_with_axis`."""
    v = [0.0] * DIM
    v[0], v[1] = cosine_with_axis, math.sqrt(1 - cosine_with_axis ** 2)
    return v


def _user(token: str):
    with session_scope() as session:
        user = auth.user_from_token(session, app_redis(), token)
        session.expunge(user)
        return user


def _job(owner_id, cosine, *, status=JobStatus.active, visibility=Visibility.public, skills=("Python", "SQL"),
         embedded=True) -> str:
    with session_scope() as session:
        job = Job(owner_id=owner_id, title=f"Known job {uuid.uuid4().hex[:6]}", description_raw="x" * 40,
                  skills_required=list(skills), skills=list(skills), status=status, visibility=visibility,
                  remote_option="remote", resume_guide_generated={"resume_guide": []},
                  prep_guide_generated={"prep_questions": []}, embedding=_vector(cosine) if embedded else None)
        session.add(job)
        session.commit()
        jobs.invalidate(app_redis())
        return str(job.id)


@pytest.fixture
def seeker_with_known_resume(client, register):
    token, _ = register()
    assert client.post("/api/v1/users/resume", headers=bearer(token),
                       files={"file": ("cv.pdf", resume_files.pdf_resume(), "application/pdf")}).status_code == 200
    user = _user(token)
    with session_scope() as session:
        resume = session.exec(select(Resume).where(Resume.user_id == user.id)).one()
        resume.embedding, resume.skills = _vector(1.0), []
        session.commit()
    client.patch("/api/v1/users/me", headers=bearer(token), json={"skills": ["python"]})
    return token, user


def test_match_score_gap_and_learning(client, register, seeker_with_known_resume):
    token, _ = seeker_with_known_resume
    provider, _ = register("provider")
    owner = _user(provider).id
    close = _job(owner, 0.9)
    far = _job(owner, 0.35)

    fit = client.post(f"/api/v1/jobs/{close}/match", headers=bearer(token))
    assert fit.status_code == 200, fit.text
    body = fit.json()
    # semantic 1.0 (cosine over 0.5) blended with half the skills: 0.75
    assert body["raw_similarity"] == pytest.approx(0.9, abs=1e-3)
    assert body["similarity_score"] == pytest.approx(0.75, abs=1e-3)
    assert body["gap_detected"] is False and body["threshold"] == 0.7
    assert body["matched_skills"] == ["Python"] and body["missing_skills"] == ["SQL"]
    assert body["learning_recommendations"][0]["skill"] == "SQL"
    assert body["learning_recommendations"][0]["url"].startswith("https://")

    gap = client.post(f"/api/v1/jobs/{far}/match", headers=bearer(token)).json()
    assert gap["similarity_score"] == pytest.approx(0.5, abs=1e-3)  # semantic 0.5, coverage 0.5
    assert gap["gap_detected"] is True and "SQL" in gap["gap_explanation"]


def test_match_needs_resume_and_job_embedding(client, register, seeker_with_known_resume):
    provider, _ = register("provider")
    owner = _user(provider).id
    job_id = _job(owner, 0.5)
    no_resume, _ = register()
    resp = client.post(f"/api/v1/jobs/{job_id}/match", headers=bearer(no_resume))
    assert resp.status_code == 422 and resp.json()["detail"] == "User has no resume embedding (upload a resume first)"
    token, _ = seeker_with_known_resume
    unembedded = _job(owner, 0.5, embedded=False)
    resp = client.post(f"/api/v1/jobs/{unembedded}/match", headers=bearer(token))
    assert resp.status_code == 422 and resp.json()["detail"] == "Job has no embedding (AI enrichment still processing)"
    assert client.post(f"/api/v1/jobs/{job_id}/match", headers=bearer(provider)).status_code == 403
    assert client.get("/api/v1/recommendations/jobs", headers=bearer(no_resume)).status_code == 422


def test_recommendations_nearest_first_and_only_active_listings(client, register, seeker_with_known_resume):
    token, seeker = seeker_with_known_resume
    provider, _ = register("provider")
    owner = _user(provider).id
    best, second = _job(owner, 0.998), _job(owner, 0.996)  # nearer than any other test's jobs
    hidden = {
        _job(owner, 0.9999, status=JobStatus.closed),
        _job(owner, 0.9999, status=JobStatus.processing),
        _job(owner, 0.9999, status=JobStatus.enrich_failed),
        _job(seeker.id, 0.9999, visibility=Visibility.private),  # the seeker's own tracked job
    }
    recs = client.get("/api/v1/recommendations/jobs", headers=bearer(token), params={"limit": 50})
    assert recs.status_code == 200, recs.text
    items = recs.json()
    assert [i["job_id"] for i in items[:2]] == [best, second]
    assert not hidden & {i["job_id"] for i in items}
    assert items[0]["remote"] is True and items[0]["matched_skills"] == ["Python"]
    assert items[0]["raw_similarity"] == pytest.approx(0.998, abs=1e-3)
    scores = [i["match_score"] for i in items]
    assert scores == sorted(scores, reverse=True)

    other_shape = client.get("/api/v1/jobs/recommendations", headers=bearer(token), params={"limit": 2}).json()
    assert [r["job_id"] for r in other_shape["recommendations"]] == [best, second] and other_shape["total"] == 2
    assert client.get("/api/v1/recommendations/jobs", headers=bearer(provider)).status_code == 403
    assert client.get("/api/v1/recommendations/jobs", headers=bearer(token), params={"limit": 0}).status_code == 422


def test_skills_gap_against_market_demand(client, register, seeker_with_known_resume):
    token, _ = seeker_with_known_resume
    provider, _ = register("provider")
    owner = _user(provider).id
    for _ in range(3):
        _job(owner, 0.1, skills=("Python", "Rust", "Kubernetes"))
    report = client.get("/api/v1/recommendations/skills-gap", headers=bearer(token))
    assert report.status_code == 200, report.text
    r = report.json()
    assert r["your_skills"] == ["Python"]
    top = {d["skill"]: d for d in r["top_market_skills"]}
    assert {"Python", "Rust", "Kubernetes"} <= set(top)
    assert "Python" in r["covered_skills"] and "Rust" not in r["covered_skills"]
    missing = [d["skill"] for d in r["missing_skills"]]
    assert "Rust" in missing and "Python" not in missing
    counts = [d["job_count"] for d in r["missing_skills"]]
    assert counts == sorted(counts, reverse=True)
    assert all(d["learning"]["url"].startswith("https://") for d in r["missing_skills"])
    weight = sum(d["job_count"] for d in r["top_market_skills"])
    covered = sum(top[s]["job_count"] for s in r["covered_skills"])
    assert r["coverage_percent"] == pytest.approx(100 * covered / weight, abs=0.1)
    assert 0 < r["coverage_percent"] < 100 and r["active_jobs"] >= 3
