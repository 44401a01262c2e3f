"""Recommendations for a seeker who saved or applied to listings: listings close to the resume AND to
the jobs they kept (the quick recommendation of GET /api/v1/jobs/recommendations).

With nothing saved this is exactly matching.recommend. Otherwise:
- the candidate pool (matching.candidates, HNSW) is searched around the normalised sum of the resume
  embedding and the centroid of the kept listings' embeddings, so listings like the saved ones are
  found even when the resume alone would not reach them;
- each candidate gets the score the match page shows (matching.rescore, against the resume: the raw
  cosine is set back to the resume's) and a closeness to the kept jobs (its best cosine to any of
  them, calibrated by matching.combine like a cosine-only score);
- they are ordered by SAVED_WEIGHT * closeness + (1 - SAVED_WEIGHT) * match score; `match_score`
  stays the match page's score.
Never listed: the seeker's own private jobs (candidates are public listings of other owners), the
listings they saved, and anything they applied to (a live application on the listing or on their
saved entry of it). Tracked jobs of their own have no embedding (they are never enriched) and do
not steer the blend."""

import uuid
from dataclasses import replace

import numpy as np
import redis
from sqlalchemy import func, union
from sqlmodel import Session, col, select

from career_app.services import jobs, matching, resumes
from models.application import Application
from models.job import Job
from models.job_schemas import JobRecommendation
from models.user import User

SAVED_WEIGHT = 0.4
MAX_SIGNALS = 200  # the most recent kept listings that steer the blend


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def kept_listings(session: Session, user_id: uuid.UUID) -> tuple[set[uuid.UUID], np.ndarray]:
    """The public listings the seeker saved or applied to (ids, all of them) and the embeddings of the
    most recent MAX_SIGNALS of them that have one (rows of unit vectors)."""
    saved = select(col(Job.listing_id).label("id"), Job.created_at.label("at")).where(
        Job.owner_id == user_id, col(Job.listing_id).is_not(None))
    applied = (select(func.coalesce(Job.listing_id, Job.id).label("id"), Application.created_at.label("at"))
               .join(Job, col(Job.id) == Application.job_id)
               .where(Application.user_id == user_id, col(Application.deleted_at).is_(None)))
    kept = union(saved, applied).subquery()
    rows = session.exec(select(Job.id, Job.embedding, Job.owner_id, func.max(kept.c.at).label("at"))
                        .join(kept, kept.c.id == Job.id)
                        .group_by(Job.id).order_by(func.max(kept.c.at).desc())).all()
    ids = {row.id for row in rows if row.owner_id != user_id}
    vectors = [np.asarray(row.embedding, dtype=np.float32) for row in rows
               if row.owner_id != user_id and row.embedding is not None][:MAX_SIGNALS]
    matrix = np.vstack([_unit(v) for v in vectors]) if vectors else np.zeros((0, 0), dtype=np.float32)
    return ids, matrix


def recommend(session: Session, r: redis.Redis, user: User, limit: int = 10) -> list[JobRecommendation]:
    excluded, kept = kept_listings(session, user.id)
    resume = resumes.current(session, user.id)
    if not len(kept) or resume is None or resume.embedding is None:
        # Nothing kept with an embedding (or no resume: matching says what is missing).
        return [item for item in matching.recommend(session, r, user, min(matching.MAX_RECOMMENDATIONS,
                                                                          limit + len(excluded)))
                if item.job_id not in excluded][:limit]
    limit = max(1, min(limit, matching.MAX_RECOMMENDATIONS))
    key = (jobs.cache_version(r), user.id, resume.storage_key, tuple(user.skills or ()), limit,
           hash(frozenset(excluded)), len(kept))
    if (hit := _recent.get(key)) is not None:
        return [item.model_copy() for item in hit]
    items = _blended(session, user, resume, kept, excluded, limit)
    if len(_recent) >= _CACHE_ENTRIES:
        _recent.clear()
    _recent[key] = items
    return [item.model_copy() for item in items]


# Kept per process while neither the listings (jobs cache version), the resume nor the kept set change.
_recent: dict = {}
_CACHE_ENTRIES = 2048


def _blended(session: Session, user: User, resume, kept: np.ndarray, excluded: set[uuid.UUID],
             limit: int) -> list[JobRecommendation]:
    own = _unit(np.asarray(resume.embedding, dtype=np.float32))
    around = _unit(own + _unit(kept.mean(axis=0)))
    # Walked at the read (not stored): the narrow walk keeps it as fast as before (matching.NARROW_EF_SEARCH).
    pool = [c for c in matching.candidates(session, user, around, narrow=True) if c.id not in excluded]
    if not pool:
        return []
    stored = dict(session.exec(select(Job.id, Job.embedding).where(col(Job.id).in_([c.id for c in pool]))).all())
    matrix = np.vstack([_unit(np.asarray(stored[c.id], dtype=np.float32)) for c in pool])
    to_resume, to_kept = matrix @ own, (matrix @ kept.T).max(axis=1)
    pool = [replace(c, cosine=float(to_resume[k])) for k, c in enumerate(pool)]
    closeness = {c.id: matching.combine(float(to_kept[k]), None) for k, c in enumerate(pool)}
    scored = matching.rescore(pool, matching.resume_profile(session, user, resume), len(pool))
    scored.sort(key=lambda pair: (SAVED_WEIGHT * closeness[pair[1].id] + (1 - SAVED_WEIGHT) * pair[0].similarity_score,
                                  pair[0].similarity_score), reverse=True)
    return [matching.recommendation(score, c) for score, c in scored[:limit]]
