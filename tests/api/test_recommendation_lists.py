"""The stored recommendation list (matching.recommend, migration 0018) follows every change: a new,
edited or closed listing, a new resume, new profile skills. Each check polls the REST answer until
it shows the change, within FRESH_SECONDS (the promise: within 5 s), and fails past it."""

import math
import time
import uuid

from sqlalchemy import text
from sqlmodel import select

from career_app.db import session_scope
from models.job import Job, JobStatus
from models.resume import Resume
from tests import resume_files
from tests.api.conftest import bearer
from tests.api.test_matching import DIM, _job, _seeker, _user, _vector, seeker_with_known_resume  # noqa: F401

FRESH_SECONDS = 5.0


def _along(axis: int, cosine: float = 1.0) -> list[float]:
    """A unit vector with `cosine` on `axis` and the rest on the last axis."""
    v = [0.0] * DIM
    v[axis], v[DIM - 1] = cosine, math.sqrt(1 - cosine ** 2)
    return v


def _ids(client, token: str) -> list[str]:
    resp = client.get("/api/v1/recommendations/jobs", headers=bearer(token), params={"limit": 50})
    assert resp.status_code == 200, resp.text
    return [item["job_id"] for item in resp.json()]


def _until(client, token: str, condition) -> list[dict]:
    """The recommendations once `condition(items)` holds; fails when it has not within FRESH_SECONDS."""
    deadline = time.monotonic() + FRESH_SECONDS
    while True:
        items = client.get("/api/v1/recommendations/jobs", headers=bearer(token), params={"limit": 50}).json()
        if condition(items):
            return items
        assert time.monotonic() < deadline, f"not seen within {FRESH_SECONDS} s: {items[:3]}"
        time.sleep(0.1)


def _stored(seeker_id) -> int | None:
    """Items in the seeker's stored list, None when there is none (or it was marked stale)."""
    with session_scope() as session:
        found = session.exec(text("SELECT kept FROM recommendation_lists WHERE seeker_id = :u AND rules <> ''"),
                             params={"u": seeker_id}).first()
        return None if found is None else found[0]


def test_a_new_listing_an_edit_and_a_closing_show_within_seconds(client, register, seeker_with_known_resume):
    token, seeker = seeker_with_known_resume
    provider, _ = register("provider")
    owner = _user(provider).id
    before = _ids(client, token)
    assert _stored(seeker.id) is not None  # the first read stored the list

    new = _job(owner, 0.99999)  # nearer than any listing of any test
    items = _until(client, token, lambda items: items and items[0]["job_id"] == new)
    assert [i["job_id"] for i in items[1:]][:len(before) - 1] == before[:len(before) - 1]

    with session_scope() as session:
        session.get(Job, uuid.UUID(new)).title = "Renamed while listed"
        session.commit()
    _until(client, token, lambda items: items[0]["job_id"] == new and items[0]["title"] == "Renamed while listed")

    with session_scope() as session:
        session.get(Job, uuid.UUID(new)).status = JobStatus.closed
        session.commit()
    items = _until(client, token, lambda items: new not in {i["job_id"] for i in items})
    assert [i["job_id"] for i in items][:len(before)] == before

    deleted = _job(owner, 0.99999)
    _until(client, token, lambda items: items[0]["job_id"] == deleted)
    with session_scope() as session:
        session.delete(session.get(Job, uuid.UUID(deleted)))
        session.commit()
    assert _ids(client, token)[:len(before)] == before  # gone with its row, at once


def test_a_new_resume_reranks_once_and_shows_within_seconds(client, register, seeker_with_known_resume):
    token, seeker = seeker_with_known_resume
    provider, _ = register("provider")
    owner = _user(provider).id
    elsewhere = _store_along(owner, axis=7)
    near = _job(owner, 0.9999, skills=("Python",))
    assert _ids(client, token)[0] == near
    with session_scope() as session:  # the resume now reads like that listing (any writer: a trigger marks the list stale)
        resume = session.exec(select(Resume).where(Resume.user_id == seeker.id)).one()
        resume.embedding = _along(7)
        session.commit()
    assert _stored(seeker.id) is None
    _until(client, token, lambda items: items[0]["job_id"] == elsewhere)

    # An upload through the API ranks the list at once: the seeker's next read is the stored one.
    resp = client.post("/api/v1/users/resume", headers=bearer(token),
                       files={"file": ("cv.pdf", resume_files.pdf_resume(resume_files.RESUME_LINES, pages=1),
                                       "application/pdf")})
    assert resp.status_code == 200, resp.text
    assert _stored(seeker.id)
    items = client.get("/api/v1/recommendations/jobs", headers=bearer(token), params={"limit": 50}).json()
    # Scored against the uploaded resume (other tests' listings may now outrank these two in a full run).
    shown = {i["job_id"]: i for i in items}
    for item in items[:3] + [shown[j] for j in (near, elsewhere) if j in shown]:
        page = client.post(f"/api/v1/jobs/{item['job_id']}/match", headers=bearer(token)).json()
        assert (item["raw_similarity"], item["match_score"]) == (page["raw_similarity"], page["similarity_score"])
    assert shown.get(elsewhere, {"raw_similarity": 0.0})["raw_similarity"] < 0.5  # not the edited vector's 1.0
    with session_scope() as session:
        session.get(Job, uuid.UUID(near)).status = JobStatus.closed
        session.commit()


def test_new_profile_skills_change_the_stored_list(client, register, seeker_with_known_resume):
    token, seeker = seeker_with_known_resume
    provider, _ = register("provider")
    owner = _user(provider).id
    job_id = _job(owner, 0.99998, skills=("Kubernetes",))
    item = next(i for i in _until(client, token, lambda items: job_id in {i["job_id"] for i in items})
                if i["job_id"] == job_id)
    assert item["missing_skills"] == ["Kubernetes"]
    client.patch("/api/v1/users/me", headers=bearer(token), json={"skills": ["python", "kubernetes"]})
    items = _until(client, token, lambda items: any(i["job_id"] == job_id and i["matched_skills"] == ["Kubernetes"]
                                                   for i in items))
    scores = [i["match_score"] for i in items]
    assert scores == sorted(scores, reverse=True)
    page = client.post(f"/api/v1/jobs/{job_id}/match", headers=bearer(token)).json()
    assert page["similarity_score"] == next(i for i in items if i["job_id"] == job_id)["match_score"]
    _close(job_id)


def _store_along(owner_id, axis: int) -> str:
    return _job_with_vector(owner_id, _along(axis))


def _job_with_vector(owner_id, vector: list[float]) -> str:
    from tests.api.test_matching import _store

    return _store(Job(owner_id=owner_id, title=f"Elsewhere {uuid.uuid4().hex[:6]}", description_raw="x" * 40,
                      skills_required=["Python"], skills=["Python"], status=JobStatus.active,
                      remote_option="remote", resume_guide_generated={"resume_guide": []},
                      prep_guide_generated={"prep_questions": []}, embedding=vector))


def test_a_listing_committed_after_the_list_was_read_still_shows(client, register, seeker_with_known_resume):
    """A listing written by a transaction still running when the list was brought up to date (so
    invisible to it) is caught at a later read: the list remembers the transactions in progress."""
    token, seeker = seeker_with_known_resume
    provider, _ = register("provider")
    owner = _user(provider).id
    _ids(client, token)  # the list is stored
    with session_scope() as slow:
        job = Job(owner_id=owner, title="Committed late", description_raw="x" * 40, skills_required=["Python"],
                  skills=["Python"], status=JobStatus.active, remote_option="remote",
                  resume_guide_generated={"resume_guide": []}, prep_guide_generated={"prep_questions": []},
                  embedding=_vector(0.999995))
        slow.add(job)
        slow.flush()  # written, stamped, not committed
        _stored_job_id = str(job.id)
        _ids(client, token)  # another change makes this read bring the list up to date while `slow` runs
        other = _job(owner, 0.999, skills=("Python",))
        _until(client, token, lambda items: other in {i["job_id"] for i in items})
        slow.commit()
    _until(client, token, lambda items: items and items[0]["job_id"] == _stored_job_id)
    _close(_stored_job_id, other)  # near the known resume: later tests' own jobs stay first


def _close(*job_ids: str) -> None:
    with session_scope() as session:
        for job_id in job_ids:
            session.get(Job, uuid.UUID(job_id)).status = JobStatus.closed
        session.commit()
