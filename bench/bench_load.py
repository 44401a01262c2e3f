"""Load benchmark: requests/s, p50 and p99 of the hot REST endpoints under wrk, beside a bare
FastAPI app on granian measured in the same run, then a burst of 1,000 connections.

    .venv/bin/python bench/bench_load.py [--duration 10] [--connections 50] [--only recommendations,burst]

Without --url it starts the app as `make run` does (`python -m career_app.cli run --no-frontend`,
WEB_WORKERS=2, embedded PostgreSQL and Redis in a temporary DATA_DIR), seeds listings (enriched
by the real worker, then copied in SQL up to --jobs), a provider and a seeker with a resume.
Needs wrk (`apt-get install wrk`). Prints a table; it is a benchmark, not a test. Every answer that is
not a 2xx is counted by status, with the first body of each (a wrk script), so a row's non-2xx say
what they were.
"""

import argparse
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password-1"
DESCRIPTION = ("We are hiring an engineer to build Python services with FastAPI on PostgreSQL, run them on "
               "Kubernetes in AWS and improve reliability with observability. Docker and CI/CD expected.")
TITLES = ["Backend Engineer", "Data Engineer", "Frontend Developer", "Site Reliability Engineer", "ML Engineer",
          "Registered Nurse", "Mathematics Teacher", "Financial Analyst", "Civil Engineer", "Product Designer"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {timeout} s")


# --- the systems under test ---------------------------------------------------------------


def start_app(data_dir: Path) -> tuple[str, subprocess.Popen]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "LLM_CONFIG_FILE")}
    env.update(DATA_DIR=str(data_dir), WEB_WORKERS="2", LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
    log = open(data_dir / "app.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "career_app.cli", "run", "--no-frontend", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    _wait_http(f"{url}/health", 240)
    return url, proc


BARE_APP = '''
from fastapi import FastAPI
app = FastAPI()

@app.get("/sync")
def sync_status():
    return {"status": "ok"}

@app.get("/async")
async def async_status():
    return {"status": "ok"}
'''


def start_bare(work_dir: Path) -> tuple[str, subprocess.Popen]:
    (work_dir / "bare_app.py").write_text(BARE_APP)
    port = _free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "granian"), "--interface", "asgi", "--workers", "2",
                             "--port", str(port), "--log-level", "warning", "bare_app:app"],
                            cwd=work_dir, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    _wait_http(f"{url}/sync", 60)
    return url, proc


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=60)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


# --- seed data ------------------------------------------------------------------------------


def _resume_docx() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading("Alex Bench", 0)
    doc.add_paragraph("Senior backend engineer, Lisbon. Python, FastAPI, PostgreSQL, Redis, Docker, Kubernetes, AWS.")
    doc.add_paragraph("2019-2025 Acme Cloud: built REST APIs in Python and FastAPI on PostgreSQL; ran services on "
                      "Kubernetes; cut p99 latency by 40 percent with Redis caching and better observability.")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def seed(url: str, jobs: int) -> dict:
    http = httpx.Client(base_url=url, timeout=60)

    def account(role: str) -> str:
        body = {"email": f"bench-{role}-{uuid.uuid4().hex[:8]}@example.com", "password": PASSWORD,
                "full_name": f"Bench {role}", "role": role}
        resp = http.post("/api/v1/auth/register", json=body)
        resp.raise_for_status()
        return resp.json()["access_token"]

    provider, seeker = account("provider"), account("seeker")
    headers = {"Authorization": f"Bearer {provider}"}
    ids = []
    for i, title in enumerate(TITLES * 2):
        body = {"title": f"{title} {i}", "description_raw": DESCRIPTION, "skills_required": ["Python", "SQL"],
                "company_name": f"Company {i % 7}", "location": "Lisbon, Portugal", "remote_option": "remote",
                "salary_min": 50000 + 1000 * i, "salary_max": 70000 + 1000 * i, "salary_currency": "EUR"}
        resp = http.post("/api/v1/jobs", json=body, headers=headers)
        resp.raise_for_status()
        ids.append(resp.json()["id"])
    deadline = time.monotonic() + 300
    while any(http.get(f"/api/v1/jobs/{j}", headers=headers).json()["status"] != "active" for j in ids):
        if time.monotonic() > deadline:
            raise SystemExit("seed jobs were not enriched in time")
        time.sleep(1)
    resp = http.post("/api/v1/users/resume", headers={"Authorization": f"Bearer {seeker}"},
                     files={"file": ("resume.docx", _resume_docx(),
                                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")})
    resp.raise_for_status()
    return {"provider": provider, "seeker": seeker, "job_id": ids[0], "enriched": ids}


def copy_jobs(database_url: str, target: int) -> int:
    """Multiply the enriched listings in SQL (new ids, spread creation times) up to `target` rows."""
    import psycopg

    with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        have = conn.execute("SELECT count(*) FROM jobs").fetchone()[0]
        rounds = max(0, (target - have) // max(have, 1))
        for r in range(rounds):
            conn.execute(
                "INSERT INTO jobs (id, owner_id, visibility, status, source, title, company_name, location, "
                "description_raw, skills_required, salary_min, salary_max, salary_currency, salary_period, country, "
                "family, remote_option, employment_type, external_apply_url, skills, resume_guide_generated, "
                "prep_guide_generated, generated_by, description_hash, embedding, enrich_error, enrich_attempts, "
                "enriched_at, created_at, updated_at) "
                "SELECT gen_random_uuid(), owner_id, visibility, status, source, title || ' #' || %s, company_name, "
                "location, description_raw, skills_required, salary_min, salary_max, salary_currency, salary_period, "
                "country, family, remote_option, employment_type, external_apply_url, skills, resume_guide_generated, "
                "prep_guide_generated, generated_by, description_hash, embedding, enrich_error, enrich_attempts, "
                "enriched_at, created_at - make_interval(mins => %s), updated_at FROM jobs WHERE title NOT LIKE '%%#%%'",
                (str(r), r + 1))
        conn.commit()
        conn.execute("ANALYZE jobs")
        return conn.execute("SELECT count(*) FROM jobs").fetchone()[0]


# --- wrk ---------------------------------------------------------------------------------------

# Counts answers by status in each wrk thread and keeps the first body of each non-2xx status; done()
# prints them as "status CODE COUNT BODY" lines after wrk's own report.
STATUS_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} bodies = {} end
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if (status < 200 or status > 299) and bodies[status] == nil then bodies[status] = string.sub(body or "", 1, 160) end
end
function done(summary, latency, requests)
  local total, first = {}, {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("counts")) do total[code] = (total[code] or 0) + n end
    for code, b in pairs(t:get("bodies")) do first[code] = first[code] or b end
  end
  for code, n in pairs(total) do
    io.write(string.format("status %d %d %s\\n", code, n, string.gsub(first[code] or "", "\\n", " ")))
  end
end
"""

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * _UNITS[unit]


def wrk(url: str, connections: int, duration: int, headers: dict | None = None, timeout: str = "10s",
        threads: int = 2, warmup: int = 0) -> dict:
    """wrk's figures; `warmup` seconds of the same load first, not counted (steady state: thread pools,
    caches and subscriptions are up)."""
    if warmup:
        wrk(url, connections, warmup, headers, timeout, threads)
        # The warm-up's last requests are still being worked when wrk exits (those already in a
        # thread finish; those still waiting are dropped): without a pause they overlap the measured
        # run's first requests, and a worker past WEB_MAX_IN_FLIGHT sheds a few with 503.
        time.sleep(1)
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency", "--timeout", timeout]
    for key, value in (headers or {}).items():
        cmd += ["-H", f"{key}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(STATUS_SCRIPT)
        script.flush()
        out = subprocess.run(cmd + ["-s", script.name, url], capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
              "p50": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
              "p99": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
              "requests": int(re.search(r"(\d+) requests in", out).group(1)),
              "non2xx": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0,
              "timeouts": int(m.group(1)) if (m := re.search(r"timeout (\d+)", out)) else 0,
              "errors": out[out.find("Socket errors"):].splitlines()[0] if "Socket errors" in out else "",
              "statuses": {int(m.group(1)): (int(m.group(2)), m.group(3).strip())
                           for m in re.finditer(r"^status (\d+) (\d+) ?(.*)$", out, re.M)}}
    return result


def _not_2xx(r: dict) -> str:
    """What the non-2xx answers were: `503 x11 ({"detail": ...})`."""
    return "; ".join(f"{code} x{n} ({body[:100]})" for code, (n, body) in sorted(r["statuses"].items())
                     if not 200 <= code < 300)


def _row(name: str, r: dict) -> str:
    extra = f" non-2xx {r['non2xx']}: {_not_2xx(r)}" if r["non2xx"] else ""
    extra += f" {r['errors']}" if r["errors"] else ""
    return f"| {name} | {r['rps']:,.0f} | {r['p50']:.1f} ms | {r['p99']:.1f} ms |{extra}"


# --- the burst -----------------------------------------------------------------------------------


def burst(url: str, path: str, connections: int, duration: int) -> dict:
    """`connections` at once on `path` for `duration` s while /health is probed every 100 ms; then how
    long until `path` answers 200 again. Every wrk request must be answered within 2 s."""
    health: list[tuple[float, int | str]] = []
    stop_probe = threading.Event()

    def probe():
        with httpx.Client(timeout=5) as http:
            while not stop_probe.is_set():
                start = time.monotonic()
                try:
                    code = http.get(f"{url}/health").status_code
                except httpx.HTTPError as exc:
                    code = type(exc).__name__
                health.append((time.monotonic() - start, code))
                time.sleep(0.1)

    thread = threading.Thread(target=probe)
    thread.start()
    result = wrk(f"{url}{path}", connections, duration, timeout="2s")
    end = time.monotonic()
    recovered = None
    while time.monotonic() - end < 30:
        try:
            ok = all(httpx.get(f"{url}{path}", timeout=2).status_code == 200 for _ in range(5))
        except httpx.HTTPError:
            ok = False
        if ok:
            recovered = time.monotonic() - end
            break
        time.sleep(0.1)
    stop_probe.set()
    thread.join()
    latencies = sorted(t for t, _ in health)
    from collections import Counter

    result.update(health_probes=len(health), health_failed=sum(1 for _, c in health if c != 200),
                  health_failures=dict(Counter(c for _, c in health if c != 200)),
                  health_max_ms=1000 * latencies[-1] if latencies else None, recovered_s=recovered)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=5000, help="active listings in the database")
    parser.add_argument("--burst-connections", type=int, default=1000)
    parser.add_argument("--only", help="comma-separated words: run only the rows whose name has one "
                                       "(e.g. recommendations,health; 'burst' for the burst, 'bare' for the bare app)")
    args = parser.parse_args()
    only = [w.strip().lower() for w in args.only.split(",")] if args.only else None

    def wanted(name: str) -> bool:
        return only is None or any(w in name.lower() for w in only)

    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")

    work = Path(tempfile.mkdtemp(prefix="cc-bench-load-"))
    app_url, app_proc = start_app(work)
    bare_url, bare_proc = start_bare(work)
    try:
        seeded = seed(app_url, args.jobs)
        env_db = subprocess.run([sys.executable, "-m", "career_app.cli", "services"], cwd=ROOT, capture_output=True,
                                text=True, env={**os.environ, "DATA_DIR": str(work)}, check=True).stdout
        database_url = dict(line.split("=", 1) for line in env_db.split())["DATABASE_URL"]
        total = copy_jobs(database_url, args.jobs)
        seeker = {"Authorization": f"Bearer {seeded['seeker']}"}
        c, d = args.connections, args.duration
        print(f"\n{total} listings; wrk {c} connections, {d} s each after a 2 s warm-up; {os.cpu_count()} cores; "
              "the bare app returns {\"status\": \"ok\"}\n")
        print("| endpoint | requests/s | p50 | p99 |")
        print("|---|---|---|---|")
        for name, path in (("bare FastAPI on granian, sync handler", "/sync"),
                           ("bare FastAPI on granian, async handler", "/async")):
            if wanted(name):
                print(_row(name, wrk(f"{bare_url}{path}", c, d, warmup=2)), flush=True)
        stop(bare_proc)
        cases = [
            ("`GET /api/v1/`", "/api/v1/", None),
            ("`GET /health`", "/health", None),
            ("`GET /api/v1/auth/me`", "/api/v1/auth/me", seeker),
            ("`GET /api/v1/jobs/feed?limit=20`", "/api/v1/jobs/feed?limit=20", None),
            ("`GET /api/v1/jobs/search?q=engineer` (cached)", "/api/v1/jobs/search?q=engineer", None),
            ("`GET /api/v1/jobs/{id}`", f"/api/v1/jobs/{seeded['job_id']}", None),
            ("`GET /api/v1/recommendations/jobs`", "/api/v1/recommendations/jobs?limit=20", seeker),
        ]
        for name, path, headers in cases:
            if wanted(name):
                print(_row(name, wrk(f"{app_url}{path}", c, d, headers=headers, warmup=2)), flush=True)
        if not wanted("burst"):
            return
        b = burst(app_url, "/api/v1/jobs/feed?limit=20", args.burst_connections, d)
        answered = 1 - b["health_failed"] / max(1, b["health_probes"])
        print(f"\nBurst: {args.burst_connections} connections on the feed for {d} s: {b['requests']} answered "
              f"({b['non2xx']} of them 503), {b['timeouts']} not answered within 2 s {b['errors']}; "
              f"p50 {b['p50']:.0f} ms, p99 {b['p99']:.0f} ms. Full service "
              f"{'again after %.1f s' % b['recovered_s'] if b['recovered_s'] is not None else 'NOT back within 30 s'}.")
        print(f"/health during the burst: {b['health_probes']} probes, {answered:.1%} answered 200 "
              f"({'PASS' if answered >= 0.99 else 'MISS'}, goal >= 99%); failures {b['health_failures'] or 'none'}; "
              f"slowest {b['health_max_ms']:.0f} ms.")
    finally:
        stop(app_proc)
        if bare_proc.poll() is None:
            stop(bare_proc)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
