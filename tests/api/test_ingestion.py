"""Ingestion through the REST API and a real worker, against a loopback feed server: sources,
runs, dedup, closing after complete runs only, the global run's lock, logs and live progress."""

import json
import threading
import uuid

import pytest

from career_app.db import app_redis, session_scope
from career_app.services import live
from models.ingestion import INGESTION_OWNER_ID, JobPosting
from models.job import Job
from sqlmodel import func, select
from tests.api.conftest import bearer
from tests.conftest import eventually
from tests.feed_server import FeedServer, Reply

# No backoff to speak of, nothing shared with another test's host breaker (every source here is on 127.0.0.1).
HTTP = {"rate_per_second": 1000, "burst": 100, "backoff": 0.01, "retries": 1, "breaker_failures": 1000}


@pytest.fixture(scope="module")
def feeds():
    with FeedServer() as server:
        yield server


@pytest.fixture(scope="module")
def tokens(client_module, make_admin_module):
    def login(email, password):
        resp = client_module.post("/api/v1/auth/login", json={"email": email, "password": password})
        client_module.cookies.clear()
        return resp.json()["access_token"]

    def register(role):
        body = {"email": f"{role}-{uuid.uuid4().hex[:8]}@example.com", "password": "correct-horse-1",
                "full_name": f"Test {role}", "role": role}
        token = client_module.post("/api/v1/auth/register", json=body).json()["access_token"]
        client_module.cookies.clear()
        return token

    return {"admin": login(*make_admin_module()), "provider": register("provider"), "seeker": register("seeker")}


@pytest.fixture(scope="module")
def client_module(api):
    from fastapi.testclient import TestClient

    with TestClient(api, base_url="http://localhost") as c:
        yield c


@pytest.fixture(scope="module")
def make_admin_module():
    from career_app.services import auth

    def create():
        email, password = f"admin-{uuid.uuid4().hex[:8]}@example.com", "admin-password-1"
        with session_scope() as session:
            auth.create_admin(session, email, password, "Ada Admin")
        return email, password

    return create


def greenhouse(company: str, jobs: list[tuple]) -> dict:
    """A Greenhouse board: (id, title[, location[, url]]) per job."""
    out = []
    for job in jobs:
        ident, title, location, url = (*job, None, None)[:4]
        out.append({"id": ident, "title": title, "company_name": company, "location": {"name": location or "Lisbon"},
                    "absolute_url": url or f"https://boards.example.com/{company}/{ident}",
                    "updated_at": "2026-11-01T10:00:00Z",
                    "content": f"&lt;p&gt;{title} at {company}: you will build and run systems for our customers, "
                               f"review designs and mentor colleagues ({ident}).&lt;/p&gt;&lt;script&gt;evil()&lt;/script&gt;"})
    return {"jobs": out, "meta": {"total": len(out)}}


def add_source(client, token, feeds, kind="greenhouse", path=None, params=None, **extra) -> str:
    name = f"t-{uuid.uuid4().hex[:10]}"
    body = {"name": name, "kind": kind, "url": feeds.url(path or f"/boards/{name}/jobs"),
            "params": {"allow_private_network": True, "http": HTTP, **(params or {})}, **extra}
    resp = client.post("/api/v1/admin/sources", headers=bearer(token), json=body)
    assert resp.status_code == 201, resp.text
    return name


def run_now(client, token, name, expect=200) -> dict:
    resp = client.post(f"/api/v1/admin/ingest/{name}?wait=90", headers=bearer(token))
    assert resp.status_code == expect, resp.text
    return resp.json()


def source_jobs(name: str) -> list[Job]:
    with session_scope() as session:
        return list(session.exec(select(Job).where(Job.source == name)).all())


def wait_active(client, company, count, timeout=90) -> list[dict]:
    items = []

    def ready():
        nonlocal items
        items = client.get(f"/api/v1/jobs/search?company={company}&limit=100").json()["items"]
        return len(items) == count

    if not eventually(ready, timeout=timeout, every=0.3):
        with session_scope() as session:
            found = [(j.title, j.status, j.enrich_error) for j in session.exec(
                select(Job).where(Job.company_name == company)).all()]
        raise AssertionError(f"{len(items)} active of {count}; jobs of {company}: {found}")
    return items


def test_sources_crud_roles_and_validation(client_module, tokens, feeds, worker):
    c, admin = client_module, tokens["admin"]
    name = add_source(c, admin, feeds, schedule="0 */6 * * *", enabled=True)
    again = c.post("/api/v1/admin/sources", headers=bearer(admin),
                   json={"name": name, "kind": "lever", "url": "https://api.lever.co/v0/postings/x"})
    assert again.status_code == 409
    for bad in ({"kind": "linkedin"}, {"url": "ftp://x"}, {"url": "javascript:alert(1)"}, {"schedule": "every hour"},
                {"name": "all"}, {"name": "Bad Name!"}, {"kind": "file", "url": "../../etc/passwd.json"},
                {"kind": "file", "url": "/etc/passwd"}, {"params": {"x": "y" * 20_000}}):
        body = {"name": f"t-{uuid.uuid4().hex[:8]}", "kind": "greenhouse", "url": "https://boards.example.com/x", **bad}
        assert c.post("/api/v1/admin/sources", headers=bearer(admin), json=body).status_code == 422, bad
    listed = {s["name"]: s for s in c.get("/api/v1/admin/sources", headers=bearer(admin)).json()}
    assert listed[name]["next_run_at"] is not None and listed[name]["schedule"] == "0 */6 * * *"
    assert {"deloitte", "pwc", "kpmg", "ey", "landingjobs", "sample"} <= set(listed)  # seeded from config
    assert not listed["deloitte"]["enabled"]  # third-party sources ship disabled
    patched = c.patch(f"/api/v1/admin/sources/{name}", headers=bearer(admin), json={"enabled": False}).json()
    assert patched["enabled"] is False and patched["next_run_at"] is None
    for token, code in ((tokens["provider"], 403), (tokens["seeker"], 403), (None, 401)):
        headers = bearer(token) if token else {}
        assert c.get("/api/v1/admin/sources", headers=headers).status_code == code
        assert c.post(f"/api/v1/admin/ingest/{name}", headers=headers).status_code == code
        assert c.get("/api/v1/job-ingestion/status", headers=headers).status_code == code
    assert c.get("/api/v1/admin/sources", headers=bearer(tokens["seeker"])).json()["detail"] == "Admin access required"
    assert c.delete(f"/api/v1/admin/sources/{name}", headers=bearer(admin)).status_code == 204
    assert c.get(f"/api/v1/admin/sources/{name}", headers=bearer(admin)).status_code == 404
    assert c.post("/api/v1/admin/ingest/no-such-source", headers=bearer(admin)).status_code == 404
    assert c.post("/api/v1/admin/ingest/bad%00name", headers=bearer(admin)).status_code == 404
    disabled = add_source(c, admin, feeds, enabled=False)
    refused = c.post(f"/api/v1/admin/ingest/trigger?scraper_name={disabled}", headers=bearer(tokens["provider"]))
    assert refused.status_code == 403  # only admins run a disabled source
    assert c.post("/api/v1/admin/ingest/trigger?scraper_name=no-such", headers=bearer(admin)).status_code == 404


def test_a_run_stores_sanitized_deduplicated_jobs_owned_by_no_provider(client_module, tokens, feeds, worker):
    c, admin = client_module, tokens["admin"]
    company = f"Acme{uuid.uuid4().hex[:6]}"
    name = add_source(c, admin, feeds)
    board = greenhouse(company, [(1, "Backend Engineer"), (2, "Data Analyst"), (3, "Registered Nurse"), (4, "")])
    board["jobs"].append(dict(board["jobs"][0]))  # listed twice in one source
    feeds.route(f"/boards/{name}/jobs", Reply(body=board))

    events: list[dict] = []
    r = app_redis()
    pubsub = r.pubsub()
    pubsub.subscribe(live.channel(r, live.ADMINS))

    def listen():
        for message in pubsub.listen():
            if message["type"] == "message":
                event = json.loads(message["data"])
                if event.get("source") == name:
                    events.append(event)
                if event.get("type") == "ingest_run" and event.get("source") == name and event["status"] == "complete":
                    return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    result = run_now(c, admin, name)
    assert result["source"] == name and result["status"] == "complete"
    assert {k: result["result"][k] for k in ("fetched", "new", "skipped", "errors", "dedup_hits")} == \
        {"fetched": 5, "new": 3, "skipped": 0, "errors": 1, "dedup_hits": 1}
    assert "title" in result["errors"][0]["error"] and result["errors"][0]["url"].endswith(f"/{company}/4")
    listener.join(10)
    pubsub.close()
    progress = [e for e in events if e["type"] == "ingest_progress"]
    assert progress and progress[-1]["processed"] == 5 and progress[-1]["total"] == 5
    assert progress[-1]["counters"]["new"] == 3
    assert [e["status"] for e in events if e["type"] == "ingest_run"][-1] == "complete"

    items = wait_active(c, company, 3)
    job = c.get(f"/api/v1/jobs/{items[0]['id']}").json()
    assert job["source"] == name and job["external_apply_url"].startswith(f"https://boards.example.com/{company}/")
    assert "evil" not in job["description_raw"] and "<" not in job["description_raw"]
    assert job["resume_guide_generated"] and job["prep_guide_generated"]
    assert all(j.owner_id == INGESTION_OWNER_ID for j in source_jobs(name))
    # The skill-evidence profile, as a provider's job gets it (the batch makes every job's phrase
    # vectors in one embedding call): stored, and the same vectors one job's own call gives.
    from career_app.services import evidence

    for stored in source_jobs(name):
        profile = evidence.JobProfile.from_stored(stored.match_profile, stored.requirement_vectors)
        assert profile is not None and profile.vectors is not None
        alone = evidence.job_profile(stored.title, stored.description_raw, list(stored.skills_required),
                                     list(stored.skills))
        assert [r.phrase for r in alone.requirements] == [r.phrase for r in profile.requirements]
        assert alone.vectors.shape == profile.vectors.shape
        assert not len(alone.vectors) or abs(alone.vectors - profile.vectors).max() < 0.02  # int8 storage
    assert sum(len(evidence.JobProfile.from_stored(j.match_profile, None).requirements) for j in source_jobs(name))
    patch = c.patch(f"/api/v1/jobs/{job['id']}", headers=bearer(tokens["provider"]), json={"status": "closed"})
    assert patch.status_code == 403  # a provider does not own ingested jobs
    enriched_at = {j.id: j.enriched_at for j in source_jobs(name)}

    again = run_now(c, admin, name)["result"]
    assert (again["new"], again["skipped"], again["updated"], again["dedup_hits"]) == (0, 3, 0, 1)
    assert len(source_jobs(name)) == 3
    assert {j.id: j.enriched_at for j in source_jobs(name)} == enriched_at  # unchanged: not enriched again

    board["jobs"][1]["location"] = {"name": "Porto"}  # a changed field: updated in place, no re-enrichment
    feeds.route(f"/boards/{name}/jobs", Reply(body=board))
    third = run_now(c, admin, name)["result"]
    assert (third["new"], third["updated"]) == (0, 1)
    jobs = {j.title: j for j in source_jobs(name)}
    assert jobs["Data Analyst"].location == "Porto" and jobs["Data Analyst"].enriched_at == enriched_at[jobs["Data Analyst"].id]


def test_the_same_posting_in_two_sources_is_one_job(client_module, tokens, feeds, worker):
    c, admin = client_module, tokens["admin"]
    company = f"Twin{uuid.uuid4().hex[:6]}"
    first, second = add_source(c, admin, feeds), add_source(c, admin, feeds)
    feeds.route(f"/boards/{first}/jobs", Reply(body=greenhouse(company, [
        (10, "Site Reliability Engineer", "Dublin", f"https://careers.example.com/{company}/sre"),
        (11, "Recruiter", "Dublin")])))
    feeds.route(f"/boards/{second}/jobs", Reply(body=greenhouse(company, [
        ("x-1", "Site Reliability Engineer", "Berlin", f"https://WWW.careers.example.com/{company}/sre/?utm_source=board"),
        ("x-2", "Recruiter", "Dublin", "https://elsewhere.example.com/recruiter"),
        ("x-3", "Payroll Specialist", "Dublin")])))
    assert run_now(c, admin, first)["result"]["new"] == 2
    result = run_now(c, admin, second)["result"]
    assert (result["new"], result["dedup_hits"]) == (1, 2)  # by canonical URL, then by company + title + location
    with session_scope() as session:
        postings = session.exec(select(JobPosting).where(JobPosting.source == second)).all()
        job_sources = {session.get(Job, p.job_id).source for p in postings}
    assert job_sources == {first, second} and len(postings) == 3
    wait_active(c, company, 3)


def test_a_posting_missing_from_a_complete_run_is_closed_but_never_after_a_failed_or_partial_one(
        client_module, tokens, feeds, worker):
    c, admin = client_module, tokens["admin"]
    company = f"Gone{uuid.uuid4().hex[:6]}"
    name = add_source(c, admin, feeds, kind="lever", path=None, params={"page_size": 2, "company": company})
    path = f"/boards/{name}/jobs"
    duties = {1: "Prepare monthly financial statements and bank reconciliations for the group.",
              2: "Care for patients on a surgical ward and administer their medication safely.",
              3: "Install and repair electrical wiring in commercial buildings to code.",
              4: "Teach secondary school mathematics and assess the progress of every student."}

    def lever(ids):
        return [{"id": f"{company}-{i}", "text": f"Role {i}", "hostedUrl": f"https://jobs.example.com/{company}/{i}",
                 "categories": {"location": "Madrid", "commitment": "Full Time"},
                 "description": f"<p>{duties[i]}</p>"}
                for i in ids]

    def serve(ids, fail_page=None):
        def page(query, _body):
            skip = int(query["skip"])
            if fail_page is not None and skip // 2 == fail_page:
                return Reply(500, {"error": "down"})
            return Reply(body=lever(ids)[skip:skip + 2])
        feeds.route(path, page)

    serve([1, 2, 3, 4])
    assert run_now(c, admin, name)["result"]["new"] == 4
    wait_active(c, company, 4)

    serve([1, 2, 3], fail_page=1)  # posting 4 gone, but page 2 breaks: partial
    partial = run_now(c, admin, name)
    assert partial["status"] == "partial" and partial["result"]["closed"] == 0
    feeds.route(path, Reply(500, {"error": "down"}))  # nothing listed at all: failed
    failed = run_now(c, admin, name)
    assert failed["status"] == "failed" and failed["result"]["closed"] == 0
    feeds.route(path, Reply(body=[]))  # an empty listing while postings are open: taken for an outage
    empty = run_now(c, admin, name)
    assert empty["status"] == "failed" and empty["result"]["closed"] == 0
    wait_active(c, company, 4)

    serve([1, 2, 3])
    complete = run_now(c, admin, name)
    assert complete["status"] == "complete" and complete["result"]["closed"] == 1
    titles = {j["title"] for j in wait_active(c, company, 3)}
    assert titles == {"Role 1", "Role 2", "Role 3"}
    closed = [j for j in source_jobs(name) if j.title == "Role 4"][0]
    assert closed.status == "closed"
    assert c.get(f"/api/v1/jobs/{closed.id}").status_code == 404  # not public any more

    serve([1, 2, 3, 4])  # it comes back: the same job reopens, no new one
    back = run_now(c, admin, name)["result"]
    assert (back["new"], back["updated"]) == (0, 1)
    wait_active(c, company, 4)
    assert len(source_jobs(name)) == 4


def test_429_then_success_and_a_500_burst_in_runs(client_module, tokens, feeds, worker):
    c, admin = client_module, tokens["admin"]
    company = f"Slow{uuid.uuid4().hex[:6]}"
    name = add_source(c, admin, feeds, params={"http": {**HTTP, "retries": 2}})
    feeds.route(f"/boards/{name}/jobs", Reply(429, {}, headers={"Retry-After": "1"}),
                Reply(body=greenhouse(company, [(1, "Accountant")])))
    result = run_now(c, admin, name)
    assert result["status"] == "complete" and result["result"]["new"] == 1
    assert feeds.count(f"/boards/{name}/jobs") == 2

    r = app_redis()
    broken = add_source(c, admin, feeds, params={"http": {**HTTP, "retries": 2, "breaker_failures": 3,
                                                          "breaker_reset": 60}})
    feeds.route(f"/boards/{broken}/jobs", Reply(500, {"error": "boom"}))
    try:
        first = run_now(c, admin, broken)
        assert first["status"] == "failed" and "HTTP 500" in first["errors"][0]["error"]
        second = run_now(c, admin, broken)
        assert "circuit open" in second["errors"][0]["error"]
        assert feeds.count(f"/boards/{broken}/jobs") == 3  # the open breaker asked the host nothing
    finally:
        # Every test source is on 127.0.0.1: close the breaker and drop the broken source for the next tests.
        c.delete(f"/api/v1/admin/sources/{broken}", headers=bearer(admin))
        r.delete("ingest:breaker:127.0.0.1")


def test_global_run_is_one_at_a_time_and_logs_and_status_show_runs(client_module, tokens, feeds, worker):
    c, admin = client_module, tokens["admin"]
    company = f"Glob{uuid.uuid4().hex[:6]}"
    name = add_source(c, admin, feeds, enabled=True)
    feeds.route(f"/boards/{name}/jobs", Reply(body=greenhouse(company, [(1, "Welder")]), delay=3))
    first = c.post("/api/v1/admin/ingest/all", headers=bearer(admin))
    assert first.status_code == 202, first.text
    task_id = first.json()["task_id"]
    assert name in first.json()["sources"]
    second = c.post("/api/v1/admin/ingest/all", headers=bearer(admin))
    assert second.status_code == 409 and second.json()["task_id"] == task_id
    assert c.post("/api/v1/admin/ingest/trigger", headers=bearer(tokens["provider"])).status_code == 409
    assert c.post("/api/v1/job-ingestion/run", headers=bearer(admin)).status_code == 409
    assert c.post("/api/v1/admin/ingest/trigger", headers=bearer(tokens["seeker"])).status_code == 403

    status = c.get("/api/v1/job-ingestion/status", headers=bearer(admin)).json()
    assert status["global_task"]["task_id"] == task_id and "default" in status["queues"]

    def finished():
        return c.get(f"/api/v1/tasks/{task_id}", headers=bearer(admin)).json()["status"] == "finished"

    assert eventually(finished, timeout=120, every=0.5)
    runs = c.get(f"/api/v1/admin/ingest/runs?source={name}", headers=bearer(admin)).json()
    assert runs["total"] == 1 and runs["items"][0]["status"] == "complete" and runs["items"][0]["trigger"] == "all"
    status = c.get("/api/v1/job-ingestion/status", headers=bearer(admin)).json()
    ours = next(s for s in status["sources"] if s["name"] == name)
    assert ours["last_run"]["counters"]["new"] == 1 and ours["open_postings"] == 1 and ours["running"] is None

    provider = c.post(f"/api/v1/admin/ingest/trigger?scraper_name={name}", headers=bearer(tokens["provider"]))
    assert provider.status_code == 202 and provider.json()["run_ids"]
    busy = c.post(f"/api/v1/admin/ingest/trigger?scraper_name={name}", headers=bearer(admin))
    assert busy.status_code == 409  # one open run per source
    run_id = provider.json()["run_ids"][0]
    assert eventually(lambda: c.get(f"/api/v1/admin/ingest/runs/{run_id}", headers=bearer(admin)).json()["status"]
                      == "complete", timeout=60, every=0.3)
    retry = c.post(f"/api/v1/admin/ingest/runs/{run_id}/retry", headers=bearer(admin))
    assert retry.status_code == 202 and retry.json()["sources"] == [name]
    page = c.get("/api/v1/admin/ingest/runs?limit=1", headers=bearer(admin)).json()
    assert len(page["items"]) == 1 and page["total"] >= 3
    assert c.get("/api/v1/admin/ingest/runs?limit=500", headers=bearer(admin)).status_code == 422


def test_a_run_killed_mid_way_resumes_without_duplicates(client_module, tokens, feeds, service_env):
    import subprocess
    import sys

    from career_app.services import ingestion
    from jobs_worker.ingest import run_source
    from tests.conftest import ROOT

    c, admin = client_module, tokens["admin"]
    company = f"Kill{uuid.uuid4().hex[:6]}"
    name = add_source(c, admin, feeds, kind="smartrecruiters", params={"page_size": 100, "company": company,
                                                                       "http": {**HTTP, "concurrency": 2}})
    base = f"/boards/{name}/jobs"
    ids = [f"{n:06d}" for n in range(130)]
    feeds.route(base, lambda q, _b: Reply(body={"totalFound": len(ids), "content": [
        {"id": i, "name": f"Technician {i}", "location": {"city": "Leeds"}} for i in
        ids[int(q["offset"]):int(q["offset"]) + int(q["limit"])]]}))
    for i in ids:
        feeds.route(f"{base}/{i}", Reply(delay=0.05, body={
            "id": i, "name": f"Technician {i}", "location": {"city": "Leeds"},
            "company": {"name": company}, "postingUrl": f"https://jobs.example.com/{company}/{i}",
            "jobAd": {"sections": {"jobDescription": {"text": f"<p>Maintain equipment and fix faults, job {i}.</p>"}}}}))
    with session_scope() as session:
        run_id = ingestion.create_inline_run(session, name, "manual").id
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from career_app.db import app_redis; "
                             "from jobs_worker.ingest import run_source; run_source(sys.argv[1], app_redis())",
                             str(run_id)], cwd=ROOT, env=service_env)
    try:
        def some_committed():
            with session_scope() as session:
                return ingestion.get_run(session, run_id).processed >= 50
        assert eventually(some_committed, timeout=60, every=0.05)
    finally:
        proc.kill()
        proc.wait()
    with session_scope() as session:
        run = ingestion.get_run(session, run_id)
        assert run.status == "running" and 50 <= run.processed < 130
    result = run_source(run_id, app_redis())  # what the requeued task does
    assert result["status"] == "complete"
    with session_scope() as session:
        run = ingestion.get_run(session, run_id)
        postings = session.exec(select(func.count()).select_from(JobPosting).where(JobPosting.source == name)).one()
    assert run.attempts == 2 and postings == 130 and len(source_jobs(name)) == 130
    assert run.counters["new"] == 130 and run.counters["dedup_hits"] == 0


def test_schedules_run_each_due_time_once_with_one_scheduler(feeds, worker):
    from career_app.db import rq_redis
    from career_app.services import ingestion
    from jobs_worker.scheduler import Scheduler
    from models.ingestion import IngestRun, IngestSource
    from models.ingestion_schemas import SourceCreate

    name = f"t-{uuid.uuid4().hex[:10]}"
    feeds.route(f"/boards/{name}/jobs", Reply(body=greenhouse(f"Cron{uuid.uuid4().hex[:6]}", [(1, "Plumber")])))
    with session_scope() as session:
        ingestion.create_source(session, SourceCreate(
            name=name, kind="greenhouse", url=feeds.url(f"/boards/{name}/jobs"), schedule="*/5 * * * *",
            params={"allow_private_network": True, "http": HTTP}))
        source = session.get(IngestSource, name)
        source.next_run_at = source.next_run_at.replace(year=2020)  # long due
        session.add(source)
        session.commit()
        # The worker's own scheduler may take this due time first: either way it runs once.
        ingestion.schedule_due(session, app_redis(), rq_redis())
        ingestion.schedule_due(session, app_redis(), rq_redis())
        runs = session.exec(select(IngestRun).where(IngestRun.source == name)).all()
        assert len(runs) == 1 and runs[0].trigger == "schedule"
        session.expire_all()
        assert session.get(IngestSource, name).next_run_at.year >= 2026
    lock = f"test-scheduler-{uuid.uuid4().hex[:6]}"
    one, two = Scheduler("worker-a", lock), Scheduler("worker-b", lock)
    assert one.holds_lock() and not two.holds_lock() and one.holds_lock()
    assert two.tick() == []  # not the holder: schedules nothing
    app_redis().delete(lock)  # the holder died: its lock lapsed
    assert two.holds_lock() and not one.holds_lock()
    app_redis().delete(lock)


def test_a_reworded_repost_of_the_same_company_is_merged_after_embedding(client_module, tokens, feeds, worker):
    c, admin = client_module, tokens["admin"]
    company = f"Repost{uuid.uuid4().hex[:6]}"
    text = ("<p>We are hiring a backend engineer to design and build Python services on PostgreSQL.</p><ul>"
            "<li>Own our REST APIs and run them on Kubernetes</li><li>Improve reliability and observability</li>"
            "<li>Review code and mentor colleagues</li></ul><p>Hybrid, two days a week in our Lisbon office.</p>")
    first, second = add_source(c, admin, feeds), add_source(c, admin, feeds)
    feeds.route(f"/boards/{first}/jobs", Reply(body={"jobs": [
        {"id": 1, "title": "Backend Engineer", "company_name": company, "location": {"name": "Lisbon"},
         "absolute_url": f"https://a.example.com/{company}/1", "content": text}]}))
    assert run_now(c, admin, first)["result"]["new"] == 1
    wait_active(c, company, 1)
    feeds.route(f"/boards/{second}/jobs", Reply(body={"jobs": [
        {"id": 7, "title": "Backend Developer (Python)", "company_name": company, "location": {"name": "Lisbon"},
         "absolute_url": f"https://b.example.com/{company}/7",
         "content": "<p>Apply now!</p>" + text + "<p>We are an equal opportunity employer.</p>"},
        {"id": 9, "title": "Senior Backend Engineer", "company_name": company, "location": {"name": "Lisbon"},
         "absolute_url": f"https://b.example.com/{company}/9", "content": text + "<p>Senior role.</p>"},
        {"id": 8, "title": "Payroll Specialist", "company_name": company, "location": {"name": "Lisbon"},
         "absolute_url": f"https://b.example.com/{company}/8",
         "content": "<p>Run payroll for our staff in three countries and answer their questions about benefits.</p>"}]}))
    result = run_now(c, admin, second)
    assert result["result"]["new"] == 3  # layers 1-3 cannot tell: the title and URL differ

    def merged():
        with session_scope() as session:
            run = session.exec(select(IngestRun).where(IngestRun.source == second)).one()
            return run.counters["dedup_hits"] == 1 and run.counters["new"] == 2
    from models.ingestion import IngestRun

    assert eventually(merged, timeout=90, every=0.3)
    titles = sorted(j["title"] for j in wait_active(c, company, 3))
    assert titles == ["Backend Engineer", "Payroll Specialist", "Senior Backend Engineer"]  # another level: kept
    with session_scope() as session:
        postings = session.exec(select(JobPosting).where(JobPosting.source == second)).all()
        owners = {p.external_id: session.get(Job, p.job_id) for p in postings}
    assert owners["7"].source == first and owners["8"].source == second == owners["9"].source  # the repost lists the first job


def test_within_one_batch_a_twin_gets_the_whole_enrichment_of_the_other(client_module, tokens, feeds, worker):
    """One enrichment task: of two identical postings of two companies, the one enriched second reuses
    the other's enrichment, skill-evidence profile included (made after the batch's loop: the copy is
    taken then). Either may come first: the batch is in creation order, ties broken by id."""
    c, admin = client_module, tokens["admin"]
    company, other = f"Batch{uuid.uuid4().hex[:6]}", f"Twin{uuid.uuid4().hex[:6]}"
    text = ("<p>We are hiring a backend engineer to design and build Python services on PostgreSQL.</p><ul>"
            "<li>Own our REST APIs and run them on Kubernetes</li><li>Improve reliability and observability</li>"
            "<li>Review code and mentor colleagues</li></ul><p>Hybrid, two days a week in our Lisbon office.</p>"
            f"<p>Ref. {company}.</p>")  # no twin among other tests' jobs
    name = add_source(c, admin, feeds)
    feeds.route(f"/boards/{name}/jobs", Reply(body={"jobs": [
        {"id": n, "title": "Backend Engineer", "company_name": firm, "location": {"name": "Lisbon"},
         "absolute_url": f"https://a.example.com/{firm}/{n}", "content": text}
        for n, firm in ((1, company), (2, other))]}))
    assert run_now(c, admin, name)["result"]["new"] == 2
    wait_active(c, company, 1)
    wait_active(c, other, 1)
    with session_scope() as session:
        first, twin = (session.exec(select(Job).where(Job.company_name == firm)).one() for firm in (company, other))
        assert first.match_profile is not None and first.requirement_vectors
        assert (twin.match_profile, twin.requirement_vectors, twin.resume_guide_generated) == (
            first.match_profile, first.requirement_vectors, first.resume_guide_generated)
        assert twin.embedding is not None and list(twin.embedding) == list(first.embedding)
