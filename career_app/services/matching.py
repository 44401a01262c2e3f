"""Matching a seeker to jobs: the calibrated score, the skill gap, recommendations and the
market skills gap. One scoring rule serves the match endpoint, recommendations and the UI.

Why calibrated: all-MiniLM-L6-v2 cosine between a resume and a job averages about 0.6 for strong
fits and 0.27 for unrelated jobs, so a 0.7 threshold on the raw value would flag almost every
good fit as a gap. `similarity_score` maps the cosine onto 0-1 between those reference points
and blends it with the share of the job's skills the seeker has:

    semantic = clamp((cosine - COSINE_UNRELATED) / (COSINE_STRONG_FIT - COSINE_UNRELATED), 0, 1)
    similarity_score = SEMANTIC_WEIGHT * semantic + (1 - SEMANTIC_WEIGHT) * skill_coverage

(semantic alone when the job names no skills). On the labelled set in
tests/data/labelled_matches.json the default 0.7 threshold separates fits from non-fits; see
bench/bench_calibration.py for the figures."""

import json
from dataclasses import dataclass
from urllib.parse import quote_plus

import redis
from sqlalchemy import func, text
from sqlmodel import Session, select

from career_app.services import jobs as jobs_service
from career_app.services import resumes
from career_app.services.errors import Forbidden, Unprocessable
from career_app.services.skills import taxonomy
from career_app.settings import settings
from models.job import Job, JobStatus, Visibility
from models.job_schemas import JobRecommendation, LearningLink, MatchResult, SkillDemand, SkillsGapReport
from models.resume import Resume
from models.user import Role, User

COSINE_UNRELATED = 0.20
COSINE_STRONG_FIT = 0.50
SEMANTIC_WEIGHT = 0.5
NO_RESUME = "User has no resume embedding (upload a resume first)"
NO_JOB_EMBEDDING = "Job has no embedding (AI enrichment still processing)"
HNSW_EF_SEARCH = 200  # candidates kept per search: recall@20 ~0.99 at 100k jobs for ~1 ms (bench/bench_matching.py)
MAX_RECOMMENDATIONS = 50
SKILLS_GAP_TOP = 20


@dataclass(frozen=True)
class Score:
    similarity_score: float
    raw_similarity: float
    skill_coverage: float
    matched: list[str]
    missing: list[str]


def _key(skill: str) -> str:
    return skill.lower()


def score(raw_cosine: float, seeker_skills: list[str], job_skills: list[str]) -> Score:
    have = {_key(s) for s in seeker_skills}
    wanted = list(dict.fromkeys(job_skills))
    matched = [s for s in wanted if _key(s) in have]
    missing = [s for s in wanted if _key(s) not in have]
    semantic = min(1.0, max(0.0, (raw_cosine - COSINE_UNRELATED) / (COSINE_STRONG_FIT - COSINE_UNRELATED)))
    coverage = len(matched) / len(wanted) if wanted else semantic
    blended = SEMANTIC_WEIGHT * semantic + (1 - SEMANTIC_WEIGHT) * coverage
    return Score(round(blended, 4), round(raw_cosine, 4), round(coverage, 4), matched, missing)


def seeker_skills(user: User, resume: Resume | None) -> list[str]:
    """Skills from the profile and the current resume, canonical names, no duplicates."""
    return taxonomy().normalise(list(user.skills or []) + list(resume.skills if resume else []))


def job_skills(job: Job) -> list[str]:
    return list(job.skills or taxonomy().normalise(job.skills_required))


def learning_link(skill: str) -> LearningLink:
    return LearningLink(skill=skill, title=f"Learn {skill}",
                        url=f"https://www.freecodecamp.org/news/search/?query={quote_plus(skill)}")


def _require_seeker(user: User) -> None:
    if user.role != Role.seeker:
        raise Forbidden("Only job seekers can be matched to jobs")


def _require_resume(session: Session, user: User) -> Resume:
    resume = resumes.current(session, user.id)
    if resume is None or resume.embedding is None:
        raise Unprocessable(NO_RESUME)
    return resume


def match(session: Session, user: User, job_id: str) -> MatchResult:
    _require_seeker(user)
    job = jobs_service.get_visible(session, job_id, user)
    resume = _require_resume(session, user)
    if job.embedding is None:
        raise Unprocessable(NO_JOB_EMBEDDING)
    raw = float(session.exec(select(Job.embedding.cosine_distance(resume.embedding)).where(Job.id == job.id)).one())
    result = score(1.0 - raw, seeker_skills(user, resume), job_skills(job))
    threshold = settings.match_gap_threshold
    gap = result.similarity_score < threshold
    if not result.missing:
        explanation = ("You have every skill this job lists." if not gap else
                       "You list every skill named, but your experience reads as a different kind of role; "
                       "tailor your resume to this job's responsibilities.")
    else:
        explanation = (f"You have {len(result.matched)} of the {len(result.matched) + len(result.missing)} skills "
                       f"this job lists; missing: {', '.join(result.missing[:8])}.")
        if not gap:
            explanation += " Your overall fit is strong enough to apply now."
    return MatchResult(job_id=job.id, similarity_score=result.similarity_score, raw_similarity=result.raw_similarity,
                       skill_coverage=result.skill_coverage, gap_detected=gap, threshold=threshold,
                       matched_skills=result.matched, missing_skills=result.missing, gap_explanation=explanation,
                       learning_recommendations=[learning_link(s) for s in result.missing[:8]])


_recent_recommendations: dict = {}
_RECOMMENDATION_CACHE_ENTRIES = 2048


def recommend(session: Session, r: redis.Redis, user: User, limit: int = 10) -> list[JobRecommendation]:
    """Nearest active listings to the seeker's resume (HNSW, cosine), excluding their own jobs.
    Kept per process while neither the listings (jobs cache version) nor the resume change."""
    _require_seeker(user)
    resume = _require_resume(session, user)
    limit = max(1, min(limit, MAX_RECOMMENDATIONS))
    key = (jobs_service.cache_version(r), user.id, resume.storage_key, tuple(user.skills or ()), limit)
    if (hit := _recent_recommendations.get(key)) is not None:
        return [item.model_copy() for item in hit]
    items = _nearest(session, user, resume, limit)
    if len(_recent_recommendations) >= _RECOMMENDATION_CACHE_ENTRIES:
        _recent_recommendations.clear()
    _recent_recommendations[key] = items
    return [item.model_copy() for item in items]


def _nearest(session: Session, user: User, resume: Resume, limit: int) -> list[JobRecommendation]:
    have = seeker_skills(user, resume)
    distance = Job.embedding.cosine_distance(resume.embedding).label("distance")
    # One round trip for both settings; iterative scan keeps filling past filtered-out rows.
    session.exec(text(f"SELECT set_config('hnsw.ef_search', '{HNSW_EF_SEARCH}', true), "
                      "set_config('hnsw.iterative_scan', 'relaxed_order', true)"))
    rows = session.exec(
        select(Job.id, Job.title, Job.company_name, Job.location, Job.remote_option, Job.skills, Job.skills_required,
               Job.created_at, distance)
        # The HNSW index never yields a job without an embedding, but a sequential scan would (NULL distance).
        .where(Job.status == JobStatus.active, Job.visibility == Visibility.public, Job.owner_id != user.id,
               Job.embedding.is_not(None))
        .order_by(distance).limit(limit)
    ).all()
    out = []
    for row in rows:
        skills = list(row.skills or taxonomy().normalise(row.skills_required))
        s = score(1.0 - float(row.distance), have, skills)
        out.append(JobRecommendation(
            job_id=row.id, title=row.title, company_name=row.company_name, location=row.location,
            remote=row.remote_option == "remote", remote_option=row.remote_option, match_score=s.similarity_score,
            raw_similarity=s.raw_similarity, skills=skills, matched_skills=s.matched, missing_skills=s.missing,
            created_at=row.created_at))
    return sorted(out, key=lambda rec: rec.match_score, reverse=True)


def market_skill_demand(session: Session, r: redis.Redis) -> tuple[list[tuple[str, int]], int]:
    """The most asked-for skills across active listings, cached until jobs change."""
    version = jobs_service.cache_version(r)
    key = f"jobs:skill-demand:{version}"
    if cached := r.get(key):
        data = json.loads(cached)
        return [tuple(x) for x in data["top"]], data["active"]
    skill = func.jsonb_array_elements_text(Job.skills).table_valued("value").render_derived()
    active = session.exec(select(func.count()).select_from(Job).where(
        Job.status == JobStatus.active, Job.visibility == Visibility.public)).one()
    n = func.count().label("n")
    known = list(taxonomy().skills)  # free-text labels from one posting must not crowd the chart
    counts = session.exec(
        select(skill.c.value, n).select_from(Job).join(skill, text("true"))
        .where(Job.status == JobStatus.active, Job.visibility == Visibility.public, skill.c.value.in_(known))
        .group_by(skill.c.value).order_by(n.desc(), skill.c.value).limit(SKILLS_GAP_TOP)
    ).all()
    top = [(name, int(n)) for name, n in counts]
    r.set(key, json.dumps({"top": top, "active": active}), ex=600)
    return top, active


def skills_gap(session: Session, r: redis.Redis, user: User) -> SkillsGapReport:
    _require_seeker(user)
    have = seeker_skills(user, resumes.current(session, user.id))
    have_keys = {_key(s) for s in have}
    top, active = market_skill_demand(session, r)
    demands = [SkillDemand(skill=name, job_count=n, share=round(n / active, 4) if active else 0.0) for name, n in top]
    covered = [d.skill for d in demands if _key(d.skill) in have_keys]
    missing = [d.model_copy(update={"learning": learning_link(d.skill)}) for d in demands if _key(d.skill) not in have_keys]
    weight = sum(d.job_count for d in demands)
    coverage = 100 * sum(d.job_count for d in demands if _key(d.skill) in have_keys) / weight if weight else 0.0
    return SkillsGapReport(your_skills=have, coverage_percent=round(coverage, 1), top_market_skills=demands,
                           covered_skills=covered, missing_skills=missing, active_jobs=active)

