"""job_match_rows: the narrow copy of every active public listing that recommendations search

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26

The candidate pool (services/matching.py) used to read 200 rows of the wide jobs table per request:
each row's description, guides and search vector beside what matching needs, and the profile and
requirement vectors moved out of line (TOAST), two more index lookups per row. This table holds only
what the pool reads, one row per active public listing with an embedding, inline (toast_tuple_target
at its maximum), with its own HNSW index.

It is kept in step by a trigger on jobs, so every writer (enrichment, ingestion's enrich batch,
reprofile, an owner closing or reopening a listing, an admin) is covered without remembering to;
a deleted job's row goes with it (ON DELETE CASCADE). Existing listings are copied in here.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SYNC = """
CREATE OR REPLACE FUNCTION job_match_rows_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'active' AND NEW.visibility = 'public' AND NEW.embedding IS NOT NULL THEN
        INSERT INTO job_match_rows (job_id, owner_id, embedding, profile, requirement_vectors)
        VALUES (NEW.id, NEW.owner_id, NEW.embedding, NEW.match_profile::text, NEW.requirement_vectors)
        ON CONFLICT (job_id) DO UPDATE SET owner_id = EXCLUDED.owner_id, embedding = EXCLUDED.embedding,
            profile = EXCLUDED.profile, requirement_vectors = EXCLUDED.requirement_vectors;
    ELSE
        DELETE FROM job_match_rows WHERE job_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;
"""


def upgrade() -> None:
    op.create_table(
        "job_match_rows",
        sa.Column("job_id", sa.Uuid(), sa.ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("embedding", Vector(384), nullable=False),
        sa.Column("profile", sa.Text(), nullable=True),  # jobs.match_profile as JSON text
        sa.Column("requirement_vectors", sa.LargeBinary(), nullable=True),
    )
    # Rows stay inline up to 8 KB (an embedding, a profile and ~10 int8 requirement rows): no TOAST lookups.
    op.execute("ALTER TABLE job_match_rows SET (toast_tuple_target = 8160)")
    op.execute("ALTER TABLE job_match_rows ALTER COLUMN requirement_vectors SET STORAGE EXTERNAL")
    op.execute("INSERT INTO job_match_rows (job_id, owner_id, embedding, profile, requirement_vectors) "
               "SELECT id, owner_id, embedding, match_profile::text, requirement_vectors FROM jobs "
               "WHERE status = 'active' AND visibility = 'public' AND embedding IS NOT NULL")
    op.execute("CREATE INDEX ix_job_match_rows_embedding_hnsw ON job_match_rows USING hnsw "
               "(embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)")
    op.execute(_SYNC)
    op.execute("CREATE TRIGGER jobs_match_rows_sync AFTER INSERT OR UPDATE OF status, visibility, owner_id, "
               "embedding, match_profile, requirement_vectors ON jobs FOR EACH ROW EXECUTE FUNCTION "
               "job_match_rows_sync()")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS jobs_match_rows_sync ON jobs")
    op.execute("DROP FUNCTION IF EXISTS job_match_rows_sync()")
    op.drop_table("job_match_rows")
