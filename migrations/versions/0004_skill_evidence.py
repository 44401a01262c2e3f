"""skill evidence: match profiles and phrase embeddings of jobs and resumes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

Rows from before stay NULL: the match path profiles them once on first use and stores the result,
and `python -m career_app.cli reprofile` does all of them in one go.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("match_profile", postgresql.JSONB(), nullable=True))
    op.add_column("jobs", sa.Column("requirement_vectors", sa.LargeBinary(), nullable=True))
    op.add_column("resumes", sa.Column("match_profile", postgresql.JSONB(), nullable=True))
    op.add_column("resumes", sa.Column("phrase_vectors", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    op.drop_column("resumes", "phrase_vectors")
    op.drop_column("resumes", "match_profile")
    op.drop_column("jobs", "requirement_vectors")
    op.drop_column("jobs", "match_profile")
