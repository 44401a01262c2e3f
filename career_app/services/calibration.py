"""Measures how well the match score separates fits from non-fits on a labelled set
(resumes and jobs in families; same family = fit). Used by the calibration test and bench."""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from career_app.services import embeddings, matching
from career_app.services.skills import taxonomy


@dataclass(frozen=True)
class CalibrationReport:
    pairs: int
    fits: int
    raw_fit_mean: float
    raw_unrelated_mean: float
    score_fit_mean: float
    score_unrelated_mean: float
    fits_above_threshold: float  # share of fits scored at or over the gap threshold
    unrelated_below_threshold: float  # share of non-fits scored under it
    raw_fits_above_threshold: float  # the same on the raw cosine, for comparison
    threshold: float


def evaluate(path: Path, threshold: float) -> CalibrationReport:
    data = json.loads(path.read_text())
    tax = taxonomy()
    resumes, jobs = data["resumes"], data["jobs"]
    job_skills = [list(dict.fromkeys(tax.normalise(j["skills_required"]) + tax.extract(f"{j['title']}\n{j['description']}")))
                  for j in jobs]
    resume_vectors = np.asarray(embeddings.embed_many([r["text"] for r in resumes]))
    job_vectors = np.asarray(embeddings.embed_many(
        [f"{j['title']}\nSkills: {', '.join(s)}\n{j['description']}" for j, s in zip(jobs, job_skills)]))
    cosine = resume_vectors @ job_vectors.T
    fit = np.array([[r["family"] == j["family"] for j in jobs] for r in resumes])
    resume_skills = [tax.extract(r["text"]) for r in resumes]
    scores = np.array([[matching.score(float(cosine[i, k]), resume_skills[i], job_skills[k]).similarity_score
                        for k in range(len(jobs))] for i in range(len(resumes))])
    return CalibrationReport(
        pairs=int(fit.size), fits=int(fit.sum()),
        raw_fit_mean=float(cosine[fit].mean()), raw_unrelated_mean=float(cosine[~fit].mean()),
        score_fit_mean=float(scores[fit].mean()), score_unrelated_mean=float(scores[~fit].mean()),
        fits_above_threshold=float((scores[fit] >= threshold).mean()),
        unrelated_below_threshold=float((scores[~fit] < threshold).mean()),
        raw_fits_above_threshold=float((cosine[fit] >= threshold).mean()),
        threshold=threshold,
    )
