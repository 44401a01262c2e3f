"""the support desk around coach conversations: asking for a person, assignment, SLA, CSAT, audit

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

- chat_sessions: requested_at / first_response_at / sla_notified_at (a request for a person and how
  it was served), admin_active_at (the idle hand-back clock), rating_admin_id (the admin the seeker
  is asked to rate); status may now be 'waiting_human'.
- chat_messages.author_name: who the seeker sees as the writer; filled for existing messages.
- chat_notes (internal notes, admins only), canned_replies, chat_ratings, chat_audit.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _user(name: str) -> sa.Column:
    return sa.Column(name, sa.Uuid(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


def _session() -> sa.Column:
    return sa.Column("session_id", sa.Uuid(), sa.ForeignKey("chat_sessions.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    for name in ("requested_at", "first_response_at", "sla_notified_at", "admin_active_at"):
        op.add_column("chat_sessions", _when(name, True))
    op.add_column("chat_sessions", _user("rating_admin_id"))
    op.create_index("ix_chat_sessions_waiting", "chat_sessions", ["requested_at"],
                    postgresql_where=sa.text("status = 'waiting_human'"))
    op.add_column("chat_messages", sa.Column("author_name", sa.String(120), nullable=False, server_default=""))
    op.execute("""
        UPDATE chat_messages m SET author_name = CASE m.role WHEN 'assistant' THEN 'AI coach'
            ELSE COALESCE((SELECT u.full_name FROM users u WHERE u.id = m.author_id), '') END
        WHERE m.role <> 'system'
    """)
    op.create_table(
        "chat_notes",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        _session(), _user("author_id"),
        sa.Column("author_name", sa.String(120), nullable=False, server_default=""),
        sa.Column("content", sa.Text(), nullable=False),
        _when("created_at"),
    )
    op.create_index("ix_chat_notes_session", "chat_notes", ["session_id", "id"])
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("shortcut", sa.String(40), nullable=False, unique=True),
        sa.Column("content", sa.Text(), nullable=False),
        _user("created_by"),
        _when("created_at"), _when("updated_at"),
    )
    op.create_table(
        "chat_ratings",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        _session(), _user("admin_id"),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(1000), nullable=False, server_default=""),
        _when("created_at"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="ck_chat_ratings_score"),
    )
    op.create_index("ix_chat_ratings_admin", "chat_ratings", ["admin_id", "created_at"])
    op.create_table(
        "chat_audit",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        _session(), _user("actor_id"),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("actor_name", sa.String(120), nullable=False, server_default=""),
        sa.Column("detail", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        _when("created_at"),
    )
    op.create_index("ix_chat_audit_session", "chat_audit", ["session_id", "id"])
    op.create_index("ix_chat_audit_action_time", "chat_audit", ["action", "created_at"])


def downgrade() -> None:
    for table in ("chat_audit", "chat_ratings", "canned_replies", "chat_notes"):
        op.drop_table(table)
    op.drop_column("chat_messages", "author_name")
    op.drop_index("ix_chat_sessions_waiting", table_name="chat_sessions")
    op.execute("UPDATE chat_sessions SET status = 'active_ai' WHERE status = 'waiting_human'")
    for name in ("rating_admin_id", "requested_at", "first_response_at", "sla_notified_at", "admin_active_at"):
        op.drop_column("chat_sessions", name)
