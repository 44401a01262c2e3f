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

Adapters (jobs_worker/sources) are called by the worker; this module never imports them."""

import email.utils
import hashlib
import html
import json
import logging
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import nh3
import redis
from croniter import croniter
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job as RQJob
from rq.registry import FailedJobRegistry, StartedJobRegistry
from sqlalchemy import func, or_, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from career_app.services import countries, embeddings, enrichment, jobs, live, tasks
from career_app.services.errors import Conflict, Forbidden, NotFound
from career_app.services.skills import taxonomy
from models.base import utcnow
from models.ingestion import (FINISHED, INGESTION_OWNER_ID, IngestRun, IngestSource, JobPosting, RunStatus,
                              SourceKind, empty_counters)
from models.ingestion_schemas import (SOURCE_NAME_RE, IngestStatus, RunOut, SourceCreate, SourceOut, SourceUpdate,
                                      TaskBrief, check_source_url)
from models.job import MAX_SALARY, PAY_PERIODS, EmploymentType, Job, JobStatus, RemoteOption, Visibility
from models.schemas import CONTROL_RE
from models.user import Role, User

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
CONFIG_FILE = ROOT / "config" / "sources.json"
CATALOGUE_DIR = ROOT / "jobs_worker" / "data"  # `file` sources read only from here (or over http)
SAMPLE_SOURCE = "sample"

BATCH_SIZE = 50  # postings per transaction (and per progress event)
ENRICH_BATCH = 32  # jobs per enrichment task: one embedding batch
MAX_ERRORS_KEPT = 25  # first errors kept on a run, with their URLs
STALE_RUN_SECONDS = 300  # a running run without a heartbeat this long lost its worker
# Fitted on half of a labelled set of same-company pairs (bench_ingestion.py --only-threshold):
# reworded reposts >= 0.928, other roles of the company <= 0.908; held-out figures in the README.
NEAR_DUPLICATE_THRESHOLD = 0.92
MIN_DESCRIPTION_CHARS = 20
MAX_DESCRIPTION_CHARS = 20_000
GLOBAL_LOCK = "ingest:all:task"
GLOBAL_LOCK_SECONDS = 6 * 3600
DONE_KEY = "ingest:done:{}"  # a list the run's task pushes to when it finishes (for callers that wait)
INGEST_TASKS = ("ingest_source", "ingest_all", "ingest_enrich")


# --- raw postings, as adapters give them ---------------------------------------------------------


@dataclass
class RawPosting:
    """One posting as a source lists it; adapters fill what the feed has."""

    external_id: str
    title: str | None = None
    url: str | None = None
    company: str | None = None
    location: str | None = None
    description: str | None = None  # HTML or text
    posted_at: object = None  # ISO string, RFC 822 string, epoch (s or ms), "Posted 3 Days Ago", datetime
    employment_type: object = None  # a string or a list of them
    remote: object = None  # bool, or "remote"/"hybrid"/"onsite"/"TELECOMMUTE"...
    salary_min: object = None
    salary_max: object = None
    salary_currency: str | None = None
    salary_period: str | None = None  # year (default), month, week, day, hour
    skills: list[str] = field(default_factory=list)
    needs_details: bool = False  # the list is thin: the adapter's fetch() completes it
    detail_url: str | None = None
    extra: dict = field(default_factory=dict)


class PostingError(ValueError):
    """A posting that cannot be listed (no title, no description...)."""


@dataclass
class Normalized:
    external_id: str
    title: str
    description: str
    company: str | None
    location: str | None
    remote_option: RemoteOption | None
    employment_type: EmploymentType | None
    salary_min: int | None
    salary_max: int | None
    salary_currency: str | None
    posted_at: datetime | None
    url: str | None
    canonical_url: str | None
    identity_key: str
    skills: list[str]
    salary_period: str | None = None  # how the salary was posted (hour, day, week, month, year)
    country: str | None = None  # ISO code: the feed's country field, else read from the location

    @property
    def content_hash(self) -> str:
        data = asdict(self)
        data["posted_at"] = self.posted_at.isoformat() if self.posted_at else None
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


# --- normalize ---------------------------------------------------------------------------------

_BLOCK_TAGS = {"p", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "div", "tr", "section", "article",
               "blockquote", "pre", "table"}
_LINE_BREAK = re.compile(r"</?(p|div|ul|ol|h[1-6]|tr|section|article|blockquote|pre|table)\s*>|<br\s*/?>", re.I)
_LIST_ITEM = re.compile(r"<li\s*>", re.I)
_TAG = re.compile(r"<[^>]*>")


def _strip_controls(value: str) -> str:
    return CONTROL_RE.sub(" ", value.replace("\x00", ""))


def _surrogate_free(value: str) -> str:
    return value.encode("utf-8", "replace").decode("utf-8")


def one_line(value, limit: int) -> str | None:
    if value is None:
        return None
    value = html_to_text(str(value)) if "<" in str(value) or "&" in str(value) else str(value)
    value = " ".join(_surrogate_free(_strip_controls(value)).split())
    return value[:limit].rstrip() or None


def html_to_text(value: str) -> str:
    """Sanitized (nh3: scripts, styles, handlers and unknown tags gone) and then plain text with its
    paragraphs and bullets kept: descriptions are shown as text everywhere."""
    value = _surrogate_free(_strip_controls(value))
    if "<" not in value and "&lt;" in value:
        value = html.unescape(value)  # Greenhouse sends its HTML entity-escaped
    cleaned = nh3.clean(value, tags=_BLOCK_TAGS, attributes={}, strip_comments=True)
    cleaned = _LIST_ITEM.sub("\n- ", cleaned)
    cleaned = _LINE_BREAK.sub("\n", cleaned)
    cleaned = html.unescape(_TAG.sub("", cleaned))
    lines = [" ".join(line.split()) for line in _strip_controls(cleaned).split("\n")]
    out, blank = [], False
    for line in lines:
        if not line:
            blank = bool(out)
            continue
        if blank and not line.startswith("- "):
            out.append("")
        out.append(line)
        blank = False
    return "\n".join(out).strip()


_TRACKING = re.compile(r"^(utm_.*|gclid|fbclid|msclkid|mc_cid|mc_eid|_hs.*|hs.*|ref|referrer|source|src|trk|"
                       r"trackingid|gh_src|lever-source.*|lever-origin|icid|cmp|campaign|s_kwcid|yclid)$", re.I)


def canonical_url(url: str | None) -> str | None:
    """The same posting's URL however it was linked: scheme and host lower-cased, 'www.' and default
    ports, fragments, tracking parameters and trailing slashes dropped, parameters sorted."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    host = host.removeprefix("www.")
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING.match(k)))
    path = re.sub(r"/+", "/", parts.path).rstrip("/") or "/"
    return urlunsplit(("https", host, path, query, ""))[:2000]


def _fold(value: str | None) -> str:
    if not value:
        return ""
    value = unicodedata.normalize("NFKD", value)
    value = "".join(c for c in value if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9+#]+", " ", value).split())


def identity_key(company: str | None, title: str, location: str | None) -> str:
    """company | title | location, folded; empty without a company (a title alone is too loose)."""
    if not _fold(company):
        return ""
    return f"{_fold(company)}|{_fold(title)}|{_fold(location)}"[:700]


_WORKDAY_POSTED = re.compile(r"posted\s+(today|yesterday|(\d+)\+?\s+days?\s+ago)", re.I)


def parse_date(value, now: datetime | None = None) -> datetime | None:
    """A posting date from whatever a feed sends; None for anything unreadable or implausible."""
    now = now or utcnow()
    when = None
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            when = datetime.fromtimestamp(value / 1000 if value > 1e11 else value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    elif isinstance(value, str) and value.strip():
        text_value = value.strip()
        match = _WORKDAY_POSTED.search(text_value)
        if match:
            days = 0 if match.group(1).lower() == "today" else 1 if match.group(1).lower() == "yesterday" \
                else int(match.group(2))
            when = now - timedelta(days=days)
        else:
            try:
                when = datetime.fromisoformat(text_value.replace("Z", "+00:00"))
            except ValueError:
                try:
                    when = email.utils.parsedate_to_datetime(text_value)
                except (TypeError, ValueError, IndexError):
                    return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if when.year < 2000 or when > now + timedelta(days=2):
        return None
    return when


_EMPLOYMENT = {
    "fulltime": EmploymentType.full_time, "permanent": EmploymentType.full_time, "regular": EmploymentType.full_time,
    "fulltimeemployee": EmploymentType.full_time, "parttime": EmploymentType.part_time,
    "contract": EmploymentType.contract, "contractor": EmploymentType.contract, "freelance": EmploymentType.contract,
    "fixedterm": EmploymentType.contract, "intern": EmploymentType.internship, "internship": EmploymentType.internship,
    "temporary": EmploymentType.temporary, "temp": EmploymentType.temporary, "seasonal": EmploymentType.temporary,
}


def parse_employment(value) -> EmploymentType | None:
    for item in value if isinstance(value, (list, tuple)) else [value]:
        key = re.sub(r"[^a-z]", "", str(item or "").lower())
        if key in _EMPLOYMENT:
            return _EMPLOYMENT[key]
        for word, kind in _EMPLOYMENT.items():
            if len(word) > 5 and word in key:
                return kind
    return None


def parse_remote(value, *texts: str | None) -> RemoteOption | None:
    if value is True:
        return RemoteOption.remote
    if isinstance(value, str) and value.strip():
        key = re.sub(r"[^a-z]", "", value.lower())
        if key in ("remote", "telecommute", "fullyremote", "remoteonly", "anywhere", "true", "yes"):
            return RemoteOption.remote
        if key.startswith("hybrid") or key == "flexible":
            return RemoteOption.hybrid
        if key in ("onsite", "inoffice", "office", "onpremise", "false", "no"):
            return RemoteOption.onsite
    for piece in texts:
        if piece and re.search(r"\bhybrid\b", piece, re.I):
            return RemoteOption.hybrid
        if piece and re.search(r"\b(remote|work from home|wfh|anywhere)\b", piece, re.I):
            return RemoteOption.remote
    return RemoteOption.onsite if value is False else None


_PERIODS = {"year": 1, "annual": 1, "annum": 1, "yearly": 1, "yr": 1, "month": 12, "monthly": 12, "mo": 12,
            "week": 52, "weekly": 52, "wk": 52, "day": 260, "daily": 260, "hour": 2080, "hourly": 2080, "hr": 2080}
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "₹": "INR", "¥": "JPY", "zł": "PLN", "chf": "CHF"}
_CODES = "USD|EUR|GBP|CHF|CAD|AUD|INR|PLN|SEK|NOK|DKK|JPY|SGD|NZD|BRL|MXN|ZAR|CZK|HUF|RON"
_MONEY = r"(\d{1,3}(?:[.,\s]\d{3})+|\d+(?:[.,]\d+)?)\s?([kK])?"
_SALARY_TEXT = re.compile(
    rf"(?P<cur>[$€£₹]|\b(?:{_CODES})\b)\s?{_MONEY}\s*(?:-|–|—|to)\s*(?:[$€£₹]|\b(?:{_CODES})\b)?\s?"
    rf"(?P<b>\d{{1,3}}(?:[.,\s]\d{{3}})+|\d+(?:[.,]\d+)?)\s?(?P<bk>[kK])?"
    r"(?:\s*(?:per|/|an?|each)\s*(?P<per>year|annum|yr|month|mo|week|hour|hr|day))?", re.I)


def _period_factor(period) -> int:
    """Pay periods as feeds spell them ("per-hour-wage", "1 MONTH", "HOUR", "yearly") -> per-year factor."""
    words = re.findall(r"[a-z]+", str(period or "year").lower())
    return next((_PERIODS[w] for w in words if w in _PERIODS), 1)


def _amount(value, thousands: bool = False) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    raw = str(value).strip().lower().replace("\u00a0", " ")
    raw = re.sub(r"[^\d.,k\s]", "", raw).strip()
    if raw.endswith("k"):
        thousands, raw = True, raw[:-1].strip()
    if re.fullmatch(r"\d{1,3}([.,\s]\d{3})+", raw):
        raw = re.sub(r"[.,\s]", "", raw)
    else:
        raw = raw.replace(",", ".").replace(" ", "")
    try:
        number = float(raw)
    except ValueError:
        return None
    return number * 1000 if thousands else number


def parse_salary(raw: RawPosting, description: str) -> tuple[int | None, int | None, str | None]:
    """(min, max, currency) per year; from the feed's fields, else from the description's text."""
    return parse_pay(raw, description)[:3]


def parse_pay(raw: RawPosting, description: str) -> tuple[int | None, int | None, str | None, str | None]:
    """parse_salary's (min, max, currency) per year and the period the pay was posted per."""
    low, high = _amount(raw.salary_min), _amount(raw.salary_max)
    currency, period = raw.salary_currency, raw.salary_period
    if low is None and high is None:
        match = _SALARY_TEXT.search(description or "")
        if match:
            cur = match.group("cur")
            currency = _SYMBOLS.get(cur.lower(), _SYMBOLS.get(cur, cur.upper()))
            low = _amount(match.group(2) + (match.group(3) or ""))
            high = _amount(match.group("b") + (match.group("bk") or "") or (match.group(3) or ""))
            if match.group(3) and not match.group("bk") and high is not None and high < 1000:
                high *= 1000  # "€60k - 80"
            period = match.group("per") or period
    if low is None and high is None:
        return None, None, None, None
    factor = _period_factor(period)
    values = [int(round(v * factor)) if v is not None else None for v in (low, high)]
    low_i, high_i = values
    if low_i is not None and high_i is not None and low_i > high_i:
        low_i, high_i = high_i, low_i
    if any(v is not None and (v <= 0 or v > MAX_SALARY) for v in (low_i, high_i)):
        return None, None, None, None
    currency = (currency or "").strip().upper()
    currency = _SYMBOLS.get(currency.lower(), currency)
    named = {v: k for k, v in PAY_PERIODS.items()}[factor]
    return low_i, high_i, currency if re.fullmatch(r"[A-Z]{3}", currency) else None, named


def _http_url(value: str | None) -> str | None:
    if not value:
        return None
    value = _strip_controls(str(value)).strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        return None
    return value[:2000]


def normalize(raw: RawPosting, default_company: str | None = None, now: datetime | None = None) -> Normalized:
    external_id = one_line(raw.external_id, 300)
    if not external_id:
        raise PostingError("posting without an id")
    title = one_line(raw.title, 200)
    if not title or len(title) < 2:
        raise PostingError("posting without a title")
    description = html_to_text(raw.description or "")[:MAX_DESCRIPTION_CHARS]
    if len(description) < MIN_DESCRIPTION_CHARS:
        raise PostingError(f"description missing or under {MIN_DESCRIPTION_CHARS} characters")
    company = one_line(raw.company, 200) or one_line(default_company, 200)
    location = one_line(raw.location, 200)
    salary_min, salary_max, currency, period = parse_pay(raw, description)
    url = _http_url(raw.url)
    # The feed's own skill labels, canonicalized; skills named in the text are found by enrichment
    # (the taxonomy's text search costs ~10 ms a description: once per job is enough).
    skills = taxonomy().normalise([one_line(s, 60) or "" for s in raw.skills or []])[:30]
    return Normalized(
        external_id=external_id, title=title, description=description, company=company, location=location,
        remote_option=parse_remote(raw.remote, location, title), employment_type=parse_employment(raw.employment_type),
        salary_min=salary_min, salary_max=salary_max, salary_currency=currency,
        posted_at=parse_date(raw.posted_at, now), url=url, canonical_url=canonical_url(url),
        identity_key=identity_key(company, title, location), skills=skills, salary_period=period,
        country=countries.of_location(location, raw.extra.get("country")))


# --- sources -----------------------------------------------------------------------------------


@cache
def _config() -> dict:
    return json.loads(CONFIG_FILE.read_text()) if CONFIG_FILE.exists() else {"sources": []}


def http_defaults() -> dict:
    return dict(_config().get("http", {}))


def http_settings(source: IngestSource) -> dict:
    """The source's politeness: the config's defaults, then the source's own `params.http`."""
    merged = {**http_defaults(), **(source.params.get("http") or {})}
    merged["allow_private"] = bool(source.params.get("allow_private_network", False))
    return merged


def next_run(schedule: str | None, enabled: bool, after: datetime | None = None) -> datetime | None:
    if not schedule or not enabled:
        return None
    return croniter(schedule, after or utcnow()).get_next(datetime)


def ensure_seeded(session: Session) -> int:
    """On first start (no source at all) the config file's sources are created; returns how many."""
    if session.exec(select(func.count()).select_from(IngestSource)).one():
        return 0
    created = 0
    for entry in _config().get("sources", []):
        data = SourceCreate.model_validate({k: v for k, v in entry.items() if not k.startswith("_")})
        session.exec(text(
            "INSERT INTO ingest_sources (name, kind, url, params, schedule, enabled, next_run_at, created_at, "
            "updated_at) VALUES (:name, :kind, :url, CAST(:params AS jsonb), :schedule, :enabled, :next, now(), now()) "
            "ON CONFLICT DO NOTHING").bindparams(
            name=data.name, kind=data.kind.value, url=data.url, params=json.dumps(data.params),
            schedule=data.schedule, enabled=data.enabled, next=next_run(data.schedule, data.enabled)))
        created += 1
    session.commit()
    return created


def get_source(session: Session, name: str) -> IngestSource:
    name = (name or "").strip().lower()
    source = session.get(IngestSource, name) if SOURCE_NAME_RE.fullmatch(name) else None
    if source is None:
        raise NotFound(f"Unknown source: {name}")
    return source


def _add_unique(session: Session, row, conflict: str):
    """Insert a row that a unique index guards (a source name, one open run per source): 409 if taken."""
    session.add(row)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(conflict) from exc
    return row


def create_source(session: Session, data: SourceCreate) -> IngestSource:
    return _add_unique(session, IngestSource(
        name=data.name, kind=data.kind, url=data.url, params=data.params, schedule=data.schedule, enabled=data.enabled,
        next_run_at=next_run(data.schedule, data.enabled)), f"A source named {data.name} exists")


def update_source(session: Session, name: str, data: SourceUpdate) -> IngestSource:
    source = get_source(session, name)
    changes = data.model_dump(exclude_unset=True)
    if "url" in changes or "kind" in changes:
        kind = changes.get("kind") or source.kind
        changes["url"] = check_source_url(changes.get("url") or source.url, kind)
    for key, value in changes.items():
        if key in ("kind", "url", "enabled") and value is None:
            continue
        setattr(source, key, value if key != "params" else dict(value or {}))
    source.next_run_at = next_run(source.schedule, source.enabled)
    source.updated_at = utcnow()
    session.add(source)
    session.commit()
    return source


def delete_source(session: Session, r: redis.Redis, name: str, close_jobs: bool = True) -> int:
    """Remove a source (its run log stays); with close_jobs, its postings are gone and jobs that no
    other source lists are closed. Returns how many jobs were closed."""
    source = get_source(session, name)
    if _open_run(session, source.name) is not None:
        raise Conflict("A run of this source is in progress; try again when it has finished")
    closed = _mark_gone(session, source.name, None) if close_jobs else 0
    session.delete(source)
    session.commit()
    if closed:
        jobs.invalidate(r)
    return closed


def _open_run(session: Session, source: str) -> IngestRun | None:
    return session.exec(select(IngestRun).where(IngestRun.source == source,
                                                col(IngestRun.status).in_([RunStatus.queued, RunStatus.running]))
                        .limit(1)).first()


def _last_finished(session: Session, names: list[str]) -> dict[str, IngestRun]:
    if not names:
        return {}
    rows = session.exec(text(
        "SELECT DISTINCT ON (source) id FROM ingest_runs WHERE source = ANY(:names) "
        "AND status IN ('complete', 'partial', 'failed') ORDER BY source, created_at DESC").bindparams(names=names)).all()
    runs = session.exec(select(IngestRun).where(col(IngestRun.id).in_([row[0] for row in rows]))).all()
    return {run.source: run for run in runs}


def list_sources(session: Session) -> list[SourceOut]:
    ensure_seeded(session)
    sources = session.exec(select(IngestSource).order_by(IngestSource.name)).all()
    names = [s.name for s in sources]
    last = _last_finished(session, names)
    running = {run.source: run for run in session.exec(select(IngestRun).where(
        col(IngestRun.source).in_(names), col(IngestRun.status).in_([RunStatus.queued, RunStatus.running]))).all()}
    open_counts = dict(session.exec(select(JobPosting.source, func.count()).where(
        col(JobPosting.gone_at).is_(None)).group_by(JobPosting.source)).all())
    return [source_out(s, last.get(s.name), running.get(s.name), open_counts.get(s.name, 0)) for s in sources]


def source_out(source: IngestSource, last: IngestRun | None = None, running: IngestRun | None = None,
               open_postings: int = 0) -> SourceOut:
    return SourceOut(name=source.name, kind=source.kind, url=source.url, params=source.params,
                     schedule=source.schedule, enabled=source.enabled,
                     next_run_at=source.next_run_at if source.enabled else None, open_postings=open_postings,
                     last_run=RunOut.model_validate(last) if last else None,
                     running=RunOut.model_validate(running) if running else None)


def describe_source(session: Session, name: str) -> SourceOut:
    source = get_source(session, name)
    last = _last_finished(session, [source.name]).get(source.name)
    count = session.exec(select(func.count()).select_from(JobPosting).where(
        JobPosting.source == source.name, col(JobPosting.gone_at).is_(None))).one()
    return source_out(source, last, _open_run(session, source.name), count)


# --- runs: starting them -------------------------------------------------------------------------


def system_owner(session: Session) -> User:
    owner = session.get(User, INGESTION_OWNER_ID)
    if owner is None:
        raise RuntimeError("the ingestion system account is missing: run the migrations")
    return owner


def expire_stale_runs(session: Session, conn: redis.Redis) -> int:
    """Runs whose task is gone (finished, failed, lost) or whose worker stopped heartbeating are
    failed, so they block nothing. A killed worker's task is requeued within seconds by the next
    worker (jobs_worker.recovery) and resumes its run long before it would count as stale."""
    stale = 0
    cutoff = utcnow() - timedelta(seconds=STALE_RUN_SECONDS)
    for run in session.exec(select(IngestRun).where(col(IngestRun.status).in_([RunStatus.queued,
                                                                                RunStatus.running]))).all():
        state = _task_state(conn, run.task_id) if run.task_id else None
        lost = run.task_id is not None and state in (None, "finished", "failed", "stopped", "canceled")
        silent = run.status == RunStatus.running and (run.heartbeat_at or run.created_at) < cutoff \
            and state not in ("queued", "scheduled", "deferred")
        if lost or silent:
            run.status, run.finished_at = RunStatus.failed, utcnow()
            run.message = "The worker running this source stopped; nothing was closed. Run it again."
            session.add(run)
            stale += 1
    session.commit()
    return stale


def _task_state(conn: redis.Redis, task_id: str) -> str | None:
    try:
        return RQJob.fetch(task_id, connection=conn).get_status().value
    except (NoSuchJobError, ValueError):
        return None


def start_run(session: Session, r: redis.Redis, conn: redis.Redis, name: str, caller: User,
              trigger: str = "manual") -> IngestRun:
    """Queue a run of one source; 409 while one is open. Admins may run a disabled source by hand
    (the sample catalogue, a test); anyone else only enabled ones."""
    source = get_source(session, name)
    if not source.enabled and caller.role != Role.admin and caller.id != INGESTION_OWNER_ID:
        raise Forbidden(f"The source {source.name} is disabled")
    expire_stale_runs(session, conn)
    running = _open_run(session, source.name)
    session.commit()
    run = _add_unique(session, IngestRun(source=source.name, trigger=trigger, status=RunStatus.queued),
                      f"A run of {source.name} is already in progress"
                      + (f" (task {running.task_id})" if running and running.task_id else ""))
    try:
        run.task_id = tasks.enqueue(conn, "ingest_source", caller, str(run.id))
    except redis.RedisError:
        session.delete(run)
        session.commit()
        raise
    session.add(run)
    session.commit()
    _publish_run(r, run)
    return run


def create_inline_run(session: Session, name: str, trigger: str) -> IngestRun:
    """A run that the calling process performs itself (make demo, the bench)."""
    source = get_source(session, name)
    return _add_unique(session, IngestRun(source=source.name, trigger=trigger, status=RunStatus.queued),
                       f"A run of {source.name} is already in progress")


class GlobalRunRunning(Conflict):
    def __init__(self, task_id: str):
        super().__init__(f"A global ingestion run is already in progress (task {task_id})")
        self.task_id = task_id


def start_all(r: redis.Redis, conn: redis.Redis, caller: User, names: list[str] | None = None,
              trigger: str = "all") -> str:
    """Queue one task that runs every enabled source (or `names`) one after the other; one such
    run at a time (GlobalRunRunning carries the running task's id)."""
    if not r.set(GLOBAL_LOCK, "starting", nx=True, ex=GLOBAL_LOCK_SECONDS):
        holder = r.get(GLOBAL_LOCK)
        if holder and holder != "starting" and _task_state(conn, holder) in (None, "finished", "failed",
                                                                                 "stopped", "canceled"):
            r.delete(GLOBAL_LOCK)  # its task ended without releasing the lock (a killed worker)
            return start_all(r, conn, caller, names, trigger)
        raise GlobalRunRunning(holder or "starting")
    try:
        task_id = tasks.enqueue(conn, "ingest_all", caller, names, trigger)
    except BaseException:
        r.delete(GLOBAL_LOCK)
        raise
    r.set(GLOBAL_LOCK, task_id, ex=GLOBAL_LOCK_SECONDS)
    _publish(r, {"type": "ingest_global", "task_id": task_id, "status": "queued"})
    return task_id


def release_global(r: redis.Redis, task_id: str | None) -> None:
    """The global run ended (its task's finally): the lock goes, and the admins' pages hear of it
    even when the run had no source to run (no run event would tell them)."""
    if task_id and r.get(GLOBAL_LOCK) == task_id:
        r.delete(GLOBAL_LOCK)
        _publish(r, {"type": "ingest_global", "task_id": task_id, "status": "ended"})


def run_for_global(session: Session, name: str, trigger: str, task_id: str | None) -> tuple[uuid.UUID | None, str]:
    """The run a global task performs for one source: its own open run when the task is taken up
    again after a killed worker, none when this task already finished it or another run is open,
    else a new one."""
    mine = session.exec(select(IngestRun).where(IngestRun.source == name, IngestRun.task_id == task_id)
                        .order_by(col(IngestRun.created_at).desc()).limit(1)).first() if task_id else None
    if mine is not None:
        return (None, "done before this task was interrupted") if mine.status in FINISHED else (mine.id, "resumed")
    try:
        run = create_inline_run(session, name, trigger)
    except Conflict:
        return None, "another run of this source is in progress"
    run.task_id = task_id
    session.add(run)
    session.commit()
    return run.id, "started"


def global_sources(session: Session, names: list[str] | None) -> list[str]:
    if names:
        return [get_source(session, n).name for n in names]
    return list(session.exec(select(IngestSource.name).where(col(IngestSource.enabled))
                             .order_by(IngestSource.name)).all())


# --- runs: performing them -----------------------------------------------------------------------


@dataclass(frozen=True)
class SourceSpec:
    """What a worker needs to run a source (detached from the session)."""

    name: str
    kind: SourceKind
    url: str
    params: dict
    http: dict


def claim_run(session: Session, r: redis.Redis, run_id: uuid.UUID, task_id: str | None) -> SourceSpec | None:
    """Mark the run running (attempts + 1: more than 1 means a killed run is taken up again);
    None when it already finished or its source is gone."""
    run = session.get(IngestRun, run_id, with_for_update=True)
    if run is None or run.status in FINISHED:
        session.rollback()
        return None
    source = session.get(IngestSource, run.source)
    if source is None:
        _finish(run, RunStatus.failed, "The source was deleted before the run started")
        session.add(run)
        session.commit()
        _publish_run(r, run)
        return None
    run.status, run.attempts = RunStatus.running, run.attempts + 1
    run.started_at = run.started_at or utcnow()
    run.heartbeat_at = utcnow()
    run.task_id = task_id or run.task_id
    if run.attempts > 1:
        run.message = f"Taken up again after an interruption (attempt {run.attempts})"
    session.add(run)
    session.commit()
    _publish_run(r, run)
    return SourceSpec(source.name, SourceKind(source.kind), source.url, dict(source.params), http_settings(source))


def heartbeat(session: Session, run_id: uuid.UUID, listed: int | None = None) -> None:
    session.exec(text("UPDATE ingest_runs SET heartbeat_at = now() WHERE id = :id").bindparams(id=run_id))
    session.commit()


def set_total(session: Session, r: redis.Redis, run_id: uuid.UUID, total: int) -> None:
    run = session.get(IngestRun, run_id)
    run.total, run.heartbeat_at = total, utcnow()
    session.add(run)
    session.commit()
    _publish_progress(r, run)


def record_error(run: IngestRun, url: str | None, error: str) -> None:
    """Keep the first errors of a run with their URLs (the caller counts them)."""
    if len(run.errors) < MAX_ERRORS_KEPT:
        run.errors = [*run.errors, {"url": _strip_controls(str(url))[:500] if url else None,
                                    "error": _strip_controls(error)[:500], "at": utcnow().isoformat()}]


@dataclass
class BatchResult:
    counters: dict[str, int]
    enrich: list[uuid.UUID]
    changed: bool


def _lock_keys(session: Session, keys: Iterable[str]) -> None:
    """Transaction-scoped advisory locks on a batch's URLs and identity keys, taken in one order:
    two sources storing the same posting at once cannot both create it, and cannot deadlock."""
    numbers = sorted({int.from_bytes(hashlib.blake2b(k.encode(), digest_size=8).digest(), "big", signed=True)
                      for k in keys if k})
    if numbers:
        session.exec(text("SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest(CAST(:keys AS bigint[])) AS k "
                          "ORDER BY 1) AS ordered").bindparams(keys=numbers))


def _apply(job: Job, item: Normalized) -> None:
    job.title, job.description_raw, job.company_name, job.location = (item.title, item.description, item.company,
                                                                       item.location)
    job.skills_required = item.skills
    job.salary_min, job.salary_max, job.salary_currency = item.salary_min, item.salary_max, item.salary_currency
    job.salary_period, job.country = item.salary_period, item.country
    job.remote_option, job.employment_type = item.remote_option, item.employment_type
    job.external_apply_url = item.url


def _reopen(job: Job) -> bool:
    """A closed ingested job listed again; True when it must be enriched first."""
    if job.status != JobStatus.closed:
        return False
    if enrichment.is_current(job):
        job.status = JobStatus.active
        return False
    job.status, job.enrich_error = JobStatus.processing, None
    return True


def ingest_batch(session: Session, run_id: uuid.UUID, source_name: str, default_company: str | None,
                 items: list[tuple[RawPosting, str | None]], seen: set[str]) -> BatchResult:
    """Normalize, dedup and store one batch of a run's postings in one transaction, with the run's
    counters, errors and heartbeat. `items` are (posting, error fetching its details or None);
    `seen` holds the external ids this run stored already (a posting listed twice is a dedup hit)."""
    run = session.get(IngestRun, run_id, with_for_update=True)
    counters = {**empty_counters(), **run.counters}
    before = dict(counters)
    now = utcnow()
    ready: list[Normalized] = []
    for raw, problem in items:
        counters["fetched"] += 1
        ref = raw.url or raw.detail_url
        if problem:
            record_error(run, ref, problem)
            counters["errors"] += 1
            _touch(session, source_name, str(raw.external_id), run_id, now)  # still listed: not gone
            continue
        try:
            item = normalize(raw, default_company, now)
        except PostingError as exc:
            record_error(run, ref, f"{exc} (id {str(raw.external_id)[:80]})")
            counters["errors"] += 1
            continue
        if item.external_id in seen:
            counters["dedup_hits"] += 1
            continue
        seen.add(item.external_id)
        ready.append(item)

    _lock_keys(session, [k for i in ready for k in (i.canonical_url, i.identity_key)])
    existing = {p.external_id: p for p in session.exec(select(JobPosting).where(
        JobPosting.source == source_name, col(JobPosting.external_id).in_([i.external_id for i in ready]))).all()}
    fresh = [i for i in ready if i.external_id not in existing]
    by_url: dict[str, uuid.UUID] = {}
    by_key: dict[str, uuid.UUID] = {}
    urls = [i.canonical_url for i in fresh if i.canonical_url]
    keys = [i.identity_key for i in fresh if i.identity_key]
    if urls or keys:
        for posting in session.exec(select(JobPosting).where(
                col(JobPosting.canonical_url).in_(urls) | col(JobPosting.identity_key).in_(keys))
                .order_by(col(JobPosting.gone_at).is_not(None), JobPosting.first_seen_at)).all():
            if posting.canonical_url:
                by_url.setdefault(posting.canonical_url, posting.job_id)
            if posting.identity_key:
                by_key.setdefault(posting.identity_key, posting.job_id)
    job_ids = {p.job_id for p in existing.values()} | set(by_url.values()) | set(by_key.values())
    loaded = {j.id: j for j in session.exec(select(Job).where(col(Job.id).in_(job_ids))).all()} if job_ids else {}

    enrich: list[uuid.UUID] = []
    changed = False
    for item in ready:
        posting = existing.get(item.external_id)
        if posting is not None:
            was_gone = posting.gone_at is not None
            posting.last_seen_at, posting.last_run_id, posting.gone_at = now, run_id, None
            job = loaded.get(posting.job_id)
            ours = job is not None and job.owner_id == INGESTION_OWNER_ID
            if posting.content_hash == item.content_hash and not (ours and job.status == JobStatus.closed):
                counters["skipped"] += 1
            else:
                counters["updated"] += 1
                posting.content_hash, posting.url, posting.canonical_url = (item.content_hash, item.url,
                                                                            item.canonical_url)
                posting.identity_key, posting.posted_at = item.identity_key, item.posted_at
                if ours and job.source == source_name:  # the source a job came from keeps it current
                    digest = enrichment.description_hash(job)
                    _apply(job, item)
                    if enrichment.description_hash(job) != digest and job.status != JobStatus.closed:
                        job.status, job.enrich_error = JobStatus.processing, None
                        enrich.append(job.id)
                if ours and (was_gone or job.status == JobStatus.closed) and _reopen(job):
                    enrich.append(job.id)
                if ours:
                    job.updated_at = now
                    session.add(job)
                    changed = True
            session.add(posting)
            continue
        target = (by_url.get(item.canonical_url) if item.canonical_url else None) or \
            (by_key.get(item.identity_key) if item.identity_key else None)
        if target is not None:
            counters["dedup_hits"] += 1
            job = loaded.get(target)
            if job is not None and job.owner_id == INGESTION_OWNER_ID and job.status == JobStatus.closed:
                if _reopen(job):
                    enrich.append(job.id)
                job.updated_at = now
                session.add(job)
                changed = True
        else:
            counters["new"] += 1
            created = min(item.posted_at or now, now)
            job = Job(owner_id=INGESTION_OWNER_ID, visibility=Visibility.public, status=JobStatus.processing,
                      source=source_name, title=item.title, description_raw=item.description, created_at=created,
                      updated_at=now)
            _apply(job, item)
            session.add(job)
            session.flush()
            target = job.id
            loaded[job.id] = job
            enrich.append(job.id)
        if item.canonical_url:
            by_url.setdefault(item.canonical_url, target)
        if item.identity_key:
            by_key.setdefault(item.identity_key, target)
        session.add(JobPosting(source=source_name, external_id=item.external_id, job_id=target, url=item.url,
                               canonical_url=item.canonical_url, identity_key=item.identity_key,
                               content_hash=item.content_hash, posted_at=item.posted_at, first_seen_at=now,
                               last_seen_at=now, last_run_id=run_id))
    run.counters = counters
    run.processed += len(items)
    run.heartbeat_at = now
    session.add(run)
    session.commit()
    delta = {k: counters[k] - before.get(k, 0) for k in counters}
    return BatchResult(delta, list(dict.fromkeys(enrich)), changed)


def _touch(session: Session, source_name: str, external_id: str, run_id: uuid.UUID, now: datetime) -> None:
    session.exec(text("UPDATE job_postings SET last_seen_at = :now, last_run_id = :run WHERE source = :source "
                      "AND external_id = :id").bindparams(now=now, run=run_id, source=source_name, id=external_id[:300]))


def _mark_gone(session: Session, source_name: str, run_id: uuid.UUID | None) -> int:
    """Postings of the source not seen by `run_id` (all of them when None) are gone; jobs of ours
    left with no open posting are closed. Returns the number of jobs closed."""
    gone = session.exec(text(
        "UPDATE job_postings SET gone_at = now() WHERE source = :source AND gone_at IS NULL "
        "AND (CAST(:run AS uuid) IS NULL OR last_run_id IS DISTINCT FROM CAST(:run AS uuid)) RETURNING job_id")
        .bindparams(source=source_name, run=str(run_id) if run_id else None)).all()
    job_ids = list({row[0] for row in gone})
    if not job_ids:
        return 0
    closed = session.exec(text(
        "UPDATE jobs SET status = 'closed', updated_at = now() WHERE id = ANY(:ids) AND owner_id = :owner "
        "AND status <> 'closed' AND NOT EXISTS (SELECT 1 FROM job_postings p WHERE p.job_id = jobs.id "
        "AND p.gone_at IS NULL) RETURNING id").bindparams(ids=job_ids, owner=INGESTION_OWNER_ID)).all()
    return len(closed)


def _finish(run: IngestRun, status: RunStatus, message: str | None) -> None:
    run.status, run.finished_at, run.heartbeat_at = status, utcnow(), utcnow()
    if message:
        run.message = message[:2000]


def finish_run(session: Session, r: redis.Redis, run_id: uuid.UUID, *, listed: int, complete: bool,
               listing_error: tuple[str | None, str] | None = None, note: str | None = None) -> IngestRun:
    """Close the run: complete (then postings it did not see are gone and their jobs closed),
    partial or failed (nothing closed)."""
    run = session.get(IngestRun, run_id, with_for_update=True)
    if listing_error is not None:
        record_error(run, *listing_error)
        run.counters = {**empty_counters(), **run.counters, "errors": run.counters.get("errors", 0) + 1}
    open_before = session.exec(select(func.count()).select_from(JobPosting).where(
        JobPosting.source == run.source, col(JobPosting.gone_at).is_(None))).one()
    if complete and listed == 0 and open_before:
        complete, note = False, (f"The source listed no posting while {open_before} were open: taken for an "
                                 "outage, nothing was closed")
    if complete:
        closed = _mark_gone(session, run.source, run.id)
        run.counters = {**empty_counters(), **run.counters, "closed": closed}
        status = RunStatus.complete
    else:
        status = RunStatus.partial if run.processed and listed else RunStatus.failed
        note = note or ("The listing could not be read to its end: nothing was closed" if listing_error else None)
    _finish(run, status, note)
    session.add(run)
    session.commit()
    if run.counters.get("closed"):
        jobs.invalidate(r)
    _publish_run(r, run)
    return run


def fail_run(session: Session, r: redis.Redis, run_id: uuid.UUID, error: str) -> None:
    session.rollback()
    run = session.get(IngestRun, run_id)
    if run is None or run.status in FINISHED:
        return
    record_error(run, None, error)
    run.counters = {**empty_counters(), **run.counters, "errors": run.counters.get("errors", 0) + 1}
    _finish(run, RunStatus.failed, f"The run stopped: {error}"[:2000])
    session.add(run)
    session.commit()
    _publish_run(r, run)


def _event_run(run: IngestRun) -> dict:
    return {"source": run.source, "run_id": str(run.id), "status": run.status.value if hasattr(run.status, "value")
            else run.status, "processed": run.processed, "total": run.total,
            "counters": {**empty_counters(), **run.counters}}


def _publish(r: redis.Redis, event: dict) -> None:
    try:
        live.publish(r, live.ADMINS, event)
    except redis.RedisError as exc:
        log.warning("ingestion event not published: %s", exc)


def _publish_progress(r: redis.Redis, run: IngestRun) -> None:
    _publish(r, {"type": "ingest_progress", **_event_run(run)})


def _publish_run(r: redis.Redis, run: IngestRun) -> None:
    _publish(r, {"type": "ingest_run", **_event_run(run), "trigger": run.trigger, "message": run.message,
                 "started_at": run.started_at, "finished_at": run.finished_at, "errors": run.errors[:5]})
    if run.status in FINISHED:
        try:
            key = DONE_KEY.format(run.id)
            r.rpush(key, run.status.value)
            r.expire(key, 600)
        except redis.RedisError:
            pass


def publish_progress(session: Session, r: redis.Redis, run_id: uuid.UUID) -> None:
    run = session.get(IngestRun, run_id)
    if run is not None:
        _publish_progress(r, run)


def get_run(session: Session, run_id: uuid.UUID | str) -> IngestRun:
    try:
        run = session.get(IngestRun, uuid.UUID(str(run_id)))
    except ValueError:
        run = None
    if run is None:
        raise NotFound("Run not found")
    return run


def list_runs(session: Session, source: str | None = None, status: RunStatus | None = None, skip: int = 0,
              limit: int = 20) -> tuple[list[IngestRun], int]:
    conditions = []
    if source:
        conditions.append(IngestRun.source == source.strip().lower())
    if status:
        conditions.append(IngestRun.status == status)
    total = session.exec(select(func.count()).select_from(IngestRun).where(*conditions)).one()
    rows = session.exec(select(IngestRun).where(*conditions)
                        .order_by(col(IngestRun.created_at).desc(), col(IngestRun.id).desc())
                        .offset(skip).limit(limit)).all()
    return list(rows), total


# --- enrichment of ingested jobs, in batches --------------------------------------------------


def enqueue_enrichment(session: Session, conn: redis.Redis, job_ids: list[uuid.UUID]) -> list[str]:
    owner = system_owner(session)
    return [tasks.enqueue(conn, "ingest_enrich", owner, [str(j) for j in job_ids[i:i + ENRICH_BATCH]])
            for i in range(0, len(job_ids), ENRICH_BATCH)]


_LEVEL_WORDS = re.compile(r"\b(junior|jr|senior|sr|lead|principal|staff|head|chief|intern|trainee|graduate|"
                          r"associate|director|manager|i{1,3}|iv)\b", re.I)
_LEVEL_ALIASES = {"jr": "junior", "sr": "senior"}


def _levels(title: str | None) -> set[str]:
    """Seniority words of a title: "Lead CNC Machinist" and "CNC Machinist" are two openings, not a repost."""
    return {_LEVEL_ALIASES.get(w.lower(), w.lower()) for w in _LEVEL_WORDS.findall(title or "")}


def _near_duplicate(session: Session, job: Job, vector: list[float]) -> Job | None:
    """Layer 4: another listing of the same company, in the same place (or one unnamed), at the same
    level, whose description means the same: a reworded repost. The same role in two cities, or at
    two levels, stays two jobs."""
    if not job.company_name:
        return None
    distance = col(Job.embedding).cosine_distance(vector)
    place = [] if not job.location else [or_(col(Job.location).is_(None),
                                             func.lower(Job.location) == job.location.lower())]
    candidates = session.exec(
        select(Job).where(func.lower(Job.company_name) == job.company_name.lower(), Job.id != job.id, *place,
                          col(Job.embedding).is_not(None), Job.visibility == Visibility.public,
                          col(Job.status).in_([JobStatus.active, JobStatus.processing]),
                          distance <= 1 - NEAR_DUPLICATE_THRESHOLD)
        .order_by(distance).limit(5)).all()
    return next((other for other in candidates if _levels(other.title) == _levels(job.title)), None)


def _merge_into(session: Session, duplicate: Job, survivor: Job) -> None:
    """The duplicate's postings now list the survivor; their runs count a dedup hit instead of a new job."""
    run_ids = session.exec(text("UPDATE job_postings SET job_id = :survivor WHERE job_id = :dup RETURNING last_run_id")
                           .bindparams(survivor=survivor.id, dup=duplicate.id)).all()
    for run_id in {row[0] for row in run_ids if row[0]}:
        session.exec(text(
            "UPDATE ingest_runs SET counters = counters || jsonb_build_object("
            "'dedup_hits', COALESCE((counters->>'dedup_hits')::int, 0) + 1, "
            "'new', GREATEST(COALESCE((counters->>'new')::int, 0) - 1, 0)) WHERE id = :id").bindparams(id=run_id))
    if survivor.owner_id == INGESTION_OWNER_ID and survivor.status == JobStatus.closed:
        _reopen(survivor)
    session.delete(duplicate)


def _enrich_failed(session: Session, job: Job, exc: Exception) -> None:
    log.warning("enrichment of ingested job %s failed: %s", job.id, exc)
    job.status, job.enrich_error = JobStatus.enrich_failed, f"{type(exc).__name__}: {exc}"[:1000]
    job.updated_at = utcnow()
    session.add(job)
    session.flush()


def enrich_batch(session: Session, r: redis.Redis, job_ids: list[uuid.UUID],
                 on_live: Callable[[Job], None] = lambda _job: None) -> dict:
    """Enrich ingested jobs together: one embedding batch, the near-duplicate check, then the same
    enrichment as a provider's job (skills, salary estimate, guides, the skill-evidence profile with one
    embedding batch for all requirement phrases; an identical twin's results reused). A job whose
    enrichment fails is left enrich_failed with its error; the others go on.
    `on_live(job)` runs for each job that went live for the first time (the job-match notifications)."""
    batch = list(session.exec(select(Job).where(col(Job.id).in_(job_ids), Job.status == JobStatus.processing)
                              .order_by(Job.created_at, Job.id)).all())
    result = {"enriched": 0, "failed": 0, "merged": 0, "skipped": len(job_ids) - len(batch)}
    if not batch:
        return result
    first_time = {job.id for job in batch if job.enriched_at is None}
    for job in batch:
        job.enrich_attempts += 1
        job.updated_at = utcnow()
        session.add(job)
    session.commit()
    vectors = embeddings.embed_many([enrichment.embedding_text(job) for job in batch])
    ready, to_profile = [], []
    for job, vector in zip(batch, vectors):
        survivor = _near_duplicate(session, job, vector)
        if survivor is not None:
            _merge_into(session, job, survivor)
            session.flush()
            result["merged"] += 1
            continue
        try:
            with session.begin_nested():
                digest = enrichment.description_hash(job)
                twin = enrichment._twin(session, job, digest)
                if twin is not None:
                    enrichment._copy_from(job, twin)  # its skill-evidence profile too
                else:
                    analysis, guides, generated_by = enrichment.generate(job)
                    enrichment._apply(job, analysis, guides, generated_by)
                    job.embedding = vector  # set now: later jobs of the batch are checked against it
                    to_profile.append(job)
                job.description_hash = digest
                session.add(job)
                session.flush()
            ready.append(job)
        except Exception as exc:
            _enrich_failed(session, job, exc)
            result["failed"] += 1
    try:  # the skill-evidence profiles, as enrichment.enrich makes them, with one embedding call for all
        enrichment.profile_many(to_profile)
    except Exception as exc:
        for job in to_profile:
            _enrich_failed(session, job, exc)
        result["failed"] += len(to_profile)
        ready = [job for job in ready if job not in to_profile]
    for job in ready:
        job.status, job.enrich_error, job.enriched_at = JobStatus.active, None, utcnow()
        job.updated_at = utcnow()
        session.add(job)
    result["enriched"] = len(ready)
    live_jobs = ready
    session.commit()
    jobs.invalidate(r)
    for job in live_jobs:
        if job.id in first_time:
            on_live(job)
    return result


# --- schedules -------------------------------------------------------------------------------


def schedule_due(session: Session, r: redis.Redis, conn: redis.Redis, now: datetime | None = None) -> list[str]:
    """Queue a run of every enabled source whose cron time has come; returns their names. Each due
    time is claimed by a compare-and-set on next_run_at, so two schedulers can never both run it."""
    now = now or utcnow()
    started = []
    expire_stale_runs(session, conn)
    due = session.exec(select(IngestSource).where(col(IngestSource.enabled), col(IngestSource.schedule).is_not(None),
                                                  (col(IngestSource.next_run_at).is_(None))
                                                  | (col(IngestSource.next_run_at) <= now))).all()
    for source in due:
        planned, following = source.next_run_at, next_run(source.schedule, True, now)
        claimed = session.exec(text(
            "UPDATE ingest_sources SET next_run_at = :next WHERE name = :name AND enabled "
            "AND next_run_at IS NOT DISTINCT FROM :planned RETURNING name").bindparams(
            next=following, name=source.name, planned=planned)).first()
        session.commit()
        if claimed is None or planned is None:  # lost the race, or first sight of the schedule: wait for it
            continue
        try:
            start_run(session, r, conn, source.name, system_owner(session), trigger="schedule")
            started.append(source.name)
        except Conflict:
            log.info("scheduled run of %s skipped: one is still in progress", source.name)
    return started


# --- status ------------------------------------------------------------------------------------


def _brief(job: RQJob) -> TaskBrief:
    error = None
    if job.is_failed:
        latest = job.latest_result()
        error = (latest.exc_string or "").strip().splitlines()[-1][:300] if latest and latest.exc_string else "failed"
    return TaskBrief(task_id=job.id, name=job.meta.get("name", job.func_name), status=job.get_status().value,
                     args=list(job.args or [])[:3], enqueued_at=job.enqueued_at, started_at=job.started_at,
                     ended_at=job.ended_at, error=error)


def status(session: Session, r: redis.Redis, conn: redis.Redis) -> IngestStatus:
    expire_stale_runs(session, conn)
    queues, running, failed = {}, [], []
    for name in tasks.QUEUES:
        queue = Queue(name, connection=conn)
        queues[name] = queue.count
        started_ids = StartedJobRegistry(queue=queue).get_job_ids()
        failed_ids = FailedJobRegistry(queue=queue).get_job_ids(0, 200)
        for ids, out in ((started_ids, running), (failed_ids, failed)):
            for job in RQJob.fetch_many(ids, connection=conn):
                if job is not None and job.meta.get("name") in INGEST_TASKS:
                    out.append(_brief(job))
    holder = r.get(GLOBAL_LOCK)
    global_task = None
    if holder and holder != "starting":
        try:
            global_task = _brief(RQJob.fetch(holder, connection=conn))
        except NoSuchJobError:
            global_task = None
    active = session.exec(select(func.count()).select_from(Job).where(
        Job.status == JobStatus.active, Job.visibility == Visibility.public)).one()
    ingested = session.exec(select(func.count()).select_from(Job).where(Job.owner_id == INGESTION_OWNER_ID)).one()
    return IngestStatus(queues=queues, running=running, failed=failed[-20:], global_task=global_task,
                        sources=list_sources(session), active_jobs=active, ingested_jobs=ingested,
                        empty_catalogue=active == 0)


def catalogue_file(url: str) -> Path:
    """The bundled catalogue a `file` source names; nothing outside CATALOGUE_DIR is ever read."""
    name = url.removeprefix("file:")
    path = (CATALOGUE_DIR / name).resolve()
    if path.parent != CATALOGUE_DIR.resolve() or not path.is_file():
        raise NotFound(f"No catalogue file {name} in the bundled data")
    return path
