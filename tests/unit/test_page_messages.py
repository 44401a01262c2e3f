"""Pages say a refused request in plain words: the missing-resume 422 (worded for API clients by the
seed contract) becomes an instruction; any other refusal keeps the service's own words."""

from career_app.services import matching
from career_app.services.errors import Conflict
from state.common import RESUME_FIRST, said


def test_a_missing_resume_reads_as_what_to_do():
    assert said(matching.no_resume()) == RESUME_FIRST
    assert "embedding" not in said(matching.no_resume())


def test_other_refusals_keep_their_words():
    assert said(matching.not_enriched()) == matching.NO_JOB_EMBEDDING
    assert said(Conflict("This conversation is closed")) == "This conversation is closed"
