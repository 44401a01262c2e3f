"""coach chat sessions and messages; notifications and notification settings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _user(name: str, ondelete: str, nullable: bool) -> sa.Column:
    return sa.Column(name, sa.Uuid(), sa.ForeignKey("users.id", ondelete=ondelete), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "chat_sessions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _user("user_id", "CASCADE", False),
        sa.Column("job_id", sa.Uuid(), sa.ForeignKey("jobs.id", ondelete="SET NULL"), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        _user("admin_id", "SET NULL", True),
        sa.Column("title", sa.String(200), nullable=False),
        _when("created_at"),
        _when("last_message_at"),
        sa.Column("last_message_preview", sa.String(200), nullable=False, server_default=""),
        _when("waiting_since", True),
        sa.Column("unread_for_admin", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_chat_sessions_user_last", "chat_sessions", ["user_id", "last_message_at"])
    op.create_index("ix_chat_sessions_status_last", "chat_sessions", ["status", "last_message_at"])
    op.create_table(
        "chat_messages",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("session_id", sa.Uuid(), sa.ForeignKey("chat_sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        _user("author_id", "SET NULL", True),
        _when("created_at"),
        sa.Column("interrupted", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("generated_by", sa.String(120), nullable=True),
    )
    op.create_index("ix_chat_messages_session_id", "chat_messages", ["session_id", "id"])

    op.create_table(
        "notifications",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _user("user_id", "CASCADE", False),
        sa.Column("type", sa.String(60), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("priority", sa.String(10), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("data", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column("action_url", sa.String(500), nullable=True),
        _when("created_at"),
        _when("read_at", True),
        _when("expires_at", True),
        sa.Column("pushed", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.create_index("ix_notifications_user_created", "notifications", ["user_id", "created_at"])
    op.create_index("ix_notifications_user_unread", "notifications", ["user_id"],
                    postgresql_where=sa.text("read_at IS NULL"))
    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("muted_categories", postgresql.JSONB(), nullable=False, server_default="[]"),
        sa.Column("in_app", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("email", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("quiet_start", sa.String(5), nullable=True),
        sa.Column("quiet_end", sa.String(5), nullable=True),
        sa.Column("time_zone", sa.String(64), nullable=False, server_default="UTC"),
        sa.Column("match_threshold", sa.Float(), nullable=False, server_default="0.7"),
        _when("updated_at"),
    )


def downgrade() -> None:
    op.drop_table("notification_settings")
    op.drop_table("notifications")
    op.drop_table("chat_messages")
    op.drop_table("chat_sessions")
