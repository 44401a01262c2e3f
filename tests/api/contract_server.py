"""A live API server of its own for the contract tests: one app process on a database and Redis numbers
of its own (what schemathesis creates, deletes and starts, such as ingestion runs queued for a worker,
never reaches the other tests), with a seeker, a provider and an admin signed in."""

import os
import shutil
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.api.conftest import web_apps

ROOT = Path(__file__).resolve().parents[2]
APP_REDIS_DB, RQ_REDIS_DB = 7, 8
PASSWORD = "contract-password-1"


def _register(url: str, role: str) -> str:
    body = {"email": f"contract-{role}-{uuid.uuid4().hex[:8]}@example.com", "password": PASSWORD,
            "full_name": f"Contract {role}", "role": role}
    resp = httpx.post(f"{url}/api/v1/auth/register", json=body, timeout=30)
    assert resp.status_code == 201, resp.text
    return resp.json()["access_token"]


def _admin(url: str, env: dict) -> str:
    email = f"contract-admin-{uuid.uuid4().hex[:8]}@example.com"
    done = subprocess.run([sys.executable, "-m", "career_app.cli", "create-admin", email, "--password-stdin"],
                          input=PASSWORD + "\n", cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    resp = httpx.post(f"{url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


@contextmanager
def contract_server(data_dir: Path, service_env: dict[str, str]):
    """(base URL, {"seeker": token, "provider": token, "admin": token}, environment) of a fresh server."""
    import redis

    from career_app import embedded
    from career_app.db import redis_url_for_db

    database = f"contract_{uuid.uuid4().hex[:8]}"
    files = data_dir / database  # its uploads wait for a worker that never comes: not in the others' files
    env = {**service_env, "DATABASE_URL": embedded.ensure_postgres(data_dir, database=database),
           "REDIS_URL": redis_url_for_db(APP_REDIS_DB), "RQ_REDIS_DB": str(RQ_REDIS_DB), "FILES_DIR": str(files)}
    try:
        done = subprocess.run([sys.executable, "-m", "career_app.cli", "migrate"], cwd=ROOT, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
        with web_apps(env, 1) as (app,):
            tokens = {role: _register(app.url, role) for role in ("seeker", "provider")}
            tokens["admin"] = _admin(app.url, env)
            yield app.url, tokens, env
    finally:
        embedded.drop_database(data_dir, database)
        shutil.rmtree(files, ignore_errors=True)
        for number in (APP_REDIS_DB, RQ_REDIS_DB):
            redis.Redis.from_url(redis_url_for_db(number)).flushdb()


SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
PUBLIC = (r"^/(health|api/v1/|api/v1/auth/.*|api/v1/jobs/(feed|search|\{job_id\}|\{job_id\}/details)|api/v1/market/.*"
          r"|api/v1/help-articles(/\{slug\})?|api/v1/feedback|api/v1/social/shared/.*)$")
# The operations each caller is run over: every one a caller of that kind may use (the others answer it 403,
# which the access matrix checks, test_access_matrix.py). Signing out is left to the anonymous run: it would
# revoke the token of the others.
SCOPE = {
    "anonymous": ["--include-path-regex", PUBLIC],
    "seeker": ["--exclude-tag", "admin", "--exclude-tag", "ingestion", "--exclude-path", "/api/v1/auth/logout"],
    "provider": ["--exclude-tag", "admin", "--exclude-tag", "applications", "--exclude-tag", "content",
                 "--exclude-tag", "mailbox",
                 "--exclude-tag", "resumes", "--exclude-tag", "recommendations",
                 "--exclude-path", "/api/v1/auth/logout"],
    "admin": ["--exclude-tag", "applications", "--exclude-tag", "content", "--exclude-tag", "resumes",
              "--exclude-tag", "mailbox",
              "--exclude-tag", "recommendations", "--exclude-path", "/api/v1/auth/logout"],
}


def run_schemathesis(url: str, who: str, token: str | None, examples: int, seed: int | None = 1,
                     report: Path | None = None, log: Path | None = None,
                     timeout: float = 600) -> tuple[int, str]:
    """Every check and phase of schemathesis over the operations of SCOPE[who] in the served document,
    with `token` (none for the anonymous run); the hooks of tests/api/schemathesis_hooks.py. (exit code,
    output); the output is written to `log` as it comes, so a slow run can be watched."""
    command = [str(SCHEMATHESIS), "run", f"{url}/api/openapi.json", "--checks", "all", "--max-examples",
               str(examples), "--workers", "2", "--no-color", "--request-timeout", "30",
               "--suppress-health-check", "all", *SCOPE[who]]
    command += ["--seed", str(seed), "--generation-deterministic"] if seed is not None else \
        ["--generation-database", "none"]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    if report is not None:
        command += ["--report", "junit", "--report-junit-path", str(report)]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.api.schemathesis_hooks", "PYTHONPATH": str(ROOT)}
    log = log or Path(os.devnull)
    with open(log, "w") as out:
        try:
            code = subprocess.run(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            code = -1
    text = log.read_text() if log != Path(os.devnull) else ""
    return code, text + ("\nTimed out" if code == -1 else "")
