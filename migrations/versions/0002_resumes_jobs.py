"""resumes, resume uploads, jobs; profile details on users

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from collections.abc import Sequence

import pgvector.sqlalchemy
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PUBLIC_ACTIVE = "status = 'active' AND visibility = 'public'"


def _jsonb_list(name: str) -> sa.Column:
    return sa.Column(name, postgresql.JSONB(), nullable=False, server_default="[]")


def upgrade() -> None:
    op.add_column("users", sa.Column("headline", sa.String(160), nullable=True))
    op.add_column("users", sa.Column("location", sa.String(120), nullable=True))
    op.add_column("users", _jsonb_list("skills"))

    op.create_table(
        "resumes",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(120), nullable=False),
        sa.Column("storage_key", sa.String(255), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _jsonb_list("skills"),
        sa.Column("embedding", pgvector.sqlalchemy.Vector(384), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "resume_uploads",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("staging_key", sa.String(255), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("characters_extracted", sa.Integer(), nullable=True),
        _jsonb_list("skills"),
        sa.Column("suggestions", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_resume_uploads_user_created", "resume_uploads", ["user_id", "created_at"])

    op.create_table(
        "jobs",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("owner_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("company_name", sa.String(200), nullable=True),
        sa.Column("location", sa.String(200), nullable=True),
        sa.Column("description_raw", sa.Text(), nullable=False),
        _jsonb_list("skills_required"),
        sa.Column("salary_min", sa.Integer(), nullable=True),
        sa.Column("salary_max", sa.Integer(), nullable=True),
        sa.Column("salary_currency", sa.String(3), nullable=True),
        sa.Column("remote_option", sa.String(16), nullable=True),
        sa.Column("employment_type", sa.String(16), nullable=True),
        sa.Column("external_apply_url", sa.String(2000), nullable=True),
        _jsonb_list("skills"),
        sa.Column("resume_guide_generated", postgresql.JSONB(), nullable=True),
        sa.Column("prep_guide_generated", postgresql.JSONB(), nullable=True),
        sa.Column("salary_estimate", postgresql.JSONB(), nullable=True),
        sa.Column("generated_by", sa.String(120), nullable=True),
        sa.Column("description_hash", sa.String(64), nullable=True),
        sa.Column("embedding", pgvector.sqlalchemy.Vector(384), nullable=True),
        sa.Column("enrich_error", sa.String(1000), nullable=True),
        sa.Column("enrich_attempts", sa.Integer(), nullable=False),
        sa.Column("enriched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("search_vector", postgresql.TSVECTOR(), sa.Computed(
            "to_tsvector('english', coalesce(title, '') || ' ' || coalesce(company_name, '') || ' ' "
            "|| coalesce(location, '') || ' ' || coalesce(description_raw, ''))", persisted=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_jobs_owner_created", "jobs", ["owner_id", "created_at"])
    op.create_index("ix_jobs_feed", "jobs", [sa.text("created_at DESC"), sa.text("id DESC")],
                    postgresql_where=sa.text(PUBLIC_ACTIVE))
    op.create_index("ix_jobs_search", "jobs", ["search_vector"], postgresql_using="gin")
    op.create_index("ix_jobs_skills", "jobs", ["skills"], postgresql_using="gin",
                    postgresql_ops={"skills": "jsonb_path_ops"})
    op.create_index("ix_jobs_description_hash", "jobs", ["description_hash"])
    op.create_index("ix_jobs_embedding_hnsw", "jobs", ["embedding"], postgresql_using="hnsw",
                    postgresql_with={"m": 16, "ef_construction": 64},
                    postgresql_ops={"embedding": "vector_cosine_ops"}, postgresql_where=sa.text(PUBLIC_ACTIVE))


def downgrade() -> None:
    op.drop_table("jobs")
    op.drop_table("resume_uploads")
    op.drop_table("resumes")
    op.drop_column("users", "skills")
    op.drop_column("users", "location")
    op.drop_column("users", "headline")
