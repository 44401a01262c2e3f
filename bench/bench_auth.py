"""Latency of the account endpoints on this machine (in-process ASGI, embedded services).

    .venv/bin/python bench/bench_auth.py [--n 200]

Prints median and p95 per operation. Login is dominated by argon2id on purpose."""

import argparse
import os
import sys
import time
import uuid

import _services  # bench/_services.py; it also puts the project on sys.path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    _services.start()
    from fastapi.testclient import TestClient

    from career_app.api.app import build_api
    from career_app.settings import settings

    settings.login_failures_per_address = 10**9  # measuring, not throttling
    client = TestClient(build_api())
    timings: dict[str, list[float]] = {"register": [], "login": [], "GET /auth/me": [], "GET /health": []}
    tokens = []
    for i in range(args.n):
        body = {"email": f"bench-{uuid.uuid4().hex}@example.com", "password": "bench-password",
                "full_name": f"Bench {i}", "role": "seeker"}
        t = time.perf_counter()
        assert client.post("/api/v1/auth/register", json=body).status_code == 201
        timings["register"].append(time.perf_counter() - t)
        client.cookies.clear()
        t = time.perf_counter()
        resp = client.post("/api/v1/auth/login", json={"email": body["email"], "password": body["password"]})
        timings["login"].append(time.perf_counter() - t)
        client.cookies.clear()
        tokens.append(resp.json()["access_token"])
    for token in tokens * 5:
        t = time.perf_counter()
        assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        timings["GET /auth/me"].append(time.perf_counter() - t)
    for _ in range(args.n):
        t = time.perf_counter()
        client.get("/health")
        timings["GET /health"].append(time.perf_counter() - t)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for name, samples in timings.items():
        _services.report(name, samples, width=28)
    _services.stop()


if __name__ == "__main__":
    main()
