"""What a client sees after PostgreSQL restarts: once /health answers 200 again, every request
succeeds (no 503 or 500 for a connection the pool kept from before the restart). Shared by the
external-DATABASE_URL test (test_external_database) and the supervised one (test_resilience)."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx

CONCURRENCY = 12  # more than a few connections in each worker's pool (WEB_THREADS defaults to 12)


class Traffic:
    """A provider and a seeker with an application, and the requests made around the restart."""

    def __init__(self, url: str):
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=30)
        self.seeker = self._register("seeker")
        self.provider = self._register("provider")
        self.round = 0

    def _register(self, role: str) -> dict[str, str]:
        body = {"email": f"{role}-{uuid.uuid4().hex[:10]}@example.com", "password": "correct-horse-1",
                "full_name": "Restart User", "role": role}
        resp = self.http.post("/api/v1/auth/register", json=body)
        assert resp.status_code == 201, resp.text
        return {"Authorization": f"Bearer {resp.json()['access_token']}"}

    def requests(self, n: int) -> list[tuple[str, str, dict | None, dict | None]]:
        """n requests over several endpoints, none answerable from a process cache: feed pages at
        offsets not asked for before (the driver-level fast path), search, signed-in reads through
        the ORM, and writes."""
        out = []
        for i in range(n):
            k = self.round * 1000 + i
            kind = i % 6
            if kind == 0:
                out.append(("GET", f"/api/v1/jobs/feed?skip={k}&limit=1", None, None))
            elif kind == 1:
                out.append(("GET", f"/api/v1/jobs/search?q=restart{k}", None, None))
            elif kind == 2:
                out.append(("GET", "/api/v1/users/me", self.seeker, None))
            elif kind == 3:
                out.append(("GET", "/api/v1/applications", self.seeker, None))
            elif kind == 4:
                out.append(("POST", "/api/v1/applications", self.seeker,
                            {"company_name": f"Restart Co {k}", "job_title": "Engineer"}))
            else:
                out.append(("PATCH", "/api/v1/users/me", self.provider, {"full_name": f"Restart {k}"}))
        self.round += 1
        return out

    def _send(self, request) -> str | None:
        method, path, headers, body = request
        with httpx.Client(base_url=self.url, timeout=30) as http:
            resp = http.request(method, path, headers=headers, json=body)
        return None if resp.status_code < 300 else f"{method} {path}: {resp.status_code} {resp.text[:120]}"

    def run(self, n: int, concurrency: int = 1) -> list[str]:
        """Failures (any status >= 300) among n requests sent `concurrency` at a time."""
        with ThreadPoolExecutor(concurrency) as pool:
            return [f for f in pool.map(self._send, self.requests(n)) if f]

    def warm(self) -> None:
        """Fill every worker's pool with several connections (concurrent requests), all answered."""
        for _ in range(3):
            assert not self.run(4 * CONCURRENCY, CONCURRENCY)

    def after_restart(self) -> list[str]:
        """Requests right after /health is 200 again: one at a time (each takes the next pooled
        connection, so every stale one is met), then many at once."""
        return self.run(4 * CONCURRENCY) + self.run(4 * CONCURRENCY, CONCURRENCY)
