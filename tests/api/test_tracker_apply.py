""""Apply" on a tracked job (POST /api/v1/jobs/{id}/apply): one application per tracked job, filed as
applied today with the job's notes; the tracked job then shows the application and its status. The
rule is the service's (services/applications/tracked.py + core.on_job), so POST /applications with a
job_id that already has one is refused too, and a restore cannot make a second one."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

from tests.api.conftest import bearer
from tests.api.jobs_helpers import post_job, unique_title, wait_job

APPS = "/api/v1/applications"


def _tracked(client, token, **extra) -> dict:
    body = {"title": unique_title("Platform Engineer"), "company_name": "Initech",
            "notes": "Met Ana at the meetup.\nAsk about on-call.", "tracking_status": "interested", **extra}
    resp = client.post("/api/v1/jobs", headers=bearer(token), json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_apply_once_per_tracked_job(client, register):
    seeker, _ = register("seeker")
    job = _tracked(client, seeker)
    first = client.post(f"/api/v1/jobs/{job['id']}/apply", headers=bearer(seeker))
    assert first.status_code == 201, first.text
    app = first.json()
    assert app["status"] == "applied" and app["applied_on"] == date.today().isoformat()
    assert app["notes"] == job["notes"] and app["job_id"] == job["id"]
    assert (app["company_name"], app["job_title"]) == ("Initech", job["title"])

    again = client.post(f"/api/v1/jobs/{job['id']}/apply", headers=bearer(seeker))
    assert again.status_code == 200 and again.json()["id"] == app["id"]
    # the tracked job shows its application and follows its status
    shown = client.get(f"/api/v1/jobs/{job['id']}", headers=bearer(seeker)).json()
    assert shown["tracking_status"] == "applied"
    assert (shown["application_id"], shown["application_status"]) == (app["id"], "applied")
    assert client.post(f"{APPS}/{app['id']}/status", headers=bearer(seeker),
                       json={"status": "interviewing"}).status_code == 200
    listed = client.get("/api/v1/jobs", headers=bearer(seeker)).json()["items"]
    assert [(i["application_id"], i["application_status"]) for i in listed if i["id"] == job["id"]] == \
        [(app["id"], "interviewing")]

    # the same rule through POST /applications: a 409 naming the one there is
    dup = client.post(APPS, headers=bearer(seeker), json={"job_id": job["id"]})
    assert dup.status_code == 409 and app["id"] in dup.json()["detail"]
    assert client.get(APPS, headers=bearer(seeker)).json()["total"] == 1

    # deleted, it no longer counts: Apply files a new one; restoring the old one would make two
    assert client.delete(f"{APPS}/{app['id']}", headers=bearer(seeker)).status_code == 200
    assert client.get(f"/api/v1/jobs/{job['id']}", headers=bearer(seeker)).json()["application_id"] is None
    second = client.post(f"/api/v1/jobs/{job['id']}/apply", headers=bearer(seeker))
    assert second.status_code == 201 and second.json()["id"] != app["id"]
    restore = client.post(f"{APPS}/{app['id']}/restore", headers=bearer(seeker))
    assert restore.status_code == 409, restore.text
    assert client.get(APPS, headers=bearer(seeker)).json()["total"] == 1


def test_apply_twice_at_once_makes_one(client, register):
    seeker, _ = register("seeker")
    job = _tracked(client, seeker)
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: client.post(f"/api/v1/jobs/{job['id']}/apply", headers=bearer(seeker)),
                                range(6)))
    assert sorted(a.status_code for a in answers) == [200] * 5 + [201], [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert client.get(APPS, headers=bearer(seeker)).json()["total"] == 1


def test_apply_refusals(client, register, worker):
    seeker, _ = register("seeker")
    other, _ = register("seeker")
    provider, _ = register("provider")
    job = _tracked(client, seeker)
    # someone else's tracked job is not found; a provider keeps no tracker
    assert client.post(f"/api/v1/jobs/{job['id']}/apply", headers=bearer(other)).status_code == 404
    assert client.post(f"/api/v1/jobs/{job['id']}/apply", headers=bearer(provider)).status_code == 403
    assert client.post("/api/v1/jobs/not-a-uuid/apply", headers=bearer(seeker)).status_code == 404
    assert client.post(f"/api/v1/jobs/{job['id']}/apply").status_code == 401
    # a public listing is applied to through the tracker: saved first, then the saved entry takes it
    listing_id = post_job(client, provider, title=unique_title("Backend Engineer"))
    wait_job(client, provider, listing_id)
    resp = client.post(f"/api/v1/jobs/{listing_id}/apply", headers=bearer(seeker))
    assert resp.status_code == 409 and "save the listing" in resp.json()["detail"]
    entry = client.post(f"/api/v1/jobs/{listing_id}/save", headers=bearer(seeker)).json()
    applied = client.post(f"/api/v1/jobs/{entry['id']}/apply", headers=bearer(seeker))
    assert applied.status_code == 201, applied.text
    # the listing and the entry that saves it are one job: no second application on the listing
    dup = client.post(APPS, headers=bearer(seeker), json={"job_id": listing_id})
    assert dup.status_code == 409
    assert client.get(APPS, headers=bearer(seeker)).json()["total"] == 1
    assert client.get(APPS, headers=bearer(other)).json()["total"] == 0
