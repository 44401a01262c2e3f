"""The calibrated score really separates fits from unrelated jobs at the default 0.7 threshold,
where the raw cosine would not."""

from pathlib import Path

from career_app.services import calibration, matching
from career_app.settings import settings

LABELLED = Path(__file__).resolve().parent.parent / "data" / "labelled_matches.json"


def test_default_threshold_separates_fits_from_unrelated_jobs():
    report = calibration.evaluate(LABELLED, settings.match_gap_threshold)
    assert report.pairs == 576 and report.fits == 72
    assert report.raw_fit_mean < 0.7  # why calibration exists: raw cosine flags most good fits as gaps
    assert report.fits_above_threshold >= 0.9
    assert report.unrelated_below_threshold >= 0.95
    assert report.score_fit_mean > settings.match_gap_threshold > report.score_unrelated_mean


def test_score_rewards_skills_and_meaning():
    strong = matching.score(0.6, ["Python", "SQL"], ["Python", "SQL"])
    weak_skills = matching.score(0.6, ["Python"], ["Python", "SQL", "Kubernetes", "Go"])
    unrelated = matching.score(0.2, [], ["Python", "SQL"])
    assert strong.similarity_score == 1.0 and strong.missing == []
    assert weak_skills.similarity_score < strong.similarity_score
    assert weak_skills.missing == ["SQL", "Kubernetes", "Go"] and weak_skills.matched == ["Python"]
    assert unrelated.similarity_score == 0.0
    assert matching.score(0.35, [], []).similarity_score == 0.5  # no skills listed: meaning alone
