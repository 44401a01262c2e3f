"""personal API tokens; mailboxes read for application status

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

- api_tokens: a seeker's personal tokens (sha256 of the secret, a visible prefix, scopes, expiry,
  last use). Revoking deletes the row.
- mailboxes: one IMAP account per row, its password encrypted (Fernet, key derived from the server
  secret), the last UID read (resumable), its state for the card.
- mail_proposals: what a kept message says about an application (the facts and the subject only).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("scopes", postgresql.JSONB(), nullable=False, server_default="[]"),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("last_used_at", _TS),
    )
    op.create_index("uq_api_tokens_hash", "api_tokens", ["token_hash"], unique=True)
    op.create_index("ix_api_tokens_user", "api_tokens", ["user_id"])
    op.create_table(
        "mailboxes",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("host", sa.String(253), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("tls", sa.Boolean(), nullable=False),
        sa.Column("username", sa.String(254), nullable=False),
        sa.Column("secret", sa.LargeBinary(), nullable=False),
        sa.Column("folder", sa.String(200), nullable=False),
        sa.Column("auto_apply", sa.Boolean(), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger()),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("state_detail", sa.String(300)),
        sa.Column("checked_at", _TS),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_mailboxes_user", "mailboxes", ["user_id"])
    op.create_table(
        "mail_proposals",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("mailbox_id", sa.Uuid(), sa.ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("application_id", sa.Uuid(), sa.ForeignKey("applications.id", ondelete="SET NULL")),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("uid", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("sender_domain", sa.String(253), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("sent_at", _TS),
        sa.Column("interview_at", _TS),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("uq_mail_proposals_message", "mail_proposals", ["mailbox_id", "uidvalidity", "uid"], unique=True)
    op.create_index("ix_mail_proposals_user_state", "mail_proposals", ["user_id", "state"])


def downgrade() -> None:
    op.drop_table("mail_proposals")
    op.drop_table("mailboxes")
    op.drop_table("api_tokens")
