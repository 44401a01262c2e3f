"""sign-in through OpenID Connect providers, in-product feedback with screenshots, the help centre

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

- linked_identities: an account at Google or another OIDC provider (its `sub`) that signs a user in.
- feedback (+ feedback_screenshots, the re-encoded image apart so that lists never read it).
- help_articles, filled with the articles shipped in career_app/services/data/help_articles/.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "linked_identities",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        _when("created_at"),
        _when("last_used_at", True),
        sa.UniqueConstraint("provider", "subject", name="uq_linked_identities_subject"),
        sa.UniqueConstraint("user_id", "provider", name="uq_linked_identities_user_provider"),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("category", sa.String(10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("page", sa.String(300), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("has_screenshot", sa.Boolean(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        _when("replied_at", True),
        _when("created_at"),
        _when("updated_at"),
    )
    op.create_index("ix_feedback_status_created", "feedback", ["status", "created_at"])
    op.create_table(
        "feedback_screenshots",
        sa.Column("feedback_id", sa.Uuid(), sa.ForeignKey("feedback.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("content_type", sa.String(20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
    )
    help_articles = op.create_table(
        "help_articles",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("slug", sa.String(80), nullable=False, unique=True),
        sa.Column("title", sa.String(160), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("summary", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("page", sa.String(120), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
    )
    op.create_index("ix_help_articles_page", "help_articles", ["page"])
    from career_app.services import help_centre  # the shipped articles, as they stand now

    op.bulk_insert(help_articles, help_centre.shipped_rows())


def downgrade() -> None:
    op.drop_table("help_articles")
    op.drop_table("feedback_screenshots")
    op.drop_table("feedback")
    op.drop_table("linked_identities")
