"""salaries as posted, estimates from similar listings, a salary filter in one currency

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27

- jobs.salary_period: the period a salary was posted per (hour, day, week, month, year; NULL: year).
  salary_min/salary_max stay yearly (hourly pay annualised at 2080 hours...), so every comparison
  reads one unit; the period only tells how to show it as posted.
- jobs.country: ISO 3166-1 alpha-2 code of the job's one country, from the feed or read from the
  location (services/countries.py); filled here for existing jobs.
- jobs.family (added by 0012): filled here for existing jobs that have none.
- jobs.salary_estimate goes: it held invented figures (a base per skill category in USD times a
  currency table of its own, or a model's guess) that contradicted posted ranges. Estimates are
  now read from similar listings' posted salaries when a job is shown.
- Indexes for the salary filter (one range per currency on the top and the bottom of each yearly
  range) and for the estimate (listings of one family, country and currency).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PUBLIC_ACTIVE = "status = 'active' AND visibility = 'public'"
_BATCH = 1000


def _backfill() -> None:
    from career_app.services import countries, families  # the rules themselves, as they stand now

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, location, title, skills_required, skills FROM jobs")).all()
    values = [{"id": row.id, "country": countries.of_location(row.location),
               "family": families.of_role(row.title, [*(row.skills_required or []), *(row.skills or [])])}
              for row in rows]
    update = sa.text("UPDATE jobs SET country = :country, family = coalesce(family, :family) WHERE id = :id")
    for start in range(0, len(values), _BATCH):
        bind.execute(update, values[start:start + _BATCH])


def upgrade() -> None:
    op.add_column("jobs", sa.Column("salary_period", sa.String(8), nullable=True))
    op.add_column("jobs", sa.Column("country", sa.String(2), nullable=True))
    op.drop_column("jobs", "salary_estimate")
    _backfill()
    op.create_index("ix_jobs_salary_top", "jobs", ["salary_currency", sa.text("coalesce(salary_max, salary_min)")],
                    postgresql_where=sa.text(_PUBLIC_ACTIVE))
    op.create_index("ix_jobs_salary_bottom", "jobs", ["salary_currency", sa.text("coalesce(salary_min, salary_max)")],
                    postgresql_where=sa.text(_PUBLIC_ACTIVE))
    op.execute("CREATE INDEX IF NOT EXISTS ix_jobs_salary_market ON jobs (family, country, salary_currency) "
               f"WHERE {_PUBLIC_ACTIVE} AND (salary_min IS NOT NULL OR salary_max IS NOT NULL)")


def downgrade() -> None:
    op.drop_index("ix_jobs_salary_market", table_name="jobs")
    op.drop_index("ix_jobs_salary_bottom", table_name="jobs")
    op.drop_index("ix_jobs_salary_top", table_name="jobs")
    op.add_column("jobs", sa.Column("salary_estimate", postgresql.JSONB(), nullable=True))
    op.drop_column("jobs", "country")
    op.drop_column("jobs", "salary_period")
