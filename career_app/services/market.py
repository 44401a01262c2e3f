"""Market snapshots: what the active public listings of one field, country and work mode look like.

Computed from the catalogue only (never from anyone's private data): listings per week, salary bands
per currency (the 25th, 50th and 75th percentile of the middle of each posted yearly range, in that
currency alone, with how many postings they come from, and no figures from fewer than
salary.MIN_LISTINGS), the most asked-for skills (must-haves read as skills_gap reads them), the share
of remote listings and the companies hiring most.

A snapshot is built once per jobs version (jobs.cache_version, bumped by every job change) and filter
set, and served ready-made from each process's cache until a listing changes."""

from collections import Counter
from datetime import date, timedelta
from functools import lru_cache

import redis
from sqlalchemy import text
from sqlmodel import Session

from career_app.services import countries, families, salary, skills_gap
from career_app.services import jobs as jobs_service
from career_app.services.errors import invalid_query
from career_app.services.response_cache import JsonCache
from models.base import utcnow
from models.job import PUBLIC_ACTIVE
from models.market_schemas import CompanyCount, MarketSnapshot, SalaryBand, SkillShare, WeekCount

WEEKS = 12
TOP_SKILLS = 15
TOP_COMPANIES = 10
_snapshots = JsonCache(max_entries=256)


@lru_cache(maxsize=20_000)
def _skills_named(phrase: str) -> frozenset[str]:
    """skills_gap.must_haves of one phrase (a listing's are the union of its phrases'), kept: listings
    repeat the same few thousand phrases."""
    return frozenset(skills_gap.must_haves([phrase]))


def check_filters(family: str | None, country: str | None) -> tuple[str | None, str | None]:
    """The filters in canonical form (a family name; an ISO country code from a code or a name);
    Unprocessable for ones we do not know."""
    family = (family or "").strip().lower() or None
    if family is not None and not families.valid(family):
        raise invalid_query("family", f"Unknown family {family!r}: one of {', '.join(families.names())}", "family_unknown")
    if country is not None and country.strip():
        code = countries.code(country)
        if code is None:
            raise invalid_query("country", f"Unknown country {country!r}: use an ISO 3166-1 alpha-2 code such as IE or NZ",
                                "country_unknown")
        country = code
    else:
        country = None
    return family, country


def _where(family: str | None, country: str | None, remote: bool | None) -> tuple[str, dict]:
    clauses, params = [PUBLIC_ACTIVE], {}
    if family is not None:
        clauses.append("family = :family")
        params["family"] = family
    if country is not None:
        clauses.append("country = :country")
        params["country"] = country
    if remote is True:
        clauses.append("remote_option = 'remote'")
    elif remote is False:
        clauses.append("remote_option IS DISTINCT FROM 'remote'")
    return " AND ".join(clauses), params


def _weeks(session: Session, where: str, params: dict) -> list[WeekCount]:
    this_week = utcnow().date() - timedelta(days=utcnow().weekday())
    first = this_week - timedelta(weeks=WEEKS - 1)
    rows = session.exec(text(
        f"SELECT (date_trunc('week', created_at AT TIME ZONE 'UTC'))::date AS wk, count(*) FROM jobs "
        f"WHERE {where} AND created_at >= :first GROUP BY wk").bindparams(**params, first=first)).all()
    counts = {row[0]: int(row[1]) for row in rows}
    return [WeekCount(week=week, listings=counts.get(week, 0))
            for week in (first + timedelta(weeks=i) for i in range(WEEKS))]


def _bands(session: Session, where: str, params: dict) -> list[SalaryBand]:
    middle = "(coalesce(salary_min, salary_max) + coalesce(salary_max, salary_min)) / 2.0"
    rows = session.exec(text(
        f"SELECT salary_currency, count(*), "
        f"percentile_cont(0.25) WITHIN GROUP (ORDER BY {middle}), "
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {middle}), "
        f"percentile_cont(0.75) WITHIN GROUP (ORDER BY {middle}) FROM jobs "
        f"WHERE {where} AND salary_currency IS NOT NULL AND (salary_min IS NOT NULL OR salary_max IS NOT NULL) "
        f"GROUP BY salary_currency ORDER BY count(*) DESC, salary_currency").bindparams(**params)).all()
    bands = []
    for currency, count, p25, p50, p75 in rows:
        enough = count >= salary.MIN_LISTINGS
        bands.append(SalaryBand(currency=currency, count=int(count), needed=salary.MIN_LISTINGS,
                                p25=salary._round(p25) if enough else None,
                                p50=salary._round(p50) if enough else None,
                                p75=salary._round(p75) if enough else None))
    return bands


def build(session: Session, family: str | None, country: str | None, remote: bool | None) -> MarketSnapshot:
    """The snapshot, read from PostgreSQL now (see `snapshot_json` for the cached one)."""
    family, country = check_filters(family, country)
    where, params = _where(family, country, remote)
    total, remote_count = session.exec(text(
        f"SELECT count(*), count(*) FILTER (WHERE remote_option = 'remote') FROM jobs WHERE {where}")
        .bindparams(**params)).one()
    demand: Counter = Counter()
    for (required,) in session.exec(text(f"SELECT skills_required FROM jobs WHERE {where}").bindparams(**params)):
        named: set[str] = set()
        for phrase in required or []:
            if isinstance(phrase, str):
                named |= _skills_named(phrase[:200])
        demand.update(named)
    companies = session.exec(text(
        f"SELECT company_name, count(*) FROM jobs WHERE {where} AND company_name IS NOT NULL "
        f"GROUP BY company_name ORDER BY count(*) DESC, company_name LIMIT :n").bindparams(**params, n=TOP_COMPANIES)).all()
    top = sorted(demand.items(), key=lambda item: (-item[1], item[0]))[:TOP_SKILLS]
    return MarketSnapshot(
        family=family, family_label=families.label(family) if family else None,
        country=country, country_name=countries.name(country), remote=remote, listings=int(total),
        weeks=_weeks(session, where, params), salary_bands=_bands(session, where, params),
        top_skills=[SkillShare(skill=skill, listings=n, share=round(n / total, 4)) for skill, n in top],
        remote_share=round(remote_count / total, 4) if total else None,
        top_companies=[CompanyCount(company=name, listings=int(n)) for name, n in companies],
        generated_at=utcnow())


def snapshot_json(session: Session, r: redis.Redis, family: str | None = None, country: str | None = None,
                  remote: bool | None = None) -> bytes:
    """The snapshot as JSON, from this process's cache while no listing has changed."""
    family, country = check_filters(family, country)
    key = (jobs_service.cache_version(r), family, country, remote)
    return _snapshots.get_or_build(key, lambda: build(session, family, country, remote).model_dump_json().encode())


def snapshot(session: Session, r: redis.Redis, family: str | None = None, country: str | None = None,
             remote: bool | None = None) -> MarketSnapshot:
    """For the page's state: the cached snapshot as a model."""
    return MarketSnapshot.model_validate_json(snapshot_json(session, r, family, country, remote))


def week_label(day: date) -> str:
    return day.strftime("%d %b")
