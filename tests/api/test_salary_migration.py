"""Migration 0013 on a database that has jobs: their country and family are filled, the invented
estimates are gone, and it goes back down. A scratch database on the test server, dropped after."""

import subprocess
import sys
import uuid

import psycopg
from psycopg.types.json import Jsonb

from career_app import embedded
from tests.conftest import ROOT


def _alembic(url: str, service_env: dict, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "alembic", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**service_env, "DATABASE_URL": url})
    assert done.returncode == 0, done.stderr[-3000:]


def test_0013_fills_country_and_family_and_drops_the_invented_estimates(data_dir, service_env):
    database = f"salary_migration_{uuid.uuid4().hex[:8]}"
    url = embedded.ensure_postgres(data_dir, database=database)
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    try:
        _alembic(url, service_env, "upgrade", "0009")
        owner = uuid.uuid4()
        jobs = {"nurse": ("Registered Nurse", "Dublin, Ireland", ["Patient Care"]),
                "engineer": ("Backend Engineer", "Austin, TX", ["Python", "PostgreSQL"]),
                "remote": ("Accountant", "Remote", ["Reconciliations"])}
        with psycopg.connect(plain) as conn:
            conn.execute("INSERT INTO users (id, email, full_name, role, is_active, created_at) "
                         "VALUES (%s, 'owner@example.com', 'Owner', 'provider', true, now())", (owner,))
            for key, (title, location, skills) in jobs.items():
                conn.execute(
                    "INSERT INTO jobs (id, owner_id, visibility, status, source, title, location, description_raw, "
                    "skills_required, skills, salary_min, salary_max, salary_currency, salary_estimate, "
                    "enrich_attempts, created_at, updated_at) VALUES (%s, %s, 'public', 'active', 'provider', %s, %s, "
                    "'A posting.', %s, '[]', 21000, 27000, 'EUR', %s, 1, now(), now())",
                    (uuid.uuid5(owner, key), owner, title, location, Jsonb(skills),
                     Jsonb({"min": 56000, "max": 76000, "currency": "EUR"})))
        _alembic(url, service_env, "upgrade", "0013")
        with psycopg.connect(plain) as conn:
            rows = {r[0]: r[1:] for r in conn.execute("SELECT title, country, family, salary_period FROM jobs")}
            columns = {r[0] for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'jobs'")}
            indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'jobs'")}
        assert rows == {"Registered Nurse": ("IE", "healthcare", None), "Backend Engineer": ("US", "software", None),
                        "Accountant": (None, "finance and accounting", None)}
        assert "salary_estimate" not in columns and {"country", "family", "salary_period"} <= columns
        assert {"ix_jobs_salary_top", "ix_jobs_salary_bottom", "ix_jobs_salary_market"} <= indexes
        _alembic(url, service_env, "downgrade", "0009")
        with psycopg.connect(plain) as conn:
            columns = {r[0] for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'jobs'")}
        assert "salary_estimate" in columns and not columns & {"country", "family", "salary_period"}
    finally:
        embedded.drop_database(data_dir, database)
