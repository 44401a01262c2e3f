"""application tracker: seekers' tracked jobs (notes, tracking status, source, saved listings), applications
and their timelines; merges the 0004 and 0005 branches

Revision ID: 0006
Revises: 0004, 0005
Create Date: 2026-11-25
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | Sequence[str] | None = ("0004", "0005")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.add_column("jobs", sa.Column("notes", sa.Text(), nullable=True))
    op.add_column("jobs", sa.Column("tracking_status", sa.String(16), nullable=True))
    op.add_column("jobs", sa.Column("source_url", sa.String(2000), nullable=True))
    op.add_column("jobs", sa.Column("listing_id", sa.Uuid(), sa.ForeignKey("jobs.id", ondelete="SET NULL"),
                                    nullable=True))
    op.create_index("ux_jobs_owner_listing", "jobs", ["owner_id", "listing_id"], unique=True,
                    postgresql_where=sa.text("listing_id IS NOT NULL"))

    op.create_table(
        "applications",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("job_id", sa.Uuid(), sa.ForeignKey("jobs.id", ondelete="SET NULL"), nullable=True),
        sa.Column("company_name", sa.String(200), nullable=False),
        sa.Column("job_title", sa.String(200), nullable=False),
        sa.Column("job_url", sa.String(2000), nullable=True),
        sa.Column("location", sa.String(200), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=True),
        sa.Column("interviews", postgresql.JSONB(), nullable=False, server_default="[]"),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("resume_sent", sa.String(200), nullable=True),
        sa.Column("cover_letter_sent", sa.String(200), nullable=True),
        _when("deleted_at"),
        _when("created_at", False),
        _when("updated_at", False),
    )
    op.create_index("ix_applications_user_status", "applications", ["user_id", "status"],
                    postgresql_where=sa.text("deleted_at IS NULL"))
    op.create_index("ix_applications_user_updated", "applications", ["user_id", "updated_at"])
    op.create_table(
        "application_events",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("application_id", sa.Uuid(), sa.ForeignKey("applications.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=True),
        sa.Column("changes", postgresql.JSONB(), nullable=False, server_default="{}"),
        _when("at", False),
    )
    op.create_index("ix_application_events_app_at", "application_events", ["application_id", "at"])


def downgrade() -> None:
    op.drop_table("application_events")
    op.drop_table("applications")
    op.drop_index("ux_jobs_owner_listing", table_name="jobs")
    for column in ("listing_id", "source_url", "tracking_status", "notes"):
        op.drop_column("jobs", column)
