"""A seeker's skills against what listings of their own field ask for.

The market is the active public listings of the seeker's occupational families (the one they set on
their profile, else those their resume shows; or the families they pick). Demand is counted over
each listing's must-haves (skills_required, normalised onto the taxonomy); "skills to learn next"
are the ones the seeker lacks, most demanded first, each with a learning link fit for the field
(learning_links.py). A nurse is never told to learn CAD from listings of other fields, nor sent to
a programming course.

Counting reads every active listing once: it is done once per jobs version (jobs.cache_version, as
search caches are) for every family at once, and kept in Redis; a request then only adds up the
families it asks for."""

import json
from collections import Counter
from collections.abc import Iterable

import redis
from sqlalchemy import update
from sqlmodel import Session, select

from career_app.services import families, learning_links, matching, resumes, users
from career_app.services import jobs as jobs_service
from career_app.services.errors import InvalidInput
from career_app.services.skills import taxonomy
from models.job import Job, JobStatus, Visibility
from models.job_schemas import SkillDemand, SkillsGapReport
from models.user import User

SKILLS_GAP_TOP = 20  # skills on the chart, and skills to learn next
CACHE_SECONDS = 600
FILL_BATCH = 500


def must_haves(skills_required: Iterable[str]) -> set[str]:
    """The taxonomy skills a listing's must-haves name ("experience with Kubernetes" -> Kubernetes;
    free text naming no known skill is left out: one posting's wording must not crowd the chart)."""
    tax = taxonomy()
    out: set[str] = set()
    for phrase in skills_required:
        for part in tax.requirement_parts(phrase):
            out.update(name for name in part.skills if name in tax.skills)
    return out


def _fill_families(session: Session, missing: list[tuple]) -> dict:
    """Listings stored before jobs.family existed (or written around enrichment): their family, read
    once from title and skills and kept."""
    found = {}
    for job_id, title, required, skills in missing:
        found[job_id] = families.of_role(title, list(required or []) + list(skills or []))
    rows = [{"id": job_id, "family": family} for job_id, family in found.items()]
    for start in range(0, len(rows), FILL_BATCH):
        session.execute(update(Job), rows[start:start + FILL_BATCH])
    session.commit()
    return found


def count_demand(session: Session) -> dict[str, dict]:
    """Per family: how many active public listings, and how many of them ask for each skill."""
    table: dict[str, dict] = {}
    rows = session.exec(select(Job.id, Job.family, Job.skills_required, Job.title, Job.skills).where(
        Job.status == JobStatus.active, Job.visibility == Visibility.public)).all()
    unread = [(job_id, title, required, skills) for job_id, family, required, title, skills in rows
              if not families.valid(family)]
    filled = _fill_families(session, unread) if unread else {}
    seen: dict[str, tuple[str, ...]] = {}  # the same wording recurs across listings: read it once
    for job_id, family, required, _title, _skills in rows:
        family = filled.get(job_id, family)
        entry = table.setdefault(family, {"active": 0, "skills": Counter()})
        entry["active"] += 1
        names: set[str] = set()
        for phrase in required or []:
            if phrase not in seen:
                seen[phrase] = tuple(must_haves([phrase]))
            names.update(seen[phrase])
        entry["skills"].update(names)
    return {family: {"active": e["active"], "skills": dict(e["skills"])} for family, e in table.items()}


def demand(session: Session, r: redis.Redis) -> dict[str, dict]:
    """count_demand, cached until jobs change."""
    key = f"jobs:family-demand:{jobs_service.cache_version(r)}"
    if cached := r.get(key):
        return json.loads(cached)
    table = count_demand(session)
    r.set(key, json.dumps(table), ex=CACHE_SECONDS)
    return table


def market(session: Session, r: redis.Redis, chosen: list[str]) -> tuple[Counter, int, dict[str, Counter]]:
    """Demand over the chosen families' listings: skill counts, active listings, and counts per family."""
    table = demand(session, r)
    total: Counter = Counter()
    per_family: dict[str, Counter] = {}
    active = 0
    for family in chosen:
        entry = table.get(family) or {"active": 0, "skills": {}}
        per_family[family] = Counter(entry["skills"])
        total.update(entry["skills"])
        active += entry["active"]
    return total, active, per_family


def _check(chosen: Iterable[str]) -> list[str]:
    out = list(dict.fromkeys(chosen))
    wrong = [f for f in out if not families.valid(f)]
    if wrong:
        raise InvalidInput(f"Unknown family {wrong[0]!r}; one of: {', '.join(families.names())}")
    return out


def report(session: Session, r: redis.Redis, user: User, chosen: list[str] | None = None) -> SkillsGapReport:
    """The seeker's skills against their field's listings (or the `chosen` families')."""
    matching._require_seeker(user)
    resume = resumes.current(session, user.id)
    chosen = _check(chosen) if chosen else users.seeker_families(session, user, resume)
    have = matching.seeker_skills(user, resume)
    tax = taxonomy()
    have_keys = {s.lower() for name in have for s in (name, *tax.implied(name))}
    counts, active, per_family = market(session, r, chosen)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def demand_of(name: str, n: int) -> SkillDemand:
        return SkillDemand(skill=name, job_count=n, share=round(n / active, 4) if active else 0.0)

    def link_family(name: str) -> str:  # where it is asked for most among the chosen families
        return max(chosen, key=lambda f: (per_family[f][name], -chosen.index(f)))

    top = [demand_of(name, n) for name, n in ranked[:SKILLS_GAP_TOP]]
    covered = [d.skill for d in top if d.skill.lower() in have_keys]
    missing = [demand_of(name, n).model_copy(update={"learning": learning_links.link(name, link_family(name))})
               for name, n in ranked if name.lower() not in have_keys][:SKILLS_GAP_TOP]
    weight = sum(d.job_count for d in top)
    coverage = 100 * sum(d.job_count for d in top if d.skill.lower() in have_keys) / weight if weight else 0.0
    return SkillsGapReport(your_skills=have, coverage_percent=round(coverage, 1), top_market_skills=top,
                           covered_skills=covered, missing_skills=missing, active_jobs=active,
                           families=chosen, family_labels=[families.label(f) for f in chosen])
