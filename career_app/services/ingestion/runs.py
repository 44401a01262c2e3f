"""Performing a run, as the worker does it: claim it, store its postings batch by batch (dedup
layers 1-3: source identity, canonical URL, company + title + location key; then upsert), and
finish it: complete (postings it did not see are gone), partial or failed (nothing closed).
Each batch commits with the run's counters, so a requeued task takes a killed run up again
without duplicates. Every change of a run is published to the admins' live topic."""

import hashlib
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import redis
from sqlalchemy import func, text
from sqlmodel import Session, col, select

from career_app.services import enrichment, jobs, live
from career_app.services.errors import NotFound
from career_app.services.ingestion.normalize import Normalized, PostingError, RawPosting, _strip_controls, normalize
from career_app.services.ingestion.sources import _mark_gone, http_settings
from models.base import utcnow
from models.ingestion import FINISHED, INGESTION_OWNER_ID, IngestRun, IngestSource, JobPosting, RunStatus, \
    SourceKind, empty_counters
from models.job import Job, JobStatus, Visibility

log = logging.getLogger(__name__)

BATCH_SIZE = 50  # postings per transaction (and per progress event)
MAX_ERRORS_KEPT = 25  # first errors kept on a run, with their URLs
DONE_KEY = "ingest:done:{}"  # a list the run's task pushes to when it finishes (for callers that wait)


@dataclass(frozen=True)
class SourceSpec:
    """What a worker needs to run a source (detached from the session)."""

    name: str
    kind: SourceKind
    url: str
    params: dict
    http: dict


def claim_run(session: Session, r: redis.Redis, run_id: uuid.UUID, task_id: str | None) -> SourceSpec | None:
    """Mark the run running (attempts + 1: more than 1 means a killed run is taken up again);
    None when it already finished or its source is gone."""
    run = session.get(IngestRun, run_id, with_for_update=True)
    if run is None or run.status in FINISHED:
        session.rollback()
        return None
    source = session.get(IngestSource, run.source)
    if source is None:
        _finish(run, RunStatus.failed, "The source was deleted before the run started")
        session.add(run)
        session.commit()
        _publish_run(r, run)
        return None
    run.status, run.attempts = RunStatus.running, run.attempts + 1
    run.started_at = run.started_at or utcnow()
    run.heartbeat_at = utcnow()
    run.task_id = task_id or run.task_id
    if run.attempts > 1:
        run.message = f"Taken up again after an interruption (attempt {run.attempts})"
    session.add(run)
    session.commit()
    _publish_run(r, run)
    return SourceSpec(source.name, SourceKind(source.kind), source.url, dict(source.params), http_settings(source))


def heartbeat(session: Session, run_id: uuid.UUID, listed: int | None = None) -> None:
    session.exec(text("UPDATE ingest_runs SET heartbeat_at = now() WHERE id = :id").bindparams(id=run_id))
    session.commit()


def set_total(session: Session, r: redis.Redis, run_id: uuid.UUID, total: int) -> None:
    run = session.get(IngestRun, run_id)
    run.total, run.heartbeat_at = total, utcnow()
    session.add(run)
    session.commit()
    _publish_progress(r, run)


def record_error(run: IngestRun, url: str | None, error: str) -> None:
    """Keep the first errors of a run with their URLs (the caller counts them)."""
    if len(run.errors) < MAX_ERRORS_KEPT:
        run.errors = [*run.errors, {"url": _strip_controls(str(url))[:500] if url else None,
                                    "error": _strip_controls(error)[:500], "at": utcnow().isoformat()}]


@dataclass
class BatchResult:
    counters: dict[str, int]
    enrich: list[uuid.UUID]
    changed: bool


def _lock_keys(session: Session, keys: Iterable[str]) -> None:
    """Transaction-scoped advisory locks on a batch's URLs and identity keys, taken in one order:
    two sources storing the same posting at once cannot both create it, and cannot deadlock."""
    numbers = sorted({int.from_bytes(hashlib.blake2b(k.encode(), digest_size=8).digest(), "big", signed=True)
                      for k in keys if k})
    if numbers:
        session.exec(text("SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest(CAST(:keys AS bigint[])) AS k "
                          "ORDER BY 1) AS ordered").bindparams(keys=numbers))


def _apply(job: Job, item: Normalized) -> None:
    job.title, job.description_raw, job.company_name, job.location = (item.title, item.description, item.company,
                                                                       item.location)
    job.skills_required = item.skills
    job.salary_min, job.salary_max, job.salary_currency = item.salary_min, item.salary_max, item.salary_currency
    job.salary_period, job.country = item.salary_period, item.country
    job.remote_option, job.employment_type = item.remote_option, item.employment_type
    job.external_apply_url = item.url


def _reopen(job: Job) -> bool:
    """A closed ingested job listed again; True when it must be enriched first."""
    if job.status != JobStatus.closed:
        return False
    if enrichment.is_current(job):
        job.status = JobStatus.active
        return False
    job.status, job.enrich_error = JobStatus.processing, None
    return True


def ingest_batch(session: Session, run_id: uuid.UUID, source_name: str, default_company: str | None,
                 items: list[tuple[RawPosting, str | None]], seen: set[str]) -> BatchResult:
    """Normalize, dedup and store one batch of a run's postings in one transaction, with the run's
    counters, errors and heartbeat. `items` are (posting, error fetching its details or None);
    `seen` holds the external ids this run stored already (a posting listed twice is a dedup hit)."""
    run = session.get(IngestRun, run_id, with_for_update=True)
    counters = {**empty_counters(), **run.counters}
    before = dict(counters)
    now = utcnow()
    ready: list[Normalized] = []
    for raw, problem in items:
        counters["fetched"] += 1
        ref = raw.url or raw.detail_url
        if problem:
            record_error(run, ref, problem)
            counters["errors"] += 1
            _touch(session, source_name, str(raw.external_id), run_id, now)  # still listed: not gone
            continue
        try:
            item = normalize(raw, default_company, now)
        except PostingError as exc:
            record_error(run, ref, f"{exc} (id {str(raw.external_id)[:80]})")
            counters["errors"] += 1
            continue
        if item.external_id in seen:
            counters["dedup_hits"] += 1
            continue
        seen.add(item.external_id)
        ready.append(item)

    _lock_keys(session, [k for i in ready for k in (i.canonical_url, i.identity_key)])
    existing = {p.external_id: p for p in session.exec(select(JobPosting).where(
        JobPosting.source == source_name, col(JobPosting.external_id).in_([i.external_id for i in ready]))).all()}
    fresh = [i for i in ready if i.external_id not in existing]
    by_url: dict[str, uuid.UUID] = {}
    by_key: dict[str, uuid.UUID] = {}
    urls = [i.canonical_url for i in fresh if i.canonical_url]
    keys = [i.identity_key for i in fresh if i.identity_key]
    if urls or keys:
        for posting in session.exec(select(JobPosting).where(
                col(JobPosting.canonical_url).in_(urls) | col(JobPosting.identity_key).in_(keys))
                .order_by(col(JobPosting.gone_at).is_not(None), JobPosting.first_seen_at)).all():
            if posting.canonical_url:
                by_url.setdefault(posting.canonical_url, posting.job_id)
            if posting.identity_key:
                by_key.setdefault(posting.identity_key, posting.job_id)
    job_ids = {p.job_id for p in existing.values()} | set(by_url.values()) | set(by_key.values())
    loaded = {j.id: j for j in session.exec(select(Job).where(col(Job.id).in_(job_ids))).all()} if job_ids else {}

    enrich: list[uuid.UUID] = []
    changed = False
    for item in ready:
        posting = existing.get(item.external_id)
        if posting is not None:
            was_gone = posting.gone_at is not None
            posting.last_seen_at, posting.last_run_id, posting.gone_at = now, run_id, None
            job = loaded.get(posting.job_id)
            ours = job is not None and job.owner_id == INGESTION_OWNER_ID
            if posting.content_hash == item.content_hash and not (ours and job.status == JobStatus.closed):
                counters["skipped"] += 1
            else:
                counters["updated"] += 1
                posting.content_hash, posting.url, posting.canonical_url = (item.content_hash, item.url,
                                                                            item.canonical_url)
                posting.identity_key, posting.posted_at = item.identity_key, item.posted_at
                if ours and job.source == source_name:  # the source a job came from keeps it current
                    digest = enrichment.description_hash(job)
                    _apply(job, item)
                    if enrichment.description_hash(job) != digest and job.status != JobStatus.closed:
                        job.status, job.enrich_error = JobStatus.processing, None
                        enrich.append(job.id)
                if ours and (was_gone or job.status == JobStatus.closed) and _reopen(job):
                    enrich.append(job.id)
                if ours:
                    job.updated_at = now
                    session.add(job)
                    changed = True
            session.add(posting)
            continue
        target = (by_url.get(item.canonical_url) if item.canonical_url else None) or \
            (by_key.get(item.identity_key) if item.identity_key else None)
        if target is not None:
            counters["dedup_hits"] += 1
            job = loaded.get(target)
            if job is not None and job.owner_id == INGESTION_OWNER_ID and job.status == JobStatus.closed:
                if _reopen(job):
                    enrich.append(job.id)
                job.updated_at = now
                session.add(job)
                changed = True
        else:
            counters["new"] += 1
            created = min(item.posted_at or now, now)
            job = Job(owner_id=INGESTION_OWNER_ID, visibility=Visibility.public, status=JobStatus.processing,
                      source=source_name, title=item.title, description_raw=item.description, created_at=created,
                      updated_at=now)
            _apply(job, item)
            session.add(job)
            session.flush()
            target = job.id
            loaded[job.id] = job
            enrich.append(job.id)
        if item.canonical_url:
            by_url.setdefault(item.canonical_url, target)
        if item.identity_key:
            by_key.setdefault(item.identity_key, target)
        session.add(JobPosting(source=source_name, external_id=item.external_id, job_id=target, url=item.url,
                               canonical_url=item.canonical_url, identity_key=item.identity_key,
                               content_hash=item.content_hash, posted_at=item.posted_at, first_seen_at=now,
                               last_seen_at=now, last_run_id=run_id))
    run.counters = counters
    run.processed += len(items)
    run.heartbeat_at = now
    session.add(run)
    session.commit()
    delta = {k: counters[k] - before.get(k, 0) for k in counters}
    return BatchResult(delta, list(dict.fromkeys(enrich)), changed)


def _touch(session: Session, source_name: str, external_id: str, run_id: uuid.UUID, now: datetime) -> None:
    session.exec(text("UPDATE job_postings SET last_seen_at = :now, last_run_id = :run WHERE source = :source "
                      "AND external_id = :id").bindparams(now=now, run=run_id, source=source_name, id=external_id[:300]))


def _finish(run: IngestRun, status: RunStatus, message: str | None) -> None:
    run.status, run.finished_at, run.heartbeat_at = status, utcnow(), utcnow()
    if message:
        run.message = message[:2000]


def finish_run(session: Session, r: redis.Redis, run_id: uuid.UUID, *, listed: int, complete: bool,
               listing_error: tuple[str | None, str] | None = None, note: str | None = None) -> IngestRun:
    """Close the run: complete (then postings it did not see are gone and their jobs closed),
    partial or failed (nothing closed)."""
    run = session.get(IngestRun, run_id, with_for_update=True)
    if listing_error is not None:
        record_error(run, *listing_error)
        run.counters = {**empty_counters(), **run.counters, "errors": run.counters.get("errors", 0) + 1}
    open_before = session.exec(select(func.count()).select_from(JobPosting).where(
        JobPosting.source == run.source, col(JobPosting.gone_at).is_(None))).one()
    if complete and listed == 0 and open_before:
        complete, note = False, (f"The source listed no posting while {open_before} were open: taken for an "
                                 "outage, nothing was closed")
    if complete:
        closed = _mark_gone(session, run.source, run.id)
        run.counters = {**empty_counters(), **run.counters, "closed": closed}
        status = RunStatus.complete
    else:
        status = RunStatus.partial if run.processed and listed else RunStatus.failed
        note = note or ("The listing could not be read to its end: nothing was closed" if listing_error else None)
    _finish(run, status, note)
    session.add(run)
    session.commit()
    if run.counters.get("closed"):
        jobs.invalidate(r)
    _publish_run(r, run)
    return run


def fail_run(session: Session, r: redis.Redis, run_id: uuid.UUID, error: str) -> None:
    session.rollback()
    run = session.get(IngestRun, run_id)
    if run is None or run.status in FINISHED:
        return
    record_error(run, None, error)
    run.counters = {**empty_counters(), **run.counters, "errors": run.counters.get("errors", 0) + 1}
    _finish(run, RunStatus.failed, f"The run stopped: {error}"[:2000])
    session.add(run)
    session.commit()
    _publish_run(r, run)


def _event_run(run: IngestRun) -> dict:
    return {"source": run.source, "run_id": str(run.id), "status": run.status.value if hasattr(run.status, "value")
            else run.status, "processed": run.processed, "total": run.total,
            "counters": {**empty_counters(), **run.counters}}


def _publish(r: redis.Redis, event: dict) -> None:
    try:
        live.publish(r, live.ADMINS, event)
    except redis.RedisError as exc:
        log.warning("ingestion event not published: %s", exc)


def _publish_progress(r: redis.Redis, run: IngestRun) -> None:
    _publish(r, {"type": "ingest_progress", **_event_run(run)})


def _publish_run(r: redis.Redis, run: IngestRun) -> None:
    _publish(r, {"type": "ingest_run", **_event_run(run), "trigger": run.trigger, "message": run.message,
                 "started_at": run.started_at, "finished_at": run.finished_at, "errors": run.errors[:5]})
    if run.status in FINISHED:
        try:
            key = DONE_KEY.format(run.id)
            r.rpush(key, run.status.value)
            r.expire(key, 600)
        except redis.RedisError:
            pass


def publish_progress(session: Session, r: redis.Redis, run_id: uuid.UUID) -> None:
    run = session.get(IngestRun, run_id)
    if run is not None:
        _publish_progress(r, run)


def get_run(session: Session, run_id: uuid.UUID | str) -> IngestRun:
    try:
        run = session.get(IngestRun, uuid.UUID(str(run_id)))
    except ValueError:
        run = None
    if run is None:
        raise NotFound("Run not found")
    return run


def list_runs(session: Session, source: str | None = None, status: RunStatus | None = None, skip: int = 0,
              limit: int = 20) -> tuple[list[IngestRun], int]:
    conditions = []
    if source:
        conditions.append(IngestRun.source == source.strip().lower())
    if status:
        conditions.append(IngestRun.status == status)
    total = session.exec(select(func.count()).select_from(IngestRun).where(*conditions)).one()
    rows = session.exec(select(IngestRun).where(*conditions)
                        .order_by(col(IngestRun.created_at).desc(), col(IngestRun.id).desc())
                        .offset(skip).limit(limit)).all()
    return list(rows), total
