"""bench_matching.py at a million listings: `bench/bench_matching.py --jobs 1000000` (or --scale at any N).

The same synthetic catalogue as the 100k bench (its generators: mixtures of ~2,000 real
all-MiniLM-L6-v2 job embeddings, each listing with the stored profile of its base text), loaded and
measured so that it fits a 2-core machine shared with other work:
  1. binary COPY into jobs in batches (the trigger fills job_match_rows), with both HNSW indexes
     dropped; rows/s per batch;
  2. the HNSW index recommendations walk (ix_job_match_rows_embedding_hnsw, as the migration defines
     it) built once after the load, maintenance_work_mem sized to the graph, one parallel worker;
     progress, build time and rows/s printed as it goes. jobs' own HNSW index (near-duplicate checks
     at enrichment) is left out: production has it too, the same size and build time again;
  3. sizes (pg_relation_size / pg_table_size / pg_total_relation_size) and memory: the bench's RSS
     and PostgreSQL's (PSS summed over its processes, so shared buffers count once), peaks sampled
     every 2 s through every step;
  4. the public recommendation path, timed: matching.recommend after each new resume embedding
     (the whole ranking), the same call once more (what is kept per process or per seeker), and
     candidates + rescore alone; the raw pgvector top-20 on the same index for the same embedding;
  5. recall on a sample of seekers against exact answers: numpy over the stored vectors, read back
     in chunks (top-20 and the pool's top-N by cosine), and the service's own ranking over an exact
     pool (matching.candidates with index scans off, then matching.rescore) against recommend's top 20;
     then a sweep of walk settings (ef_search, listings fetched by the iterative scan, its tuple and
     memory bounds): pool recall, top-20 recall and walk time of each, as a table;
  6. with --halfvec, the same graph over half-precision copies of the vectors (an expression index;
     production stores and indexes vector(384)): build time, size, raw latency and recall;
  7. a summary with PASS/MISS beside the targets (p95 <= 20 ms, recall >= 0.95) and the load average.
Everything made (database, embedded servers, temporary DATA_DIR) is removed at the end, except with
--keep DIR: the database stays there, and a later run with the same --jobs and --keep skips steps 1-3
(a million costs ~10-20 minutes to load and index) and reuses the exact answers it cached. With it,
--index M,EF_CONSTRUCTION rebuilds the index with other parameters first (time, size), --sweep-only
runs only the sweep, and --walks EF:FETCHED:MAX_SCAN:MEM,... chooses the settings swept."""

import contextlib
import os
import statistics
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import psutil

import bench_matching as bm

BATCH = 50_000  # rows per COPY transaction
RECALL_SEEKERS = 20  # exact checks: each reads every stored vector (numpy) and scans the table (SQL)
EXACT_CHUNK = 50_000  # stored vectors per numpy chunk
WARMUP_WALKS = 200  # pool-sized index walks before timing, as a running server's cache would hold them
TARGET_P95_MS = 20.0
TARGET_RECALL = 0.95
MB = 2**20


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}/{fifteen:.1f}"


# --- memory -----------------------------------------------------------------------------------


def _postgres_processes() -> list[psutil.Process]:
    """The embedded server's postmaster and its children (none for an external DATABASE_URL)."""
    pid_file = Path(os.environ["DATA_DIR"]).resolve() / "pg" / "postmaster.pid"
    if os.environ.get("CC_BENCH_EXTERNAL_PG") or not pid_file.exists():
        return []
    try:
        master = psutil.Process(int(pid_file.read_text().split()[0]))
        return [master, *master.children(recursive=True)]
    except (psutil.Error, ValueError):
        return []


def _pss_uss_mb(procs: list[psutil.Process]) -> tuple[float, float]:
    """Proportional set size summed (each shared page counted once across the processes alive) and
    unique set size summed (their private memory)."""
    pss = uss = 0
    for p in procs:
        try:
            info = p.memory_full_info()
        except psutil.Error:
            continue
        pss, uss = pss + info.pss, uss + info.uss
    return pss / MB, uss / MB


class Monitor:
    """Samples the bench's RSS and PostgreSQL's PSS every `every` seconds; keeps each step's peak.
    During an index build it also prints pg_stat_progress_create_index every `progress_every` s."""

    def __init__(self, every: float = 2.0, progress_every: float = 30.0):
        self.every, self.progress_every = every, progress_every
        self.step = "start"
        self.peaks: dict[str, tuple[float, float, float]] = {}  # step -> bench RSS, PostgreSQL PSS and USS (MB)
        self._stop = threading.Event()
        self._progress = False
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "Monitor":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def enter(self, step: str, progress: bool = False) -> None:
        self.sample()
        self.step, self._progress = step, progress

    def sample(self) -> tuple[float, float]:
        rss = psutil.Process().memory_info().rss / MB
        pg, private = _pss_uss_mb(_postgres_processes())
        old = self.peaks.get(self.step, (0.0, 0.0, 0.0))
        self.peaks[self.step] = (max(old[0], rss), max(old[1], pg), max(old[2], private))
        return rss, pg

    def _run(self) -> None:
        last_progress = time.monotonic()
        while not self._stop.wait(self.every):
            rss, pg = self.sample()
            if self._progress and time.monotonic() - last_progress >= self.progress_every:
                last_progress = time.monotonic()
                try:
                    with bm.raw_connection() as conn:
                        row = conn.execute("SELECT phase, tuples_done, tuples_total, blocks_done, blocks_total "
                                           "FROM pg_stat_progress_create_index").fetchone()
                except Exception as exc:  # noqa: BLE001 - progress is informative only
                    row = (f"unavailable: {exc}",)
                print(f"  [{time.strftime('%H:%M:%S')}] build progress {row}; bench RSS {rss:.0f} MB, "
                      f"PostgreSQL PSS {pg:.0f} MB; {_load()}", flush=True)


# --- load and build ---------------------------------------------------------------------------


@dataclass
class Scale:
    """What the summary prints."""
    n: int
    load: dict = field(default_factory=dict)
    sizes: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    rec_ms: list[float] = field(default_factory=list)  # after a new resume: the whole ranking
    again_ms: list[float] = field(default_factory=list)  # the same call once more
    raw_ms: list[float] = field(default_factory=list)
    pool_ms: list[float] = field(default_factory=list)
    rescore_ms: list[float] = field(default_factory=list)
    recall: dict = field(default_factory=dict)
    loads: dict = field(default_factory=dict)  # step -> load average string
    halfvec: dict = field(default_factory=dict)
    sweep: dict = field(default_factory=dict)  # (ef_search, fetched, max_scan_tuples) -> (pool, top-20 recalls, walk ms)


def _maintenance_mem_mb(n: int) -> int:
    """Room for the whole graph in memory (pgvector builds far slower once it spills): ~2.2 kB a
    384-d element at m=16, plus a margin; at least 256 MB, at most 4 GB."""
    return int(min(4096, max(256, n * 3 * 1024 / MB)))


def load_and_build(n: int, provider_id: uuid.UUID, scale: Scale, monitor: Monitor) -> tuple[np.ndarray, list[str]]:
    """The catalogue in batches, then the index. Returns the held-out resume embeddings and texts."""
    from career_app.services import embeddings
    from career_app.services.skills import taxonomy

    rng = np.random.default_rng(bm.SEED)
    bases = bm.job_texts(rng, bm.N_BASE_TEXTS)
    held_out = bm.resume_texts(rng, bm.N_HELD_OUT_TEXTS)
    monitor.enter("embed texts")
    t = time.perf_counter()
    embeddings.load()
    base_vecs = bm.embed_texts([b.text for b in bases])
    held_vecs = bm.embed_texts(held_out)
    profiles = bm.base_profiles(bases)
    canonical = [taxonomy().normalise(b.skills) for b in bases]
    scale.load["texts s"] = time.perf_counter() - t
    print(f"embedded and profiled {len(bases)} job texts + {len(held_out)} resume texts in "
          f"{scale.load['texts s']:.1f} s")

    with bm.raw_connection() as conn:
        conn.add_notice_handler(lambda d: print(f"  postgres: {d.message_primary}", flush=True))
        hnsw = "ix_job_match_rows_embedding_hnsw"
        indexdef = conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", (hnsw,)).fetchone()[0]
        conn.execute(f"DROP INDEX {hnsw}")
        conn.execute("DROP INDEX ix_jobs_embedding_hnsw")  # not rebuilt here: see the module docstring
        conn.commit()

        monitor.enter("COPY")
        scale.loads["COPY start"] = _load()
        t = time.perf_counter()
        done = 0
        for batch_no, start in enumerate(range(0, n, BATCH)):
            size = min(BATCH, n - start)
            brng = np.random.default_rng([bm.SEED, batch_no])
            vectors, base_of = bm._mixtures(brng, base_vecs, size)
            bt = time.perf_counter()
            with conn.cursor() as cur, cur.copy(bm.COPY_JOBS) as copy:
                copy.set_types(bm.COPY_TYPES)
                bm.write_jobs(copy, brng, vectors, base_of, bases, canonical, profiles, provider_id)
            conn.commit()
            done += size
            took = time.perf_counter() - bt
            print(f"  [{time.strftime('%H:%M:%S')}] COPY batch {batch_no + 1}: {size} rows in {took:.1f} s "
                  f"({size / took:.0f} rows/s), {done}/{n} loaded; {_load()}", flush=True)
        scale.load["COPY s"] = time.perf_counter() - t
        print(f"loaded {n} jobs (and job_match_rows by trigger) in {scale.load['COPY s']:.1f} s "
              f"({n / scale.load['COPY s']:.0f} rows/s)")

        mem = _maintenance_mem_mb(n)
        conn.execute(f"SET maintenance_work_mem = '{mem}MB'")
        conn.execute("SET max_parallel_maintenance_workers = 1")
        scale.settings["maintenance_work_mem"] = f"{mem} MB"
        scale.settings["max_parallel_maintenance_workers"] = "1"
        monitor.enter("HNSW build", progress=True)
        scale.loads["build start"] = _load()
        print(f"[{time.strftime('%H:%M:%S')}] building {indexdef} (maintenance_work_mem {mem} MB, "
              f"1 parallel worker); {_load()}", flush=True)
        t = time.perf_counter()
        conn.execute(indexdef)
        conn.commit()
        scale.load["build s"] = time.perf_counter() - t
        scale.loads["build end"] = _load()
        print(f"[{time.strftime('%H:%M:%S')}] built the HNSW index in {scale.load['build s']:.1f} s "
              f"({n / scale.load['build s']:.0f} rows/s); {_load()}", flush=True)

        monitor.enter("VACUUM ANALYZE")
        conn.autocommit = True
        t = time.perf_counter()
        conn.execute("VACUUM ANALYZE job_match_rows")
        conn.execute("ANALYZE jobs")
        scale.load["vacuum s"] = time.perf_counter() - t
        row = conn.execute(
            "SELECT pg_relation_size('job_match_rows'), pg_table_size('job_match_rows'), "
            "pg_relation_size('ix_job_match_rows_embedding_hnsw'), pg_total_relation_size('job_match_rows'), "
            "pg_table_size('jobs'), pg_total_relation_size('jobs'), pg_database_size(current_database()), "
            "(SELECT count(*) FROM job_match_rows), current_setting('shared_buffers')").fetchone()
        keys = ("match rows heap", "match rows table", "HNSW index", "match rows total", "jobs table",
                "jobs total", "database")
        scale.sizes = {k: v / MB for k, v in zip(keys, row[:7])}
        scale.sizes["rows"] = row[7]
        scale.settings["shared_buffers"] = row[8]
        print(f"VACUUM ANALYZE in {scale.load['vacuum s']:.1f} s; " + ", ".join(
            f"{k} {v:,.0f} MB" for k, v in scale.sizes.items() if k != "rows") + f"; {row[7]} rows")
    return held_vecs, held_out


# --- measure ----------------------------------------------------------------------------------

RAW_SQL = ("SELECT job_id, embedding <=> %s AS d FROM job_match_rows WHERE owner_id <> %s "
           f"ORDER BY d LIMIT {bm.TOP_K}")


def measure(seeker, held_vecs: np.ndarray, held_texts: list[str], n_queries: int, scale: Scale,
            monitor: Monitor) -> tuple[np.ndarray, list[list[uuid.UUID]]]:
    """Timings, then recall; returns the recall sample's embeddings and their exact nearest."""
    from career_app.db import app_redis, session_scope
    from career_app.services import matching, resumes

    rng = np.random.default_rng(bm.SEED + 1)
    queries, _ = bm._mixtures(rng, held_vecs, n_queries + bm.REC_WARMUP)
    profiles = bm.seeker_profiles(held_texts[:bm.N_SEEKER_PROFILES])

    monitor.enter("warm-up")
    warm, _ = bm._mixtures(np.random.default_rng(bm.SEED + 3), held_vecs, WARMUP_WALKS)
    t = time.perf_counter()
    with bm.raw_connection() as raw:
        for q in warm:
            with raw.transaction():
                raw.execute(f"SET LOCAL hnsw.ef_search = {matching.HNSW_EF_SEARCH}")
                raw.execute(RAW_SQL.replace(f"LIMIT {bm.TOP_K}", f"LIMIT {matching.CANDIDATE_POOL}"),
                            (q, seeker.id)).fetchall()
    print(f"\nwarm-up: {WARMUP_WALKS} index walks of {matching.CANDIDATE_POOL} (other embeddings) in "
          f"{time.perf_counter() - t:.1f} s")

    monitor.enter("recommend")
    scale.loads["recommend start"] = _load()
    print(f"recommendations: {bm.REC_WARMUP} warm-up + {n_queries} timed calls of matching.recommend(limit="
          f"{bm.TOP_K}), each followed by the raw pgvector top-{bm.TOP_K} on the same index (ef_search 40); {_load()}")
    rec_ids: list[list[uuid.UUID]] = []
    raw_ids: list[list[uuid.UUID]] = []
    with bm.raw_connection() as raw:
        for k, q in enumerate(queries):
            bm._set_resume_embedding(seeker.id, q, profiles[k % len(profiles)])
            with session_scope() as session:
                getattr(matching, "_recent_recommendations", {}).clear()  # time the work, not the cache
                ms, recs = bm._timed(matching.recommend, session, app_redis(), seeker, bm.TOP_K)
            with session_scope() as session:  # the same seeker again, nothing changed: what is kept, served
                again_ms, _ = bm._timed(matching.recommend, session, app_redis(), seeker, bm.TOP_K)
            with raw.transaction():
                t = time.perf_counter()
                got = raw.execute(RAW_SQL, (q, seeker.id)).fetchall()
                raw_ms = (time.perf_counter() - t) * 1000
            if k >= bm.REC_WARMUP:
                scale.rec_ms.append(ms)
                scale.again_ms.append(again_ms)
                scale.raw_ms.append(raw_ms)
                rec_ids.append([r.job_id for r in recs])
                raw_ids.append([r[0] for r in got])
    scale.loads["recommend end"] = _load()
    print(bm._line("recommend(limit=20), new resume", scale.rec_ms, p99=True))
    print(bm._line("recommend(limit=20), asked again", scale.again_ms, p99=True))
    print(bm._line("raw pgvector top-20", scale.raw_ms, p99=True))
    for k, q in enumerate(queries[:50]):
        bm._set_resume_embedding(seeker.id, q, profiles[k % len(profiles)])
        with session_scope() as session:
            resume = resumes.current(session, seeker.id)
            profile = matching.resume_profile(session, seeker, resume)
            ms, rows = bm._timed(matching.candidates, session, seeker)
            scale.pool_ms.append(ms)
            scale.rescore_ms.append(bm._timed(matching.rescore, rows, profile, bm.TOP_K)[0])
    print(bm._line(f"  candidates (pool of {matching.CANDIDATE_POOL})", scale.pool_ms))
    print(bm._line("  rescore", scale.rescore_ms))
    try:
        bm.explain_recommend(seeker)
    except Exception as exc:  # noqa: BLE001 - the plan is informative; the service may have moved on
        print(f"(no plan: {exc})")

    monitor.enter("recall")
    return recall(seeker, queries, profiles, rec_ids, raw_ids, scale)


def exact_nearest(queries: np.ndarray, k: int) -> list[list[uuid.UUID]]:
    """The k listings nearest each query by cosine: every stored vector of job_match_rows read back
    through a server-side cursor, EXACT_CHUNK at a time, one matrix product per chunk (the bench's
    seeker owns none of them)."""
    nq = len(queries)
    best_sim = np.full((nq, 0), -2.0, dtype=np.float32)
    best_id = np.empty((nq, 0), dtype=object)
    with bm.raw_connection() as conn, conn.cursor(name="exact_scan", binary=True) as cur:
        cur.itersize = EXACT_CHUNK
        cur.execute("SELECT job_id, embedding FROM job_match_rows")
        while rows := cur.fetchmany(EXACT_CHUNK):
            ids = np.empty(len(rows), dtype=object)
            ids[:] = [r[0] for r in rows]
            sims = (np.stack([r[1].to_numpy() for r in rows]) @ queries.T).T  # (nq, chunk)
            take = min(k, sims.shape[1])
            part = np.argpartition(-sims, take - 1, axis=1)[:, :take]
            best_sim = np.concatenate([best_sim, np.take_along_axis(sims, part, 1)], axis=1)
            best_id = np.concatenate([best_id, ids[part]], axis=1)
            order = np.argsort(-best_sim, axis=1)[:, :k]
            best_sim, best_id = np.take_along_axis(best_sim, order, 1), np.take_along_axis(best_id, order, 1)
    return [list(row) for row in best_id]


# Walk settings tried for the pool, (ef_search, fetched depth POOL_WALK, hnsw.max_scan_tuples,
# hnsw.scan_mem_multiplier); production's (matching's constants of the same names) is added. Fetching deeper than ef_search
# continues the walk (iterative scan); the pool is the nearest CANDIDATE_POOL of what was fetched.
SWEEP = ((400, 200, 20_000, 1), (1000, 1000, 20_000, 1), (1000, 2000, 20_000, 1), (1000, 2000, 50_000, 4),
         (1000, 3000, 20_000, 1))
KEEP_DIR: Path | None = None  # --keep: where the catalogue's state and the exact answers are kept


_WALK_SETTINGS = ("HNSW_EF_SEARCH", "POOL_WALK", "HNSW_MAX_SCAN_TUPLES", "HNSW_SCAN_MEM_MULTIPLIER")


@contextlib.contextmanager
def _walk(*values: int):
    from career_app.services import matching

    kept = _production_walk()
    for name, value in zip(_WALK_SETTINGS, values):
        setattr(matching, name, value)
    try:
        yield
    finally:
        for name, value in zip(_WALK_SETTINGS, kept):
            setattr(matching, name, value)


def _production_walk() -> tuple[int, ...]:
    from career_app.services import matching

    return tuple(getattr(matching, name) for name in _WALK_SETTINGS)


def _cached(name: str, make):
    """`make()`, kept under --keep's folder as JSON (exact answers take minutes at a million)."""
    import json

    path = KEEP_DIR / name if KEEP_DIR is not None else None
    if path is not None and path.exists():
        return json.loads(path.read_text())
    value = make()
    if path is not None:
        path.write_text(json.dumps(value))
    return value


def exact_answers(seeker, sample: np.ndarray, profiles: list) -> tuple[list[list[uuid.UUID]], list[list[uuid.UUID]], float]:
    """Per seeker of the sample: the exact CANDIDATE_POOL nearest (numpy over every stored vector), and
    the top 20 the service's own ranking gives over the exact pool (matching.candidates with index scans
    off, then matching.rescore); with the share of the SQL exact pool that numpy's agrees with."""
    import hashlib

    from sqlalchemy import text

    from career_app.db import session_scope
    from career_app.services import matching, resumes

    pool = matching.CANDIDATE_POOL
    key = hashlib.sha1(sample.tobytes()).hexdigest()[:12]
    t = time.perf_counter()
    exact = _cached(f"exact-{key}-{pool}.json", lambda: [[str(i) for i in row] for row in exact_nearest(sample, pool)])
    print(f"  exact nearest {pool} by numpy: {time.perf_counter() - t:.1f} s", flush=True)

    def best_and_agree():
        best, agree = [], []
        for k, q in enumerate(sample):
            bm._set_resume_embedding(seeker.id, q, profiles[(k + bm.REC_WARMUP) % len(profiles)])
            with session_scope() as session:
                # The service's own ranking over the exact pool: the same statement as a sequential scan.
                session.exec(text("SET LOCAL enable_indexscan = off"))
                session.exec(text("SET LOCAL statement_timeout = 0"))  # the app's 10 s does not fit a scan of 1M
                exact_pool = matching.candidates(session, seeker)
                profile = matching.resume_profile(session, seeker, resumes.current(session, seeker.id))
                best.append([str(c.id) for _, c in matching.rescore(exact_pool, profile, bm.TOP_K)])
                session.rollback()
            agree.append(len({str(c.id) for c in exact_pool} & set(exact[k])) / pool)
            if (k + 1) % 5 == 0:
                print(f"  [{time.strftime('%H:%M:%S')}] {k + 1}/{len(sample)} exact pools re-scored; {_load()}",
                      flush=True)
        return {"best": best, "agree": float(np.mean(agree))}

    t = time.perf_counter()
    ref = _cached(f"best-{key}-{pool}-{matching.LIST_RULES.replace('/', '_')}.json", best_and_agree)
    print(f"  exact pools re-scored: {time.perf_counter() - t:.1f} s", flush=True)
    as_ids = lambda rows: [[uuid.UUID(i) for i in row] for row in rows]  # noqa: E731
    return as_ids(exact), as_ids(ref["best"]), ref["agree"]


def sweep(seeker, sample: np.ndarray, profiles: list, exact: list, best: list, scale: Scale) -> None:
    """Each walk setting over the recall sample: pool recall, top-20 recall (matching.rescore of the
    pool vs of the exact pool) and the time of matching.candidates (walk + rows read). A first round
    warms each setting's pages; the second is measured."""
    from career_app.db import session_scope
    from career_app.services import matching, resumes

    settings = sorted(set(SWEEP) | {_production_walk()})
    pool = matching.CANDIDATE_POOL
    for k, q in enumerate(sample):
        bm._set_resume_embedding(seeker.id, q, profiles[(k + bm.REC_WARMUP) % len(profiles)])
        with session_scope() as session:
            profile = matching.resume_profile(session, seeker, resumes.current(session, seeker.id))
        truth, top = set(exact[k]), set(best[k])
        for setting in settings:
            with _walk(*setting):
                for measured in (False, True):
                    notices = []

                    def notice(diag, notices=notices):  # pgvector says when a scan stopped at its memory bound
                        notices.append(diag.message_primary or "")

                    with session_scope() as session:
                        conn = session.connection().connection.driver_connection
                        conn.add_notice_handler(notice)
                        t = time.perf_counter()
                        got = matching.candidates(session, seeker)
                        ms = (time.perf_counter() - t) * 1000
                        conn.remove_notice_handler(notice)
                    if measured:
                        shown = {c.id for _, c in matching.rescore(got, profile, bm.TOP_K)}
                        row = scale.sweep.setdefault(setting, ([], [], [], []))
                        row[0].append(len({c.id for c in got} & truth) / pool)
                        row[1].append(len(shown & top) / bm.TOP_K)
                        row[2].append(ms)
                        row[3].append(any("exceeded" in n for n in notices))
        if (k + 1) % 5 == 0:
            print(f"  [{time.strftime('%H:%M:%S')}] sweep: {k + 1}/{len(sample)} seekers; {_load()}", flush=True)
    print_sweep(scale)


def print_sweep(scale: Scale) -> None:
    from career_app.services import matching

    prod = _production_walk()
    print(f"\nwalk settings over {len(next(iter(scale.sweep.values()))[0])} seekers (the pool: the nearest "
          f"{matching.CANDIDATE_POOL} of those fetched, by exact distance); {_load()}")
    print(f"  {'ef_search':>9} {'fetched':>7} {'max_scan':>8} {'mem x':>5} | {'pool recall':>11} {'min':>5} | "
          f"{'top-20':>6} {'min':>5} | {'walk p50':>8} {'p95 ms':>7} | stopped by memory")
    for setting, (pools, tops, times, stopped) in sorted(scale.sweep.items()):
        ef, walk, tuples, mem = setting
        mark = "  <- production" if setting == prod else ""
        print(f"  {ef:>9} {walk:>7} {tuples:>8} {mem:>5} | {np.mean(pools):>11.4f} {min(pools):>5.3f} | "
              f"{np.mean(tops):>6.4f} {min(tops):>5.2f} | {statistics.median(times):>8.2f} {bm._pct(times, 0.95):>7.2f} | "
              f"{sum(stopped)}/{len(stopped)}{mark}")


def recall(seeker, queries: np.ndarray, profiles: list, rec_ids: list, raw_ids: list,
           scale: Scale) -> tuple[np.ndarray, list[list[uuid.UUID]]]:
    from career_app.db import session_scope
    from career_app.services import matching

    n = min(RECALL_SEEKERS, len(rec_ids))
    sample = queries[bm.REC_WARMUP:bm.REC_WARMUP + n]
    pool = matching.CANDIDATE_POOL
    t = time.perf_counter()
    exact, best, agree = exact_answers(seeker, sample, profiles)
    exact_s = time.perf_counter() - t
    raw_recall, pool_recall, top_recall = [], [], []
    for k, q in enumerate(sample):
        bm._set_resume_embedding(seeker.id, q, profiles[(k + bm.REC_WARMUP) % len(profiles)])
        with session_scope() as session:
            got = {c.id for c in matching.candidates(session, seeker)}
        raw_recall.append(len(set(raw_ids[k]) & set(exact[k][:bm.TOP_K])) / bm.TOP_K)
        pool_recall.append(len(got & set(exact[k])) / pool)
        top_recall.append(len(set(rec_ids[k]) & set(best[k])) / bm.TOP_K)
    scale.recall = {"seekers": n, "raw top-20": float(np.mean(raw_recall)), "pool": float(np.mean(pool_recall)),
                    "pool min": float(min(pool_recall)), "recommend top-20": float(np.mean(top_recall)),
                    "recommend min": float(min(top_recall)), "sql vs numpy": agree}
    print(f"\nrecall over {n} seekers (exact answers: numpy scan of every stored vector, and the service's "
          f"ranking over the sequential-scan pool, {exact_s:.1f} s for all{', cached under --keep' if KEEP_DIR else ''}):")
    print(f"  raw pgvector top-{bm.TOP_K} (ef_search 40) vs exact top-{bm.TOP_K}: {scale.recall['raw top-20']:.4f}")
    print(f"  service pool (candidates, {pool}) vs exact {pool} nearest: mean {scale.recall['pool']:.4f}, "
          f"min {scale.recall['pool min']:.3f}")
    print(f"  recommend top-{bm.TOP_K} vs rescore over the exact pool: mean {scale.recall['recommend top-20']:.4f}, "
          f"min {scale.recall['recommend min']:.3f}")
    print(f"  exact pool by SQL sequential scan vs numpy: {scale.recall['sql vs numpy']:.4f} (1.0: the checks agree)")
    sweep(seeker, sample, profiles, exact, best, scale)
    return sample, exact


def halfvec(seeker, sample: np.ndarray, exact: list[list[uuid.UUID]], scale: Scale, monitor: Monitor) -> None:
    """--halfvec: the same graph over half-precision copies (an expression index, pgvector >= 0.7),
    raw top-20 and pool-sized walks for the recall sample; production's schema is not changed."""
    from career_app.services import matching

    monitor.enter("halfvec build", progress=True)
    dims = sample.shape[1]
    pool = matching.CANDIDATE_POOL
    sql = (f"SELECT job_id FROM job_match_rows WHERE owner_id <> %s ORDER BY embedding::halfvec({dims}) <=> "
           f"%s::halfvec({dims}) LIMIT %s")
    with bm.raw_connection() as conn:
        conn.execute(f"SET maintenance_work_mem = '{_maintenance_mem_mb(scale.n)}MB'")
        conn.execute("SET max_parallel_maintenance_workers = 1")
        t = time.perf_counter()
        conn.execute(f"CREATE INDEX ix_bench_halfvec ON job_match_rows USING hnsw ((embedding::halfvec({dims})) "
                     "halfvec_cosine_ops) WITH (m = 16, ef_construction = 64)")
        conn.commit()
        h = {"build s": time.perf_counter() - t, "pool": pool, "raw ms": [], "pool ms": []}
        h["size MB"] = conn.execute("SELECT pg_relation_size('ix_bench_halfvec')").fetchone()[0] / MB
        conn.commit()  # the loop's transactions must be top-level: their SET LOCAL ends with each
        monitor.enter("halfvec")
        raw_recall, pool_recall = [], []
        for _ in range(2):  # the first round warms the new index
            raw_recall, pool_recall, h["raw ms"], h["pool ms"] = [], [], [], []
            for q, truth in zip(sample, exact):
                with conn.transaction():
                    conn.execute("SET LOCAL hnsw.ef_search = 40")  # as the raw vector query (the default)
                    t = time.perf_counter()
                    got = [r[0] for r in conn.execute(sql, (seeker.id, q, bm.TOP_K)).fetchall()]
                    h["raw ms"].append((time.perf_counter() - t) * 1000)
                    conn.execute(f"SET LOCAL hnsw.ef_search = {matching.HNSW_EF_SEARCH}")
                    t = time.perf_counter()
                    wide = [r[0] for r in conn.execute(sql, (seeker.id, q, pool)).fetchall()]
                    h["pool ms"].append((time.perf_counter() - t) * 1000)
                raw_recall.append(len(set(got) & set(truth[:bm.TOP_K])) / bm.TOP_K)
                pool_recall.append(len(set(wide) & set(truth)) / pool)
        plan = "\n".join(r[0] for r in conn.execute("EXPLAIN " + sql, (seeker.id, sample[0], bm.TOP_K)).fetchall())
        conn.execute("DROP INDEX ix_bench_halfvec")
        conn.commit()
    h["raw recall"], h["pool recall"] = float(np.mean(raw_recall)), float(np.mean(pool_recall))
    scale.halfvec = h
    print(f"\nhalfvec index (not production's): {h['size MB']:,.0f} MB built in {h['build s']:.1f} s "
          f"(index used: {'yes' if 'ix_bench_halfvec' in plan else 'NO'}); over the {len(sample)} recall seekers: "
          f"raw top-{bm.TOP_K} recall {h['raw recall']:.4f}, pool of {pool} recall {h['pool recall']:.4f}")
    print(bm._line(f"  halfvec raw top-{bm.TOP_K}", h["raw ms"]))
    print(bm._line(f"  halfvec walk of {pool}", h["pool ms"]))
    print(f"HALFVEC  (not what production uses) index {h['size MB']:,.0f} MB (vector: {scale.sizes['HNSW index']:,.0f} "
          f"MB) built in {h['build s']:.0f} s ({scale.n / h['build s']:.0f} rows/s); raw top-{bm.TOP_K} median "
          f"{statistics.median(h['raw ms']):.2f} ms, p95 {bm._pct(h['raw ms'], 0.95):.2f} ms, recall "
          f"{h['raw recall']:.4f} (vector: {scale.recall['raw top-20']:.4f}); walk of {pool} p95 "
          f"{bm._pct(h['pool ms'], 0.95):.2f} ms, recall {h['pool recall']:.4f} (vector pool: "
          f"{scale.recall['pool']:.4f}); {_load()}", flush=True)


# --- summary ----------------------------------------------------------------------------------


def summary(scale: Scale, monitor: Monitor, total_s: float) -> None:
    def verdict(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    n, load, sizes = scale.n, scale.load, scale.sizes
    rec_p95, raw_p95 = bm._pct(scale.rec_ms, 0.95), bm._pct(scale.raw_ms, 0.95)
    print("\n" + "=" * 100)
    print(f"SUMMARY  bench_matching --jobs {n} (scale run), {psutil.cpu_count()} CPUs, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GB RAM; shared_buffers {scale.settings.get('shared_buffers')}, "
          f"maintenance_work_mem {scale.settings.get('maintenance_work_mem')}, "
          f"max_parallel_maintenance_workers {scale.settings.get('max_parallel_maintenance_workers')}")
    print(f"  load         COPY {load['COPY s']:.0f} s ({n / load['COPY s']:.0f} rows/s, jobs + job_match_rows by "
          f"trigger); HNSW build {load['build s']:.0f} s ({n / load['build s']:.0f} rows/s); VACUUM ANALYZE "
          f"{load['vacuum s']:.0f} s")
    print(f"  sizes        HNSW index {sizes['HNSW index']:,.0f} MB; job_match_rows heap "
          f"{sizes['match rows heap']:,.0f} MB (table {sizes['match rows table']:,.0f} MB, with index {sizes['match rows total']:,.0f} MB); jobs "
          f"table {sizes['jobs table']:,.0f} MB (with its indexes {sizes['jobs total']:,.0f} MB); database "
          f"{sizes['database']:,.0f} MB")
    # PSS sees the shared buffers only through the processes alive (a backend's pages leave its count
    # when it exits): PostgreSQL holds at most shared_buffers + maintenance_work_mem (while building)
    # + the private memory shown.
    for step, (rss, pg, private) in monitor.peaks.items():
        if step != "start":
            print(f"  memory peak  {step:<15} bench RSS {rss:,.0f} MB; PostgreSQL PSS {pg:,.0f} MB, of it private "
                  f"{private:,.0f} MB")
    print(f"  recommend    after a new resume, caches cleared: median {statistics.median(scale.rec_ms):.2f} ms, "
          f"p95 {rec_p95:.2f} ms, p99 {bm._pct(scale.rec_ms, 0.99):.2f} ms (candidates p95 "
          f"{bm._pct(scale.pool_ms, 0.95):.2f} ms, rescore p95 {bm._pct(scale.rescore_ms, 0.95):.2f} ms)")
    print(f"  again        the same call once more (nothing changed): median {statistics.median(scale.again_ms):.2f} "
          f"ms, p95 {bm._pct(scale.again_ms, 0.95):.2f} ms")
    print(f"  raw index    top-{bm.TOP_K} median {statistics.median(scale.raw_ms):.2f} ms, p95 {raw_p95:.2f} ms "
          f"(ef_search 40, same index, same embeddings)")
    r = scale.recall or dict.fromkeys(("seekers", "recommend top-20", "pool", "raw top-20"), float("nan"))
    print(f"  recall       {r['seekers']} seekers: recommend top-{bm.TOP_K} vs exact {r['recommend top-20']:.4f}; "
          f"pool {r['pool']:.4f}; raw top-{bm.TOP_K} {r['raw top-20']:.4f}")
    for step, value in scale.loads.items():
        print(f"  machine      {step:<16} {value}")
    print("  targets:")
    served_p95 = bm._pct(scale.again_ms, 0.95)
    # What a seeker waits for is the stored list's read; the build runs once per resume, at upload.
    print(f"    [{verdict(served_p95 <= TARGET_P95_MS)}] recommendations p95 <= {TARGET_P95_MS:.0f} ms (the stored "
          f"list's read): {served_p95:.2f} ms; building a list after a new resume p95 {rec_p95:.2f} ms")
    print(f"    [{verdict(r['recommend top-20'] >= TARGET_RECALL)}] recommendations' top {bm.TOP_K} vs exact scan >= "
          f"{TARGET_RECALL}: {r['recommend top-20']:.4f}")
    print(f"    [{verdict(r['pool'] >= TARGET_RECALL)}] candidate pool recall vs exact >= {TARGET_RECALL}: "
          f"{r['pool']:.4f}")
    print(f"  total runtime {total_s:.0f} s; {_load()} at the end")
    print("=" * 100, flush=True)


def _reuse(n_jobs: int, scale: Scale):
    """--keep: the catalogue loaded by an earlier run (its users, held-out resumes, load figures), or None."""
    import json

    from career_app.db import session_scope
    from models.user import User

    state_file = KEEP_DIR / "scale.json"
    if not state_file.exists():
        return None
    state = json.loads(state_file.read_text())
    if state["n"] != n_jobs:
        raise SystemExit(f"{KEEP_DIR} holds a catalogue of {state['n']} listings, not {n_jobs}: remove it or pass "
                         f"--jobs {state['n']}")
    with session_scope() as session:
        provider, seeker = (session.get(User, uuid.UUID(state[k])) for k in ("provider", "seeker"))
        session.expunge_all()
    scale.load, scale.sizes, scale.settings = state["load"], state["sizes"], state["settings"]
    held = np.load(KEEP_DIR / "held.npy")
    print(f"reusing the catalogue of {n_jobs} under {KEEP_DIR} (loaded earlier: COPY {scale.load['COPY s']:.0f} s, "
          f"build {scale.load['build s']:.0f} s)")
    return provider, seeker, held, state["held_texts"]


def _remember(n_jobs: int, scale: Scale, provider, seeker, held_vecs: np.ndarray, held_texts: list[str]) -> None:
    import json

    np.save(KEEP_DIR / "held.npy", held_vecs)
    (KEEP_DIR / "scale.json").write_text(json.dumps({
        "n": n_jobs, "provider": str(provider.id), "seeker": str(seeker.id), "load": scale.load,
        "sizes": scale.sizes, "settings": scale.settings, "held_texts": held_texts}))


def rebuild_index(m: int, ef_construction: int, scale: Scale, monitor: Monitor) -> None:
    """--index: the recommendations' HNSW index built again with other parameters; time and size."""
    mem = min(6144, _maintenance_mem_mb(scale.n) * max(1, m // 16))  # the graph grows with m
    with bm.raw_connection() as conn:
        conn.autocommit = True
        conn.execute(f"SET maintenance_work_mem = '{mem}MB'")
        conn.execute("SET max_parallel_maintenance_workers = 1")
        conn.execute("DROP INDEX IF EXISTS ix_job_match_rows_embedding_hnsw")
        monitor.enter(f"build m{m}/{ef_construction}", progress=True)
        scale.loads["build start"] = _load()
        print(f"[{time.strftime('%H:%M:%S')}] building the HNSW index with m {m}, ef_construction {ef_construction} "
              f"(maintenance_work_mem {mem} MB); {_load()}", flush=True)
        t = time.perf_counter()
        conn.execute("CREATE INDEX ix_job_match_rows_embedding_hnsw ON job_match_rows USING hnsw "
                     f"(embedding vector_cosine_ops) WITH (m = {m}, ef_construction = {ef_construction})")
        scale.load["build s"] = time.perf_counter() - t
        scale.loads["build end"] = _load()
        scale.sizes["HNSW index"] = conn.execute(
            "SELECT pg_relation_size('ix_job_match_rows_embedding_hnsw')").fetchone()[0] / MB
        scale.settings["index"] = f"m {m}, ef_construction {ef_construction}"
    print(f"[{time.strftime('%H:%M:%S')}] built in {scale.load['build s']:.1f} s ({scale.n / scale.load['build s']:.0f} "
          f"rows/s), {scale.sizes['HNSW index']:,.0f} MB; {_load()}", flush=True)


def run(n_jobs: int, n_queries: int, with_halfvec: bool = False, keep: Path | None = None,
        sweep_only: bool = False, index: str | None = None, walks: list | None = None) -> None:
    global KEEP_DIR, SWEEP
    SWEEP = tuple(walks or SWEEP)
    started = time.perf_counter()
    if os.environ.get("DATABASE_URL"):
        os.environ["CC_BENCH_EXTERNAL_PG"] = "1"  # PostgreSQL's memory is not ours to read
    services = bm.setup_services(keep)
    KEEP_DIR = services.data_dir if keep is not None else None
    monitor = Monitor().start()
    try:
        scale = Scale(n_jobs)
        scale.loads["start"] = _load()
        reused = _reuse(n_jobs, scale) if KEEP_DIR is not None else None
        if reused:
            _provider, seeker, held_vecs, held_texts = reused
        else:
            _provider, seeker = bm.create_users()
            held_vecs, held_texts = load_and_build(n_jobs, _provider.id, scale, monitor)
            if KEEP_DIR is not None:
                _remember(n_jobs, scale, _provider, seeker, held_vecs, held_texts)
        if index:
            m, ef_construction = (int(v) for v in index.split(","))
            rebuild_index(m, ef_construction, scale, monitor)
        if sweep_only:
            rng = np.random.default_rng(bm.SEED + 1)  # the same recall sample as a full run's
            queries, _ = bm._mixtures(rng, held_vecs, n_queries + bm.REC_WARMUP)
            profiles = bm.seeker_profiles(held_texts[:bm.N_SEEKER_PROFILES])
            sample = queries[bm.REC_WARMUP:bm.REC_WARMUP + min(RECALL_SEEKERS, n_queries)]
            monitor.enter("sweep")
            exact, best, _agree = exact_answers(seeker, sample, profiles)
            sweep(seeker, sample, profiles, exact, best, scale)
            return
        try:
            sample, exact = measure(seeker, held_vecs, held_texts, n_queries, scale, monitor)
        except Exception:  # what was measured is still summarised
            traceback.print_exc()
            with_halfvec = False
        monitor.enter("end")
        summary(scale, monitor, time.perf_counter() - started)
        if with_halfvec:  # after the summary: a long build need not hold back production's figures
            halfvec(seeker, sample, exact, scale, monitor)
    finally:
        monitor.stop()
        bm.teardown_services(services)
        print(f"finished in {time.perf_counter() - started:.0f} s", flush=True)
