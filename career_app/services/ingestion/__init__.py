"""Job ingestion: sources, runs, and the pipeline from a source's raw postings to listed jobs.

normalize (HTML sanitized with nh3 and turned into text; skills canonicalized with the taxonomy;
location, remote option, employment type, salary and posting date parsed where present)
-> dedup in layers -> upsert -> enrichment and embedding in batches (-> the job-match notifications).

Dedup layers: (1) source identity (source, external id); (2) the canonical URL (tracking
parameters stripped, host lower-cased); (3) a normalized company + title + location key; (4) after
embedding, a near-duplicate description of the same company (cosine >= NEAR_DUPLICATE_THRESHOLD,
measured in bench/bench_ingestion.py --threshold). A posting seen again refreshes `last_seen_at`;
only changed fields are written, and only a changed title, description, skills or currency
enriches the job again.

Postings missing from a COMPLETE run of their source are marked gone, and a job with no posting
left open is closed; a failed or partial run (listing broken off, capped, or an empty listing
where postings were open) closes nothing. Runs commit per batch, so a run killed mid-way is taken
up again by the requeued task (the same run, attempts + 1) without duplicates.

Adapters (jobs_worker/sources) are called by the worker; this package never imports them.

One module per part, each importing only those above it in this list:
  normalize  RawPosting -> Normalized: text, URLs, dates, salaries, the identity key
  sources    the configured sources: seeding, CRUD, listing; closing what a source no longer lists
  runs       performing a run: claim, store batches (dedup layers 1-3, upsert), finish; run events
  start      queueing runs: one source, or all of them in one global task; stale runs failed
  enrich     enrichment batches of ingested jobs, with dedup layer 4 (near-duplicates)
  schedule   the cron tick that starts due sources
  status     the admins' overview: queues, tasks, sources, counts
Callers use this package (`from career_app.services import ingestion`). The functions
`normalize` and `status` bear their module's name, so here the name is the function: import from
a module by its full path (`from career_app.services.ingestion.normalize import ...`)."""

from career_app.services.ingestion.enrich import (ENRICH_BATCH, NEAR_DUPLICATE_THRESHOLD, enqueue_enrichment,
                                                  enrich_batch)
# _http_url is not public, but services/job_import.py reads pages with it.
from career_app.services.ingestion.normalize import (MAX_DESCRIPTION_CHARS, MIN_DESCRIPTION_CHARS, Normalized,
                                                     PostingError, RawPosting, _http_url, canonical_url, html_to_text,
                                                     identity_key, normalize, one_line, parse_date, parse_employment,
                                                     parse_pay, parse_remote, parse_salary)
from career_app.services.ingestion.runs import (BATCH_SIZE, DONE_KEY, MAX_ERRORS_KEPT, BatchResult, SourceSpec,
                                                claim_run, fail_run, finish_run, get_run, heartbeat, ingest_batch,
                                                list_runs, publish_progress, record_error, set_total)
from career_app.services.ingestion.schedule import schedule_due
from career_app.services.ingestion.sources import (CATALOGUE_DIR, CONFIG_FILE, ROOT, SAMPLE_SOURCE, catalogue_file,
                                                   create_source, delete_source, describe_source, ensure_seeded,
                                                   get_source, http_defaults, http_settings, list_sources, next_run,
                                                   source_out, update_source)
from career_app.services.ingestion.start import (GLOBAL_LOCK, GLOBAL_LOCK_SECONDS, STALE_RUN_SECONDS,
                                                 GlobalRunRunning, create_inline_run, expire_stale_runs,
                                                 global_sources, release_global, run_for_global, start_all, start_run,
                                                 system_owner)
from career_app.services.ingestion.status import INGEST_TASKS, status

__all__ = [
    # normalize
    "MIN_DESCRIPTION_CHARS", "MAX_DESCRIPTION_CHARS", "RawPosting", "PostingError", "Normalized", "one_line",
    "html_to_text", "canonical_url", "identity_key", "parse_date", "parse_employment", "parse_remote", "parse_salary",
    "parse_pay", "normalize",
    # sources
    "ROOT", "CONFIG_FILE", "CATALOGUE_DIR", "SAMPLE_SOURCE", "http_defaults", "http_settings", "next_run",
    "ensure_seeded", "get_source", "create_source", "update_source", "delete_source", "list_sources", "source_out",
    "describe_source", "catalogue_file",
    # runs
    "BATCH_SIZE", "MAX_ERRORS_KEPT", "DONE_KEY", "SourceSpec", "claim_run", "heartbeat", "set_total", "record_error",
    "BatchResult", "ingest_batch", "finish_run", "fail_run", "publish_progress", "get_run", "list_runs",
    # start
    "STALE_RUN_SECONDS", "GLOBAL_LOCK", "GLOBAL_LOCK_SECONDS", "system_owner", "expire_stale_runs", "start_run",
    "create_inline_run", "GlobalRunRunning", "start_all", "release_global", "run_for_global", "global_sources",
    # enrich
    "ENRICH_BATCH", "NEAR_DUPLICATE_THRESHOLD", "enqueue_enrichment", "enrich_batch",
    # schedule
    "schedule_due",
    # status
    "INGEST_TASKS", "status",
]
