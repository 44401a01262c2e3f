"""Market snapshots through the REST API, over listings of one family in one country that no other test
uses (Malta): salary bands per currency with their counts and none from too few, skills and their
share, remote share, top companies, weeks; a listing taken down changes the next snapshot; bad
filters are a clear 422."""

import uuid
from datetime import timedelta

import pytest

from career_app.db import app_redis, session_scope
from career_app.services import jobs as jobs_service
from models.base import utcnow
from models.job import Job, JobStatus, RemoteOption, Visibility
from tests.api.conftest import bearer

# (company, salary (min, max, currency) or None, remote, skills)
LISTINGS = [
    ("Harbour Ledger", (40_000, 50_000, "EUR"), True, ["Excel", "IFRS"]),
    ("Harbour Ledger", (50_000, 60_000, "EUR"), False, ["Excel", "Budgeting"]),
    ("Harbour Ledger", (60_000, 70_000, "EUR"), False, ["Excel"]),
    ("Valletta Audit", (70_000, 80_000, "EUR"), True, ["IFRS"]),
    ("Gozo Books", (30_000, 40_000, "GBP"), False, ["Excel"]),  # one GBP listing: no band figures
    ("Gozo Books", None, False, []),
]


def _insert(owner_id, company, pay, remote, skills, days_ago=0) -> uuid.UUID:
    job = Job(owner_id=owner_id, visibility=Visibility.public, status=JobStatus.active, source="test",
              title=f"Accountant {uuid.uuid4().hex[:6]}", company_name=company, location="Valletta, Malta",
              country="MT", family="finance and accounting", description_raw="Keep the books.", skills_required=skills,
              remote_option=RemoteOption.remote if remote else RemoteOption.onsite,
              created_at=utcnow() - timedelta(days=days_ago))
    if pay:
        job.salary_min, job.salary_max, job.salary_currency = pay
    with session_scope() as session:
        session.add(job)
        session.commit()
        return job.id


@pytest.fixture(scope="module")
def catalogue(api):
    from fastapi.testclient import TestClient

    with TestClient(api, base_url="http://localhost") as c:
        reg = c.post("/api/v1/auth/register", json={"email": f"mt-{uuid.uuid4().hex[:8]}@example.com",
                     "password": "correct-horse-1", "full_name": "Malta Provider", "role": "provider"})
        token, user_id = reg.json()["access_token"], reg.json()["user"]["id"]
    ids = [_insert(uuid.UUID(user_id), *row, days_ago=i * 7) for i, row in enumerate(LISTINGS)]
    jobs_service.invalidate(app_redis())
    return token, ids


def test_snapshot_of_one_family_and_country(client, catalogue):
    resp = client.get("/api/v1/market/snapshot", params={"family": "finance and accounting", "country": "Malta"})
    assert resp.status_code == 200, resp.text
    snap = resp.json()
    assert snap["country"] == "MT" and snap["family"] == "finance and accounting" and snap["listings"] == 6
    bands = {b["currency"]: b for b in snap["salary_bands"]}
    # middles 45k, 55k, 65k, 75k: percentiles interpolated as PostgreSQL's percentile_cont does
    assert bands["EUR"] == {"currency": "EUR", "count": 4, "p25": 52_500, "p50": 60_000, "p75": 67_500, "needed": 3}
    assert bands["GBP"]["count"] == 1 and bands["GBP"]["p50"] is None  # too few, and never converted into EUR
    skills = {s["skill"]: s for s in snap["top_skills"]}
    assert skills["Excel"]["listings"] == 4 and skills["Excel"]["share"] == pytest.approx(4 / 6, abs=1e-3)
    assert snap["top_skills"][0]["skill"] == "Excel"
    assert snap["remote_share"] == pytest.approx(2 / 6, abs=1e-3)
    assert [c["company"] for c in snap["top_companies"]][:3] == ["Harbour Ledger", "Gozo Books", "Valletta Audit"]
    assert len(snap["weeks"]) == 12 and sum(w["listings"] for w in snap["weeks"]) == 6
    assert snap["weeks"][-1]["listings"] == 1  # the listing published this week

    remote = client.get("/api/v1/market/snapshot", params={"family": "finance and accounting", "country": "MT",
                                                           "remote": "true"}).json()
    assert remote["listings"] == 2 and remote["remote_share"] == 1.0
    assert [b["currency"] for b in remote["salary_bands"]] == ["EUR"] and remote["salary_bands"][0]["p50"] is None


def test_snapshot_follows_listing_changes(client, catalogue):
    token, ids = catalogue
    params = {"family": "finance and accounting", "country": "MT"}
    before = client.get("/api/v1/market/snapshot", params=params).json()
    assert client.get("/api/v1/market/snapshot", params=params).json()["generated_at"] == before["generated_at"]  # cached
    assert client.delete(f"/api/v1/jobs/{ids[-1]}", headers=bearer(token)).status_code == 204  # through the service
    after = client.get("/api/v1/market/snapshot", params=params).json()
    assert after["listings"] == before["listings"] - 1 and after["generated_at"] != before["generated_at"]


@pytest.mark.parametrize("params, words", [({"family": "astrology"}, "Unknown family"),
                                           ({"country": "Atlantis"}, "Unknown country"),
                                           ({"remote": "maybe"}, "bool")])
def test_bad_filters_are_422(client, params, words):
    resp = client.get("/api/v1/market/snapshot", params=params)
    assert resp.status_code == 422 and words in resp.text
    assert resp.json()["detail"][0]["loc"] == ["query", *params]  # where the value came from, not ["body"]


def test_empty_market_has_no_shares(client):
    snap = client.get("/api/v1/market/snapshot", params={"family": "legal", "country": "MT"}).json()
    assert snap["listings"] == 0 and snap["remote_share"] is None and snap["salary_bands"] == []
