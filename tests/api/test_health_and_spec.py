import json
import subprocess
import sys

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from career_app import embedded
from career_app.api import deps


def test_health_ok(client):
    resp = client.get("/health")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_service_root_in_ottobon_shape(client):
    body = client.get("/api/v1/").json()
    assert body["status"] == "ok" and body["service"]


@pytest.fixture
def fresh_api():
    from career_app.api.app import build_api

    api = build_api()
    yield api
    api.dependency_overrides.clear()


def test_health_reports_redis_down(fresh_api, tmp_path):
    # A real Redis server that we start and then shut down.
    url = embedded.ensure_redis(tmp_path)
    dead = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    embedded.stop_embedded(tmp_path)
    fresh_api.dependency_overrides[deps.get_redis] = lambda: dead
    resp = TestClient(fresh_api).get("/health")
    assert resp.status_code == 503
    body = resp.json()
    assert body["status"] == "error" and body["database"] == "ok"
    assert body["redis"].startswith("unavailable")


def test_health_reports_database_down(fresh_api, tmp_path):
    engine = create_engine(f"postgresql+psycopg://postgres@/nope?host={tmp_path}", connect_args={"connect_timeout": 2})
    fresh_api.dependency_overrides[deps.get_engine] = lambda: engine
    resp = TestClient(fresh_api).get("/health")
    assert resp.status_code == 503
    assert resp.json()["database"].startswith("unavailable") and resp.json()["redis"] == "ok"


def test_openapi_served_and_generated(client, tmp_path):
    from tests.conftest import ROOT

    spec = client.get("/api/openapi.json").json()
    for path in ("/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/logout", "/api/v1/auth/me",
                 "/api/v1/users/me", "/api/v1/admin/users", "/api/v1/tasks/{task_id}", "/health"):
        assert path in spec["paths"], path
    assert client.get("/api/docs").status_code == 200
    target = tmp_path / "openapi.json"
    subprocess.run([sys.executable, "scripts/generate_openapi.py", str(target)], cwd=ROOT, check=True)
    assert json.loads(target.read_text())["paths"].keys() == spec["paths"].keys()
