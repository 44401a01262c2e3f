"""Fitting and checking the match score on labelled data, never on the data it is reported on.

tests/data/labelled_matches.json holds resumes and jobs of many occupational families, each with
a split. Constants are fitted on the pairs of 'fit' resumes and 'fit' jobs and reported on the
pairs of 'held_out' resumes and 'held_out' jobs. tests/data/labelled_phrases.json does the same for
the meaning threshold of skill evidence. Used by the calibration tests and bench_calibration.py."""

import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from career_app.services import embeddings, evidence, matching, offline_ai, seniority
from career_app.services.skills import taxonomy

GRADES = ("strong", "adjacent", "unrelated")
GAIN = {"strong": 2, "adjacent": 1, "unrelated": 0}
# Four or more rungs under the job's level is a gap whatever the skills (the grading rule): the score
# must fall under 0.7 even at 1.0 before the seniority factor, so 1 - 3 * under_penalty < 0.7.
UNDER_PENALTIES = (0.125, 0.15, 0.2, 0.25)


# --- the labelled set --------------------------------------------------------------------------


@dataclass
class Dataset:
    resumes: list[dict]
    jobs: list[dict]
    grades: np.ndarray  # resumes x jobs of "strong" / "adjacent" / "unrelated"

    def part(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        return (np.array([r["split"] == split for r in self.resumes]),
                np.array([j["split"] == split for j in self.jobs]))


def grade(data: dict, resume: dict, job: dict) -> str:
    """The rule in the labelled file's 'grading' note."""
    levels = data["levels"]
    if resume["family"] == job["family"]:
        distance = levels.index(resume["level"]) - levels.index(job["level"])
        if -1 <= distance <= 2:
            return "strong"
        return "unrelated" if distance <= -4 else "adjacent"
    pair = sorted((resume["family"], job["family"]))
    return "adjacent" if pair in [sorted(a) for a in data["adjacent"]] else "unrelated"


def load(path: Path) -> Dataset:
    data = json.loads(Path(path).read_text())
    grades = np.array([[grade(data, r, j) for j in data["jobs"]] for r in data["resumes"]])
    return Dataset(data["resumes"], data["jobs"], grades)


def job_text(job: dict) -> str:
    """What enrichment embeds for a job (enrichment.embedding_text), with the offline skills."""
    skills = offline_ai.job_skills(job["title"], job["description"], job["skills_required"])
    return f"{job['title']}\nSkills: {', '.join(job['skills_required'] or skills)}\n{job['description']}"


# --- features: everything the score is made of, computed once ------------------------------------


@dataclass
class Features:
    cosine: np.ndarray  # resumes x jobs
    coverage: np.ndarray  # share of requirements shown (nan: the job names none)
    distance: np.ndarray  # seniority rungs, resume minus job
    fit: np.ndarray  # "under" / "fit" / "over"
    both: int = 0  # requirements found both matched and missing in one pair (must be 0)
    resume_levels: list[str | None] = field(default_factory=list)
    job_levels: list[str | None] = field(default_factory=list)
    resume_profiles: list = field(default_factory=list)
    job_profiles: list = field(default_factory=list)
    score_ms: float = 0.0  # per pair: evidence + seniority + score


def features(ds: Dataset, thresholds: dict[str, float] | None = None) -> Features:
    """Profiles, embeddings, evidence and seniority of every pair (texts embedded in a few large
    batches: what upload and enrichment do one document at a time)."""
    resume_profiles = [evidence.resume_profile(r["text"], embed=False) for r in ds.resumes]
    job_profiles = [evidence.job_profile(j["title"], j["description"], j["skills_required"], [], embed=False)
                    for j in ds.jobs]
    units = [u for p in resume_profiles for u in p.units]
    phrases = [req.phrase for p in job_profiles for req in p.requirements]
    vectors = np.asarray(embeddings.embed_many(units + phrases + [r["text"] for r in ds.resumes]
                                               + [job_text(j) for j in ds.jobs]), dtype=np.float32)
    at = 0
    for p in resume_profiles:
        p.vectors, at = vectors[at:at + len(p.units)], at + len(p.units)
    for p in job_profiles:
        p.vectors, at = vectors[at:at + len(p.requirements)], at + len(p.requirements)
    resume_vectors, at = vectors[at:at + len(ds.resumes)], at + len(ds.resumes)
    job_vectors = vectors[at:at + len(ds.jobs)]
    cosine = resume_vectors @ job_vectors.T
    shape = cosine.shape
    coverage, distance = np.full(shape, np.nan), np.zeros(shape, dtype=int)
    fit = np.empty(shape, dtype=object)
    both = 0
    t = time.perf_counter()
    for i, rp in enumerate(resume_profiles):
        for k, jp in enumerate(job_profiles):
            cov = evidence.cover(jp, rp, thresholds=thresholds)
            both += len({e.requirement for e in cov.matched} & set(cov.missing))
            coverage[i, k] = np.nan if cov.share is None else cov.share
            fit[i, k], distance[i, k] = seniority.fit(rp.seniority, jp.seniority)
    score_ms = (time.perf_counter() - t) * 1000 / cosine.size
    return Features(cosine, coverage, distance, fit, both, [p.seniority.level for p in resume_profiles],
                    [p.seniority.level for p in job_profiles], resume_profiles, job_profiles, score_ms=score_ms)


def profile_timings(ds: Dataset, runs: int = 20) -> list[float]:
    """Milliseconds to profile one resume as an upload does (parse, then embed its phrases in one batch)."""
    out = []
    for r in (ds.resumes * (1 + runs // max(1, len(ds.resumes))))[:runs]:
        t = time.perf_counter()
        evidence.resume_profile(r["text"])
        out.append((time.perf_counter() - t) * 1000)
    return out


def scores(feat: Features, cal: matching.Calibration) -> np.ndarray:
    """matching.combine over every pair."""
    return matching.combine_many(feat.cosine, feat.coverage, feat.distance, cal)


# --- reports -----------------------------------------------------------------------------------


@dataclass
class Report:
    split: str
    pairs: int
    counts: dict  # grade -> pairs
    confusion: dict  # grade -> {"no gap": n, "gap": n}
    strong_no_gap: float  # share of strong pairs scored at or over the threshold
    unrelated_gap: float  # share of unrelated pairs scored under it
    adjacent_no_gap: float
    adjacent_quartiles: tuple[float, float, float]
    strong_mean: float
    unrelated_mean: float
    raw_strong_mean: float
    raw_unrelated_mean: float
    raw_strong_over_threshold: float  # the raw cosine at the same threshold, for comparison
    ndcg5: float
    raw_ndcg5: float
    families: int
    threshold: float
    misses: list[str] = field(default_factory=list)  # the pairs on the wrong side, for reading


def ndcg_at(score: np.ndarray, gains: np.ndarray, k: int = 5) -> float:
    """Mean NDCG@k over rows (resumes) that have any relevant job."""
    out = []
    discounts = 1 / np.log2(np.arange(2, k + 2))
    for row_scores, row_gains in zip(score, gains):
        if row_gains.max() == 0:
            continue
        order = np.argsort(-row_scores, kind="stable")[:k]
        dcg = ((2.0 ** row_gains[order] - 1) * discounts[:len(order)]).sum()
        ideal = np.sort(row_gains)[::-1][:k]
        idcg = ((2.0 ** ideal - 1) * discounts[:len(ideal)]).sum()
        out.append(dcg / idcg)
    return float(np.mean(out)) if out else 0.0


def report(ds: Dataset, feat: Features, cal: matching.Calibration, threshold: float, split: str = "held_out") -> Report:
    rows, cols = ds.part(split)
    s = scores(feat, cal)[np.ix_(rows, cols)]
    raw = feat.cosine[np.ix_(rows, cols)]
    g = ds.grades[np.ix_(rows, cols)]
    gains = np.vectorize(GAIN.get)(g)
    counts = {grade_: int((g == grade_).sum()) for grade_ in GRADES}
    confusion = {grade_: {"no gap": int(((g == grade_) & (s >= threshold)).sum()),
                          "gap": int(((g == grade_) & (s < threshold)).sum())} for grade_ in GRADES}
    adjacent = s[g == "adjacent"]
    resumes = [r for r, keep in zip(ds.resumes, rows) if keep]
    jobs = [j for j, keep in zip(ds.jobs, cols) if keep]
    misses = [f"{resumes[i]['id']} x {jobs[k]['id']}: {g[i, k]} scored {s[i, k]:.3f} (raw {raw[i, k]:.3f})"
              for i, k in zip(*np.nonzero(((g == "strong") & (s < threshold)) | ((g == "unrelated") & (s >= threshold))))]
    families = {r["family"] for r in resumes} & {j["family"] for j in jobs}
    return Report(
        split=split, pairs=int(g.size), counts=counts, confusion=confusion,
        strong_no_gap=float((s[g == "strong"] >= threshold).mean()),
        unrelated_gap=float((s[g == "unrelated"] < threshold).mean()),
        adjacent_no_gap=float((adjacent >= threshold).mean()) if adjacent.size else 0.0,
        adjacent_quartiles=tuple(float(x) for x in np.percentile(adjacent, [25, 50, 75])) if adjacent.size else (0, 0, 0),
        strong_mean=float(s[g == "strong"].mean()), unrelated_mean=float(s[g == "unrelated"].mean()),
        raw_strong_mean=float(raw[g == "strong"].mean()), raw_unrelated_mean=float(raw[g == "unrelated"].mean()),
        raw_strong_over_threshold=float((raw[g == "strong"] >= threshold).mean()),
        ndcg5=ndcg_at(s, gains), raw_ndcg5=ndcg_at(raw, gains), families=len(families), threshold=threshold,
        misses=misses)


def fit(ds: Dataset, feat: Features, threshold: float) -> matching.Calibration:
    """Grid search on the fit part: the most pairs on the right side of the threshold (the worse of
    strong and unrelated first), then the smallest hinge loss around it (strong pairs wanted at
    threshold + 0.05 or more, unrelated ones at threshold - 0.05 or less; each class weighs the same),
    so the constants keep a margin rather than just clearing the fit pairs."""
    rows, cols = ds.part("fit")
    g = ds.grades[np.ix_(rows, cols)]
    strong, unrelated = g == "strong", g == "unrelated"
    best, best_key = None, None
    grid = itertools.product(np.arange(0.0, 0.325, 0.025), np.arange(0.40, 0.675, 0.025), np.arange(0.3, 0.85, 0.05),
                             UNDER_PENALTIES, (0.0, 0.05, 0.1))
    for low, high, weight, under, over in grid:
        if high - low < 0.15:
            continue
        cal = matching.Calibration(round(float(low), 3), round(float(high), 3), round(float(weight), 2), under, over)
        s = scores(feat, cal)[np.ix_(rows, cols)]
        passed, flagged = (s[strong] >= threshold).mean(), (s[unrelated] < threshold).mean()
        hinge = (np.maximum(0, threshold + 0.05 - s[strong]).mean()
                 + np.maximum(0, s[unrelated] - (threshold - 0.05)).mean())
        key = (round(min(passed, flagged), 2), -round(float(hinge), 5))
        if best_key is None or key > best_key:
            best, best_key = cal, key
    return best


# --- the meaning thresholds of skill evidence, per requirement kind ------------------------------

FALSE_SHOW_COST = 2  # showing a requirement the resume lacks costs a wasted application: twice a miss


@dataclass
class PhrasePair:
    requirement: str
    resume: str
    match: bool
    split: str
    family: str
    near_miss: bool
    kind: str  # evidence.requirement_kind of the requirement, as the code reads it
    by_name: bool  # shown by a canonical skill, whatever the threshold
    cosine: float  # the best cosine of the requirement's phrase to the line's units (-1: no unit)


@dataclass
class PhraseScore:
    pairs: int
    accuracy: float
    precision: float
    recall: float
    near_miss_rejected: float | None  # share of near-miss negatives kept missing


@dataclass
class PhraseReport:
    thresholds: dict[str, float]
    fit: PhraseScore
    held_out: PhraseScore
    by_kind: dict[str, tuple[PhraseScore, PhraseScore]]  # kind -> (fit, held out)
    by_family: dict[str, PhraseScore]  # held out
    misses: list[str] = field(default_factory=list)  # held-out pairs on the wrong side, for reading

    @property
    def held_out_pairs(self) -> int:
        return self.held_out.pairs


def case_pairs(path: Path) -> list[dict]:
    """The near-miss cases as labelled requirement/resume pairs: every requirement of the fitting job
    is shown by the whole resume, and so is every one of the near-miss job's but its missing
    specializations. The resume is whole, as the match page reads it: a threshold must hold against
    the best of its many lines, not of one."""
    out = []
    for case in json.loads(Path(path).read_text())["cases"]:
        absent = set(case["missing_specializations"])
        for job in (case["fitting_job"], case["near_miss_job"]):
            for requirement in job["skills_required"]:
                out.append({"requirement": requirement, "resume": case["resume"], "match": requirement not in absent,
                            "split": case["split"], "family": case["family"], "near_miss": requirement in absent,
                            "case": case["id"]})
    return out


def phrase_pairs(path: Path, cases: Path | None = None) -> list[PhrasePair]:
    """Each labelled pair as the evidence step sees it: the requirement normalised as a job's, the
    line (or resume) profiled as a resume's (its sentences and list items), by name first, then by
    meaning. With `cases`, the near-miss cases' requirements against their whole resumes too."""
    raw = json.loads(Path(path).read_text())["pairs"] + (case_pairs(cases) if cases else [])
    jobs = [evidence.job_profile("", "", [p["requirement"]], [], embed=False) for p in raw]
    profiled: dict[str, evidence.ResumeProfile] = {}
    resumes = [profiled.get(p["resume"]) or profiled.setdefault(p["resume"], evidence.resume_profile(p["resume"], embed=False))
               for p in raw]
    texts = list(dict.fromkeys([req.phrase for j in jobs for req in j.requirements]
                               + [u for r in profiled.values() for u in r.units]))
    vectors = np.asarray(embeddings.embed_many(texts), dtype=np.float32).reshape(-1, embeddings.DIMENSIONS)
    row = {text: k for k, text in enumerate(texts)}
    out = []
    for p, job, resume in zip(raw, jobs, resumes):
        reqs = job.requirements
        req_vectors = vectors[[row[req.phrase] for req in reqs]]
        unit_vectors = vectors[[row[u] for u in resume.units]]
        # A requirement the normaliser splits in two ("Celery with Redis") is shown when every part is.
        by_name = [any(name in resume.skills for name in req.skills) for req in reqs]
        best = (req_vectors @ unit_vectors.T).max(axis=1) if len(unit_vectors) else np.full(len(reqs), -1.0)
        need = [k for k, named in enumerate(by_name) if not named]
        weakest = min(need, key=lambda k: float(best[k])) if need else 0
        kinds = [evidence.requirement_kind(req.skills, req.phrase) for req in reqs]
        out.append(PhrasePair(p["requirement"], p.get("case") or p["resume"], bool(p["match"]), p["split"],
                              p.get("family", "general"),
                              bool(p.get("near_miss")), kinds[weakest] if reqs else "duty",
                              bool(reqs) and not need, float(best[weakest]) if need else 1.0))
    return out


def _predicted(pairs: list[PhrasePair], thresholds: dict[str, float]) -> np.ndarray:
    return np.array([p.by_name or p.cosine >= thresholds[p.kind] for p in pairs], dtype=bool)


def _phrase_score(pairs: list[PhrasePair], predicted: np.ndarray) -> PhraseScore:
    label = np.array([p.match for p in pairs], dtype=bool)
    near = np.array([p.near_miss and not p.match for p in pairs], dtype=bool)
    tp = int((predicted & label).sum())
    return PhraseScore(pairs=len(pairs), accuracy=float((predicted == label).mean()) if pairs else 0.0,
                       precision=tp / max(1, int(predicted.sum())), recall=tp / max(1, int(label.sum())),
                       near_miss_rejected=float((~predicted[near]).mean()) if near.any() else None)


def fit_thresholds(pairs: list[PhrasePair]) -> dict[str, float]:
    """Per kind, on the pairs not already decided by name: the threshold with the lowest cost
    (FALSE_SHOW_COST per requirement shown that is not, 1 per one missed), ties to the higher, stricter
    value. A kind with no such pairs keeps the strictest value of the grid."""
    grid = np.round(np.arange(0.30, 0.96, 0.01), 2)
    out = {}
    for kind in evidence.KINDS:
        mine = [p for p in pairs if p.kind == kind and not p.by_name]
        cos = np.array([p.cosine for p in mine])
        label = np.array([p.match for p in mine], dtype=bool)
        costs = [FALSE_SHOW_COST * int(((cos >= t) & ~label).sum()) + int(((cos < t) & label).sum()) for t in grid]
        best = min(costs) if mine else 0
        out[kind] = float(max(t for t, c in zip(grid, costs) if c == best))
    return out


def phrase_report(path: Path, cases: Path | None = None, thresholds: dict[str, float] | None = None) -> PhraseReport:
    """The meaning thresholds: fitted on the fit pairs unless given, measured on the held-out pairs,
    overall, per kind and per family."""
    pairs = phrase_pairs(path, cases)
    fit_pairs = [p for p in pairs if p.split == "fit"]
    held = [p for p in pairs if p.split != "fit"]
    if thresholds is None:
        thresholds = fit_thresholds(fit_pairs)

    def score(subset: list[PhrasePair]) -> PhraseScore:
        return _phrase_score(subset, _predicted(subset, thresholds))

    by_kind = {kind: (score([p for p in fit_pairs if p.kind == kind]), score([p for p in held if p.kind == kind]))
               for kind in evidence.KINDS}
    by_family = {family: score([p for p in held if p.family == family])
                 for family in sorted({p.family for p in held})}
    predicted = _predicted(held, thresholds)
    misses = [f"{'shown' if got else 'missing'} but labelled {'match' if p.match else 'no match'} [{p.kind}, "
              f"cos {p.cosine:.2f}]: {p.requirement!r} <- {p.resume!r}"
              for p, got in zip(held, predicted) if got != p.match]
    return PhraseReport(thresholds, score(fit_pairs), score(held), by_kind, by_family, misses)


def level_accuracy(ds: Dataset, feat: Features) -> tuple[float, float]:
    """Share of resumes and of jobs whose level the parser reads within one rung of the author's."""
    levels = seniority.LEVELS

    def close(found, meant):
        return found is not None and abs(levels.index(found) - levels.index(meant)) <= 1

    return (float(np.mean([close(f, r["level"]) for f, r in zip(feat.resume_levels, ds.resumes)])),
            float(np.mean([close(f, j["level"]) for f, j in zip(feat.job_levels, ds.jobs)])))


def taxonomy_families() -> int:
    tax = taxonomy()
    return len({s.family for s in tax.skills.values()} - {"general"})


# --- near misses: a generalist against a same-family job whose must-have specialization they lack ----


@dataclass
class NearMissCase:
    id: str
    family: str
    split: str
    missing_expected: list[str]
    missing_shown: list[str]  # expected-missing requirements the evidence step called shown (must be none)
    fitting_score: float
    near_score: float
    fitting_gap: bool
    near_gap: bool

    @property
    def right(self) -> bool:
        """The near-miss job is judged as a near miss: its specialization missing, a gap, and
        scored under the job the same resume really fits."""
        return not self.missing_shown and self.near_gap and self.near_score < self.fitting_score


@dataclass
class NearMissReport:
    cases: list[NearMissCase]

    def part(self, split: str) -> list[NearMissCase]:
        return [c for c in self.cases if c.split == split]

    @staticmethod
    def accuracy(cases: list[NearMissCase]) -> float:
        return sum(c.right for c in cases) / len(cases) if cases else 0.0

    def by_family(self, split: str) -> dict[str, tuple[int, float]]:
        families = sorted({c.family for c in self.part(split)})
        return {f: (len(mine := [c for c in self.part(split) if c.family == f]), self.accuracy(mine)) for f in families}


def near_miss_report(path: Path, thresholds: dict[str, float] | None = None) -> NearMissReport:
    """Each case of tests/data/labelled_near_misses.json scored as the match page scores it."""
    cases = json.loads(Path(path).read_text())["cases"]
    resumes = [evidence.resume_profile(c["resume"], embed=False) for c in cases]
    jobs = [[evidence.job_profile(j["title"], j["description"], j["skills_required"], [], embed=False)
             for j in (c["fitting_job"], c["near_miss_job"])] for c in cases]
    texts = ([u for r in resumes for u in r.units] + [req.phrase for pair in jobs for j in pair for req in j.requirements]
             + [c["resume"] for c in cases]
             + [job_text({**j, "skills_required": j["skills_required"]}) for c in cases
                for j in (c["fitting_job"], c["near_miss_job"])])
    vectors = np.asarray(embeddings.embed_many(texts), dtype=np.float32).reshape(-1, embeddings.DIMENSIONS)
    at = 0
    for r in resumes:
        r.vectors, at = vectors[at:at + len(r.units)], at + len(r.units)
    for pair in jobs:
        for j in pair:
            j.vectors, at = vectors[at:at + len(j.requirements)], at + len(j.requirements)
    resume_vectors, at = vectors[at:at + len(cases)], at + len(cases)
    job_vectors = vectors[at:at + 2 * len(cases)].reshape(len(cases), 2, -1)
    out = []
    for k, (case, resume, (fitting, near)) in enumerate(zip(cases, resumes, jobs)):
        results = []
        for which, job in enumerate((fitting, near)):
            cosine = float(resume_vectors[k] @ job_vectors[k, which])
            best = evidence.best_similarities(job.vectors, resume.vectors)
            if thresholds is None:
                results.append(matching.evaluate(cosine, resume, job, best))
            else:  # calibration only: the same steps with other thresholds
                cov = evidence.cover(job, resume, best, thresholds)
                score = matching.evaluate(cosine, resume, job, best)
                results.append(matching.Score(score.similarity_score, score.raw_similarity, score.skill_coverage,
                                              [e.requirement for e in cov.matched], cov.missing, cov.matched,
                                              score.seniority_fit, score.resume_seniority, score.job_seniority,
                                              cov.missing_must))
        fit_result, near_result = results
        expected = list(case["missing_specializations"])
        shown = [r for r in expected if r in near_result.matched]
        out.append(NearMissCase(case["id"], case["family"], case["split"], expected, shown,
                                fit_result.similarity_score, near_result.similarity_score,
                                matching.is_gap(fit_result), matching.is_gap(near_result)))
    return NearMissReport(out)
