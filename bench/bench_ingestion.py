"""Ingestion throughput on this machine, against a loopback feed server (embedded services).

    .venv/bin/python bench/bench_ingestion.py [--postings 2000] [--embedded-postings 640] [--runs 3]
        [--workers 2] [--threads 1] [--threshold]
    .venv/bin/python bench/bench_ingestion.py --equivalence   # the int8 ONNX model against the fp32 one, alone

What it does, in order:
  1. a temporary DATA_DIR with an embedded PostgreSQL + pgvector and Redis, migrated to head;
  2. a loopback Greenhouse board of N postings made from the sample catalogue (each copy under
     another company, so nothing is a duplicate);
  3. list + normalize + dedup + store: one run of the source in this process, timed as a whole and
     per batch of 50 (median, p95); then the same run again (every posting unchanged);
  4. the profile: a fresh source stored and enriched inline in this process (offline generator,
     embeddings, near-duplicate check), each stage's self time (wall and CPU) a posting, and the CPU
     PostgreSQL and Redis spent;
  5. the production path: --workers RQ worker processes (`cli worker`, a work horse forked per task,
     EMBEDDINGS_THREADS=--threads), this process storing and queueing `ingest_enrich` tasks as the
     `ingest_source` task does; --runs runs on fresh postings, timed until every job is active, the
     median shown, with the CPU every process of the run used (workers and work horses, this one,
     PostgreSQL, Redis): on a shared machine the wall figure is our share of it, the CPU figure what
     the 2 cores would give if they were ours alone; then the floor: the model's forward pass and the
     taxonomy's text search timed alone (what every new posting costs at least);
  6. with --threshold (or --only-threshold, without 1-5): the near-duplicate threshold, fitted on half of a labelled set of
     same-company pairs (reworded reposts vs other postings of that company) and reported on the
     other half;
  7. peak memory (max RSS) of this process;
  8. with --equivalence (alone): cosine between the fp32 model's vectors (EMBEDDINGS_BACKEND=torch) and
     the int8 ONNX model's (local) over the sample catalogue's descriptions and requirement phrases,
     and the model's CPU time a description for each.
The embedded runs use EMBEDDINGS_BACKEND as set (default local: int8 ONNX); torch for the old figures.
Everything it made is removed at the end."""

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CATALOGUE = ROOT / "jobs_worker" / "data" / "sample_jobs.json"
TARGET_STORE = 200.0
TARGET_EMBED = 40.0  # postings/s with enrichment and embeddings on 2 cores
TARGET_COSINE = 0.99


def setup() -> Path:
    data_dir = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    os.environ["DATA_DIR"] = str(data_dir)
    for var in ("DATABASE_URL", "REDIS_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        os.environ.pop(var, None)
    os.environ["LLM_CONFIG_FILE"] = str(data_dir / "none.json")  # the offline generator
    from career_app import embedded

    os.environ["DATABASE_URL"] = embedded.ensure_postgres(data_dir, database=f"bench_ingest_{uuid.uuid4().hex[:6]}")
    os.environ["REDIS_URL"] = embedded.ensure_redis(data_dir)
    done = subprocess.run([sys.executable, "-m", "career_app.cli", "migrate"], cwd=ROOT, env=dict(os.environ),
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr)
    return data_dir


def board(count: int, tag: str) -> dict:
    """A Greenhouse board (one response, HTML entity-escaped content) of `count` postings."""
    import html

    base = json.loads(CATALOGUE.read_text())["postings"]
    jobs = []
    for n in range(count):
        item = base[n % len(base)]
        company = f"{item['company']} {tag}{n // len(base)}"
        jobs.append({"id": n, "title": item["title"], "absolute_url": f"https://boards.example.com/{tag}/jobs/{n}",
                     "company_name": company, "location": {"name": item["location"]},
                     "updated_at": item["posted_at"], "first_published": item["posted_at"],
                     "metadata": [{"name": "Employment Type", "value": item["employment_type"]},
                                  {"name": "Workplace Type", "value": item["remote"]}],
                     "content": html.escape(item["description"].replace(item["company"], company))})
    return {"jobs": jobs, "meta": {"total": count}}


TIMERS: dict[str, list[float]] = {}  # stage: [wall s, CPU s of the calling thread]
_STACK: list[list[float]] = []  # wall and CPU spent in timed callees of each open timed call


def _timed(module, name: str, key) -> None:
    """Add the self time of module.name (its time minus that of timed calls inside it), wall and CPU,
    to TIMERS[key(args) or key]: where the profiled run's time goes, each second counted once."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.thread_time()
        _STACK.append([0.0, 0.0])
        try:
            return original(*args, **kwargs)
        finally:
            wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
            inner = _STACK.pop()
            if _STACK:
                _STACK[-1][0] += wall
                _STACK[-1][1] += cpu
            slot = TIMERS.setdefault(key(*args) if callable(key) else key, [0.0, 0.0])
            slot[0] += wall - inner[0]
            slot[1] += cpu - inner[1]

    setattr(module, name, wrapper)


def profile_hooks() -> None:
    """Timers on each stage of a posting's way in (self time, nested calls subtracted)."""
    from career_app.services import embeddings as emb, enrichment
    from career_app.services.ingestion import enrich as ingest_enrich
    from jobs_worker import ingest

    _timed(ingest, "run_source", "store: list, normalize, dedup, upsert (HTTP + PostgreSQL)")
    from career_app.services import ingestion

    _timed(ingestion, "enrich_batch", "enrichment bookkeeping: job reads, status writes, commits")
    _timed(ingest_enrich, "_near_duplicate", "near-duplicate check (pgvector query)")
    _timed(enrichment, "generate", "AI content (offline generator: taxonomy search, salary, guides)")
    _timed(enrichment, "profile_many", "skill-evidence profiles (requirement parsing, profile writes)")
    _timed(emb, "embed_phrases", "requirement phrase cache (Redis)")
    _timed(emb, "embed_many", "embedding call overhead (cleaning, lock)")
    _timed(emb, "_onnx_encode", "tokenization + padding")
    _timed(emb, "_run", lambda kind, rows: f"model: {'descriptions, int8' if kind == 'int8' else 'phrases, fp32'}")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _new_run(feeds, name: str, postings: list) -> str:
    """A Greenhouse-shaped source named `name` serving `postings` from the local feed server (made once),
    and a new inline run of it."""
    from career_app.db import session_scope
    from career_app.services import ingestion
    from models.ingestion import IngestSource
    from models.ingestion_schemas import SourceCreate
    from tests.feed_server import Reply

    path = f"/v1/boards/{name}/jobs"
    feeds.route(path, Reply(body=postings))
    with session_scope() as session:
        if session.get(IngestSource, name) is None:
            ingestion.create_source(session, SourceCreate(
                name=name, kind="greenhouse", url=feeds.url(path),
                params={"allow_private_network": True, "http": {"rate_per_second": 10000, "burst": 1000}}))
        return ingestion.create_inline_run(session, name, "bench").id


def run_once(feeds, name: str, postings: dict, enrich: bool) -> dict:
    from career_app.db import app_redis, session_scope
    from career_app.services import ingestion
    from jobs_worker import ingest

    r = app_redis()
    run_id = _new_run(feeds, name, postings)

    batch_times: list[float] = []
    pending: list = []
    last = [time.perf_counter()]

    def after_batch(job_ids):
        pending.extend(job_ids)
        if enrich:
            while len(pending) >= ingestion.ENRICH_BATCH:
                chunk = [pending.pop(0) for _ in range(ingestion.ENRICH_BATCH)]
                with session_scope() as session:
                    ingestion.enrich_batch(session, r, chunk)
        now = time.perf_counter()
        batch_times.append(now - last[0])
        last[0] = now

    started = time.perf_counter()
    result = ingest.run_source(run_id, r, after_batch=after_batch)
    if enrich and pending:
        with session_scope() as session:
            ingestion.enrich_batch(session, r, list(pending))
    elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "result": result, "batches": batch_times}


def start_workers(count: int, threads: int) -> list:
    """`count` RQ workers as `python -m career_app.cli run --role worker` starts them (a work horse
    forked per task), each with EMBEDDINGS_THREADS=threads; back once all have loaded the model."""
    from rq import Worker

    from career_app.db import rq_redis

    env = {**os.environ, "EMBEDDINGS_THREADS": str(threads), "LOG_LEVEL": "WARNING"}
    procs = [subprocess.Popen([sys.executable, "-m", "career_app.cli", "worker", "--no-scheduler"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(count)]
    deadline = time.monotonic() + 180
    while len(Worker.all(connection=rq_redis())) < count:
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            stop_workers(procs)
            raise RuntimeError("the RQ workers did not start")
        time.sleep(0.2)
    return procs


def cpu_seconds(pids: set[int], marker: str | None = None) -> float:
    """CPU time (user + system, with reaped children) of the processes `pids`, of every process whose
    command line holds `marker` (the embedded servers) and of their children (RQ's work horses,
    PostgreSQL's backends)."""
    tick, stats = os.sysconf("SC_CLK_TCK"), {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                mine = int(entry.name) in pids or marker is not None and marker in (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), mine, sum(int(x) for x in fields[11:15]) / tick)
    chosen = {pid for pid, (_, mine, _) in stats.items() if mine}
    chosen |= {pid for pid, (parent, _, _) in stats.items() if parent in chosen}
    return sum(stats[pid][2] for pid in chosen)


def stop_workers(procs: list) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def run_queued(feeds, name: str, postings: dict) -> dict:
    """The production path: this process stores the postings (the `ingest_source` task's work) and
    queues each stored batch's enrichment (`ingest_enrich`, 32 jobs a task) for the RQ workers; timed
    until every job is active (or failed)."""
    from sqlmodel import func, select

    from career_app.db import app_redis, session_scope
    from jobs_worker import ingest
    from jobs_worker.tasks import _queue_enrichment
    from models.job import Job, JobStatus

    run_id = _new_run(feeds, name, postings)
    started = time.perf_counter()
    result = ingest.run_source(run_id, app_redis(), after_batch=_queue_enrichment)
    while time.perf_counter() - started < 1800:  # every stored job enriched (or merged, or failed)
        with session_scope() as session:
            if not session.exec(select(func.count()).select_from(Job).where(
                    Job.source == name, Job.status == JobStatus.processing)).one():
                break
        time.sleep(0.1)
    return {"elapsed": time.perf_counter() - started, "result": result}


def active_count(name: str) -> int:
    from sqlmodel import func, select

    from career_app.db import session_scope
    from models.job import Job

    with session_scope() as session:
        return session.exec(select(func.count()).select_from(Job).where(Job.source == name,
                                                                        Job.status == "active")).one()


def threshold_study() -> None:
    """Same-company pairs: a reworded repost (positive) or another posting of the company (negative)."""
    from career_app.services import embeddings, enrichment, ingestion
    from models.job import Job

    rng = random.Random(7)
    base = json.loads(CATALOGUE.read_text())["postings"]

    def text_of(item, description):
        job = Job(title=item["title"], description_raw=ingestion.html_to_text(description), skills_required=item["skills"],
                  owner_id=uuid.uuid4())
        return enrichment.embedding_text(job)

    def reword(description: str) -> str:
        head, _, rest = description.partition("</p>")
        items = rest.split("</li>")
        body = items[:-1]
        rng.shuffle(body)
        footer = rng.choice(["<p>Apply now: we answer every application within two weeks.</p>",
                             "<p>We are an equal opportunity employer.</p>", "<p>Ref. 2026-Q4.</p>"])
        return "<p>We are hiring! " + head.removeprefix("<p>") + "</p>" + "</li>".join(body + items[-1:]) + footer

    by_company: dict[str, list[int]] = {}
    for i, item in enumerate(base):
        by_company.setdefault(item["company"], []).append(i)
    pairs = []  # (index for the split, text a, text b, is duplicate)
    for i, item in enumerate(base):
        repost = {**item, "title": item["title"] + rng.choice(["", " (m/f/d)", " - immediate start", ""])}
        pairs.append((i, text_of(item, item["description"]), text_of(repost, reword(item["description"])), True))
        # Layer 4 compares postings of one company in one place: the same role in another city is
        # never compared, so the distinct pairs are other roles of the company.
        others = [j for j in by_company[item["company"]] if base[j]["title"] != item["title"]]
        if others:
            j = rng.choice(others)
            pairs.append((i, text_of(item, item["description"]), text_of(base[j], base[j]["description"]), False))
    vectors = embeddings.embed_many([t for p in pairs for t in (p[1], p[2])])
    scores = [(p[0], embeddings.cosine(vectors[2 * k], vectors[2 * k + 1]), p[3]) for k, p in enumerate(pairs)]
    fit = [s for s in scores if s[0] % 2 == 0]
    held = [s for s in scores if s[0] % 2 == 1]

    def rates(data, threshold):
        pos = [s for _, s, d in data if d]
        neg = [s for _, s, d in data if not d]
        return (sum(s >= threshold for s in pos) / len(pos), sum(s >= threshold for s in neg) / len(neg))

    neg_fit = sorted(s for _, s, d in fit if not d)
    pos_fit = sorted(s for _, s, d in fit if d)
    # The middle of the gap between the closest distinct pair and the loosest repost of the fit half
    # (a wrong merge loses a real job; a missed one leaves a duplicate listed), else the lowest
    # threshold with no false merge there.
    if pos_fit[0] > neg_fit[-1]:
        best = round(round((pos_fit[0] + neg_fit[-1]) / 2 / 0.005) * 0.005, 3)
    else:
        best = next(t for t in (round(0.80 + 0.005 * k, 3) for k in range(40)) if rates(fit, t)[1] == 0.0)
    print(f"near-duplicate threshold: fit half {len(fit)} pairs, held-out half {len(held)} pairs")
    print(f"  fit: reposts cosine min {pos_fit[0]:.3f} median {statistics.median(pos_fit):.3f}; other postings of the "
          f"company max {neg_fit[-1]:.3f} median {statistics.median(neg_fit):.3f}")
    print(f"  fitted threshold: {best} (in use: {ingestion.NEAR_DUPLICATE_THRESHOLD})")
    for t in sorted({best, ingestion.NEAR_DUPLICATE_THRESHOLD, 0.95}):
        tp, fp = rates(held, t)
        print(f"  held-out at {t}: {tp:.1%} of reposts merged, {fp:.1%} of distinct postings merged")


def floor(sample: int = 128, repeats: int = 3) -> dict:
    """The two costs every new posting pays once whatever the pipeline does around them, timed alone on
    the catalogue's texts: the embedding model's forward pass (the texts the pipeline embeds, batches
    of 32) and the skills taxonomy's text search (the offline generator's `Taxonomy.extract`). Their
    sum bounds the embedded throughput of one process from above."""
    from career_app.services import embeddings, enrichment, ingestion
    from career_app.services.skills import taxonomy
    from models.job import Job

    base = json.loads(CATALOGUE.read_text())["postings"][:sample]
    jobs = [Job(title=item["title"], description_raw=ingestion.html_to_text(item["description"]),
                skills_required=item["skills"], owner_id=uuid.uuid4()) for item in base]
    texts = [enrichment.embedding_text(job) for job in jobs]
    from tokenizers import Tokenizer

    counter = Tokenizer.from_str(embeddings._tokenizer().to_str())
    counter.no_truncation()
    counter.no_padding()
    tokens = [len(e.ids) for e in counter.encode_batch(texts)]
    model_ms, extract_ms = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        embeddings.embed_many(texts)
        model_ms.append((time.perf_counter() - started) * 1000 / len(texts))
        started = time.perf_counter()
        for job in jobs:
            taxonomy().extract(f"{job.title}\n{job.description_raw}")
        extract_ms.append((time.perf_counter() - started) * 1000 / len(jobs))
    out = {"tokens": statistics.median(tokens), "max_seq_length": embeddings.MAX_TOKENS,
           "model_ms": statistics.median(model_ms), "extract_ms": statistics.median(extract_ms)}
    out["ceiling"] = 1000 / (out["model_ms"] + out["extract_ms"])
    return out


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def catalogue_texts() -> tuple[list[str], list[str]]:
    """The texts ingestion embeds for the sample catalogue: each posting's embedding text, and its
    distinct requirement phrases."""
    from career_app.services import enrichment, evidence, ingestion
    from models.job import Job

    base = json.loads(CATALOGUE.read_text())["postings"]
    jobs = [Job(title=item["title"], description_raw=ingestion.html_to_text(item["description"]),
                skills_required=item["skills"], owner_id=uuid.uuid4()) for item in base]
    phrases = {r.phrase: None for job in jobs for r in evidence.job_profile(
        job.title, job.description_raw, list(job.skills_required or []), [], embed=False).requirements}
    return [enrichment.embedding_text(job) for job in jobs], list(phrases)


def equivalence() -> None:
    import numpy as np

    from career_app.services import embeddings
    from career_app.settings import settings

    texts, phrases = catalogue_texts()
    vectors, cpu_ms = {}, {}
    for backend in ("torch", "local"):
        settings.embeddings_backend = backend
        embeddings.load()
        vectors[backend] = np.asarray(embeddings.embed_many(texts + phrases), dtype=np.float32)
        started = time.process_time()
        embeddings.embed_many(texts[::5])
        cpu_ms[backend] = (time.process_time() - started) * 1000 / len(texts[::5])
    cos = (vectors["torch"] * vectors["local"]).sum(axis=1)
    n = len(texts)
    print(f"equivalence, fp32 torch vs ONNX ({embeddings.ONNX_RECIPE}: int8 over {embeddings.INT8_MIN_TOKENS} tokens, "
          f"fp32 below), load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}:")
    for name, part in (("descriptions", cos[:n]), ("requirement phrases", cos[n:])):
        print(f"  {len(part)} {name}: cosine min {part.min():.4f}, p1 {np.percentile(part, 1):.4f}, median "
              f"{np.median(part):.4f} (target every one >= {TARGET_COSINE}) {_verdict(part.min() >= TARGET_COSINE)}")
    print(f"  model CPU time a description (process time, {settings.embeddings_threads} ONNX thread(s)): "
          f"torch fp32 {cpu_ms['torch']:.1f} ms, "
          f"ONNX int8 {cpu_ms['local']:.1f} ms ({cpu_ms['torch'] / cpu_ms['local']:.1f}x)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postings", type=int, default=2000)
    parser.add_argument("--embedded-postings", type=int, default=640)
    parser.add_argument("--runs", type=int, default=3, help="queued runs (fresh postings each): the median is shown")
    parser.add_argument("--workers", type=int, default=2, help="RQ worker processes of the queued runs (RQ_WORKERS)")
    parser.add_argument("--threads", type=int, help="ONNX Runtime threads a worker (default: EMBEDDINGS_THREADS)")
    parser.add_argument("--threshold", action="store_true")
    parser.add_argument("--only-threshold", action="store_true")
    parser.add_argument("--equivalence", action="store_true")
    args = parser.parse_args()
    if args.equivalence:
        os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="bench-ingest-"))
        equivalence()
        return
    if args.only_threshold:
        os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="bench-ingest-"))
        threshold_study()
        return
    data_dir = setup()
    load = lambda: " ".join(f"{x:.1f}" for x in os.getloadavg())  # noqa: E731
    try:
        from career_app.services import embeddings
        from career_app.settings import settings  # after setup(): it reads the embedded services' URLs
        from tests.feed_server import FeedServer

        args.threads = settings.embeddings_threads = args.threads or settings.embeddings_threads
        embeddings.load()
        print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
              f"load average at the start: {load()}")
        n, m = args.postings, args.embedded_postings
        with FeedServer() as feeds:
            store = run_once(feeds, "bench-store", board(n, "s"), enrich=False)
            rerun = run_once(feeds, "bench-store", board(n, "s"), enrich=False)
            print(f"\nlist + normalize + dedup + store, {n} postings: {store['elapsed']:.1f} s = "
                  f"{n / store['elapsed']:.0f} postings/s (target >= {TARGET_STORE:.0f}) "
                  f"{_verdict(n / store['elapsed'] >= TARGET_STORE)}; per batch of 50: median "
                  f"{statistics.median(store['batches']) * 1000:.0f} ms, "
                  f"p95 {pct(store['batches'], 0.95) * 1000:.0f} ms")
            print(f"  counters: {json.dumps({k: store['result'][k] for k in ('fetched', 'new', 'skipped', 'errors')})}")
            print(f"same run again (all unchanged): {rerun['elapsed']:.1f} s = {n / rerun['elapsed']:.0f} postings/s; "
                  f"skipped {rerun['result']['skipped']}, new {rerun['result']['new']}")

            # 1. Where a posting's time goes: one process, enrichment inline, every stage timed.
            profile_hooks()
            cpu, server_cpu = time.process_time(), cpu_seconds(set(), str(data_dir))
            profiled = run_once(feeds, "bench-profile", board(m, "p"), enrich=True)
            cpu, server_cpu = time.process_time() - cpu, cpu_seconds(set(), str(data_dir)) - server_cpu
            timers = dict(TIMERS)
            TIMERS.clear()
            print(f"\nprofile: {m} postings stored and enriched inline in this one process "
                  f"({args.threads} model thread(s)): {profiled['elapsed']:.1f} s = {m / profiled['elapsed']:.1f} "
                  f"postings/s; CPU a posting: this process {cpu / m * 1000:.1f} ms, PostgreSQL + Redis "
                  f"{server_cpu / m * 1000:.1f} ms; load {load()}")
            print("  wall ms, CPU ms a posting (self time of each stage):")
            for key, (wall, used) in sorted(timers.items(), key=lambda kv: -kv[1][0]):
                print(f"  {wall / m * 1000:6.1f} {used / m * 1000:6.1f}  {key}")
            rest = profiled["elapsed"] - sum(w for w, _ in timers.values())
            print(f"  {rest / m * 1000:6.1f}         the rest (glue)")

            # 2. The production layout: RQ workers, a work horse forked per enrichment task.
            procs = start_workers(args.workers, args.threads)
            ours = {os.getpid(), *(proc.pid for proc in procs)}
            try:
                fulls = []
                workers = {proc.pid for proc in procs}
                for k in range(max(1, args.runs)):
                    before = [cpu_seconds(ours, str(data_dir)), cpu_seconds(workers), time.process_time()]
                    fulls.append(run_queued(feeds, f"bench-full-{k}", board(m, f"f{k}x")))
                    after = [cpu_seconds(ours, str(data_dir)), cpu_seconds(workers), time.process_time()]
                    fulls[-1]["cpu"], fulls[-1]["workers_cpu"], fulls[-1]["own_cpu"] = (
                        b - a for a, b in zip(before, after))
            finally:
                stop_workers(procs)
            bound = floor()
        full = sorted(fulls, key=lambda f: f["elapsed"])[len(fulls) // 2]  # the median run
        active = sum(active_count(f"bench-full-{k}") for k in range(len(fulls)))
        rates = ", ".join(f"{m / f['elapsed']:.1f}" for f in fulls)
        print(f"\nincluding enrichment + embeddings, the production path on these {os.cpu_count()} cores: this "
              f"process stores (the ingest task's work) and queues each batch's enrichment; {args.workers} RQ "
              f"worker process(es), {args.threads} model thread(s) each (RQ_WORKERS={args.workers}, "
              f"EMBEDDINGS_THREADS={args.threads}); PostgreSQL and Redis on the same cores")
        print(f"  {m} postings, {len(fulls)} runs: median {full['elapsed']:.1f} s = "
              f"{m / full['elapsed']:.1f} postings/s "
              f"(runs: {rates}/s; target >= {TARGET_EMBED:.0f}) {_verdict(m / full['elapsed'] >= TARGET_EMBED)}; "
              f"{active} of {m * len(fulls)} active; load {load()}")
        cpu_ms = statistics.median(f["cpu"] for f in fulls) / m * 1000
        capacity = os.cpu_count() * 1000 / cpu_ms
        print(f"  CPU of every process of the run (this one, the workers and their work horses, PostgreSQL, Redis): "
              f"median {cpu_ms:.1f} ms a posting = {capacity:.0f} postings/s if the {os.cpu_count()} cores were ours "
              f"alone (target >= {TARGET_EMBED:.0f}) {_verdict(capacity >= TARGET_EMBED)}")
        print(f"    of which the workers and their work horses {full['workers_cpu'] / m * 1000:.1f} ms, this process "
              f"(store, queueing, waiting) {full['own_cpu'] / m * 1000:.1f} ms, PostgreSQL + Redis "
              f"{(full['cpu'] - full['workers_cpu'] - full['own_cpu']) / m * 1000:.1f} ms (the median run)")
        print(f"floor, timed alone on {128} catalogue texts (median {bound['tokens']:.0f} tokens, the model reads "
              f"{bound['max_seq_length']}): model {bound['model_ms']:.1f} ms a text + taxonomy search "
              f"{bound['extract_ms']:.1f} ms a description = at most {bound['ceiling']:.0f} postings/s in one process")
        print(f"load average at the end (1, 5, 15 min): {load()}")
        if args.threshold:
            threshold_study()
        print(f"peak memory (max RSS of this process, model loaded): "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    finally:
        from career_app import embedded

        embedded.stop_embedded(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
