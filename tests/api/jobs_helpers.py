import time
import uuid

from tests.api.conftest import bearer

DESCRIPTION = ("We are hiring a backend engineer to design and build Python services with FastAPI on PostgreSQL. "
               "You will own our REST APIs, run them on Kubernetes in AWS, and improve reliability with good "
               "observability. Experience with Docker and CI/CD pipelines is expected; Redis is a plus.")


def job_body(**overrides) -> dict:
    body = {"title": "Backend Engineer", "description_raw": DESCRIPTION,
            "skills_required": ["python", "Postgres", "FastAPI"], "company_name": "Acme Cloud",
            "location": "Lisbon, Portugal", "remote_option": "remote", "employment_type": "full_time",
            "salary_min": 60000, "salary_max": 80000, "salary_currency": "EUR",
            "external_apply_url": "https://acme.example.com/jobs/1"}
    body.update(overrides)
    return body


def post_job(client, token, **overrides) -> str:
    resp = client.post("/api/v1/jobs", headers=bearer(token), json=job_body(**overrides))
    assert resp.status_code == 202, resp.text
    return resp.json()["id"]


def wait_job(client, token, job_id, statuses=("active", "enrich_failed"), timeout=60) -> dict:
    deadline = time.monotonic() + timeout
    body = None
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/jobs/{job_id}", headers=bearer(token)).json()
        if body.get("status") in statuses:
            return body
        time.sleep(0.25)
    raise AssertionError(f"job {job_id} never reached {statuses}: {body}")


def unique_title(prefix: str = "Engineer") -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"
