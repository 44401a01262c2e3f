"""occupational family of a job and of a seeker; the seeker's level

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27

- jobs.family: the job's occupational family (services/families.py), set at enrichment from its
  title and skills. Rows enriched before this migration keep NULL until the skills-gap market is
  next counted (services/skills_gap.py fills them then, once) or they are enriched again.
- users.family, users.seniority: what a seeker says of themself on /profile (NULL: read from the
  resume). Validated by the service against families.names() and seniority.LEVELS.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PUBLIC_ACTIVE = "status = 'active' AND visibility = 'public'"


def upgrade() -> None:
    op.add_column("jobs", sa.Column("family", sa.String(40), nullable=True))
    op.create_index("ix_jobs_family", "jobs", ["family"], postgresql_where=sa.text(PUBLIC_ACTIVE))
    op.add_column("users", sa.Column("family", sa.String(40), nullable=True))
    op.add_column("users", sa.Column("seniority", sa.String(16), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "seniority")
    op.drop_column("users", "family")
    op.drop_index("ix_jobs_family", table_name="jobs")
    op.drop_column("jobs", "family")
