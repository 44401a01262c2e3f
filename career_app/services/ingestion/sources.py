"""Ingestion sources: seeded from config/sources.json on first start, added and changed by admins,
listed with their last run and open postings. Removing a source (or a complete run of it) marks
the postings it no longer lists gone and closes the jobs left with none."""

import json
import uuid
from datetime import datetime
from functools import cache
from pathlib import Path

import redis
from croniter import croniter
from sqlalchemy import func, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from career_app.services import jobs
from career_app.services.errors import Conflict, NotFound, Unprocessable
from models.base import utcnow
from models.ingestion import INGESTION_OWNER_ID, IngestRun, IngestSource, JobPosting, RunStatus
from models.ingestion_schemas import SOURCE_NAME_RE, RunOut, SourceCreate, SourceOut, SourceUpdate, check_source_url

ROOT = Path(__file__).resolve().parents[3]
CONFIG_FILE = ROOT / "config" / "sources.json"
CATALOGUE_DIR = ROOT / "jobs_worker" / "data"  # `file` sources read only from here (or over http)
SAMPLE_SOURCE = "sample"


@cache
def _config() -> dict:
    return json.loads(CONFIG_FILE.read_text()) if CONFIG_FILE.exists() else {"sources": []}


def http_defaults() -> dict:
    return dict(_config().get("http", {}))


def http_settings(source: IngestSource) -> dict:
    """The source's politeness: the config's defaults, then the source's own `params.http`."""
    merged = {**http_defaults(), **(source.params.get("http") or {})}
    merged["allow_private"] = bool(source.params.get("allow_private_network", False))
    return merged


def next_run(schedule: str | None, enabled: bool, after: datetime | None = None) -> datetime | None:
    if not schedule or not enabled:
        return None
    return croniter(schedule, after or utcnow()).get_next(datetime)


def ensure_seeded(session: Session) -> int:
    """On first start (no source at all) the config file's sources are created; returns how many."""
    if session.exec(select(func.count()).select_from(IngestSource)).one():
        return 0
    created = 0
    for entry in _config().get("sources", []):
        data = SourceCreate.model_validate({k: v for k, v in entry.items() if not k.startswith("_")})
        session.exec(text(
            "INSERT INTO ingest_sources (name, kind, url, params, schedule, enabled, next_run_at, created_at, "
            "updated_at) VALUES (:name, :kind, :url, CAST(:params AS jsonb), :schedule, :enabled, :next, now(), now()) "
            "ON CONFLICT DO NOTHING").bindparams(
            name=data.name, kind=data.kind.value, url=data.url, params=json.dumps(data.params),
            schedule=data.schedule, enabled=data.enabled, next=next_run(data.schedule, data.enabled)))
        created += 1
    session.commit()
    return created


def get_source(session: Session, name: str) -> IngestSource:
    name = (name or "").strip().lower()
    source = session.get(IngestSource, name) if SOURCE_NAME_RE.fullmatch(name) else None
    if source is None:
        raise NotFound(f"Unknown source: {name}")
    return source


def _add_unique(session: Session, row, conflict: str):
    """Insert a row that a unique index guards (a source name, one open run per source): 409 if taken."""
    session.add(row)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(conflict) from exc
    return row


def create_source(session: Session, data: SourceCreate) -> IngestSource:
    return _add_unique(session, IngestSource(
        name=data.name, kind=data.kind, url=data.url, params=data.params, schedule=data.schedule, enabled=data.enabled,
        next_run_at=next_run(data.schedule, data.enabled)), f"A source named {data.name} exists")


def update_source(session: Session, name: str, data: SourceUpdate) -> IngestSource:
    source = get_source(session, name)
    changes = data.model_dump(exclude_unset=True)
    if "url" in changes or "kind" in changes:
        kind = changes.get("kind") or source.kind
        try:
            changes["url"] = check_source_url(changes.get("url") or source.url, kind)
        except ValueError as exc:  # the new kind does not take the URL (or the new URL the kind)
            kind_of_error = getattr(exc, "type", "value_error")
            raise Unprocessable(exc.message() if hasattr(exc, "message") else str(exc), ("body", "url"),
                                kind_of_error) from None
    for key, value in changes.items():
        if key in ("kind", "url", "enabled") and value is None:
            continue
        setattr(source, key, value if key != "params" else dict(value or {}))
    source.next_run_at = next_run(source.schedule, source.enabled)
    source.updated_at = utcnow()
    session.add(source)
    session.commit()  # deleted by another request meanwhile: a 404 (api/app.py, StaleDataError)
    return source


def delete_source(session: Session, r: redis.Redis, name: str, close_jobs: bool = True) -> int:
    """Remove a source (its run log stays); with close_jobs, its postings are gone and jobs that no
    other source lists are closed. Returns how many jobs were closed."""
    source = get_source(session, name)
    if _open_run(session, source.name) is not None:
        raise Conflict("A run of this source is in progress; try again when it has finished")
    closed = _mark_gone(session, source.name, None) if close_jobs else 0
    session.delete(source)
    session.commit()
    if closed:
        jobs.invalidate(r)
    return closed


def _open_run(session: Session, source: str) -> IngestRun | None:
    return session.exec(select(IngestRun).where(IngestRun.source == source,
                                                col(IngestRun.status).in_([RunStatus.queued, RunStatus.running]))
                        .limit(1)).first()


def _last_finished(session: Session, names: list[str]) -> dict[str, IngestRun]:
    if not names:
        return {}
    rows = session.exec(text(
        "SELECT DISTINCT ON (source) id FROM ingest_runs WHERE source = ANY(:names) "
        "AND status IN ('complete', 'partial', 'failed') ORDER BY source, created_at DESC").bindparams(names=names)).all()
    runs = session.exec(select(IngestRun).where(col(IngestRun.id).in_([row[0] for row in rows]))).all()
    return {run.source: run for run in runs}


def list_sources(session: Session) -> list[SourceOut]:
    ensure_seeded(session)
    sources = session.exec(select(IngestSource).order_by(IngestSource.name)).all()
    names = [s.name for s in sources]
    last = _last_finished(session, names)
    running = {run.source: run for run in session.exec(select(IngestRun).where(
        col(IngestRun.source).in_(names), col(IngestRun.status).in_([RunStatus.queued, RunStatus.running]))).all()}
    open_counts = dict(session.exec(select(JobPosting.source, func.count()).where(
        col(JobPosting.gone_at).is_(None)).group_by(JobPosting.source)).all())
    return [source_out(s, last.get(s.name), running.get(s.name), open_counts.get(s.name, 0)) for s in sources]


def source_out(source: IngestSource, last: IngestRun | None = None, running: IngestRun | None = None,
               open_postings: int = 0) -> SourceOut:
    return SourceOut(name=source.name, kind=source.kind, url=source.url, params=source.params,
                     schedule=source.schedule, enabled=source.enabled,
                     next_run_at=source.next_run_at if source.enabled else None, open_postings=open_postings,
                     last_run=RunOut.model_validate(last) if last else None,
                     running=RunOut.model_validate(running) if running else None)


def describe_source(session: Session, name: str) -> SourceOut:
    source = get_source(session, name)
    last = _last_finished(session, [source.name]).get(source.name)
    count = session.exec(select(func.count()).select_from(JobPosting).where(
        JobPosting.source == source.name, col(JobPosting.gone_at).is_(None))).one()
    return source_out(source, last, _open_run(session, source.name), count)


def _mark_gone(session: Session, source_name: str, run_id: uuid.UUID | None) -> int:
    """Postings of the source not seen by `run_id` (all of them when None) are gone; jobs of ours
    left with no open posting are closed. Returns the number of jobs closed."""
    gone = session.exec(text(
        "UPDATE job_postings SET gone_at = now() WHERE source = :source AND gone_at IS NULL "
        "AND (CAST(:run AS uuid) IS NULL OR last_run_id IS DISTINCT FROM CAST(:run AS uuid)) RETURNING job_id")
        .bindparams(source=source_name, run=str(run_id) if run_id else None)).all()
    job_ids = list({row[0] for row in gone})
    if not job_ids:
        return 0
    closed = session.exec(text(
        "UPDATE jobs SET status = 'closed', updated_at = now() WHERE id = ANY(:ids) AND owner_id = :owner "
        "AND status <> 'closed' AND NOT EXISTS (SELECT 1 FROM job_postings p WHERE p.job_id = jobs.id "
        "AND p.gone_at IS NULL) RETURNING id").bindparams(ids=job_ids, owner=INGESTION_OWNER_ID)).all()
    return len(closed)


def catalogue_file(url: str) -> Path:
    """The bundled catalogue a `file` source names; nothing outside CATALOGUE_DIR is ever read."""
    name = url.removeprefix("file:")
    path = (CATALOGUE_DIR / name).resolve()
    if path.parent != CATALOGUE_DIR.resolve() or not path.is_file():
        raise NotFound(f"No catalogue file {name} in the bundled data")
    return path
