"""Matching a seeker to jobs: the calibrated score, skill evidence, seniority and recommendations
(skills gap: skills_gap.py). One scoring rule serves the match endpoint, recommendations and the UI.

Why calibrated: all-MiniLM-L6-v2 cosine between a resume and a job averages about 0.6 for strong
fits and 0.27 for unrelated jobs, so a 0.7 threshold on the raw value would flag almost every
good fit as a gap. `similarity_score` maps the cosine onto 0-1 between two reference points,
blends it with the share of the job's requirements the resume shows (skill evidence: by canonical
skill, else by meaning; see evidence.py) and lowers it when the seeker's level is far from the job's:

    semantic = clamp((cosine - cosine_unrelated) / (cosine_strong_fit - cosine_unrelated), 0, 1)
    blended = semantic_weight * semantic + (1 - semantic_weight) * requirement_coverage
    similarity_score = blended * seniority_factor

(semantic alone when the job names no requirements; seniority_factor is 1 within one rung and drops
by under_penalty per further rung under the job's level, by over_penalty per further rung over it).
The constants are fitted on the 'fit' part of tests/data/labelled_matches.json and reported on its
held-out part by bench/bench_calibration.py."""

import json
import logging
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate

import numpy as np
import psycopg
from threadpoolctl import ThreadpoolController
import redis
from sqlmodel import Session, select

from career_app.services import cursors, embeddings, evidence, families, learning_links, seniority
from career_app.services.evidence import Evidence
from career_app.services import jobs as jobs_service
from career_app.services import resumes
from career_app.services.errors import Forbidden, Unprocessable
from career_app.services.skills import RequirementPart, taxonomy
from career_app.settings import settings
from models.job import Job, JobStatus, Visibility
from models.job_schemas import JobRecommendation, MatchResult, SkillEvidence
from models.resume import Resume
from models.user import Role, User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Calibration:
    cosine_unrelated: float = 0.0
    cosine_strong_fit: float = 0.55
    semantic_weight: float = 0.7
    under_penalty: float = 0.125
    over_penalty: float = 0.0


CALIBRATION = Calibration()  # fitted on the fit part: bench/bench_calibration.py --fit prints it
COSINE_UNRELATED = CALIBRATION.cosine_unrelated
COSINE_STRONG_FIT = CALIBRATION.cosine_strong_fit
SEMANTIC_WEIGHT = CALIBRATION.semantic_weight
NO_RESUME = "User has no resume embedding (upload a resume first)"
NO_JOB_EMBEDDING = "Job has no embedding (AI enrichment still processing)"


# 422s, as ottobon-jobs-api.md documents them for matching, in the one 422 shape (the validation array);
# their types are in career_app.api.contract.BEYOND_SCHEMA (no schema can tell whether a resume was uploaded).
def no_resume(detail: str = NO_RESUME) -> Unprocessable:
    return Unprocessable(detail, (), "resume_missing")


def not_enriched() -> Unprocessable:
    return Unprocessable(NO_JOB_EMBEDDING, ("path", "job_id"), "job_not_enriched")
CANDIDATE_POOL = 200  # nearest listings by cosine re-scored with skill evidence and seniority (bench_matching)
# How far the HNSW walk for a pool goes. Pools are walked once per stored list (a new resume), not per
# read, so the walk can afford tens of ms: ef_search at pgvector's maximum, then the iterative scan
# (relaxed order) goes on until POOL_WALK listings are fetched, and the CANDIDATE_POOL nearest of them
# by exact distance are the pool. On the bench's 1M listings in tight clusters of ~500 near-duplicates
# (bench/bench_matching.py --jobs 1000000 prints the sweep; two index builds), pool recall against an
# exact scan was 0.80-0.84 at ef_search 400 fetching 200, 0.89-0.96 at 1000 fetching 1000, 0.98 fetching
# 1500 (walk median 24-27 ms), 0.99 fetching 3000-4000 (39-50 ms). A denser graph (m 24, ef_construction
# 128: twice the build) gave 0.97 at 1000 fetching 1000, so the index keeps migration 0008's parameters.
# No scan stopped at its memory bound, and 50,000 tuples instead of 20,000 changed nothing at 2,000
# fetched: the bounds below stay pgvector's defaults.
HNSW_EF_SEARCH = 1000
POOL_WALK = 1500
HNSW_MAX_SCAN_TUPLES = 20_000  # graph tuples an iterative scan may visit
HNSW_SCAN_MEM_MULTIPLIER = 1  # and its memory (x work_mem) before it stops early
# A pool walked at a read instead (the saved-jobs blend, not stored) keeps the earlier, narrower walk:
# at 1M clustered, walk median ~10 ms instead of ~25 ms, pool recall 0.80-0.84 (0.99 at 100k).
NARROW_EF_SEARCH = 2 * CANDIDATE_POOL
MAX_RECOMMENDATIONS = 50

try:  # a C parser for the profiles of a few hundred candidates per recommendation (json otherwise)
    from orjson import loads as _json_loads
except ImportError:  # pragma: no cover
    _json_loads = json.loads


# A product of ~1,000 x 384 by 384 x ~30: OpenBLAS's threads cost more than they save (2-10 ms vs 0.5 ms).
_BLAS = ThreadpoolController()


def _one_blas_thread():
    return _BLAS.limit(limits=1, user_api="blas")


@dataclass(frozen=True)
class Score:
    similarity_score: float
    raw_similarity: float
    skill_coverage: float
    matched: list[str]
    missing: list[str]
    evidence: list[Evidence] = field(default_factory=list)
    seniority_fit: str = seniority.FIT
    resume_seniority: seniority.Seniority = seniority.Seniority(None, None)
    job_seniority: seniority.Seniority = seniority.Seniority(None, None)
    missing_must: list[str] = field(default_factory=list)  # missing requirements the job asks for by name


def match_percent(score: float) -> str:
    """A calibrated score as people read it, the same on the match page and in notifications: "87%"."""
    return f"{round(score * 100)}%"


def match_words(score: float) -> str:
    return f"{match_percent(score)} match"


def is_gap(result: Score, threshold: float | None = None) -> bool:
    """The verdict: a gap when the score is under the threshold or the resume lacks a must-have,
    however close the rest of it reads."""
    return bool(result.missing_must) or result.similarity_score < (
        settings.match_gap_threshold if threshold is None else threshold)


def seniority_factor(distance: int, cal: Calibration = CALIBRATION) -> float:
    if distance <= -2:
        return max(0.0, 1.0 - cal.under_penalty * (-distance - 1))
    if distance >= 2:
        return max(0.0, 1.0 - cal.over_penalty * (distance - 1))
    return 1.0


def combine(raw_cosine: float, coverage: float | None, distance: int = 0, cal: Calibration = CALIBRATION) -> float:
    """The calibrated score from its parts (see the module docstring)."""
    semantic = min(1.0, max(0.0, (raw_cosine - cal.cosine_unrelated) / (cal.cosine_strong_fit - cal.cosine_unrelated)))
    share = semantic if coverage is None else coverage
    blended = cal.semantic_weight * semantic + (1 - cal.semantic_weight) * share
    return blended * seniority_factor(distance, cal)


def combine_many(cosine: np.ndarray, coverage: np.ndarray, distance: np.ndarray,
                 cal: Calibration = CALIBRATION) -> np.ndarray:
    """`combine` over arrays; coverage is NaN where a job names no requirements."""
    semantic = np.clip((cosine - cal.cosine_unrelated) / (cal.cosine_strong_fit - cal.cosine_unrelated), 0, 1)
    share = np.where(np.isnan(coverage), semantic, coverage)
    blended = cal.semantic_weight * semantic + (1 - cal.semantic_weight) * share
    factor = np.where(distance <= -2, np.maximum(0.0, 1 - cal.under_penalty * (-distance - 1)),
                      np.where(distance >= 2, np.maximum(0.0, 1 - cal.over_penalty * (distance - 1)), 1.0))
    return blended * factor


def evaluate(raw_cosine: float, resume: evidence.ResumeProfile, job: evidence.JobProfile,
             best: tuple[np.ndarray, np.ndarray] | None = None, cal: Calibration = CALIBRATION) -> Score:
    """The full score of one resume against one job: evidence per requirement and seniority."""
    coverage = evidence.cover(job, resume, best)
    fit, distance = seniority.fit(resume.seniority, job.seniority)
    share = coverage.share
    value = combine(raw_cosine, share, distance, cal)
    semantic_only = combine(raw_cosine, None, 0, cal)
    return Score(round(value, 4), round(raw_cosine, 4), round(share if share is not None else semantic_only, 4),
                 [e.requirement for e in coverage.matched], coverage.missing, coverage.matched, fit,
                 resume.seniority, job.seniority, coverage.missing_must)


def score(raw_cosine: float, seeker_skills: list[str], job_skills: list[str]) -> Score:
    """The score from skill names alone (no evidence lines, no meaning step, no seniority): for
    callers that hold only names. Requirements are normalised as in `evaluate`; a label the taxonomy
    does not know matches the same label typed by the seeker."""
    tax = taxonomy()
    have: dict[str, str] = {}
    for name in tax.normalise(seeker_skills):
        for known in (name, *tax.implied(name)):
            have.setdefault(known, f"Skills: {name}")
    typed = {label.lower(): label for label in have}
    requirements = [req if req.skills or req.phrase.lower() not in typed
                    else RequirementPart(req.text, req.phrase, (typed[req.phrase.lower()],))
                    for req in evidence.job_requirements(list(job_skills), [])]
    none = seniority.Seniority(None, None)
    return evaluate(raw_cosine, evidence.ResumeProfile(have, [], none), evidence.JobProfile(requirements, none))


def seeker_skills(user: User, resume: Resume | None) -> list[str]:
    """Skills from the profile and the current resume, canonical names, no duplicates."""
    return skills_of(user.skills, resume.skills if resume else None)


def skills_of(profile_skills: list[str] | None, resume_skills: list[str] | None) -> list[str]:
    """seeker_skills from the two lists themselves."""
    return taxonomy().normalise(list(profile_skills or []) + list(resume_skills or []))


def job_skills(job: Job) -> list[str]:
    return list(job.skills or taxonomy().normalise(job.skills_required))


def _require_seeker(user: User) -> None:
    if user.role != Role.seeker:
        raise Forbidden("Only job seekers can be matched to jobs")


def _require_resume(session: Session, user: User) -> Resume:
    resume = resumes.current(session, user.id)
    if resume is None or resume.embedding is None:
        raise no_resume()
    return resume


def resume_profile(session: Session, user: User, resume) -> evidence.ResumeProfile:
    """The resume's stored profile (made at upload); a resume stored before profiles existed is
    profiled once here and kept. The skills typed on the seeker's profile count too. `resume` is a
    Resume or anything with its match_profile and phrase_vectors (recommend's digest)."""
    profile = evidence.ResumeProfile.from_stored(resume.match_profile, resume.phrase_vectors)
    if profile is None or profile.vectors is None:
        if not isinstance(resume, Resume):
            resume = _require_resume(session, user)
        profile = evidence.profile_resume(resume)
        session.add(resume)
        session.commit()
    return profile.with_profile_skills(list(user.skills or []))


def job_profile(session: Session, job: Job) -> evidence.JobProfile:
    """The job's stored profile (made at enrichment); a job enriched before profiles existed is
    profiled once here and kept."""
    profile = evidence.JobProfile.from_stored(job.match_profile, job.requirement_vectors)
    if profile is None or profile.vectors is None:
        profile = evidence.profile_job(job)
        session.add(job)
        session.commit()
    return profile


def _explanation(result: Score, gap: bool) -> str:
    total = len(result.matched) + len(result.missing)
    if result.missing_must:
        text = (f"Your resume shows {len(result.matched)} of the {total} requirements this job lists. It asks for "
                f"{', '.join(result.missing_must[:8])}, which your resume does not show: a gap to close or to "
                "address openly before you apply.")
        others = [m for m in result.missing if m not in result.missing_must]
        if others:
            text += f" Also not shown: {', '.join(others[:6])}."
    elif result.missing:
        text = (f"Your resume shows {len(result.matched)} of the {total} requirements this job lists; "
                f"missing: {', '.join(result.missing[:8])}.")
    elif total:
        text = "Your resume shows every requirement this job lists."
    else:
        text = "This job lists no specific requirements; the score compares your experience with its description."
    if result.seniority_fit == seniority.UNDER:
        text += (f" The role is at {result.job_seniority.level} level and your experience reads as "
                 f"{result.resume_seniority.level}: a big step up.")
    elif result.seniority_fit == seniority.OVER:
        text += (f" The role is at {result.job_seniority.level} level, below your {result.resume_seniority.level} "
                 "experience.")
    if not gap:
        text += " Your overall fit is strong enough to apply now."
    elif not result.missing and result.seniority_fit == seniority.FIT:
        text += (" Your experience still reads as a different kind of role; tailor your resume to this job's "
                 "responsibilities.")
    return text


def match(session: Session, user: User, job_id: str) -> MatchResult:
    _require_seeker(user)
    job = jobs_service.get_visible(session, job_id, user)
    resume = _require_resume(session, user)
    if job.embedding is None:
        raise not_enriched()
    raw = float(session.exec(select(Job.embedding.cosine_distance(resume.embedding)).where(Job.id == job.id)).one())
    result = evaluate(1.0 - raw, resume_profile(session, user, resume), job_profile(session, job))
    threshold = settings.match_gap_threshold
    gap = is_gap(result, threshold)
    return MatchResult(
        job_id=job.id, similarity_score=result.similarity_score, raw_similarity=result.raw_similarity,
        skill_coverage=result.skill_coverage, gap_detected=gap, threshold=threshold,
        matched_skills=result.matched, missing_skills=result.missing, missing_must_haves=result.missing_must,
        skill_evidence=[SkillEvidence(requirement=e.requirement, evidence=e.evidence, matched_by=e.how, skill=e.skill,
                                      similarity=e.similarity) for e in result.evidence],
        seniority_fit=result.seniority_fit, resume_level=result.resume_seniority.level,
        job_level=result.job_seniority.level, resume_years=result.resume_seniority.years,
        job_years=result.job_seniority.years, gap_explanation=_explanation(result, gap),
        learning_recommendations=[learning_links.link(s, families.of_job(job)) for s in result.missing[:8]])


# A seeker's ranked list is built once and stored (migration 0018): recommendation_lists says how
# far it is up to date, recommendation_items holds its best KEEP items as the seeker sees them.
# Serving is one indexed read; the rows of job_match_rows changed since (new or edited listings)
# are re-scored for this seeker at that read, listings that left are not read (the read joins
# job_match_rows) and go at the list's next write,
# and a new resume or new profile skills mark the list stale (triggers), so what is served is always
# what re-ranking now would give, with no worker to wait for.
KEEP = MAX_RECOMMENDATIONS + 10  # items stored: up to 10 may close before a rebuild is needed
CATCH_UP_LIMIT = 2000  # changed listings beyond which building anew is cheaper than re-scoring them
LIST_RULES = f"1/{evidence.PROFILE_VERSION}/{CALIBRATION}/{CANDIDATE_POOL}/{KEEP}"  # a change rebuilds every list

# The rows changed since a list's snapshot (migration 0018): two lookups on ix_job_match_rows_changed_xid
# (the served read asks each in an EXISTS of its own: one index probe each, whatever the plan).
_CHANGED = "(m.changed_xid >= {since} OR m.changed_xid = ANY({pending}))"
_LIST_SQL = ("SELECT l.rules, l.kept, "
             "(EXISTS (SELECT 1 FROM job_match_rows m WHERE m.changed_xid >= l.since_xid) OR EXISTS ("
             "SELECT 1 FROM job_match_rows m WHERE m.changed_xid = ANY(l.pending_xids))) AS changed, "
             "ARRAY(SELECT i.item FROM recommendation_items i JOIN job_match_rows m ON m.job_id = i.job_id "
             "      WHERE i.seeker_id = l.seeker_id ORDER BY i.score DESC, i.raw DESC, i.job_id LIMIT %(n)s) AS items "
             "FROM recommendation_lists l WHERE l.seeker_id = %(owner)s")
_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtextextended(%s::text, 25))"  # one writer per seeker's list
# A list is derived data: its writes need not wait for the WAL flush (a crash loses at most the
# last ones, and the next read builds or catches up again).
_SNAPSHOT_SQL = ("SELECT pg_snapshot_xmax(s)::text::bigint, ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(s) x), "
                 "set_config('synchronous_commit', 'off', true) FROM pg_current_snapshot() s")
_INSERT_ITEMS_SQL = ("INSERT INTO recommendation_items (seeker_id, job_id, score, raw, item) "
                     "SELECT %s, * FROM unnest(%s::uuid[], %s::float8[], %s::float8[], %s::text[])")


@dataclass(frozen=True)
class _ResumeDigest:
    """What ranking reads of the current resume (the embedding stays on the server: see POOL_SQL)."""
    storage_key: str
    match_profile: dict | None
    phrase_vectors: bytes | None


_RESUME_SQL = ("SELECT storage_key, match_profile, phrase_vectors FROM resumes "
               "WHERE user_id = %s AND embedding IS NOT NULL")


def recommend(session: Session, r: redis.Redis, user: User, limit: int = 10) -> list[JobRecommendation]:
    """The active listings with the highest match score for the seeker (the score the match page
    shows), best first: the seeker's stored list (see KEEP), brought up to date first when listings
    changed since, built when there is none (a new resume, new profile skills) or too few are left.
    Building it: the CANDIDATE_POOL nearest by cosine (HNSW), re-scored with skill evidence and
    seniority."""
    _require_seeker(user)
    limit = max(1, min(limit, MAX_RECOMMENDATIONS))
    found = jobs_service.read_rows(session, _LIST_SQL, {"owner": user.id, "n": limit})
    if found:
        rules, kept, changed, items = found[0]
        if rules == LIST_RULES and len(items) >= min(limit, kept):
            if not changed:
                return [JobRecommendation.model_validate_json(item) for item in items]
            if catch_up(session, user):
                return [JobRecommendation.model_validate_json(item) for item in
                        jobs_service.read_rows(session, _LIST_SQL, {"owner": user.id, "n": limit})[0][3]]
    return build_list(session, user)[:limit]


def _seeker_profile(session: Session, user: User) -> evidence.ResumeProfile:
    found = jobs_service.read_rows(session, _RESUME_SQL, (user.id,))
    if not found:
        raise no_resume()
    return resume_profile(session, user, _ResumeDigest(*found[0]))


def _items(scored: list[tuple[Score, "Candidate"]]) -> tuple[list[JobRecommendation], list[str]]:
    items = [recommendation(result, c) for result, c in scored]
    return items, [item.model_dump_json() for item in items]


def _store_items(cursor, user: User, items: list[JobRecommendation], texts: list[str]) -> None:
    """One statement for all of them."""
    cursor.execute(_INSERT_ITEMS_SQL, (user.id, [i.job_id for i in items], [i.match_score for i in items],
                                       [i.raw_similarity for i in items], texts))


def build_list(session: Session, user: User) -> list[JobRecommendation]:
    """Rank the seeker's candidate pool and store the best KEEP as their list (replacing any);
    returns the list. Run when the resume changed (the upload calls it) or at a read that finds no
    list."""
    conn = session.connection().connection.driver_connection
    conn.execute(_LOCK_SQL, (user.id,))
    since, pending, _ = conn.execute(_SNAPSHOT_SQL).fetchone()  # before the pool is read: nothing later is missed
    seeker = _seeker_profile(session, user)
    pool = candidates(session, user)
    scored = rescore(pool, seeker, KEEP)
    floor = min((c.cosine for c in pool), default=-1.0) if len(pool) >= CANDIDATE_POOL else -1.0
    # In the order the stored list is read in (ties by id), so this answer and the next read agree.
    scored.sort(key=lambda pair: pair[1].id)
    scored.sort(key=lambda pair: (pair[0].similarity_score, pair[0].raw_similarity), reverse=True)
    items, texts = _items(scored)
    try:
        with conn.pipeline(), conn.cursor() as cursor:
            # In place when there is one (see migration 0018): the small table keeps no dead rows to scan.
            cursor.execute("INSERT INTO recommendation_lists (seeker_id, rules, since_xid, pending_xids, floor, kept) "
                           "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (seeker_id) DO UPDATE SET rules = "
                           "EXCLUDED.rules, since_xid = EXCLUDED.since_xid, pending_xids = EXCLUDED.pending_xids, "
                           "floor = EXCLUDED.floor, kept = EXCLUDED.kept, built_at = now()",
                           (user.id, LIST_RULES, since, pending, floor, len(items)))
            cursor.execute("DELETE FROM recommendation_items WHERE seeker_id = %s", (user.id,))
            _store_items(cursor, user, items, texts)
        session.commit()
    except psycopg.errors.UniqueViolation:  # not expected (one writer per list): answer, store nothing
        session.rollback()
    return items


def catch_up(session: Session, user: User) -> bool:
    """Re-score for this seeker the listings changed since the list was last up to date (those
    within its pool's reach: cosine at least its floor), merge them in, keep the best KEEP. False
    when too many changed: the caller builds the list anew."""
    conn = session.connection().connection.driver_connection
    conn.execute(_LOCK_SQL, (user.id,))
    state = conn.execute("SELECT since_xid, pending_xids, floor FROM recommendation_lists WHERE seeker_id = %s",
                         (user.id,)).fetchone()
    if state is None:
        session.rollback()
        return False
    since, pending, floor = state  # as it stands under the lock (another request may have done this meanwhile)
    now, now_pending, _ = conn.execute(_SNAPSHOT_SQL).fetchone()
    changed = {"since": since, "pending": pending}
    count = conn.execute("SELECT count(*) FROM (SELECT 1 FROM job_match_rows m WHERE "
                         + _CHANGED.format(since="%(since)s", pending="%(pending)s::bigint[]") + " LIMIT %(n)s) c",
                         {**changed, "n": CATCH_UP_LIMIT + 1}).fetchone()[0]
    if count > CATCH_UP_LIMIT:
        session.rollback()
        return False
    pool = [c for c in candidates(session, user, changed_since=changed) if c.cosine >= floor]
    scored = rescore(pool, _seeker_profile(session, user), len(pool)) if pool else []
    try:
        with conn.pipeline(), conn.cursor() as cursor:
            cursor.execute("DELETE FROM recommendation_items i WHERE i.seeker_id = %(u)s AND NOT EXISTS ("
                           "SELECT 1 FROM job_match_rows m WHERE m.job_id = i.job_id AND NOT "
                           + _CHANGED.format(since="%(since)s", pending="%(pending)s::bigint[]") + ")",
                           {"u": user.id, **changed})  # changed since (re-scored below) or gone
            if scored:
                _store_items(cursor, user, *_items(scored))
            cursor.execute("DELETE FROM recommendation_items WHERE seeker_id = %(u)s AND job_id NOT IN ("
                           "SELECT job_id FROM recommendation_items WHERE seeker_id = %(u)s "
                           "ORDER BY score DESC, raw DESC, job_id LIMIT %(keep)s)", {"u": user.id, "keep": KEEP})
            cursor.execute("UPDATE recommendation_lists SET since_xid = %s, pending_xids = %s, kept = (SELECT "
                           "count(*) FROM recommendation_items WHERE seeker_id = %s) WHERE seeker_id = %s",
                           (now, now_pending, user.id, user.id))
        session.commit()
    except psycopg.errors.UniqueViolation:
        session.rollback()
        return False
    return True


def after_resume_change(session: Session, user_id: uuid.UUID) -> None:
    """A new resume re-ranks once, here, so the seeker's next read is the plain one. Never fails the
    upload: the next read builds the list if this did not."""
    try:
        user = session.get(User, user_id)
        if user is not None and user.role == Role.seeker:
            build_list(session, user)
    except Exception as exc:  # noqa: BLE001 - best effort, see above
        session.rollback()
        log.warning("recommendations for %s not built after the resume changed: %s", user_id, exc)


def page(ranked, limit: int, cursor: str | None, fetch) -> tuple[list[JobRecommendation], str | None]:
    """A page of a ranked recommendation list and the cursor of the next one (None at the end).

    `fetch(n)` returns the best n items in order (matching.recommend or the saved-jobs blend; both
    are kept per process, so walking pages re-ranks nothing). The cursor carries the last item's
    score and id: the next page starts after that item; if it has left the list meanwhile (a new
    listing, a new resume), after the last item scoring at least as much."""
    limit = max(1, min(limit, MAX_RECOMMENDATIONS))
    if cursor is None:
        items = fetch(min(MAX_RECOMMENDATIONS, limit + 1))
        rest = items
    else:
        score_after, id_after = cursors.decode(ranked, cursor, 2)
        if not isinstance(score_after, (int, float)) or not isinstance(id_after, uuid.UUID):
            raise cursors.invalid()
        items = fetch(MAX_RECOMMENDATIONS)
        at = next((k for k, item in enumerate(items) if item.job_id == id_after), None)
        rest = items[at + 1:] if at is not None else [item for item in items if item.match_score < score_after]
    shown = rest[:limit]
    more = len(rest) > limit
    return shown, (cursors.encode(ranked, shown[-1].match_score, shown[-1].job_id) if more else None)


# The pool reads job_match_rows (migrations 0008-0009): one row per active public listing, kept in
# step by a trigger on jobs, with its own HNSW index and, inline, what ranking needs (a digest of the
# profile: each requirement's skills and the seniority; the requirement vectors) and, as JSON text
# parsed only for the listings kept, the full profile and the card a recommendation shows: one
# round trip, no per-candidate parsing beyond the digest (bench/bench_matching.py). The walk (see
# POOL_WALK) returns ids and distances only, in relaxed order; the materialized CTE is sorted exactly
# ("+ 0": not by the index) and only the pool's rows are read, by primary key.
_POOL_SQL = ("WITH near AS MATERIALIZED (SELECT job_id, embedding <=> {around} AS distance FROM job_match_rows "
             "WHERE owner_id <> %(owner)s ORDER BY distance LIMIT %(walk)s) "
             "SELECT m.job_id, n.distance, m.rank_digest, m.requirement_vectors, m.profile, m.card "
             "FROM (SELECT job_id, distance FROM near ORDER BY distance + 0, job_id LIMIT %(n)s) n "
             "JOIN job_match_rows m ON m.job_id = n.job_id ORDER BY n.distance, n.job_id")
# Around the seeker's current resume: the server reads its embedding (nothing to format and send).
POOL_SQL = _POOL_SQL.format(around="(SELECT embedding FROM resumes WHERE user_id = %(owner)s)")
POOL_AROUND_SQL = _POOL_SQL.format(around="%(around)s::vector")
# The listings changed since a list was last brought up to date (recommend's catch_up), nearest first.
CHANGED_SQL = ("SELECT job_id, embedding <=> (SELECT embedding FROM resumes WHERE user_id = %(owner)s) AS distance, "
               "rank_digest, requirement_vectors, profile, card FROM job_match_rows m WHERE "
               + _CHANGED.format(since="%(since)s", pending="%(pending)s::bigint[]")
               + " AND owner_id <> %(owner)s ORDER BY distance")


@dataclass
class Candidate:
    """A listing from the ANN pool: what re-scoring needs, and as JSON its profile and card."""
    id: uuid.UUID
    cosine: float
    requirement_skills: list  # each requirement's canonical skills, in the profile's order
    requirement_phrases: list  # each requirement's phrase (its kind sets its meaning threshold)
    level: str | None  # the job's seniority
    years: float | None
    vectors: bytes | None  # its requirement embeddings (evidence.pack), None when not stored
    profile_text: str  # the stored match profile (evidence.JobProfile.as_dict)
    card: str  # title, company_name, location, remote_option, skills, skills_required, created_at

    @cached_property
    def profile(self) -> dict:
        return _json_loads(self.profile_text)


def candidates(session: Session, user: User, around: np.ndarray | None = None,
               pool: int = CANDIDATE_POOL, changed_since: dict | None = None, narrow: bool = False) -> list[Candidate]:
    """The `pool` active public listings nearest by cosine (not the seeker's own) to the seeker's
    current resume, or to `around`; with `changed_since` ({"since", "pending"} of a stored list),
    instead every listing whose row changed since that list's snapshot (CHANGED_SQL). A listing enriched before profiles existed
    gets one made by name (no meaning step) until its first match stores a full one.
    `narrow`: the walk of NARROW_EF_SEARCH and no deeper fetch, for a pool walked at a read."""
    ef, walk = (NARROW_EF_SEARCH, pool) if narrow else (HNSW_EF_SEARCH, POOL_WALK)
    params = {"owner": user.id, "n": pool, "walk": max(walk, pool)}
    sql = POOL_SQL
    if changed_since is not None:
        sql = CHANGED_SQL
        params.update(changed_since)
    elif around is not None:
        sql = POOL_AROUND_SQL
        params["around"] = "[" + ",".join(map(str, np.asarray(around, dtype=np.float32).tolist())) + "]"
    # The driver's own cursor in binary mode: a few hundred rows of int8 vectors cost several times
    # more through the ORM and the text protocol (bench/bench_matching.py).
    conn = session.connection().connection.driver_connection
    # Both statements in one round trip (pipeline). Iterative scan keeps filling past filtered-out rows.
    with conn.pipeline(), conn.cursor() as settings_cursor, conn.cursor(binary=True) as cursor:
        settings_cursor.execute(f"SELECT set_config('hnsw.ef_search', '{min(1000, max(ef, pool))}', true), "
                                "set_config('hnsw.iterative_scan', 'relaxed_order', true), "
                                f"set_config('hnsw.max_scan_tuples', '{HNSW_MAX_SCAN_TUPLES}', true), "
                                f"set_config('hnsw.scan_mem_multiplier', '{HNSW_SCAN_MEM_MULTIPLIER}', true)")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out, unprofiled = [], []
    for job_id, dist, digest, vectors, profile, card in rows:
        if dist is None:  # no resume embedding to search around (none yet, or replaced meanwhile)
            raise no_resume()
        digest = _json_loads(digest) if digest else {}
        level = digest.get("seniority") or {}
        if digest.get("v") != evidence.PROFILE_VERSION or not isinstance(digest.get("skills"), list):
            unprofiled.append(len(out))
        out.append(Candidate(job_id, 1.0 - float(dist), digest.get("skills"), digest.get("phrases") or [],
                             level.get("level"), level.get("years"), vectors, profile or "{}", card or "{}"))
    if unprofiled:
        olds = {row.id: row for row in session.exec(
            select(Job.id, Job.title, Job.description_raw, Job.skills_required, Job.skills)
            .where(Job.id.in_([out[k].id for k in unprofiled]))).all()}
        for k in unprofiled:
            row = olds[out[k].id]
            by_name = evidence.job_profile(row.title, row.description_raw, list(row.skills_required or []),
                                           list(row.skills or []), embed=False)
            out[k] = Candidate(out[k].id, out[k].cosine, [list(r.skills) for r in by_name.requirements],
                               [r.phrase for r in by_name.requirements], by_name.seniority.level, by_name.seniority.years, None,
                               json.dumps(by_name.as_dict()), out[k].card)
    return out


def rescore(pool: list[Candidate], seeker: evidence.ResumeProfile, limit: int) -> list[tuple[Score, Candidate]]:
    """The `limit` best candidates by the score the match page shows, best first, each with its
    full Score. Every requirement is checked by name first; one matrix product covers the meaning
    step of those left; only the kept candidates are built into evidence objects, by `evaluate` on
    the same similarities."""
    # Per-candidate work stays in plain lists: numpy's per-element indexing costs more than it saves here.
    counts = [len(c.requirement_skills) for c in pool]
    starts = list(accumulate(counts, initial=0))[:-1]
    have = seeker.skills.keys()
    shown = np.fromiter((not have.isdisjoint(skills) for c in pool for skills in c.requirement_skills),
                        dtype=bool, count=sum(counts))
    top = np.full(len(shown), -1.0, dtype=np.float32)  # best cosine to a resume unit, where computed
    which = np.zeros(len(shown), dtype=np.int64)
    stored = [bool(n) and c.vectors is not None and len(c.vectors) == n * embeddings.DIMENSIONS
              for c, n in zip(pool, counts)]
    if seeker.vectors is not None and len(seeker.vectors) and any(stored):
        rows = np.flatnonzero(np.repeat(stored, counts))  # requirement rows with vectors, in pool order
        need = ~shown[rows]  # the meaning step only for those not shown by name
        if need.any():
            units = evidence.unpack(b"".join(c.vectors for c, ok in zip(pool, stored) if ok), need)
            rows = rows[need]
            with _one_blas_thread():
                sims = units @ np.ascontiguousarray(seeker.vectors.T)
            top[rows], which[rows] = sims.max(axis=1), sims.argmax(axis=1)
            close = rows[top[rows] >= evidence.MEANING_THRESHOLD]  # only these can pass their kind's threshold
            if len(close):
                bar = _row_thresholds(pool, counts, starts, close)
                shown[close] = top[close] >= bar
    matched = np.bincount(np.repeat(np.arange(len(pool)), counts), weights=shown, minlength=len(pool))
    keys = [(c.level, c.years) for c in pool]
    levels = {key: seniority.fit(seeker.seniority, seniority.Seniority(*key))[1] for key in set(keys)}
    distance = np.fromiter((levels[key] for key in keys), dtype=np.float64, count=len(pool))
    cosine = np.fromiter((c.cosine for c in pool), dtype=np.float64, count=len(pool))
    counts = np.asarray(counts, dtype=np.int64)
    value = combine_many(cosine, np.where(counts > 0, matched / np.maximum(counts, 1), np.nan), distance)
    out = []
    for k in np.lexsort((-cosine, -np.round(value, 4)))[:limit]:
        c, span = pool[k], slice(starts[k], starts[k] + counts[k])
        job = evidence.JobProfile.from_stored(c.profile, None)
        out.append((evaluate(c.cosine, seeker, job, (top[span], which[span])), c))
    out.sort(key=lambda pair: (pair[0].similarity_score, pair[0].raw_similarity), reverse=True)
    return out


def _row_thresholds(pool: list[Candidate], counts: list[int], starts: list[int], rows: np.ndarray) -> np.ndarray:
    """The meaning threshold of each requirement row (pool order) in `rows`, by its kind."""
    owner = np.searchsorted(np.asarray(starts), rows, side="right") - 1
    out = np.empty(len(rows), dtype=np.float32)
    for n, (row, k) in enumerate(zip(rows.tolist(), owner.tolist())):
        c, i = pool[k], row - starts[k]
        phrase = c.requirement_phrases[i] if i < len(c.requirement_phrases) else ""
        out[n] = evidence.meaning_threshold(tuple(c.requirement_skills[i]), phrase)
    return out


def recommendation(result: Score, c: Candidate) -> JobRecommendation:
    """A ranked candidate as the item a seeker sees."""
    card = _json_loads(c.card)
    return JobRecommendation(
        job_id=c.id, title=card.get("title") or "", company_name=card.get("company_name"),
        location=card.get("location"), remote=card.get("remote_option") == "remote",
        remote_option=card.get("remote_option"), match_score=result.similarity_score,
        raw_similarity=result.raw_similarity,
        skills=card.get("skills") or taxonomy().normalise(card.get("skills_required") or []),
        matched_skills=result.matched, missing_skills=result.missing, seniority_fit=result.seniority_fit,
        created_at=card.get("created_at"))


def reprofile(session: Session, everything: bool = False, batch: int = 50) -> dict:
    """Profile (requirements or phrases, with embeddings) the jobs and resumes stored before skill
    evidence existed or with an older profile version, or all of them after a taxonomy change
    (`everything`). Batched commits."""
    done = {"jobs": 0, "resumes": 0}
    # The vectors, not the profile, tell: a JSONB column stores Python None as JSON null, not SQL NULL.
    for model, column, kind, apply in ((Job, Job.requirement_vectors, "jobs", evidence.profile_job),
                                       (Resume, Resume.phrase_vectors, "resumes", evidence.profile_resume)):
        query = select(model.id)
        if kind == "jobs":
            query = query.where(Job.status != JobStatus.closed)
        if not everything:
            stale = model.match_profile["v"].as_integer() != evidence.PROFILE_VERSION
            query = query.where(column.is_(None) | model.match_profile.is_(None) | stale)
        ids = list(session.exec(query).all())
        for start in range(0, len(ids), batch):
            for row_id in ids[start:start + batch]:
                row = session.get(model, row_id)
                if row is not None:
                    apply(row)
                    session.add(row)
                    done[kind] += 1
            session.commit()
    return done


def reembed(session: Session, batch: int = 64) -> dict:
    """Embed again, with the model variant this process uses (embeddings.variant), every stored
    vector: listings (not closed) and resumes, then every skill-evidence profile (reprofile with
    `everything`). After a change of EMBEDDINGS_BACKEND or of the int8 recipe. Batched commits."""
    from career_app.services import enrichment

    done = {"jobs": 0, "resumes": 0}
    for model, kind, text_of in ((Job, "jobs", enrichment.embedding_text), (Resume, "resumes", lambda row: row.text)):
        query = select(model.id).where(model.embedding.is_not(None))
        if kind == "jobs":
            query = query.where(Job.status != JobStatus.closed)
        ids = list(session.exec(query).all())
        for start in range(0, len(ids), batch):
            rows = [row for row in (session.get(model, i) for i in ids[start:start + batch]) if row is not None]
            for row, vector in zip(rows, embeddings.embed_many([text_of(row) for row in rows])):
                row.embedding = vector
                session.add(row)
                done[kind] += 1
            session.commit()
    profiled = reprofile(session, everything=True)
    return {**done, "profiled_jobs": profiled["jobs"], "profiled_resumes": profiled["resumes"]}
