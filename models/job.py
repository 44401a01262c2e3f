"""Job listings (public once enriched) and seekers' private tracked jobs: one table."""

import uuid
from datetime import datetime
from enum import StrEnum

from pgvector.sqlalchemy import Vector
from sqlalchemy import Column, Computed, DateTime, ForeignKey, Index, LargeBinary, Text, text
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlmodel import Field, SQLModel

from models.base import empty_list, utcnow
from models.resume import EMBEDDING_DIMENSIONS


class Visibility(StrEnum):
    public = "public"  # a listing: posted by a provider or ingested, shown to everyone once active
    private = "private"  # a job a seeker tracks for themself: only its owner sees it


class JobStatus(StrEnum):
    processing = "processing"  # enrichment queued or running
    active = "active"
    enrich_failed = "enrich_failed"
    closed = "closed"  # taken down by its owner


class TrackingStatus(StrEnum):
    """Where a seeker stands with a job they track (applications have their own pipeline)."""

    saved = "saved"
    interested = "interested"
    applied = "applied"
    archived = "archived"


class RemoteOption(StrEnum):
    onsite = "onsite"
    hybrid = "hybrid"
    remote = "remote"


class EmploymentType(StrEnum):
    full_time = "full_time"
    part_time = "part_time"
    contract = "contract"
    internship = "internship"
    temporary = "temporary"


# Yearly salaries in any currency (JPY and INR figures run into the tens of millions); fits INTEGER.
MAX_SALARY = 2_000_000_000

# Pay periods a posting states its salary in, and how many of each make a year (40-hour weeks, 260
# working days). salary_min/salary_max are always yearly; salary_period says how it was posted.
PAY_PERIODS = {"year": 1, "month": 12, "week": 52, "day": 260, "hour": 2080}

# Every listing query that the public sees filters on this; the partial indexes below match it.
PUBLIC_ACTIVE = "status = 'active' AND visibility = 'public'"


class Job(SQLModel, table=True):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_owner_created", "owner_id", "created_at"),
        Index("ix_jobs_feed", text("created_at DESC"), text("id DESC"), postgresql_where=text(PUBLIC_ACTIVE)),
        Index("ix_jobs_search", "search_vector", postgresql_using="gin"),
        Index("ix_jobs_skills", "skills", postgresql_using="gin", postgresql_ops={"skills": "jsonb_path_ops"}),
        Index("ix_jobs_description_hash", "description_hash"),
        Index("ux_jobs_owner_listing", "owner_id", "listing_id", unique=True,
              postgresql_where=text("listing_id IS NOT NULL")),
        Index("ix_jobs_family", "family", postgresql_where=text(PUBLIC_ACTIVE)),
        Index("ix_jobs_embedding_hnsw", "embedding", postgresql_using="hnsw",
              postgresql_with={"m": 16, "ef_construction": 64},
              postgresql_ops={"embedding": "vector_cosine_ops"}, postgresql_where=text(PUBLIC_ACTIVE)),
        # The salary filter: per currency, the top (for a minimum asked) and the bottom (for a maximum) of
        # each listing's yearly range; the estimate: listings of one family, country and currency.
        Index("ix_jobs_salary_top", "salary_currency", text("coalesce(salary_max, salary_min)"),
              postgresql_where=text(PUBLIC_ACTIVE)),
        Index("ix_jobs_salary_bottom", "salary_currency", text("coalesce(salary_min, salary_max)"),
              postgresql_where=text(PUBLIC_ACTIVE)),
        Index("ix_jobs_salary_market", "family", "country", "salary_currency",
              postgresql_where=text(f"{PUBLIC_ACTIVE} AND (salary_min IS NOT NULL OR salary_max IS NOT NULL)")),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: uuid.UUID = Field(sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    visibility: Visibility = Field(default=Visibility.public, max_length=16)
    status: JobStatus = Field(default=JobStatus.processing, max_length=16)
    source: str = Field(default="provider", max_length=40)

    title: str = Field(max_length=200)
    company_name: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=200)
    description_raw: str = Field(sa_column=Column(Text, nullable=False))
    skills_required: list[str] = Field(default_factory=empty_list, sa_column=Column(JSONB, nullable=False, server_default="[]"))
    salary_min: int | None = None  # yearly, in salary_currency, as posted (hourly, monthly... pay annualised)
    salary_max: int | None = None
    salary_currency: str | None = Field(default=None, max_length=3)
    salary_period: str | None = Field(default=None, max_length=8)  # a PAY_PERIODS key: how it was posted; None: year
    country: str | None = Field(default=None, max_length=2)  # ISO 3166-1 alpha-2, from the location (services/countries)
    remote_option: RemoteOption | None = Field(default=None, max_length=16)
    employment_type: EmploymentType | None = Field(default=None, max_length=16)
    external_apply_url: str | None = Field(default=None, max_length=2000)

    # Filled by enrichment.
    # The occupational family (services/families.py: software, healthcare, ...), from the title and skills.
    family: str | None = Field(default=None, max_length=40)
    skills: list[str] = Field(default_factory=empty_list, sa_column=Column(JSONB, nullable=False, server_default="[]"))
    resume_guide_generated: dict | None = Field(default=None, sa_column=Column(JSONB))
    prep_guide_generated: dict | None = Field(default=None, sa_column=Column(JSONB))
    family: str | None = Field(default=None, max_length=40)  # occupational family (services/families), at enrichment
    generated_by: str | None = Field(default=None, max_length=120)
    description_hash: str | None = Field(default=None, max_length=64)
    embedding: list[float] | None = Field(default=None, sa_column=Column(Vector(EMBEDDING_DIMENSIONS)))
    enrich_error: str | None = Field(default=None, max_length=1000)
    enrich_attempts: int = 0
    enriched_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    # Skill evidence (services/evidence.py), filled by enrichment: the requirements in the job's words,
    # normalised, with the job's seniority; one int8 embedding row per requirement.
    match_profile: dict | None = Field(default=None, sa_column=Column(JSONB))
    requirement_vectors: bytes | None = Field(default=None, sa_column=Column(LargeBinary))

    # A seeker's tracked job (visibility private): their own notes and where they stand; a saved
    # listing is a reference (`listing_id`) whose content is read from the listing, not copied.
    notes: str | None = Field(default=None, sa_column=Column(Text))
    tracking_status: TrackingStatus | None = Field(default=None, max_length=16)
    source_url: str | None = Field(default=None, max_length=2000)
    listing_id: uuid.UUID | None = Field(default=None, sa_column=Column(ForeignKey("jobs.id", ondelete="SET NULL")))

    search_vector: str | None = Field(default=None, sa_column=Column(TSVECTOR, Computed(
        "to_tsvector('english', coalesce(title, '') || ' ' || coalesce(company_name, '') || ' ' "
        "|| coalesce(location, '') || ' ' || coalesce(description_raw, ''))", persisted=True)))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class JobMatchRow(SQLModel, table=True):
    """What the recommendations' candidate pool reads, one row per active public listing with an
    embedding: a narrow copy of jobs kept in step by a trigger on jobs (migrations 0008, 0009), never
    written by the application."""

    __tablename__ = "job_match_rows"
    __table_args__ = (
        Index("ix_job_match_rows_embedding_hnsw", "embedding", postgresql_using="hnsw",
              postgresql_with={"m": 16, "ef_construction": 64}, postgresql_ops={"embedding": "vector_cosine_ops"}),
    )

    job_id: uuid.UUID = Field(sa_column=Column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True))
    owner_id: uuid.UUID = Field(nullable=False)
    embedding: list[float] = Field(sa_column=Column(Vector(EMBEDDING_DIMENSIONS), nullable=False))
    profile: str | None = Field(default=None, sa_column=Column(Text))  # jobs.match_profile as JSON text
    requirement_vectors: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    # Derived by the trigger (migration 0009), as JSON: the profile's version, each requirement's
    # skills and the seniority (what ranking reads of it), and the fields a recommendation shows.
    rank_digest: str | None = Field(default=None, sa_column=Column(Text))
    card: str | None = Field(default=None, sa_column=Column(Text))
