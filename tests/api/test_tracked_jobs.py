"""A seeker's own tracked jobs on /api/v1/jobs: private, never public, never another user's; saved
listings by reference. Providers keep posting listings (202) as before."""

from tests.api.conftest import bearer
from tests.api.jobs_helpers import post_job, unique_title, wait_job


def tracked(**overrides) -> dict:
    body = {"title": unique_title("Data Analyst"), "company_name": "Globex", "location": "Porto",
            "salary_min": 40000, "salary_max": 55000, "salary_currency": "eur", "remote_option": "hybrid",
            "skills_required": ["SQL", "python"], "external_apply_url": "https://globex.example.com/apply/7",
            "notes": "Referral from Ana.\nFollow up Friday.", "tracking_status": "interested",
            "source_url": "https://boards.example.com/globex/7"}
    body.update(overrides)
    return body


def test_seeker_tracks_private_jobs_no_one_else_sees(client, register, worker):
    seeker, _ = register("seeker")
    other, _ = register("seeker")
    admin_like, _ = register("provider")
    body = tracked()
    resp = client.post("/api/v1/jobs", headers=bearer(seeker), json=body)
    assert resp.status_code == 201, resp.text
    job = resp.json()
    job_id = job["id"]
    assert job["visibility"] == "private" and job["tracking_status"] == "interested"
    assert job["notes"] == body["notes"] and job["source_url"] == body["source_url"]
    assert job["salary_currency"] == "EUR" and job["skills_required"] == ["SQL", "Python"]
    assert job["description_raw"] == "" and job["resume_guide_generated"] is None

    own = client.get("/api/v1/jobs", headers=bearer(seeker)).json()
    assert own["total"] == 1 and own["items"][0]["id"] == job_id and own["items"][0]["notes"] == body["notes"]
    assert client.get(f"/api/v1/jobs/{job_id}", headers=bearer(seeker)).json()["title"] == body["title"]

    # Nobody else: anonymous, another seeker, a provider.
    for headers in ({}, bearer(other), bearer(admin_like)):
        assert client.get(f"/api/v1/jobs/{job_id}", headers=headers).status_code == 404
        assert client.patch(f"/api/v1/jobs/{job_id}", headers=headers, json={"notes": "mine"}).status_code in (401, 404)
        assert client.delete(f"/api/v1/jobs/{job_id}", headers=headers).status_code in (401, 404)
    assert client.get("/api/v1/jobs", headers=bearer(other)).json()["total"] == 0
    # Never in the feed or search.
    assert job_id not in [j["id"] for j in client.get("/api/v1/jobs/feed", params={"limit": 100}).json()]
    found = client.get("/api/v1/jobs/search", params={"q": body["title"]}).json()
    assert found["total"] == 0

    # Its owner changes their own fields; no enrichment is ever queued.
    resp = client.patch(f"/api/v1/jobs/{job_id}", headers=bearer(seeker),
                        json={"tracking_status": "applied", "notes": "Sent on Monday", "salary_max": 60000})
    assert resp.status_code == 200, resp.text
    changed = resp.json()
    assert (changed["tracking_status"], changed["notes"], changed["salary_max"]) == ("applied", "Sent on Monday", 60000)
    assert changed["status"] == "active" and changed["visibility"] == "private"
    assert client.patch(f"/api/v1/jobs/{job_id}", headers=bearer(seeker), json={"status": "closed"}).status_code == 422
    assert client.patch(f"/api/v1/jobs/{job_id}", headers=bearer(seeker), json={"salary_min": 90000}).status_code == 422
    assert client.delete(f"/api/v1/jobs/{job_id}", headers=bearer(seeker)).status_code == 204
    assert client.get(f"/api/v1/jobs/{job_id}", headers=bearer(seeker)).status_code == 404


def test_tracked_job_input_is_checked(client, register):
    seeker, _ = register("seeker")
    for bad in ({"title": ""}, {"title": "Analyst", "source_url": "javascript:alert(1)"},
                {"title": "Analyst", "tracking_status": "hired"}, {"title": "Analyst\x00"},
                {"title": "Analyst", "owner_id": "00000000-0000-0000-0000-000000000000"},
                {"title": "Analyst", "salary_min": 10, "salary_max": 5}):
        assert client.post("/api/v1/jobs", headers=bearer(seeker), json=bad).status_code == 422, bad
    assert client.get("/api/v1/jobs", headers=bearer(seeker)).json()["total"] == 0


def test_provider_path_unchanged_and_cannot_send_tracker_fields(client, register, worker):
    provider, _ = register("provider")
    assert client.post("/api/v1/jobs", headers=bearer(provider), json=tracked()).status_code == 422
    job_id = post_job(client, provider, title=unique_title("Platform Engineer"))
    wait_job(client, provider, job_id)
    resp = client.patch(f"/api/v1/jobs/{job_id}", headers=bearer(provider), json={"notes": "hello"})
    assert resp.status_code == 422
    assert client.get("/api/v1/jobs", headers=bearer(provider)).json()["items"][0]["notes"] is None


def test_save_listing_by_reference(client, register, worker):
    provider, _ = register("provider")
    seeker, _ = register("seeker")
    other, _ = register("seeker")
    listing_id = post_job(client, provider, title=unique_title("Site Reliability Engineer"))
    assert client.post(f"/api/v1/jobs/{listing_id}/save", headers=bearer(seeker)).status_code == 404  # not live yet
    wait_job(client, provider, listing_id)

    resp = client.post(f"/api/v1/jobs/{listing_id}/save", headers=bearer(seeker))
    assert resp.status_code == 201, resp.text
    entry = resp.json()
    assert entry["listing_id"] == listing_id and entry["id"] != listing_id and entry["visibility"] == "private"
    assert entry["tracking_status"] == "saved" and entry["skills"]  # the listing's content, enriched
    again = client.post(f"/api/v1/jobs/{listing_id}/save", headers=bearer(seeker))
    assert again.status_code == 200 and again.json()["id"] == entry["id"]
    assert client.post(f"/api/v1/jobs/{listing_id}/save", headers=bearer(provider)).status_code == 403
    assert client.post(f"/api/v1/jobs/{entry['id']}/save", headers=bearer(other)).status_code == 404

    # A reference: the listing's later changes show on the tracker.
    assert client.patch(f"/api/v1/jobs/{listing_id}", headers=bearer(provider), json={"location": "Berlin"}).status_code == 200
    assert client.get(f"/api/v1/jobs/{entry['id']}", headers=bearer(seeker)).json()["location"] == "Berlin"
    # The seeker's own notes stay theirs; the listing is untouched.
    client.patch(f"/api/v1/jobs/{entry['id']}", headers=bearer(seeker), json={"notes": "Ask about on-call"})
    assert client.get(f"/api/v1/jobs/{listing_id}").json().get("notes") is None
    # Once the listing is gone, the entry stays readable from its snapshot.
    assert client.delete(f"/api/v1/jobs/{listing_id}", headers=bearer(provider)).status_code == 204
    kept = client.get(f"/api/v1/jobs/{entry['id']}", headers=bearer(seeker)).json()
    assert kept["listing_id"] is None and kept["notes"] == "Ask about on-call"
    assert kept["title"].startswith("Site Reliability Engineer")
    assert client.get("/api/v1/jobs", headers=bearer(other)).json()["total"] == 0


def test_admins_do_not_see_seekers_tracked_jobs(client, register, make_admin):
    seeker, _ = register("seeker")
    job_id = client.post("/api/v1/jobs", headers=bearer(seeker), json=tracked()).json()["id"]
    email, password = make_admin()
    admin = client.post("/api/v1/auth/login", json={"email": email, "password": password}).json()["access_token"]
    client.cookies.clear()
    assert client.get(f"/api/v1/jobs/{job_id}", headers=bearer(admin)).status_code == 404
    listed = client.get("/api/v1/admin/jobs", headers=bearer(admin), params={"limit": 100}).json()
    assert job_id not in [j["id"] for j in listed["items"]]
    assert client.post(f"/api/v1/jobs/{job_id}/retry-enrichment", headers=bearer(admin)).status_code == 404


def _unit(*parts: tuple[int, float]) -> list[float]:
    """A unit vector from (axis, weight) parts."""
    import math
    vector = [0.0] * 384
    for axis, weight in parts:
        vector[axis] = weight
    norm = math.sqrt(sum(v * v for v in vector))
    return [v / norm for v in vector]


def test_recommendations_lean_towards_saved_jobs_and_skip_applied_and_own(client, register):
    from sqlmodel import select

    from career_app.db import session_scope
    from models.job import Job, Visibility
    from models.resume import Resume
    from tests.api.test_matching import _job, _seeker, _user

    token = _seeker(client, register)
    seeker = _user(token)
    provider, _ = register("provider")
    owner = _user(provider).id
    with session_scope() as session:  # a resume along axis 0
        resume = session.exec(select(Resume).where(Resume.user_id == seeker.id)).one()
        resume.embedding = _unit((0, 1.0))
        session.commit()

    def listing(*parts, visibility=Visibility.public, who=owner) -> str:
        job_id = _job(who, 1.0, visibility=visibility)
        with session_scope() as session:
            session.get(Job, job_id).embedding = _unit(*parts)
            session.commit()
        return job_id

    near_resume = listing((0, 0.99), (1, 0.141))  # close to the resume, far from the saved job
    like_saved = listing((0, 0.6), (2, 0.8))  # like the saved job, less like the resume
    saved = listing((0, 0.3), (2, 0.954))
    own = listing((0, 0.6), (2, 0.8), visibility=Visibility.private, who=seeker.id)  # the seeker's tracked job

    def recommended() -> list[dict]:
        resp = client.get("/api/v1/jobs/recommendations", headers=bearer(token), params={"limit": 50})
        assert resp.status_code == 200, resp.text
        return resp.json()["recommendations"]

    before = recommended()
    ids = [item["job_id"] for item in before]
    assert ids.index(near_resume) < ids.index(like_saved) and own not in ids
    scores = [item["match_score"] for item in before]
    assert scores == sorted(scores, reverse=True)  # nothing saved: the resume's ranking, unchanged

    assert client.post(f"/api/v1/jobs/{saved}/save", headers=bearer(token)).status_code == 201
    after = recommended()
    ids = [item["job_id"] for item in after]
    assert ids.index(like_saved) < ids.index(near_resume)  # the saved job pulls its neighbours up
    assert saved not in ids and own not in ids
    shown = {item["job_id"]: item["match_score"] for item in before}
    assert all(item["match_score"] == shown[item["job_id"]] for item in after if item["job_id"] in shown)

    resp = client.post("/api/v1/applications", headers=bearer(token), json={"job_id": like_saved, "status": "applied"})
    assert resp.status_code == 201, resp.text
    ids = [item["job_id"] for item in recommended()]
    assert like_saved not in ids and saved not in ids and near_resume in ids
