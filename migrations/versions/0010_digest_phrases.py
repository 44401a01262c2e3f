"""The rank digest of job_match_rows also carries each requirement's phrase

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

Skill evidence now sets the meaning threshold by the kind of requirement (a specialization needs
direct evidence; an ordinary skill or a free phrase may be shown in other words; see
career_app/services/evidence.py). Re-scoring reads the kind of a requirement without a taxonomy
skill from its phrase, so the digest the trigger derives from jobs.match_profile carries the
phrases too. Only the derived expression changes: the same function, the same watched columns.
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COPIED = ("title", "company_name", "location", "remote_option", "skills", "skills_required", "created_at")
_CARD = "json_build_object(" + ", ".join(f"'{name}', {{r}}.{name}" for name in _COPIED) + ")::text"


def _digest(with_phrases: bool) -> str:
    phrases = "'phrases', jsonb_path_query_array({r}.match_profile, '$.requirements[*].phrase'), " if with_phrases else ""
    return ("jsonb_build_object('v', {r}.match_profile->'v', "
            "'skills', jsonb_path_query_array({r}.match_profile, '$.requirements[*].skills'), " + phrases +
            "'seniority', {r}.match_profile->'seniority')::text")


def _values(with_phrases: bool) -> dict[str, str]:
    return {"owner_id": "{r}.owner_id", "embedding": "{r}.embedding", "profile": "{r}.match_profile::text",
            "requirement_vectors": "{r}.requirement_vectors", "rank_digest": _digest(with_phrases), "card": _CARD}


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


def _apply(with_phrases: bool) -> None:
    op.execute(_sync(_values(with_phrases)))
    op.execute(f"UPDATE job_match_rows m SET rank_digest = {_digest(with_phrases).format(r='j')} "
               "FROM jobs j WHERE j.id = m.job_id")


def upgrade() -> None:
    _apply(True)


def downgrade() -> None:
    _apply(False)
