"""The application tracker on this machine (in-process ASGI, embedded PostgreSQL and Redis).

    .venv/bin/python bench/bench_tracker.py [--apps 2000] [--calls 100] [--import-rows 10000]

Seeds --apps applications for one seeker (statuses spread over the board, a timeline event each)
and times GET /api/v1/applications?view=board (the Kanban board: one column per status, per-column
counts) per column size; then GET /api/v1/jobs/insights; then imports a --import-rows CSV for a
fresh seeker (dry run, then for real) and times each. Targets: board p95 <= 300 ms; 10,000-row
import <= 10 s."""

import argparse
import os
import sys
import time
import uuid

import _services  # bench/_services.py; it also puts the project on sys.path

STATUSES = ["saved", "applied", "interviewing", "offer", "rejected", "withdrawn", "accepted", "declined"]
WEIGHTS = [30, 35, 12, 3, 14, 3, 2, 1]


def _csv(rows: int, tag: str) -> bytes:
    lines = ["Company,Title,Status,Date applied,Location,URL,Notes"]
    for i in range(rows):
        status = STATUSES[next(k for k, edge in enumerate(_edges()) if i % 100 < edge)]
        applied = "" if status == "saved" else f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}"
        lines.append(f"Company {tag} {i // 3},Role {i} {tag},{status},{applied},City {i % 40},"
                     f"https://jobs.example.com/{tag}/{i},Note for row {i}")
    return ("\n".join(lines) + "\n").encode()


def _edges() -> list[int]:
    out, total = [], 0
    for w in WEIGHTS:
        total += w
        out.append(total)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--apps", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--import-rows", type=int, default=10_000)
    args = parser.parse_args()
    _services.start()
    from fastapi.testclient import TestClient

    from career_app.api.app import build_api

    client = TestClient(build_api())

    def seeker() -> dict:
        body = {"email": f"bench-{uuid.uuid4().hex}@example.com", "password": "bench-password",
                "full_name": "Bench", "role": "seeker"}
        resp = client.post("/api/v1/auth/register", json=body)
        assert resp.status_code == 201, resp.text
        client.cookies.clear()
        return {"Authorization": f"Bearer {resp.json()['access_token']}"}

    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}")
    board_user = seeker()
    t = time.perf_counter()
    for start in range(0, args.apps, 10_000):
        resp = client.post("/api/v1/import/applications", headers=board_user,
                           files={"file": ("seed.csv", _csv(min(10_000, args.apps - start), f"s{start}"))})
        assert resp.status_code == 200 and resp.json()["error_count"] == 0, resp.text
    print(f"seeded {args.apps} applications in {time.perf_counter() - t:.2f} s")

    for _ in range(5):  # warm-up: connections, caches, plans
        client.get("/api/v1/applications", headers=board_user, params={"view": "board"})
    for limit in (20, 50, 100):
        samples = []
        for _ in range(args.calls):
            t = time.perf_counter()
            resp = client.get("/api/v1/applications", headers=board_user, params={"view": "board", "limit": limit})
            samples.append(time.perf_counter() - t)
            assert resp.status_code == 200
        body = resp.json()
        assert sum(body["counts"].values()) == args.apps
        _services.report(f"GET board of {args.apps} (limit {limit}/column)", samples)
    samples = []
    for _ in range(args.calls):
        t = time.perf_counter()
        resp = client.get("/api/v1/applications", headers=board_user, params={"q": "Role 1", "limit": 50})
        samples.append(time.perf_counter() - t)
    _services.report(f"GET list of {args.apps}, search 'Role 1'", samples)
    samples = []
    for _ in range(max(10, args.calls // 2)):
        t = time.perf_counter()
        resp = client.get("/api/v1/jobs/insights", headers=board_user)
        samples.append(time.perf_counter() - t)
        assert resp.status_code == 200 and resp.json()["total"] == args.apps
    _services.report(f"GET insights of {args.apps}", samples)

    data = _csv(args.import_rows, "imp")
    importer = seeker()
    print(f"import file: {args.import_rows} rows, {len(data) / 1e6:.2f} MB CSV")
    for dry_run in (True, False):
        t = time.perf_counter()
        resp = client.post("/api/v1/import/applications", headers=importer, params={"dry_run": str(dry_run).lower()},
                           files={"file": ("big.csv", data)})
        took = time.perf_counter() - t
        assert resp.status_code == 200, resp.text
        report = resp.json()
        assert report["created"] == args.import_rows and report["error_count"] == 0, report
        print(f"import {args.import_rows} rows {'(dry run)' if dry_run else '(stored)':<12} {took:6.2f} s"
              f"{'' if dry_run else '   target <= 10 s: ' + ('met' if took <= 10 else 'MISSED')}")
    t = time.perf_counter()
    resp = client.post("/api/v1/import/applications", headers=importer, files={"file": ("big.csv", data)})
    assert resp.json()["duplicates"] == args.import_rows and resp.json()["created"] == 0
    print(f"import {args.import_rows} rows again (all duplicates) {time.perf_counter() - t:6.2f} s")

    _services.stop()


if __name__ == "__main__":
    main()
