"""The background-task round trip through a real RQ worker process."""

import time

from tests.api.conftest import bearer
from tests.conftest import run_async


def _wait_finished(client, task_id: str, token: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/tasks/{task_id}", headers=bearer(token)).json()
        if body["status"] in ("finished", "failed"):
            return body
        time.sleep(0.2)
    raise AssertionError(f"task {task_id} still {body['status']}")


def test_export_runs_in_worker_and_reports_to_owner(client, register, worker):
    token, body = register()
    accepted = client.post("/api/v1/users/me/export", headers=bearer(token))
    assert accepted.status_code == 202
    task_id = accepted.json()["task_id"]
    report = _wait_finished(client, task_id, token)
    assert report["status"] == "finished" and report["progress"] == 100
    assert report["result"]["profile"]["email"] == body["email"]
    assert report["name"] == "export_account"


def test_task_is_private_to_its_owner(client, register, worker):
    owner, _ = register()
    other, _ = register()
    task_id = client.post("/api/v1/users/me/export", headers=bearer(owner)).json()["task_id"]
    resp = client.get(f"/api/v1/tasks/{task_id}", headers=bearer(other))
    assert resp.status_code == 404
    assert client.get(f"/api/v1/tasks/{task_id}").status_code == 401


def test_an_admin_cannot_read_a_seekers_task(client, register, worker, make_admin):
    """A task's result is its owner's alone: an admin gets the same 404 as anyone else, so an account
    export (resume text, private jobs) never reaches them through /tasks."""
    owner, _ = register()
    task_id = client.post("/api/v1/users/me/export", headers=bearer(owner)).json()["task_id"]
    assert _wait_finished(client, task_id, owner)["status"] == "finished"
    email, password = make_admin()
    admin = client.post("/api/v1/auth/login", json={"email": email, "password": password}).json()["access_token"]
    client.cookies.clear()
    resp = client.get(f"/api/v1/tasks/{task_id}", headers=bearer(admin))
    assert resp.status_code == 404 and resp.json() == {"detail": "Task not found"}


def test_unknown_task_is_404(client, register):
    token, _ = register()
    assert client.get("/api/v1/tasks/does-not-exist", headers=bearer(token)).status_code == 404
    assert client.get("/api/v1/tasks/" + "x" * 65, headers=bearer(token)).status_code == 422


def test_export_includes_resume_and_jobs(client, register, worker):
    from tests import resume_files
    from tests.api.jobs_helpers import post_job

    seeker, _ = register()
    client.post("/api/v1/users/resume", headers=bearer(seeker),
                files={"file": ("cv.pdf", resume_files.pdf_resume(), "application/pdf")})
    report = _wait_finished(client, client.post("/api/v1/users/me/export", headers=bearer(seeker)).json()["task_id"],
                            seeker)
    assert report["result"]["resume"]["file_name"] == "cv.pdf" and "Jordan Rivera" in report["result"]["resume"]["text"]

    provider, _ = register("provider")
    job_id = post_job(client, provider)
    report = _wait_finished(client, client.post("/api/v1/users/me/export", headers=bearer(provider)).json()["task_id"],
                            provider)
    assert [j["id"] for j in report["result"]["jobs"]] == [job_id] and report["result"]["resume"] is None


def test_progress_and_the_end_are_announced_live_to_the_owner(client, register, worker):
    """The worker announces each progress step and the end on the owner's live topic (what the
    dashboard follows instead of polling)."""
    import asyncio

    from career_app.services import live

    token, _ = register()
    me = client.get("/api/v1/auth/me", headers=bearer(token)).json()["id"]

    async def scenario():
        with live.hub.subscribe(live.user(me)) as events:
            assert await live.hub.connected()
            task_id = (await asyncio.to_thread(client.post, "/api/v1/users/me/export", headers=bearer(token))).json()["task_id"]
            seen = []
            while not seen or seen[-1]["status"] != "finished":
                _topic, event = await asyncio.wait_for(events.get(), 30)
                if event.get("type") == "task" and event["task_id"] == task_id:
                    seen.append(event)
            return seen

    seen = run_async(scenario())
    assert [e["status"] for e in seen] == ["started", "started", "finished"]
    assert [e["progress"] for e in seen] == [10, 100, 100]
