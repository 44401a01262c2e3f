"""content studio: generated documents and their versions

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "content_documents",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("owner_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("job_id", sa.Uuid(), sa.ForeignKey("jobs.id", ondelete="SET NULL"), nullable=True),
        sa.Column("company", sa.String(200), nullable=False),
        sa.Column("role", sa.String(200), nullable=False),
        sa.Column("tone", sa.String(12), nullable=False),
        sa.Column("length", sa.String(8), nullable=False),
        sa.Column("email_kind", sa.String(16), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("generated_by", sa.String(120), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False, server_default="1"),
        _when("created_at", False),
        _when("updated_at", False),
        _when("deleted_at"),
    )
    op.create_index("ix_content_documents_owner_updated", "content_documents", ["owner_id", "updated_at"],
                    postgresql_where=sa.text("deleted_at IS NULL"))
    op.create_index("ix_content_documents_owner_job", "content_documents", ["owner_id", "job_id"],
                    postgresql_where=sa.text("deleted_at IS NULL"))
    op.create_table(
        "content_versions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("document_id", sa.Uuid(), sa.ForeignKey("content_documents.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("unsupported_claims", postgresql.JSONB(), nullable=False, server_default="[]"),
        sa.Column("structure", postgresql.JSONB(), nullable=False, server_default="[]"),
        sa.Column("source", sa.String(12), nullable=False),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        _when("created_at", False),
        sa.UniqueConstraint("document_id", "number", name="ux_content_versions_document_number"),
    )


def downgrade() -> None:
    op.drop_table("content_versions")
    op.drop_table("content_documents")
