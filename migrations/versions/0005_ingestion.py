"""job ingestion: sources, run logs, postings; the system account that owns ingested jobs

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-26
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# models.ingestion.INGESTION_OWNER_ID / INGESTION_OWNER_EMAIL (kept literal: migrations do not import models)
OWNER_ID = "00000000-0000-4000-8000-000000000001"
OWNER_EMAIL = "ingestion@system.invalid"
CATEGORIES = '["job_match", "chat", "enrichment", "resume", "application", "ingestion", "system"]'


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "ingest_sources",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("params", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column("schedule", sa.String(100), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.true()),
        _when("next_run_at"),
        _when("created_at", False),
        _when("updated_at", False),
    )
    op.create_table(
        "ingest_runs",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("trigger", sa.String(20), nullable=False, server_default="manual"),
        sa.Column("task_id", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("processed", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("counters", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column("errors", postgresql.JSONB(), nullable=False, server_default="[]"),
        sa.Column("message", sa.Text(), nullable=True),
        _when("created_at", False),
        _when("started_at"),
        _when("heartbeat_at"),
        _when("finished_at"),
    )
    op.create_index("ix_ingest_runs_source_started", "ingest_runs", ["source", sa.text("created_at DESC")])
    op.create_index("ix_ingest_runs_created", "ingest_runs", [sa.text("created_at DESC")])
    # One open run per source: a second trigger while one is queued or running is a 409.
    op.create_index("uq_ingest_runs_open", "ingest_runs", ["source"], unique=True,
                    postgresql_where=sa.text("status IN ('queued', 'running')"))
    op.create_table(
        "job_postings",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("external_id", sa.String(300), nullable=False),
        sa.Column("job_id", sa.Uuid(), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("url", sa.String(2000), nullable=True),
        sa.Column("canonical_url", sa.String(2000), nullable=True),
        sa.Column("identity_key", sa.String(700), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        _when("posted_at"),
        _when("first_seen_at", False),
        _when("last_seen_at", False),
        sa.Column("last_run_id", sa.Uuid(), nullable=True),
        _when("gone_at"),
        sa.UniqueConstraint("source", "external_id", name="uq_job_postings_source_external"),
    )
    op.create_index("ix_job_postings_job", "job_postings", ["job_id"])
    op.create_index("ix_job_postings_canonical_url", "job_postings", ["canonical_url"])
    op.create_index("ix_job_postings_identity", "job_postings", ["identity_key"])
    # Layer 4 of dedup compares a new job with the same company's listings.
    op.create_index("ix_jobs_company_lower", "jobs", [sa.text("lower(company_name)")])
    op.create_index("ix_job_postings_open_source", "job_postings", ["source"],
                    postgresql_where=sa.text("gone_at IS NULL"))

    # The owner of ingested jobs: no password (no sign-in), inactive (no token is ever accepted for it),
    # every notification category muted (a failed enrichment of an ingested job notifies nobody).
    op.execute(sa.text(
        "INSERT INTO users (id, email, full_name, role, is_active, created_at, skills) "
        "VALUES (CAST(:id AS uuid), :email, 'Job ingestion (system)', 'provider', false, now(), '[]') ON CONFLICT DO NOTHING"
    ).bindparams(id=OWNER_ID, email=OWNER_EMAIL))
    op.execute(sa.text(
        "INSERT INTO notification_settings (user_id, muted_categories, in_app, email, time_zone, match_threshold, "
        "updated_at) VALUES (CAST(:id AS uuid), CAST(:muted AS jsonb), false, false, 'UTC', 0.7, now()) ON CONFLICT DO NOTHING"
    ).bindparams(id=OWNER_ID, muted=CATEGORIES))


def downgrade() -> None:
    op.drop_index("ix_jobs_company_lower", "jobs")
    op.drop_table("job_postings")
    op.drop_table("ingest_runs")
    op.drop_table("ingest_sources")
    op.execute(sa.text("DELETE FROM jobs WHERE owner_id = CAST(:id AS uuid)").bindparams(id=OWNER_ID))
    op.execute(sa.text("DELETE FROM users WHERE id = CAST(:id AS uuid)").bindparams(id=OWNER_ID))
