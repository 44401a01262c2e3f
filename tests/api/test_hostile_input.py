"""Nonsense and hostile input gets a 4xx, never a 500."""

from tests.api.conftest import bearer


def test_hostile_inputs_get_client_errors(client, register):
    token, _ = register()
    cases = [
        ("post", "/api/v1/auth/register", {"content": b"not json", "headers": {"content-type": "application/json"}}),
        ("post", "/api/v1/auth/register",
         {"json": {"email": "a" * 300 + "@x.com", "password": "p" * 500, "full_name": "x" * 500}}),
        ("post", "/api/v1/auth/register", {"json": {"email": "nul\x00@example.com", "password": "password-1",
                                                   "full_name": "Nul"}}),
        ("post", "/api/v1/auth/register", {"json": {"email": "ok-nul@example.com", "password": "password-1",
                                                   "full_name": "N\x00ul"}}),
        ("post", "/api/v1/auth/login", {"json": {"email": "nul\x00@example.com", "password": "y"}}),
        ("post", "/api/v1/auth/login", {"json": {"email": "x" * 1000, "password": "y"}}),
        ("post", "/api/v1/auth/login", {"json": [1, 2]}),
        ("get", "/api/v1/auth/session/" + "x" * 3000, {}),
        ("get", "/api/v1/tasks/%00", {"headers": bearer(token)}),
        ("get", "/api/v1/auth/me", {"headers": {"Authorization": "Bearer " + "a." * 5000}}),
    ]
    for method, path, kwargs in cases:
        resp = getattr(client, method)(path, follow_redirects=False, **kwargs)
        assert 300 <= resp.status_code < 500, (path, kwargs, resp.status_code, resp.text[:200])
    assert client.post("/api/v1/auth/register", **cases[3][2]).status_code == 422
