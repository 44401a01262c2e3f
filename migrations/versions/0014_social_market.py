"""social: privacy choices and share links

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

- social_settings: per user, every choice off by default (public milestones, the community feed, the
  monthly leaderboard, showing one's name or companies) and a random pseudonym.
- social_shares: links to one resume or job; only the token's hash is stored; expiry, revocation and
  a view count. The market snapshot needs no table (computed from jobs, cached per jobs version).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "social_settings",
        sa.Column("user_id", postgresql.UUID(as_uuid=True), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("pseudonym", sa.String(40), nullable=False),
        sa.Column("public_milestones", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("community_feed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("leaderboard", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("show_name", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("show_companies", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "social_shares",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("user_id", postgresql.UUID(as_uuid=True), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("target_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("target_version", sa.DateTime(timezone=True), nullable=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("token_prefix", sa.String(8), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ux_social_shares_token_hash", "social_shares", ["token_hash"], unique=True)
    op.create_index("ix_social_shares_user_created", "social_shares", ["user_id", "created_at"])


def downgrade() -> None:
    op.drop_table("social_shares")
    op.drop_table("social_settings")
