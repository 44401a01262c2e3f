"""How well the calibrated match score gives the right gap verdict, on the held-out part of the
labelled set in tests/data/labelled_matches.json (constants fitted on its 'fit' part only), and how
the meaning threshold of skill evidence does on held-out phrase pairs (tests/data/labelled_phrases.json).

    .venv/bin/python bench/bench_calibration.py          # the held-out report
    .venv/bin/python bench/bench_calibration.py --fit    # also refit on the fit part and compare with the code

Prints: the phrase threshold (fitted and held-out accuracy), the confusion table of grade x verdict
at the gap threshold, NDCG@5 of the score and of the raw cosine, where the adjacent pairs fall, the
pairs on the wrong side, how often the seniority parser reads the author's level, and timings."""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="cc-bench-"))

from career_app.services import calibration, embeddings, evidence, matching  # noqa: E402
from career_app.settings import settings  # noqa: E402

DATA = ROOT / "tests" / "data"


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p * (len(s) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fit", action="store_true", help="refit the constants on the fit part and compare")
    args = parser.parse_args()
    threshold = settings.match_gap_threshold
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    embeddings.load()

    phrases = calibration.phrase_report(DATA / "labelled_phrases.json", DATA / "labelled_near_misses.json")
    same = phrases.thresholds == evidence.MEANING_THRESHOLDS
    print(f"\nmeaning thresholds per requirement kind, fitted on the fit pairs: {phrases.thresholds}\n"
          f"  code uses {evidence.MEANING_THRESHOLDS} ({'same' if same else 'DIFFERENT: update evidence.py'})")
    for name, part in (("fit", phrases.fit), ("held-out", phrases.held_out)):
        near = "" if part.near_miss_rejected is None else f", near misses kept missing {part.near_miss_rejected:.1%}"
        print(f"  {name} ({part.pairs} pairs): accuracy {part.accuracy:.1%}, precision {part.precision:.1%}, "
              f"recall {part.recall:.1%}{near}")
    print(f"  {'kind':<15} {'fit pairs':>9} {'fit acc':>8} {'held pairs':>10} {'held acc':>9} {'precision':>9} {'recall':>7}")
    for kind, (f, h) in phrases.by_kind.items():
        print(f"  {kind:<15} {f.pairs:>9} {f.accuracy:>8.1%} {h.pairs:>10} {h.accuracy:>9.1%} {h.precision:>9.1%} "
              f"{h.recall:>7.1%}")
    print(f"  held out, per family: {'family':<28} {'pairs':>5} {'accuracy':>8} {'near misses kept missing':>24}")
    for family, h in phrases.by_family.items():
        near = "-" if h.near_miss_rejected is None else f"{h.near_miss_rejected:.0%}"
        print(f"  {'':<22}{family:<28} {h.pairs:>5} {h.accuracy:>8.1%} {near:>24}")
    for miss in phrases.misses[:25]:
        print(f"  wrong side: {miss}")

    near = calibration.near_miss_report(DATA / "labelled_near_misses.json")
    print("\nnear misses (a generalist vs a same-family job whose must-have specialization they lack): right when the "
          "specialization is missing, the job is a gap and it scores under the job the resume fits")
    for split in ("fit", "held_out"):
        cases = near.part(split)
        print(f"  [{split}] {len(cases)} cases: {near.accuracy(cases):.1%} right; fitting jobs without a gap "
              f"{sum(not c.fitting_gap for c in cases) / max(1, len(cases)):.1%}")
    print(f"  held out, per family: {'family':<28} {'cases':>5} {'right':>6}")
    for family, (n, accuracy) in near.by_family("held_out").items():
        print(f"  {'':<22}{family:<28} {n:>5} {accuracy:>6.0%}")
    for case in near.part("held_out"):
        if not case.right:
            print(f"  wrong: {case.id}: shown {case.missing_shown}, near {case.near_score:.2f} vs fitting "
                  f"{case.fitting_score:.2f}, gap {case.near_gap}")

    ds = calibration.load(DATA / "labelled_matches.json")
    t = time.perf_counter()
    feat = calibration.features(ds)
    print(f"\nlabelled set: {len(ds.resumes)} resumes x {len(ds.jobs)} jobs = {ds.grades.size} pairs, "
          f"{len({r['family'] for r in ds.resumes})} families; taxonomy: {calibration.taxonomy_families()} families "
          f"(features in {time.perf_counter() - t:.1f} s)")
    print(f"requirements both matched and missing in one pair, over all pairs: {feat.both}")
    if args.fit:
        fitted = calibration.fit(ds, feat, threshold)
        print(f"fitted on the fit part: {fitted}\n  code: {matching.CALIBRATION} "
              f"({'same' if fitted == matching.CALIBRATION else 'DIFFERENT: update matching.Calibration'})")
    for split in ("fit", "held_out"):
        rep = calibration.report(ds, feat, matching.CALIBRATION, threshold, split)
        print(f"\n[{split}] {rep.pairs} pairs ({rep.counts['strong']} strong, {rep.counts['adjacent']} adjacent, "
              f"{rep.counts['unrelated']} unrelated), {rep.families} families, gap threshold {threshold}")
        print(f"  {'grade':<10} {'no gap':>7} {'gap':>7}   right verdict")
        for grade in calibration.GRADES:
            row = rep.confusion[grade]
            right = {"strong": rep.strong_no_gap, "unrelated": rep.unrelated_gap}.get(grade)
            print(f"  {grade:<10} {row['no gap']:>7} {row['gap']:>7}   "
                  + (f"{right:.1%}" if right is not None else "(reported, not judged)"))
        q = rep.adjacent_quartiles
        print(f"  adjacent pairs: {rep.adjacent_no_gap:.1%} at or over the threshold; quartiles {q[0]:.2f} / "
              f"{q[1]:.2f} / {q[2]:.2f}")
        print(f"  similarity_score mean: strong {rep.strong_mean:.3f}, unrelated {rep.unrelated_mean:.3f};  "
              f"raw cosine mean: strong {rep.raw_strong_mean:.3f}, unrelated {rep.raw_unrelated_mean:.3f} "
              f"(raw >= {threshold} for only {rep.raw_strong_over_threshold:.1%} of strong pairs)")
        print(f"  NDCG@5 (strong 2, adjacent 1): similarity_score {rep.ndcg5:.3f}, raw cosine {rep.raw_ndcg5:.3f}")
        for miss in rep.misses[:15]:
            print(f"  wrong side: {miss}")
    resumes, jobs = calibration.level_accuracy(ds, feat)
    print(f"\nseniority read within one rung of the author's level: resumes {resumes:.1%}, jobs {jobs:.1%}")

    timings = calibration.profile_timings(ds, runs=30)
    print(f"\ntimings: resume profile at upload (parse + embed phrases, one batch): median "
          f"{statistics.median(timings):.0f} ms, p95 {_pct(timings, 0.95):.0f} ms; "
          f"evidence + seniority + score per pair {feat.score_ms * 1000:.0f} us")
    t = [0.0] * 10
    for k, job in enumerate(ds.jobs[:10]):
        start = time.perf_counter()
        evidence.job_profile(job["title"], job["description"], job["skills_required"], [])
        t[k] = (time.perf_counter() - start) * 1000
    print(f"         job profile at enrichment (requirements + embeddings): median {statistics.median(t):.0f} ms")


if __name__ == "__main__":
    main()
