import pytest
from fastapi.testclient import TestClient

from career_app.api.app import build_api
from tests.conftest import unique_email


@pytest.fixture(scope="session")
def api():
    return build_api()


@pytest.fixture
def client(api):
    with TestClient(api, base_url="http://localhost") as c:
        yield c


@pytest.fixture
def register(client):
    """Sign up through the API; returns (token, body)."""

    def do(role: str = "seeker", password: str = "correct-horse-1", **extra):
        body = {"email": unique_email(role), "password": password, "full_name": f"Test {role}", "role": role, **extra}
        resp = client.post("/api/v1/auth/register", json=body)
        assert resp.status_code == 201, resp.text
        client.cookies.clear()  # tests choose their credentials explicitly
        return resp.json()["access_token"], body

    return do


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
