"""job_match_rows carry what ranking reads and what a recommendation shows

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26

Re-scoring 200 candidates used to parse each one's whole profile JSON (requirement texts and
phrases included) to use only its requirements' skills and its seniority, then fetch the 20 kept
listings' fields from the wide jobs table in a second round trip. The trigger now also stores,
derived in one place, a rank digest of jobs.match_profile (the profile version, the skills of each
requirement in order and the seniority) and a card of the fields a recommendation shows, both as
JSON text: one statement reads the pool, and only the kept listings' profiles and cards are parsed
(bench/bench_matching.py).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COPIED = ("title", "company_name", "location", "remote_option", "skills", "skills_required", "created_at")

# Derived from a jobs row `{r}` (NEW in the trigger, j in the backfill), as JSON text read by Python:
# - rank_digest: the profile without its texts and phrases (version, each requirement's skills in
#   order, seniority). Lax JSON paths: a profile of another shape gives nulls (the job is then scored
#   by name), never a failed write;
# - card: the fields a recommendation shows.
_DIGEST = ("jsonb_build_object('v', {r}.match_profile->'v', "
           "'skills', jsonb_path_query_array({r}.match_profile, '$.requirements[*].skills'), "
           "'seniority', {r}.match_profile->'seniority')::text")
_CARD = "json_build_object(" + ", ".join(f"'{name}', {{r}}.{name}" for name in _COPIED) + ")::text"
_ALL = {"owner_id": "{r}.owner_id", "embedding": "{r}.embedding", "profile": "{r}.match_profile::text",
        "requirement_vectors": "{r}.requirement_vectors", "rank_digest": _DIGEST, "card": _CARD}
_ADDED = ("rank_digest", "card")


def _sync(values: dict[str, str]) -> str:
    columns = ", ".join(values)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in values)
    exprs = ", ".join(expr.format(r="NEW") for expr in values.values())
    return f"""
CREATE OR REPLACE FUNCTION job_match_rows_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'active' AND NEW.visibility = 'public' AND NEW.embedding IS NOT NULL THEN
        INSERT INTO job_match_rows (job_id, {columns}) VALUES (NEW.id, {exprs})
        ON CONFLICT (job_id) DO UPDATE SET {updates};
    ELSE
        DELETE FROM job_match_rows WHERE job_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;
"""


def _trigger(columns: Sequence[str]) -> None:
    op.execute("DROP TRIGGER IF EXISTS jobs_match_rows_sync ON jobs")
    op.execute(f"CREATE TRIGGER jobs_match_rows_sync AFTER INSERT OR UPDATE OF {', '.join(columns)} ON jobs "
               "FOR EACH ROW EXECUTE FUNCTION job_match_rows_sync()")


_WATCHED_0008 = ("status", "visibility", "owner_id", "embedding", "match_profile", "requirement_vectors")


def upgrade() -> None:
    op.add_column("job_match_rows", sa.Column("rank_digest", sa.Text(), nullable=True))
    op.add_column("job_match_rows", sa.Column("card", sa.Text(), nullable=True))
    assignments = ", ".join(f"{name} = {_ALL[name].format(r='j')}" for name in _ADDED)
    op.execute(f"UPDATE job_match_rows m SET {assignments} FROM jobs j WHERE j.id = m.job_id")
    op.execute(_sync(_ALL))
    _trigger(_WATCHED_0008 + _COPIED)


def downgrade() -> None:
    op.execute(_sync({name: _ALL[name] for name in ("owner_id", "embedding", "profile", "requirement_vectors")}))
    _trigger(_WATCHED_0008)
    for name in _ADDED:
        op.drop_column("job_match_rows", name)
