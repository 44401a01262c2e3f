"""recommendation lists: each seeker's ranked list, stored, and a change stamp on job_match_rows

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

Recommendations used to search the HNSW index for 200 candidates and re-score them in Python on
every request (cached per process only until any listing changed). A seeker's list is now built
once (by that search and re-scoring) and stored: serving it is one indexed read. It is kept exact
without rebuilding (services/matching.py):
- job_match_rows.changed_xid stamps every insert or update of a row with the writing transaction's
  id; a list remembers the snapshot it was last brought up to date from: the first transaction id
  not yet started then (xmax) and those still running (the snapshot's xip). The rows changed since
  are exactly those stamped at or after that xmax or by one of those transactions (two index
  lookups; a long-running transaction elsewhere does not make rows already seen look new); they are
  re-scored for that seeker at the next read;
- a listing that leaves job_match_rows (closed, made private, deleted) is no longer read from any
  list (the read joins job_match_rows); its items go at that list's next write. No foreign keys on
  the items: their per-row checks (and the row locks they take on job_match_rows) cost more than
  the rest of storing a list;
- a new or edited resume, or new profile skills, mark the seeker's list stale (triggers below: its
  `rules` emptied, an update in place like every write of a list row, so the small table does not
  bloat with dead rows); the next read, or the upload itself, builds it again.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STAMP = """
CREATE OR REPLACE FUNCTION job_match_rows_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed_xid := pg_current_xact_id()::text::bigint;
    RETURN NEW;
END
$$;
"""

_DROP_LIST = """
CREATE OR REPLACE FUNCTION recommendation_lists_drop() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE recommendation_lists SET rules = '' WHERE seeker_id = OLD.{column};
        RETURN NULL;
    END IF;
    UPDATE recommendation_lists SET rules = '' WHERE seeker_id = NEW.{column};
    IF TG_OP = 'UPDATE' AND OLD.{column} IS DISTINCT FROM NEW.{column} THEN
        UPDATE recommendation_lists SET rules = '' WHERE seeker_id = OLD.{column};
    END IF;
    RETURN NULL;
END
$$;
"""


def upgrade() -> None:
    op.add_column("job_match_rows", sa.Column("changed_xid", sa.BigInteger(), nullable=False, server_default="0"))
    op.create_index("ix_job_match_rows_changed_xid", "job_match_rows", ["changed_xid"])
    op.execute(_STAMP)
    op.execute("CREATE TRIGGER job_match_rows_stamp BEFORE INSERT OR UPDATE ON job_match_rows "
               "FOR EACH ROW EXECUTE FUNCTION job_match_rows_stamp()")

    op.create_table(
        "recommendation_lists",
        sa.Column("seeker_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("rules", sa.Text(), nullable=False),  # matching.LIST_RULES when it was built; '' once stale
        sa.Column("since_xid", sa.BigInteger(), nullable=False),  # rows stamped at or after it: not yet seen
        sa.Column("pending_xids", sa.ARRAY(sa.BigInteger()), nullable=False, server_default="{}"),  # nor by these
        sa.Column("floor", sa.Float(), nullable=False),  # lowest cosine of its candidate pool
        sa.Column("kept", sa.Integer(), nullable=False),  # items stored when built or last brought up to date
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.execute("ALTER TABLE recommendation_lists SET (fillfactor = 50)")  # room for in-place (HOT) updates
    op.create_table(
        "recommendation_items",
        sa.Column("seeker_id", sa.Uuid(), primary_key=True),  # its list's; they go with it (trigger below)
        sa.Column("job_id", sa.Uuid(), primary_key=True),
        sa.Column("score", sa.Float(), nullable=False),  # the match page's score (rounded as it shows it)
        sa.Column("raw", sa.Float(), nullable=False),  # its tie-break: the raw cosine
        sa.Column("item", sa.Text(), nullable=False),  # the JobRecommendation as JSON
    )
    op.execute("CREATE INDEX ix_recommendation_items_rank ON recommendation_items "
               "(seeker_id, score DESC, raw DESC, job_id)")
    op.execute("CREATE FUNCTION recommendation_items_drop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
               "DELETE FROM recommendation_items WHERE seeker_id = OLD.seeker_id; RETURN NULL; END $$")
    op.execute("CREATE TRIGGER recommendation_lists_items AFTER DELETE ON recommendation_lists FOR EACH ROW "
               "EXECUTE FUNCTION recommendation_items_drop()")

    op.execute(_DROP_LIST.format(column="user_id").replace("recommendation_lists_drop", "recommendation_lists_drop_resume"))
    op.execute("CREATE TRIGGER resumes_drop_recommendations AFTER INSERT OR DELETE OR UPDATE OF user_id, embedding, "
               "match_profile, phrase_vectors ON resumes FOR EACH ROW "
               "EXECUTE FUNCTION recommendation_lists_drop_resume()")
    op.execute(_DROP_LIST.format(column="id").replace("recommendation_lists_drop", "recommendation_lists_drop_user"))
    op.execute("CREATE TRIGGER users_drop_recommendations AFTER UPDATE OF skills ON users FOR EACH ROW "
               "WHEN (OLD.skills IS DISTINCT FROM NEW.skills) EXECUTE FUNCTION recommendation_lists_drop_user()")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS users_drop_recommendations ON users")
    op.execute("DROP TRIGGER IF EXISTS resumes_drop_recommendations ON resumes")
    op.execute("DROP FUNCTION IF EXISTS recommendation_lists_drop_user()")
    op.execute("DROP FUNCTION IF EXISTS recommendation_lists_drop_resume()")
    op.drop_table("recommendation_items")
    op.drop_table("recommendation_lists")
    op.execute("DROP FUNCTION IF EXISTS recommendation_items_drop()")
    op.execute("DROP TRIGGER IF EXISTS job_match_rows_stamp ON job_match_rows")
    op.execute("DROP FUNCTION IF EXISTS job_match_rows_stamp()")
    op.drop_index("ix_job_match_rows_changed_xid", table_name="job_match_rows")
    op.drop_column("job_match_rows", "changed_xid")
