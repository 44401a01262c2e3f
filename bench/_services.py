"""What the in-process benchmarks share: embedded PostgreSQL + Redis in a fresh temporary
directory, migrated, then stopped; and one way to print a median and p95."""

import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def start() -> Path:
    """Fresh embedded services for this run (DATA_DIR, DATABASE_URL, REDIS_URL set), migrated."""
    data_dir = Path(tempfile.mkdtemp(prefix="cc-bench-"))
    os.environ["DATA_DIR"] = str(data_dir)
    from career_app import embedded

    os.environ["DATABASE_URL"] = embedded.ensure_postgres(data_dir, database="bench")
    os.environ["REDIS_URL"] = embedded.ensure_redis(data_dir)
    from career_app.cli import cmd_migrate

    cmd_migrate(None)
    return data_dir


def stop() -> None:
    from career_app import embedded

    embedded.stop_embedded(Path(os.environ["DATA_DIR"]))


def report(name: str, samples: list[float], width: int = 44) -> None:
    """One line: the name, how many samples, median and p95 in milliseconds."""
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    print(f"{name:<{width}} n={len(ms):<4} median={statistics.median(ms):8.2f} ms   p95={p95:8.2f} ms")
