"""users.token_version: an identity version carried in every token

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27

A change of role, password or active flag bumps the account's token_version; a token whose `ver`
claim differs is refused, so promoting, demoting, disabling or re-keying an account ends every
session it had at once. Tokens issued before this column existed carry no `ver` and count as 0,
the value every existing account starts with.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("token_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_column("users", "token_version")
