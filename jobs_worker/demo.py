"""`make demo`: the sample catalogue through the real pipeline (normalize, dedup, store, enrich,
embed), in this process, so a fresh instance has jobs to show. Run it again and nothing is
duplicated: every posting is recognised and skipped.

    .venv/bin/python -m jobs_worker.demo"""

import logging
import sys
import time

from career_app.db import app_redis, session_scope
from career_app.services import embeddings, ingestion
from career_app.services.errors import Conflict
from jobs_worker import ingest


def load_sample(echo=print) -> dict:
    r = app_redis()
    with session_scope() as session:
        ingestion.ensure_seeded(session)
        ingestion.get_source(session, ingestion.SAMPLE_SOURCE)
        run_id = ingestion.create_inline_run(session, ingestion.SAMPLE_SOURCE, "demo").id
    pending: list = []

    def enrich(job_ids) -> None:
        pending.extend(job_ids)
        while pending:
            chunk, pending[:] = pending[:ingestion.ENRICH_BATCH], pending[ingestion.ENRICH_BATCH:]
            with session_scope() as session:
                done = ingestion.enrich_batch(session, r, chunk)
            echo(f"  enriched {done['enriched']}, near-duplicates merged {done['merged']}, failed {done['failed']}")

    return ingest.run_source(run_id, r, after_batch=enrich)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    started = time.monotonic()
    print("Loading the embedding model...")
    embeddings.load()
    try:
        result = load_sample()
    except Conflict as exc:
        sys.exit(f"{exc.detail}: wait for it to finish")
    print(f"Sample catalogue: {result['status']} in {time.monotonic() - started:.0f} s - new {result['new']}, "
          f"updated {result['updated']}, unchanged {result['skipped']}, errors {result['errors']}, "
          f"duplicates {result['dedup_hits']}")


if __name__ == "__main__":
    main()
