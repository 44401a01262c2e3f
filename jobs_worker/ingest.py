"""Running a source: its adapter lists postings, details are fetched where the list is thin
(concurrently, within the client's per-host bounds), and each batch is normalized, deduplicated
and stored by career_app.services.ingestion in one transaction, then its new or changed jobs are
queued for enrichment and the admins' tabs get the progress.

Used by the RQ tasks (jobs_worker.tasks) and, with enrichment inline, by `make demo` and the bench."""

import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import redis

from career_app.db import session_scope
from career_app.services import ingestion, jobs
from career_app.services.ingestion import RawPosting, SourceSpec
from jobs_worker import sources
from jobs_worker.http import FetchError, HttpPolicy, PoliteClient
from jobs_worker.sources.base import ListingTruncated

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 10


def _details(adapter, batch: list[RawPosting], workers: int) -> list[tuple[RawPosting, str | None]]:
    def one(posting: RawPosting) -> tuple[RawPosting, str | None]:
        if not posting.needs_details:
            return posting, None
        try:
            return adapter.fetch(posting), None
        except FetchError as exc:
            return posting, exc.reason
        except Exception as exc:  # a malformed detail document: this posting only
            return posting, f"{type(exc).__name__}: {exc}"[:300]

    if not any(p.needs_details for p in batch):
        return [(p, None) for p in batch]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(one, batch))


def _list(adapter, spec: SourceSpec, run_id: uuid.UUID) -> tuple[list[RawPosting], bool, tuple | None, str | None]:
    """Every posting the source lists; (postings, complete, listing error (url, reason), note)."""
    listed: list[RawPosting] = []
    cap = int(spec.params.get("max_postings") or 0)
    last_beat = time.monotonic()
    try:
        for posting in adapter.list_postings():
            listed.append(posting)
            if cap and len(listed) >= cap:
                return listed, False, None, f"Stopped at max_postings={cap}: nothing was closed"
            if time.monotonic() - last_beat > HEARTBEAT_SECONDS:
                with session_scope() as session:
                    ingestion.heartbeat(session, run_id)
                last_beat = time.monotonic()
    except ListingTruncated as exc:
        return listed, False, (exc.url, exc.reason), None
    except FetchError as exc:
        return listed, False, (exc.url, exc.reason), None
    except Exception as exc:  # a feed in a shape the adapter does not know
        log.exception("listing %s failed", spec.name)
        return listed, False, (spec.url, f"{type(exc).__name__}: {exc}"[:300]), None
    return listed, True, None, None


def run_source(run_id: uuid.UUID | str, r: redis.Redis, task_id: str | None = None,
               after_batch: Callable[[list[uuid.UUID]], None] | None = None) -> dict:
    """Perform a claimed-or-queued run. `after_batch(job_ids)` gets each batch's jobs to enrich
    (the worker queues them; make demo and the bench enrich inline). Returns the run's counters."""
    run_id = uuid.UUID(str(run_id))
    with session_scope() as session:
        spec = ingestion.claim_run(session, r, run_id, task_id)
    if spec is None:
        return {"run_id": str(run_id), "status": "skipped"}
    try:
        policy = HttpPolicy.from_dict(spec.http)
        with PoliteClient(policy, r) as client:
            adapter = sources.build(spec, client)
            listed, complete, listing_error, note = _list(adapter, spec, run_id)
            with session_scope() as session:
                ingestion.set_total(session, r, run_id, len(listed))
            seen: set[str] = set()
            for start in range(0, len(listed), ingestion.BATCH_SIZE):
                items = _details(adapter, listed[start:start + ingestion.BATCH_SIZE], policy.concurrency)
                with session_scope() as session:
                    result = ingestion.ingest_batch(session, run_id, spec.name, spec.params.get("company"), items,
                                                    seen)
                    ingestion.publish_progress(session, r, run_id)
                if result.changed or result.counters.get("new"):
                    jobs.invalidate(r)
                if result.enrich and after_batch is not None:
                    after_batch(result.enrich)
        with session_scope() as session:
            run = ingestion.finish_run(session, r, run_id, listed=len(listed), complete=complete,
                                       listing_error=listing_error, note=note)
            return {"run_id": str(run_id), "source": spec.name, "status": run.status.value, **run.counters}
    except Exception as exc:
        with session_scope() as session:
            ingestion.fail_run(session, r, run_id, f"{type(exc).__name__}: {exc}"[:500])
        raise
