"""The salary filter and the salary estimate at catalogue scale (embedded services, fresh database).

    .venv/bin/python bench/bench_salary.py [--jobs 100000] [--calls 50]

  1. N active public listings loaded with COPY: 12 currencies (EUR, USD, GBP, INR, CAD, PLN, SEK, CHF,
     JPY, AUD, AED without a reference rate, and none), a tenth with no salary, a twentieth posted per
     hour, 20 families x 16 countries; VACUUM ANALYZE;
  2. jobs search (services/jobs._search, the Redis and process caches off: each call counts and reads a
     page) without a salary filter and with salary_min in USD, EUR and INR (31 currency ranges each),
     with include_unsalaried, with a keyword beside it, and a bound few listings reach; median and p95,
     and the plan of the USD page;
  3. salary.market (the estimate's one statement) for 50 family/country/currency groups.
Everything is removed at the end."""

import argparse
import random
import shutil
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _services  # noqa: E402

CURRENCIES = [("EUR", 0.30, 55_000), ("USD", 0.18, 95_000), ("GBP", 0.08, 50_000), ("INR", 0.10, 1_500_000),
              ("CAD", 0.05, 80_000), ("PLN", 0.05, 150_000), ("SEK", 0.04, 550_000), ("CHF", 0.03, 110_000),
              ("JPY", 0.03, 7_000_000), ("AUD", 0.03, 100_000), ("AED", 0.01, 250_000), (None, 0.10, 0)]
COUNTRY_OF = {"EUR": ["IE", "DE", "FR", "NL", "ES", "PT"], "USD": ["US"], "GBP": ["GB"], "INR": ["IN"],
              "CAD": ["CA"], "PLN": ["PL"], "SEK": ["SE"], "CHF": ["CH"], "JPY": ["JP"], "AUD": ["AU"],
              "AED": ["AE"], None: ["IE", "US", "GB", "IN", "DE"]}


def load(n: int) -> None:
    import psycopg
    from psycopg.types.json import Jsonb
    from sqlalchemy.engine import make_url

    from career_app.db import session_scope
    from career_app.services import families
    from models.user import Role, User

    with session_scope() as session:
        owner = User(email=f"bench-{uuid.uuid4().hex[:6]}@example.com", full_name="Bench", role=Role.provider)
        session.add(owner)
        session.commit()
        owner_id = owner.id
    rng = random.Random(20261127)
    names = [f for f in families.names() if f != families.GENERAL]
    weights = [w for _, w, _ in CURRENCIES]
    now = datetime.now(UTC)
    columns = ("id", "owner_id", "visibility", "status", "source", "title", "description_raw", "skills_required",
               "skills", "salary_min", "salary_max", "salary_currency", "salary_period", "country", "family",
               "enrich_attempts", "created_at", "updated_at")
    url = make_url(__import__("os").environ["DATABASE_URL"]).set(drivername="postgresql")
    t = time.perf_counter()
    with psycopg.connect(url.render_as_string(hide_password=False)) as conn:
        with conn.cursor() as cur, cur.copy(f"COPY jobs ({', '.join(columns)}) FROM STDIN") as copy:
            for k in range(n):
                code, _, base = rng.choices(CURRENCIES, weights)[0]
                posted = code is not None and rng.random() > 0.1
                low = int(base * rng.uniform(0.6, 1.4)) if posted else None
                high = int(low * rng.uniform(1.1, 1.4)) if posted else None
                created = now - timedelta(seconds=rng.uniform(0, 90 * 86400))
                copy.write_row((uuid.uuid4(), owner_id, "public", "active", "bench", f"Role {k % 997}",
                                "A bench listing.", Jsonb([]), Jsonb([]), low, high, code if posted else None,
                                ("hour" if rng.random() < 0.05 else "year") if posted else None,
                                rng.choice(COUNTRY_OF[code]), rng.choice(names), 1, created, created))
        conn.commit()
        print(f"loaded {n} jobs with COPY in {time.perf_counter() - t:.1f} s")
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE jobs")
        sizes = conn.execute("SELECT pg_size_pretty(pg_relation_size('ix_jobs_salary_top')), "
                             "pg_size_pretty(pg_relation_size('ix_jobs_salary_market'))").fetchone()
        print(f"ix_jobs_salary_top {sizes[0]}, ix_jobs_salary_market {sizes[1]}")


def bench_search(calls: int) -> None:
    from sqlalchemy import text

    from career_app.db import app_redis, session_scope
    from career_app.services import jobs
    from career_app.settings import settings

    settings.search_cache_seconds = 0  # every call reads the database
    r = app_redis()
    cases = {
        "no salary filter": {},
        "salary_min 60,000 USD": {"salary_min": 60_000, "salary_currency": "USD"},
        "salary_min 50,000 EUR": {"salary_min": 50_000, "salary_currency": "EUR"},
        "salary_min 2,000,000 INR": {"salary_min": 2_000_000, "salary_currency": "INR"},
        "salary_min 60,000 USD + include_unsalaried": {"salary_min": 60_000, "salary_currency": "USD",
                                                         "include_unsalaried": True},
        "keyword matching every listing": {"q": "Role"},
        "salary_min 60,000 USD + that keyword": {"salary_min": 60_000, "salary_currency": "USD", "q": "Role"},
        "salary_min 250,000 USD (few found)": {"salary_min": 250_000, "salary_currency": "USD"},
        "salary 60,000-70,000 USD, page 50": {"salary_min": 60_000, "salary_max": 70_000, "salary_currency": "USD",
                                              "skip": 1000},
    }
    for name, params in cases.items():
        samples, total = [], 0
        for i in range(calls + 3):
            with session_scope() as session:
                t = time.perf_counter()
                page = jobs._search(session, r, jobs._search_params(**params), None)
                if i >= 3:
                    samples.append(time.perf_counter() - t)
                total = page.total
        _services.report(f"{name} ({total} found)", samples, width=56)
    from sqlalchemy.dialects import postgresql
    from sqlmodel import select

    from career_app.services import salary
    from models.job import Job

    stmt = select(Job.id).where(Job.status == "active", Job.visibility == "public",
                                salary.filter_clause(60_000, None, "USD", False)).order_by(
        Job.created_at.desc(), Job.id.desc()).limit(21)
    sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    with session_scope() as session:
        plan = [row[0] for row in session.exec(text("EXPLAIN (ANALYZE, BUFFERS) " + sql)).all()]
    print("plan of the USD page (first lines):")
    for line in plan[:12]:
        print("   ", line[:160])


def bench_market(calls: int) -> None:
    from career_app.db import session_scope
    from career_app.services import families, salary

    rng = random.Random(7)
    names = [f for f in families.names() if f != families.GENERAL]
    groups = [(rng.choice(names), *rng.choice([("IE", "EUR"), ("US", "USD"), ("IN", "INR"), ("GB", "GBP")]))
              for _ in range(calls)]
    samples = []
    with session_scope() as session:
        for family, country, currency in groups:
            t = time.perf_counter()
            count, _, _ = salary.market(session, family, country, currency)
            samples.append(time.perf_counter() - t)
    _services.report(f"estimate: salary.market (e.g. {count} listings)", samples, width=56)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    data_dir = _services.start()
    try:
        load(args.jobs)
        bench_search(args.calls)
        bench_market(args.calls)
    finally:
        _services.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
