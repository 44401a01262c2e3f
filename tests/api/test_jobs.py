"""Jobs through the API: posting, offline enrichment in a real worker, visibility, ownership,
the feed and cached search."""

import pytest

from tests.api.conftest import bearer
from tests.api.jobs_helpers import DESCRIPTION, job_body, post_job, unique_title, wait_job


def test_provider_posts_job_and_it_goes_live_with_four_pillars(client, register, worker):
    provider, _ = register("provider")
    job_id = post_job(client, provider, title=unique_title("Backend Engineer"))
    assert client.get(f"/api/v1/jobs/{job_id}/details").status_code == 404  # not public while processing
    job = wait_job(client, provider, job_id)
    assert job["status"] == "active", job["enrich_error"]
    details = client.get(f"/api/v1/jobs/{job_id}/details")
    assert details.status_code == 200
    d = details.json()
    assert d["description_raw"] == DESCRIPTION
    assert d["skills_required"] == ["Python", "PostgreSQL", "FastAPI"]
    assert {"Python", "PostgreSQL", "FastAPI", "Kubernetes", "AWS", "Docker"} <= set(d["skills"])
    assert len(d["resume_guide_generated"]["resume_guide"]) == 5
    assert len(d["prep_guide_generated"]["prep_questions"]) == 5
    assert all(q["answer_strategy"] for q in d["prep_guide_generated"]["questions"])
    assert d["generated_by"] == "offline" and d["resume_guide_generated"]["generated_by"] == "offline"
    # A posted salary is shown as posted (yearly here) and never second-guessed by an estimate.
    assert (d["salary_min"], d["salary_max"], d["salary_currency"]) == (60000, 80000, "EUR")
    assert d["salary_posted_min"] == 60000 and d["salary_estimate"] is None
    assert any("FastAPI" in bullet or "Python" in bullet for bullet in d["resume_guide_generated"]["resume_guide"])

    feed = client.get("/api/v1/jobs/feed", params={"limit": 100}).json()
    item = next(i for i in feed if i["id"] == job_id)
    assert "description_raw" not in item and "resume_guide_generated" not in item
    listed = client.get("/api/v1/jobs/provider", headers=bearer(provider)).json()
    assert [j["id"] for j in listed] == [job_id]
    own = client.get("/api/v1/jobs", headers=bearer(provider)).json()
    assert own["total"] == 1 and own["items"][0]["id"] == job_id


@pytest.mark.parametrize(("change", "field"), [
    ({"title": "ab"}, "title"),
    ({"description_raw": "too short"}, "description_raw"),
    ({"description_raw": " " * 30 + "short"}, "description_raw"),
    ({"skills_required": "Python"}, "skills_required"),
    ({"external_apply_url": "javascript:alert(1)"}, "external_apply_url"),
    ({"salary_min": 90000, "salary_max": 10}, None),
    ({"remote_option": "moon"}, "remote_option"),
    ({"owner_id": "00000000-0000-0000-0000-000000000000"}, "owner_id"),
    ({"title": "Engineer\x00"}, "title"),
])
def test_invalid_jobs_get_422_and_nothing_is_stored(client, register, change, field):
    provider, _ = register("provider")
    resp = client.post("/api/v1/jobs", headers=bearer(provider), json=job_body(**change))
    assert resp.status_code == 422, resp.text
    if field:
        assert any(field in err["loc"] for err in resp.json()["detail"])
    assert client.get("/api/v1/jobs", headers=bearer(provider)).json()["total"] == 0


def test_roles_and_ownership(client, register, worker):
    seeker, _ = register("seeker")
    assert client.post("/api/v1/jobs", headers=bearer(seeker), json=job_body()).status_code == 201  # a private tracked job
    assert client.post("/api/v1/jobs", json=job_body()).status_code == 401
    assert client.get("/api/v1/jobs/provider", headers=bearer(seeker)).status_code == 403

    owner, _ = register("provider")
    other, _ = register("provider")
    job_id = post_job(client, owner, title=unique_title())
    # Not active yet: another provider cannot even see it.
    assert client.patch(f"/api/v1/jobs/{job_id}", headers=bearer(other), json={"title": "Mine now"}).status_code in (403, 404)
    wait_job(client, owner, job_id)
    assert client.patch(f"/api/v1/jobs/{job_id}", headers=bearer(other), json={"title": "Mine now"}).status_code == 403
    assert client.delete(f"/api/v1/jobs/{job_id}", headers=bearer(other)).status_code == 403
    assert client.delete(f"/api/v1/jobs/{job_id}", headers=bearer(seeker)).status_code == 403
    assert client.post(f"/api/v1/jobs/{job_id}/match", headers=bearer(owner)).status_code == 403
    assert client.get(f"/api/v1/jobs/{job_id}").json()["title"] != "Mine now"
    assert client.get("/api/v1/jobs/not-a-uuid/details").status_code == 404
    assert client.get("/api/v1/jobs/00000000-0000-0000-0000-000000000000").status_code == 404


def test_edit_close_reopen_and_delete(client, register, worker):
    owner, _ = register("provider")
    job_id = post_job(client, owner, title=unique_title())
    wait_job(client, owner, job_id)

    resp = client.patch(f"/api/v1/jobs/{job_id}", headers=bearer(owner), json={"location": "Porto, Portugal"})
    assert resp.status_code == 200 and resp.json()["status"] == "active"  # no re-enrichment for a location

    resp = client.patch(f"/api/v1/jobs/{job_id}", headers=bearer(owner),
                        json={"title": "Senior Data Engineer", "skills_required": ["Spark", "SQL"]})
    assert resp.status_code == 200 and resp.json()["status"] == "processing"
    job = wait_job(client, owner, job_id)
    assert job["status"] == "active" and "Apache Spark" in job["skills"]
    assert job["salary_estimate"] is None  # it posts a salary

    assert client.patch(f"/api/v1/jobs/{job_id}", headers=bearer(owner), json={"status": "closed"}).json()["status"] == "closed"
    assert client.get(f"/api/v1/jobs/{job_id}/details").status_code == 404
    assert client.get(f"/api/v1/jobs/{job_id}", headers=bearer(owner)).status_code == 200
    assert job_id not in [i["id"] for i in client.get("/api/v1/jobs/feed", params={"limit": 100}).json()]
    assert client.patch(f"/api/v1/jobs/{job_id}", headers=bearer(owner), json={"status": "active"}).json()["status"] == "active"
    assert client.patch(f"/api/v1/jobs/{job_id}", headers=bearer(owner), json={"status": "processing"}).status_code == 422
    assert client.patch(f"/api/v1/jobs/{job_id}", headers=bearer(owner), json={"salary_min": 10**6}).status_code == 422

    assert client.delete(f"/api/v1/jobs/{job_id}", headers=bearer(owner)).status_code == 204
    assert client.get(f"/api/v1/jobs/{job_id}", headers=bearer(owner)).status_code == 404


def test_feed_pagination_and_bounds(client):
    assert client.get("/api/v1/jobs/feed", params={"limit": 0}).status_code == 422
    assert client.get("/api/v1/jobs/feed", params={"limit": 101}).status_code == 422
    assert client.get("/api/v1/jobs/feed", params={"skip": -1}).status_code == 422
    everything = client.get("/api/v1/jobs/feed", params={"limit": 100}).json()
    first = client.get("/api/v1/jobs/feed", params={"limit": 2}).json()
    second = client.get("/api/v1/jobs/feed", params={"limit": 2, "skip": 2}).json()
    assert [j["id"] for j in first + second] == [j["id"] for j in everything[:4]]
    stamps = [j["created_at"] for j in everything]
    assert stamps == sorted(stamps, reverse=True)
    assert all(j["status"] == "active" for j in everything)


def test_search_filters_cache_and_invalidation(client, register, worker):
    owner, _ = register("provider")
    marker = unique_title("Zebracorn").split()[1]
    remote_id = post_job(client, owner, title=f"Zebracorn {marker} Engineer", company_name=f"Stripes {marker}",
                         location="Berlin, Germany", remote_option="remote", salary_min=70000, salary_max=90000)
    onsite_id = post_job(client, owner, title=f"Zebracorn {marker} Analyst", company_name="Other Co",
                         location="Madrid, Spain", remote_option="onsite", salary_min=30000, salary_max=40000,
                         skills_required=["SQL", "Excel"],
                         description_raw="Analyse sales data in SQL and Excel, build weekly reports and dashboards "
                                         "for the Madrid office; you will work with finance and marketing teams.")
    wait_job(client, owner, remote_id)
    wait_job(client, owner, onsite_id)

    def ids(**params):
        resp = client.get("/api/v1/jobs/search", params={"q": marker, **params})
        assert resp.status_code == 200, resp.text
        return {j["id"] for j in resp.json()["items"]}

    assert ids() == {remote_id, onsite_id}
    assert ids(remote_only=True) == {remote_id}
    assert ids(location="berlin") == {remote_id}
    assert ids(company=f"stripes {marker}") == {remote_id}
    assert ids(salary_min=60000) == {remote_id}
    assert ids(salary_max=50000) == {onsite_id}
    assert ids(skills=["excel"]) == {onsite_id}
    assert ids(skills=["Python", "FastAPI"]) == {remote_id}
    assert ids(posted_within_days=1) == {remote_id, onsite_id}
    assert client.get("/api/v1/jobs/search", params={"q": "%_%' OR 1=1 --"}).status_code == 200
    assert client.get("/api/v1/jobs/search", params={"posted_within_days": 0}).status_code == 422

    first = client.get("/api/v1/jobs/search", params={"q": marker}).json()
    again = client.get("/api/v1/jobs/search", params={"q": marker}).json()
    assert again["cached"] is True and again["items"] == first["items"]
    client.patch(f"/api/v1/jobs/{onsite_id}", headers=bearer(owner), json={"status": "closed"})
    fresh = client.get("/api/v1/jobs/search", params={"q": marker}).json()
    assert fresh["cached"] is False and {j["id"] for j in fresh["items"]} == {remote_id}


def test_owner_can_retry_an_enrichment_that_stalled_but_not_one_that_is_running(client, register, worker):
    """A job left `processing` (its task lost with a dead worker) can be retried once no attempt has
    started for ENRICH_STALL_SECONDS; a running one answers 409."""
    import uuid as _uuid
    from datetime import timedelta

    from career_app.db import session_scope
    from career_app.settings import settings
    from models.base import utcnow
    from models.job import Job, JobStatus

    provider, _ = register("provider")
    job_id = post_job(client, provider, title=unique_title("Stalled"))
    wait_job(client, provider, job_id)
    with session_scope() as session:  # as a lost task leaves it: processing, no attempt for a while
        job = session.get(Job, _uuid.UUID(job_id))
        job.status, job.updated_at = JobStatus.processing, utcnow()
        session.add(job)
        session.commit()
    fresh = client.get(f"/api/v1/jobs/{job_id}", headers=bearer(provider)).json()
    assert fresh["enrichment_stalled"] is False
    running = client.post(f"/api/v1/jobs/{job_id}/retry-enrichment", headers=bearer(provider))
    assert running.status_code == 409 and "no progress" in running.json()["detail"]

    with session_scope() as session:
        job = session.get(Job, _uuid.UUID(job_id))
        job.updated_at = utcnow() - timedelta(seconds=settings.enrich_stall_seconds + 5)
        session.add(job)
        session.commit()
    stalled = client.get(f"/api/v1/jobs/{job_id}", headers=bearer(provider)).json()
    assert stalled["status"] == "processing" and stalled["enrichment_stalled"] is True
    other, _ = register("provider")
    assert client.post(f"/api/v1/jobs/{job_id}/retry-enrichment", headers=bearer(other)).status_code in (403, 404)
    retried = client.post(f"/api/v1/jobs/{job_id}/retry-enrichment", headers=bearer(provider))
    assert retried.status_code == 202, retried.text
    assert wait_job(client, provider, job_id)["status"] == "active"


def test_one_cached_page_per_job_however_its_id_is_spelled(client, register, worker):
    """Spellings of one id (case, braces, urn:uuid:) share one cache entry, so they cannot flood it."""
    from career_app.services import jobs as jobs_service

    provider, _ = register("provider")
    job_id = post_job(client, provider, title=unique_title("Spelled"))
    wait_job(client, provider, job_id)
    assert client.get(f"/api/v1/jobs/{job_id}").status_code == 200
    entries = len(jobs_service._public_json._entries)
    for spelling in (job_id.upper(), "{" + job_id + "}", "urn:uuid:" + job_id, job_id.replace("-", "")):
        resp = client.get(f"/api/v1/jobs/{spelling}")
        assert resp.status_code == 200 and resp.json()["id"] == job_id
    assert len(jobs_service._public_json._entries) == entries
