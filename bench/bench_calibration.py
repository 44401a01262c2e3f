"""How well the calibrated match score separates fits from unrelated jobs, on the labelled set in
tests/data/labelled_matches.json (8 career families x 3 resumes x 3 jobs; same family = fit).

    .venv/bin/python bench/bench_calibration.py
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="cc-bench-"))

from career_app.services import calibration  # noqa: E402
from career_app.settings import settings  # noqa: E402


def main() -> None:
    report = calibration.evaluate(ROOT / "tests" / "data" / "labelled_matches.json", settings.match_gap_threshold)
    print(f"labelled pairs: {report.pairs} ({report.fits} fits)")
    print(f"raw cosine      fit mean {report.raw_fit_mean:.3f}   unrelated mean {report.raw_unrelated_mean:.3f}")
    print(f"similarity_score fit mean {report.score_fit_mean:.3f}   unrelated mean {report.score_unrelated_mean:.3f}")
    print(f"threshold {report.threshold}: fits at or above {report.fits_above_threshold:.1%}, "
          f"unrelated below {report.unrelated_below_threshold:.1%}")
    print(f"the raw cosine at the same threshold would pass only {report.raw_fits_above_threshold:.1%} of fits")


if __name__ == "__main__":
    main()
