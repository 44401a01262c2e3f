"""Enrichment of ingested jobs, in batches: one embedding batch, dedup layer 4 (a near-duplicate
description of the same company merges into the listing already there), then the same
enrichment as a provider's job."""

import logging
import re
import uuid
from collections.abc import Callable
from functools import cache

import redis
from sqlalchemy import bindparam, func, or_, text
from sqlmodel import Session, col, select

from career_app.services import embeddings, enrichment, jobs, tasks
from career_app.services.ingestion.runs import _reopen
from career_app.services.ingestion.start import system_owner
from models.base import utcnow
from models.ingestion import INGESTION_OWNER_ID
from models.job import Job, JobStatus, Visibility

log = logging.getLogger(__name__)

# Jobs per enrichment task: a stored batch's worth (runs.BATCH_SIZE), one task each. Each task costs
# the RQ worker a forked work horse, whose start and copied memory the batch shares
# (bench/bench_ingestion.py prints the workers' CPU a posting).
ENRICH_BATCH = 50
# Fitted on half of a labelled set of same-company pairs (bench_ingestion.py --only-threshold):
# reworded reposts >= 0.928, other roles of the company <= 0.908; held-out figures in the README.
NEAR_DUPLICATE_THRESHOLD = 0.92


def enqueue_enrichment(session: Session, conn: redis.Redis, job_ids: list[uuid.UUID]) -> list[str]:
    owner = system_owner(session)
    return [tasks.enqueue(conn, "ingest_enrich", owner, [str(j) for j in job_ids[i:i + ENRICH_BATCH]])
            for i in range(0, len(job_ids), ENRICH_BATCH)]


_LEVEL_WORDS = re.compile(r"\b(junior|jr|senior|sr|lead|principal|staff|head|chief|intern|trainee|graduate|"
                          r"associate|director|manager|i{1,3}|iv)\b", re.I)
_LEVEL_ALIASES = {"jr": "junior", "sr": "senior"}


def _levels(title: str | None) -> set[str]:
    """Seniority words of a title: "Lead CNC Machinist" and "CNC Machinist" are two openings, not a repost."""
    return {_LEVEL_ALIASES.get(w.lower(), w.lower()) for w in _LEVEL_WORDS.findall(title or "")}


@cache
def _near_duplicate_query(with_place: bool):
    """The layer-4 query, built once (the statement's construction cost as much as its round trip):
    the ids and titles of the nearest same-company listings, not whole rows."""
    distance = col(Job.embedding).cosine_distance(bindparam("vector", type_=Job.__table__.c.embedding.type))
    place = [or_(col(Job.location).is_(None), func.lower(Job.location) == bindparam("place"))] if with_place else []
    return (select(Job.id, Job.title)
            .where(func.lower(Job.company_name) == bindparam("company"), Job.id != bindparam("job_id"), *place,
                   col(Job.embedding).is_not(None), Job.visibility == Visibility.public,
                   col(Job.status).in_([JobStatus.active, JobStatus.processing]),
                   distance <= 1 - NEAR_DUPLICATE_THRESHOLD)
            .order_by(distance).limit(5))


def _near_duplicate(session: Session, job: Job, vector: list[float]) -> Job | None:
    """Layer 4: another listing of the same company, in the same place (or one unnamed), at the same
    level, whose description means the same: a reworded repost. The same role in two cities, or at
    two levels, stays two jobs."""
    if not job.company_name:
        return None
    params = {"vector": vector, "company": job.company_name.lower(), "job_id": job.id}
    if job.location:
        params["place"] = job.location.lower()
    candidates = session.exec(_near_duplicate_query(bool(job.location)), params=params).all()
    found = next((other_id for other_id, title in candidates if _levels(title) == _levels(job.title)), None)
    return None if found is None else session.get(Job, found)


def _merge_into(session: Session, duplicate: Job, survivor: Job) -> None:
    """The duplicate's postings now list the survivor; their runs count a dedup hit instead of a new job."""
    run_ids = session.exec(text("UPDATE job_postings SET job_id = :survivor WHERE job_id = :dup RETURNING last_run_id")
                           .bindparams(survivor=survivor.id, dup=duplicate.id)).all()
    for run_id in {row[0] for row in run_ids if row[0]}:
        session.exec(text(
            "UPDATE ingest_runs SET counters = counters || jsonb_build_object("
            "'dedup_hits', COALESCE((counters->>'dedup_hits')::int, 0) + 1, "
            "'new', GREATEST(COALESCE((counters->>'new')::int, 0) - 1, 0)) WHERE id = :id").bindparams(id=run_id))
    if survivor.owner_id == INGESTION_OWNER_ID and survivor.status == JobStatus.closed:
        _reopen(survivor)
    session.delete(duplicate)


def _enrich_failed(session: Session, job: Job, exc: Exception) -> None:
    log.warning("enrichment of ingested job %s failed: %s", job.id, exc)
    job.status, job.enrich_error = JobStatus.enrich_failed, f"{type(exc).__name__}: {exc}"[:1000]
    job.updated_at = utcnow()
    session.add(job)
    session.flush()


def enrich_batch(session: Session, r: redis.Redis, job_ids: list[uuid.UUID],
                 on_live: Callable[[Job], None] = lambda _job: None) -> dict:
    """Enrich ingested jobs together: one embedding batch, the near-duplicate check, then the same
    enrichment as a provider's job (skills, salary estimate, guides, the skill-evidence profile with one
    embedding batch for all requirement phrases; an identical twin's results reused). A job whose
    enrichment fails is left enrich_failed with its error; the others go on.
    `on_live(job)` runs for each job that went live for the first time (the job-match notifications)."""
    batch = list(session.exec(select(Job).where(col(Job.id).in_(job_ids), Job.status == JobStatus.processing)
                              .order_by(Job.created_at, Job.id)).all())
    result = {"enriched": 0, "failed": 0, "merged": 0, "skipped": len(job_ids) - len(batch)}
    if not batch:
        return result
    first_time = {job.id for job in batch if job.enriched_at is None}
    for job in batch:
        job.enrich_attempts += 1
        job.updated_at = utcnow()
        session.add(job)
    session.commit()
    vectors = embeddings.embed_many([enrichment.embedding_text(job) for job in batch])
    ready, to_profile, copies = [], [], []
    for job, vector in zip(batch, vectors):
        survivor = _near_duplicate(session, job, vector)
        if survivor is not None:
            _merge_into(session, job, survivor)
            session.flush()
            result["merged"] += 1
            continue
        try:
            with session.begin_nested():
                digest = enrichment.description_hash(job)
                twin = enrichment._twin(session, job, digest)
                if twin is not None:
                    enrichment._copy_from(job, twin)  # its skill-evidence profile too
                    copies.append((job, twin))  # a twin of this batch gets its profile below: again then
                else:
                    analysis, guides, generated_by = enrichment.generate(job)
                    enrichment._apply(job, analysis, guides, generated_by)
                    job.embedding = vector  # set now: later jobs of the batch are checked against it
                    to_profile.append(job)
                job.description_hash = digest
                session.add(job)
                session.flush()
            ready.append(job)
        except Exception as exc:
            _enrich_failed(session, job, exc)
            result["failed"] += 1
    try:  # the skill-evidence profiles, as enrichment.enrich makes them, with one embedding call for all
        enrichment.profile_many(to_profile)
    except Exception as exc:
        for job in to_profile:
            _enrich_failed(session, job, exc)
        result["failed"] += len(to_profile)
        ready = [job for job in ready if job not in to_profile]
    profiled = {job.id for job in to_profile} & {job.id for job in ready}
    for job, twin in copies:
        if twin.id in profiled:
            job.match_profile, job.requirement_vectors = twin.match_profile, twin.requirement_vectors
    for job in ready:
        job.status, job.enrich_error, job.enriched_at = JobStatus.active, None, utcnow()
        job.updated_at = utcnow()
        session.add(job)
    result["enriched"] = len(ready)
    live_jobs = ready
    session.commit()
    jobs.invalidate(r)
    for job in live_jobs:
        if job.id in first_time:
            on_live(job)
    return result
