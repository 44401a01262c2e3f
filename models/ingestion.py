"""Job ingestion: the sources (an adapter kind + its URL and parameters), a log row per run of a
source, and one row per posting seen in a source, linked to the one Job it became.

Ingested jobs are ordinary `jobs` rows (source = the source's name, external_apply_url = the
original posting) owned by INGESTION_OWNER_ID: an inactive, password-less system account made by
migration 0005. No provider owns them, no one can sign in as their owner, and every visibility rule
of career_app.services.jobs applies to them unchanged."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, ForeignKey, Index, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from models.base import utcnow

INGESTION_OWNER_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
INGESTION_OWNER_EMAIL = "ingestion@system.invalid"


class SourceKind(StrEnum):
    greenhouse = "greenhouse"
    lever = "lever"
    ashby = "ashby"
    smartrecruiters = "smartrecruiters"
    workable = "workable"
    workday = "workday"
    rss = "rss"
    jsonld = "jsonld"
    file = "file"
    remotive = "remotive"
    arbeitnow = "arbeitnow"
    remoteok = "remoteok"
    jobicy = "jobicy"
    himalayas = "himalayas"
    themuse = "themuse"
    landingjobs = "landingjobs"


class RunStatus(StrEnum):
    queued = "queued"
    running = "running"
    complete = "complete"  # the whole listing was read: postings missing from it were closed
    partial = "partial"  # some postings were stored, but the listing was not read to its end: nothing closed
    failed = "failed"  # nothing could be listed: nothing closed


FINISHED = (RunStatus.complete, RunStatus.partial, RunStatus.failed)


def empty_counters() -> dict[str, int]:
    return {"fetched": 0, "new": 0, "updated": 0, "skipped": 0, "errors": 0, "dedup_hits": 0, "closed": 0}


class IngestSource(SQLModel, table=True):
    __tablename__ = "ingest_sources"

    name: str = Field(primary_key=True, max_length=40)
    kind: SourceKind = Field(max_length=20)
    url: str = Field(max_length=2000)
    params: dict = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}"))
    schedule: str | None = Field(default=None, max_length=100)  # cron, in UTC; None: by hand only
    enabled: bool = True
    next_run_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class IngestRun(SQLModel, table=True):
    __tablename__ = "ingest_runs"
    __table_args__ = (
        Index("ix_ingest_runs_source_started", "source", text("created_at DESC")),
        Index("ix_ingest_runs_created", text("created_at DESC")),
        Index("uq_ingest_runs_open", "source", unique=True, postgresql_where=text("status IN ('queued', 'running')")),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    source: str = Field(max_length=40)  # no foreign key: the log outlives a deleted source
    trigger: str = Field(default="manual", max_length=20)  # manual, schedule, all, api, demo
    task_id: str | None = Field(default=None, max_length=64)
    status: RunStatus = Field(default=RunStatus.queued, max_length=16)
    attempts: int = 0  # > 1 when a killed worker's run was taken up again
    total: int | None = None  # postings listed; known once the listing is read
    processed: int = 0
    counters: dict = Field(default_factory=empty_counters, sa_column=Column(JSONB, nullable=False,
                                                                            server_default="{}"))
    errors: list = Field(default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]"))
    message: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    started_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    heartbeat_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class JobPosting(SQLModel, table=True):
    """A posting as one source lists it. Several postings (other sources, reposts) may share a job."""

    __tablename__ = "job_postings"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_job_postings_source_external"),
        Index("ix_job_postings_job", "job_id"),
        Index("ix_job_postings_canonical_url", "canonical_url"),
        Index("ix_job_postings_identity", "identity_key"),
        Index("ix_job_postings_open_source", "source", postgresql_where=text("gone_at IS NULL")),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    source: str = Field(max_length=40)
    external_id: str = Field(max_length=300)
    job_id: uuid.UUID = Field(sa_column=Column(ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False))
    url: str | None = Field(default=None, max_length=2000)
    canonical_url: str | None = Field(default=None, max_length=2000)
    identity_key: str = Field(max_length=700)  # normalized company | title | location
    content_hash: str = Field(max_length=64)  # of the normalized fields: unchanged postings are not rewritten
    posted_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    first_seen_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    last_seen_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    last_run_id: uuid.UUID | None = None
    gone_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
