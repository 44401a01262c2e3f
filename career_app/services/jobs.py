"""Jobs: who may see and change them, the public feed and search, and enrichment requests.

The rules live here once: a public listing is visible to everyone once active; anything else
only to its owner (and admins); only owners change or delete their jobs."""

import hashlib
import json
import logging
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta

import redis
from psycopg.pq import TransactionStatus
from pydantic import TypeAdapter
from sqlalchemy import and_, func, or_, tuple_
from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import object_session
from sqlmodel import Session, col, select

from career_app.services import countries, cursors, enrichment, live, salary, tasks
from career_app.services.errors import Conflict, Forbidden, NotFound, Unauthorized, Unavailable, Unprocessable, invalid_query
from career_app.services.response_cache import JsonCache
from career_app.services.versions import VersionCounter
from career_app.services.skills import taxonomy
from career_app.settings import settings
from models.base import utcnow
from models.job import PUBLIC_ACTIVE, Job, JobStatus, RemoteOption, Visibility
from models.job_schemas import JobCreate, JobFeedItem, JobOut, JobSearchPage, JobUpdate
from models.user import Role, User

log = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
SALARY_ORDER = "salary_min must not exceed salary_max"
_VERSION = VersionCounter("jobs:version")
_ENRICHED_FIELDS = {"title", "description_raw", "skills_required", "salary_currency"}
FEED_COLUMNS = (Job.id, Job.title, Job.skills_required, Job.status, Job.created_at, Job.company_name,
                Job.external_apply_url, Job.location, Job.remote_option, Job.employment_type, Job.salary_min,
                Job.salary_max, Job.salary_currency, Job.salary_period)


def _public_active():
    return (Job.status == JobStatus.active, Job.visibility == Visibility.public)


def can_view(job: Job, viewer: User | None) -> bool:
    """A seeker's private tracked job is theirs alone (admins included out)."""
    if job.visibility == Visibility.public and job.status == JobStatus.active:
        return True
    if viewer is not None and job.visibility == Visibility.private:
        return job.owner_id == viewer.id
    return viewer is not None and (job.owner_id == viewer.id or viewer.role == Role.admin)


def _load(session: Session, job_id: str | uuid.UUID) -> Job | None:
    try:
        return session.get(Job, job_id if isinstance(job_id, uuid.UUID) else uuid.UUID(str(job_id)))
    except ValueError:
        return None


def get_visible(session: Session, job_id: str | uuid.UUID, viewer: User | None) -> Job:
    job = _load(session, job_id)
    if job is None or not can_view(job, viewer):
        raise NotFound("Job not found")
    return job


def get_owned(session: Session, job_id: str | uuid.UUID, user: User) -> Job:
    job = get_visible(session, job_id, user)
    if job.owner_id != user.id:
        raise Forbidden("You can only change your own jobs")
    return job


def invalidate(r: redis.Redis) -> None:
    """Any change to jobs: caches keyed by the old version are never read again."""
    _VERSION.bump(r)


def cache_version(r: redis.Redis) -> str:
    """Part of every cache key derived from jobs (searches, market skill demand)."""
    return _VERSION.current(r)


def announce_status(r: redis.Redis, job_id: uuid.UUID, owner_id: uuid.UUID, status: str) -> None:
    """After the commit: a job's status changed (an enrichment attempt started, ended, or its owner
    changed it; "deleted" when it is gone). Its owner's tabs and the admins' follow it live. Never
    fails the change it reports: a client that missed it reloads from the database on resync.
    Any connection to the Redis server will do (pub/sub does not depend on the database number)."""
    event = {"type": "job_status", "job_id": str(job_id), "status": status}
    try:
        live.publish(r, live.user(owner_id), event)
        live.publish(r, live.ADMINS, event)
    except redis.RedisError as exc:
        log.warning("job status event for %s not published: %s", job_id, exc)


def announce(r: redis.Redis, job: Job) -> None:
    announce_status(r, job.id, job.owner_id, job.status.value)


def _enqueue_enrichment(conn: redis.Redis, job: Job, owner: User) -> None:
    try:
        tasks.enqueue(conn, "enrich_job", owner, str(job.id))
    except redis.RedisError as exc:
        raise Unavailable("The task queue is unavailable; try again shortly") from exc


def create(session: Session, r: redis.Redis, conn: redis.Redis, user: User, data: JobCreate) -> Job:
    if user.role not in (Role.provider, Role.admin):
        raise Forbidden("Only providers can post jobs")
    job = Job(owner_id=user.id, visibility=Visibility.public, status=JobStatus.processing,
              **data.model_dump(exclude={"skills_required"}), skills_required=taxonomy().normalise(data.skills_required))
    job.country = countries.of_location(job.location)
    session.add(job)
    session.commit()
    try:
        _enqueue_enrichment(conn, job, user)
    except Unavailable:
        session.delete(job)  # nothing half-made: without a queued enrichment the job would never go live
        session.commit()
        raise
    invalidate(r)
    announce(r, job)
    return job


def update(session: Session, r: redis.Redis, conn: redis.Redis, user: User, job_id: str, data: JobUpdate) -> Job:
    job = get_owned(session, job_id, user)
    changes = data.model_dump(exclude_unset=True)
    target = changes.pop("status", None)
    if "skills_required" in changes:
        changes["skills_required"] = taxonomy().normalise(changes["skills_required"] or [])
    for field in ("title", "description_raw"):
        if field in changes and changes[field] is None:
            del changes[field]
    merged = {"salary_min": job.salary_min, "salary_max": job.salary_max, **changes}
    if merged["salary_min"] is not None and merged["salary_max"] is not None and merged["salary_min"] > merged["salary_max"]:
        raise Unprocessable(SALARY_ORDER, ("body", "salary_min"), "salary_order")
    content_changed = any(field in changes and changes[field] != getattr(job, field) for field in _ENRICHED_FIELDS)
    for field, value in changes.items():
        setattr(job, field, value)
    if "location" in changes:
        job.country = countries.of_location(job.location)
    if changes.keys() & {"salary_min", "salary_max"}:
        job.salary_period = None  # amounts given through the API are yearly
    needs_enrichment = _transition(job, JobStatus(target)) if target is not None else False
    if content_changed and job.status not in (JobStatus.closed, JobStatus.processing):
        needs_enrichment = True  # a closed job is re-enriched when it is reopened
    if needs_enrichment:
        job.status, job.enrich_error = JobStatus.processing, None
    job.updated_at = utcnow()
    session.add(job)
    session.commit()  # deleted by another request meanwhile: a 404 (api/app.py, StaleDataError)
    if needs_enrichment or (content_changed and job.status == JobStatus.processing):
        _enqueue_enrichment(conn, job, user)
    invalidate(r)
    try:
        session.refresh(job)
    except InvalidRequestError:  # deleted by a request that ran meanwhile: gone, not a server error
        raise NotFound("Job not found") from None
    announce(r, job)
    return job


def _transition(job: Job, target: JobStatus) -> bool:
    """What an owner may do to a job's status; True when the job must be (re-)enriched first.

    Closing always works. Asking for `active` publishes a closed job whose AI content is current;
    a job edited while closed, or whose enrichment failed, is enriched again and goes live when
    that succeeds. A job being enriched cannot be published by hand."""
    if target == job.status:
        return False
    if target == JobStatus.closed:
        job.status = target
        return False
    if target != JobStatus.active:
        raise Conflict(f"A job cannot be set to {target.value}")
    if job.status == JobStatus.processing:
        raise Conflict("Enrichment is still running; the job goes live when it finishes")
    if job.status == JobStatus.closed and enrichment.is_current(job):
        job.status = target
        return False
    return True


def delete(session: Session, r: redis.Redis, user: User, job_id: str) -> None:
    job = get_owned(session, job_id, user)
    gone, owner_id = job.id, job.owner_id
    session.delete(job)
    session.commit()
    invalidate(r)
    announce_status(r, gone, owner_id, "deleted")


def enrichment_stalled(job: Job) -> bool:
    """Processing, and no enrichment attempt has started for a while (a lost task, a dead worker)."""
    return job.status == JobStatus.processing and \
        utcnow() - job.updated_at > timedelta(seconds=settings.enrich_stall_seconds)


def retry_enrichment(session: Session, conn: redis.Redis, user: User, job_id: str) -> Job:
    """A manual retry by the owner or an admin, for a job whose enrichment failed or stalled."""
    job = get_visible(session, job_id, user)
    if job.owner_id != user.id and user.role != Role.admin:
        raise Forbidden("You can only retry your own jobs")
    if job.status != JobStatus.enrich_failed and not enrichment_stalled(job):
        if job.status == JobStatus.processing:
            raise Conflict("Enrichment is running; a retry is possible once it has made no progress for "
                           f"{settings.enrich_stall_seconds} seconds")
        raise Conflict("Only a job whose enrichment failed or stalled can be retried")
    # RQ's automatic retries may still be pending; enrichment skips a job that is already current.
    job.status, job.updated_at = JobStatus.processing, utcnow()
    session.add(job)
    session.commit()
    owner = session.get(User, job.owner_id)
    _enqueue_enrichment(conn, job, owner)
    announce(conn, job)
    return job


# --- lists ---------------------------------------------------------------------------------


def _bounded(skip: int, limit: int) -> tuple[int, int]:
    return max(0, skip), max(1, min(limit, MAX_PAGE_SIZE))


def list_owned(session: Session, user: User, skip: int = 0, limit: int = 20) -> tuple[list[Job], int]:
    """The caller's own jobs, newest first: a provider's listings or a seeker's tracked jobs."""
    skip, limit = _bounded(skip, limit)
    total = session.exec(select(func.count()).select_from(Job).where(Job.owner_id == user.id)).one()
    rows = session.exec(select(Job).where(Job.owner_id == user.id)
                        .order_by(col(Job.created_at).desc(), col(Job.id).desc()).offset(skip).limit(limit)).all()
    return list(rows), total


def all_jobs(session: Session, admin: User, status: JobStatus | None = None, skip: int = 0,
             limit: int = 20) -> tuple[list[Job], int]:
    """Every listing, newest first, optionally of one status (admins: e.g. the failed enrichments);
    seekers' private tracked jobs are theirs alone."""
    if admin.role != Role.admin:
        raise Forbidden("Admin access required")
    skip, limit = _bounded(skip, limit)
    conditions = [Job.visibility == Visibility.public] + ([Job.status == status] if status else [])
    total = session.exec(select(func.count()).select_from(Job).where(*conditions)).one()
    rows = session.exec(select(Job).where(*conditions)
                        .order_by(col(Job.created_at).desc(), col(Job.id).desc()).offset(skip).limit(limit)).all()
    return list(rows), total


def provider_jobs(session: Session, user: User, skip: int = 0, limit: int = 100) -> list[Job]:
    if user.role not in (Role.provider, Role.admin):
        raise Forbidden("Provider access required")
    return list_owned(session, user, skip, limit)[0]


def _light(rows) -> list[JobFeedItem]:
    return [JobFeedItem.model_validate(dict(row._mapping)) for row in rows]


def feed(session: Session, skip: int = 0, limit: int = 20) -> list[JobFeedItem]:
    """Active listings, newest first (by offset; see feed_page for cursors)."""
    return feed_page(session, skip, limit)[0]


@contextmanager
def without_begin(session: Session):
    """Reads on the session's connection without a transaction of their own: when none is open, the
    driver runs them in autocommit, which spares the BEGIN round trip before the first statement and
    the ROLLBACK when the session closes (each a wait for the server on a busy machine). Only for
    statements that read: each one still sees a consistent snapshot of its own."""
    conn = session.connection().connection.driver_connection
    idle = not conn.autocommit and conn.info.transaction_status == TransactionStatus.IDLE
    if idle:
        conn.autocommit = True
    try:
        yield conn
    finally:
        if idle and not conn.closed:  # a lost connection is discarded with the session, as it stands
            conn.autocommit = False


def read_rows(session: Session, sql: str, params) -> list[tuple]:
    """One read statement through the driver (no ORM statement building or row objects)."""
    with without_begin(session) as conn, conn.cursor() as cursor:
        return cursor.execute(sql, params).fetchall()


_FEED_NAMES = tuple(c.key for c in FEED_COLUMNS)
# The page's ids come from the partial feed index alone (index-only), then only those rows are read.
_FEED_SQL = ("SELECT " + ", ".join(f"j.{name}" for name in _FEED_NAMES) + " FROM jobs j JOIN (SELECT id FROM jobs "
             f"WHERE {PUBLIC_ACTIVE} {{after}} ORDER BY created_at DESC, id DESC {{offset}}LIMIT %(n)s) page "
             "ON page.id = j.id ORDER BY j.created_at DESC, j.id DESC")
_FEED_BY_OFFSET = _FEED_SQL.format(after="", offset="OFFSET %(skip)s ")
_FEED_BY_CURSOR = _FEED_SQL.format(after="AND (created_at, id) < (%(created)s, %(id)s)", offset="")


def feed_page(session: Session, skip: int = 0, limit: int = 20,
              cursor: str | None = None) -> tuple[list[JobFeedItem], str | None]:
    """A page of active listings, newest first, and the cursor of the next page (None at the end).

    With a cursor the page starts right after the listing it names (keyset: the partial feed index
    is entered at that key, so every depth costs the same) and `skip` is ignored; a listing added
    meanwhile is newer than every cursor, so a walk never sees a listing twice nor skips one.
    Without one, `skip` works as before. One statement through the driver without a transaction
    round trip (bench/bench_matching.py: the SQL is ~0.1 ms at any depth; ORM statement building,
    row objects and the BEGIN/ROLLBACK round trips were most of the rest)."""
    skip, limit = _bounded(skip, limit)
    if cursor is not None:
        created, after = cursors.decode("feed", cursor, 2)
        if not isinstance(created, datetime) or not isinstance(after, uuid.UUID):
            raise cursors.invalid()
        rows = read_rows(session, _FEED_BY_CURSOR, {"created": created, "id": after, "n": limit + 1})
    else:
        rows = read_rows(session, _FEED_BY_OFFSET, {"skip": skip, "n": limit + 1})
    items = [JobFeedItem.model_validate(dict(zip(_FEED_NAMES, row))) for row in rows[:limit]]
    more = len(rows) > limit
    return items, (cursors.encode("feed", items[-1].created_at, items[-1].id) if more else None)


_FEED_ADAPTER = TypeAdapter(list[JobFeedItem])
# Public reads served to everyone alike (the feed, anonymous job pages, searches), ready to send.
_public_json = JsonCache()
_VERSION.on_resubscribe.append(_public_json.clear)


def _cached(kind: str, *key) -> bytes | None:
    """A ready public response, looked up without any I/O (None unless the jobs version is followed
    and the entry exists): what async handlers try before taking a thread and a connection."""
    version = _VERSION.mirrored()
    return None if version is None else _public_json.get((kind, version, *key))


def cached_feed(skip: int = 0, limit: int = 20, cursor: str | None = None) -> tuple[bytes, str | None] | None:
    """(body, next cursor) of a feed page from this process's cache, without any I/O."""
    skip, limit = _bounded(0 if cursor else skip, limit)
    return _cached("feed", skip, limit, cursor)


def _canonical_id(job_id: str) -> str | None:
    """One cache key per job, however its id is spelled (case, braces, urn:uuid:...)."""
    try:
        return str(uuid.UUID(str(job_id)))
    except ValueError:
        return None


def cached_public_job(job_id: str) -> bytes | None:
    key = _canonical_id(job_id)
    return _cached("job", key) if key else None


def cached_search(**filters) -> bytes | None:
    return _cached("search", json.dumps(_search_params(**filters), sort_keys=True))


def feed_json(session: Session, r: redis.Redis, skip: int = 0, limit: int = 20,
              cursor: str | None = None) -> tuple[bytes, str | None]:
    """`feed_page` as (JSON body, next cursor), from this process's cache while no job has changed."""
    skip, limit = _bounded(skip, limit)
    if cursor is not None:
        skip = 0  # one cache entry per cursor page, whatever skip came with it
        cursors.decode("feed", cursor, 2)  # a bad cursor is refused before any cache lookup fills

    def build() -> tuple[bytes, str | None]:
        items, following = feed_page(session, skip, limit, cursor)
        return _FEED_ADAPTER.dump_json(items), following

    return _public_json.get_or_build(("feed", cache_version(r), skip, limit, cursor), build)


def public_job_json(session: Session, r: redis.Redis, job_id: str) -> bytes | None:
    """An active public listing as anyone sees it, as JSON (cached like the feed); None when the job
    is not one: then the viewer's own rights decide (see get_visible)."""
    def build() -> bytes | None:
        job = _load(session, job_id)
        if job is None or not can_view(job, None):
            return None
        return to_out(job, None).model_dump_json().encode()

    key = _canonical_id(job_id)
    return _public_json.get_or_build(("job", cache_version(r), key), build) if key else None


def to_out(job: Job, viewer: User | None) -> JobOut:
    """The whole job; the enrichment error only for its owner and admins. A salary estimate only when the
    job posts no salary (services/salary.py), read with the session the job was loaded in."""
    out = JobOut.model_validate(job, from_attributes=True)
    session = object_session(job)
    out.salary_estimate = salary.estimate(session, job, _VERSION.mirrored()) if session is not None else None
    out.enrichment_stalled = enrichment_stalled(job)
    if viewer is None or (viewer.id != job.owner_id and viewer.role != Role.admin):
        out.enrich_error = None
    return out


# --- search --------------------------------------------------------------------------------


def _escape_like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


SCOPES = ("listings", "mine", "all")


def search(session: Session, r: redis.Redis, *, q: str | None = None, location: str | None = None,
           salary_min: int | None = None, salary_max: int | None = None, salary_currency: str | None = None,
           include_unsalaried: bool = False, skills: list[str] | None = None,
           remote_only: bool = False, company: str | None = None, posted_within_days: int | None = None,
           skip: int = 0, limit: int = 20, cursor: str | None = None, scope: str = "listings",
           user: User | None = None) -> JobSearchPage:
    """Jobs matching every filter given. scope=listings (the default): active public listings, cached
    in Redis until any job changes; mine: the caller's own private tracked jobs; all: both. Another
    user's private jobs are never included; mine/all need a signed-in caller and are not cached.

    salary_min / salary_max are yearly amounts in salary_currency (default: the currency of the
    caller's country, else USD; see salary.filter_clause); listings without a comparable salary are
    left out unless include_unsalaried."""
    if salary_currency is None and (salary_min is not None or salary_max is not None):
        salary_currency = salary.default_currency(user.location if user is not None else None)
    params = _search_params(q, location, salary_min, salary_max, skills, remote_only, company,
                            posted_within_days, skip, limit, cursor, salary_currency, include_unsalaried)
    if scope != "listings":
        if scope not in SCOPES:
            raise invalid_query("scope", f"scope must be one of {', '.join(SCOPES)}")
        if user is None:
            raise Unauthorized("Sign in to search your own jobs")
        return _search(session, r, params, None, scope, user.id)
    return _search(session, r, params, cache_version(r))


def search_json(session: Session, r: redis.Redis, **filters) -> bytes:
    """`search` of listings as JSON, from this process's cache first, then Redis's (shared by all processes)."""
    params, version = _search_params(**filters), cache_version(r)
    key = ("search", version, json.dumps(params, sort_keys=True))
    if (hit := _public_json.get(key)) is not None:
        return hit
    page = _search(session, r, params, version)
    body = page.model_dump_json().encode()
    page.cached = True  # what every later answer from a cache says
    _public_json.put(key, page.model_dump_json().encode())
    return body


def _search_params(q: str | None = None, location: str | None = None, salary_min: int | None = None,
                   salary_max: int | None = None, skills: list[str] | None = None, remote_only: bool = False,
                   company: str | None = None, posted_within_days: int | None = None, skip: int = 0,
                   limit: int = 20, cursor: str | None = None, salary_currency: str | None = None,
                   include_unsalaried: bool = False) -> dict:
    skip, limit = _bounded(skip, limit)
    params = {"q": (q or "").strip(), "location": (location or "").strip(), "salary_min": salary_min,
              "salary_max": salary_max, "skills": sorted(taxonomy().normalise(skills or [])),
              "remote_only": remote_only, "company": (company or "").strip(), "days": posted_within_days,
              "skip": 0 if cursor else skip, "limit": limit}
    if salary_min is not None or salary_max is not None:  # the salary filter: in one currency, at dated rates
        if salary_min is not None and salary_max is not None and salary_min > salary_max:
            raise invalid_query("salary_min", SALARY_ORDER, "salary_order")
        params.update(currency=salary.check_currency(salary_currency or salary.FALLBACK_CURRENCY),
                      unsalaried=bool(include_unsalaried), rates=salary.rates().as_of)
    elif salary_currency is not None:
        salary.check_currency(salary_currency)  # a bad code is refused even when no amount is given
    if cursor:
        params["cursor"] = cursor
    return params


def _search_kind(params: dict, scope: str) -> str:
    """Cursors of one search are refused by another (other filters, other scope)."""
    same = {k: v for k, v in params.items() if k not in ("skip", "limit", "cursor")}
    return "search:" + scope + ":" + hashlib.sha256(json.dumps(same, sort_keys=True).encode()).hexdigest()[:16]


def _search(session: Session, r: redis.Redis, params: dict, version: str | None, scope: str = "listings",
            owner_id: uuid.UUID | None = None) -> JobSearchPage:
    skip, limit, wanted = params["skip"], params["limit"], params["skills"]
    salary_min, salary_max, posted_within_days = params["salary_min"], params["salary_max"], params["days"]
    kind = _search_kind(params, scope)
    cursor = params.get("cursor")
    key = "jobs:search:" + hashlib.sha256(json.dumps([version, params], sort_keys=True).encode()).hexdigest()
    cache = bool(settings.search_cache_seconds) and version is not None
    if cursor:
        after = cursors.decode(kind, cursor, 3 if params["q"] else 2)  # a bad cursor: 422 before any cache
    if cache and (hit := r.get(key)):
        page = JobSearchPage.model_validate_json(hit)
        page.cached = True
        return page

    mine = and_(Job.owner_id == owner_id, Job.visibility == Visibility.private) if owner_id else None
    conditions = {"listings": list(_public_active()), "mine": [mine],
                  "all": [or_(and_(*_public_active()), mine) if mine is not None else and_(*_public_active())]}[scope]
    rank = None
    if params["q"]:
        query = func.websearch_to_tsquery("english", params["q"])
        conditions.append(col(Job.search_vector).op("@@")(query))
        # as float8: a real read back as text would not compare equal to itself in the keyset condition
        rank = func.ts_rank(col(Job.search_vector), query).cast(DOUBLE_PRECISION)
    if params["location"]:
        conditions.append(col(Job.location).ilike(_escape_like(params["location"])))
    if params["company"]:
        conditions.append(col(Job.company_name).ilike(_escape_like(params["company"])))
    if salary_min is not None or salary_max is not None:  # posted salaries only, never an estimate
        conditions.append(salary.filter_clause(salary_min, salary_max, params["currency"], params["unsalaried"]))
    if wanted:
        conditions.append(Job.__table__.c.skills.contains(wanted))  # jsonb @>, served by ix_jobs_skills
    if params["remote_only"]:
        conditions.append(Job.remote_option == RemoteOption.remote)
    if posted_within_days:
        conditions.append(col(Job.created_at) >= utcnow() - timedelta(days=posted_within_days))

    sort = ([rank] if rank is not None else []) + [Job.created_at, Job.id]
    query = select(*FEED_COLUMNS, *([rank.label("rank")] if rank is not None else [])).where(*conditions)
    if cursor:  # keyset: strictly after the last item of the previous page, in the same order
        query = query.where(tuple_(*sort) < tuple_(*after))
    else:
        query = query.offset(skip)
    # One count per search while listings are unchanged: every page of a walk by cursor shares it.
    count_key = f"jobs:search-count:{version}:{kind}"
    counted = r.get(count_key) if cache else None
    with without_begin(session):  # two reads: no BEGIN/ROLLBACK round trips around them
        total = int(counted) if counted is not None else session.exec(
            select(func.count()).select_from(Job).where(*conditions)).one()
        order = [c.desc() for c in sort]
        if rank is None and total <= 3 * (skip + limit + 1):
            # Few matches: walking the feed index newest first would read most of the table to find them
            # (the planner, misled by estimates of the salary ranges, would take it for LIMIT); an order
            # by an expression it cannot read from that index makes it find the matches, then sort them.
            order = [(Job.created_at + timedelta(0)).desc(), Job.id.desc()]
        rows = session.exec(query.order_by(*order).limit(limit + 1)).all()
    if cache and counted is None:
        r.set(count_key, total, ex=settings.search_cache_seconds)
    following = None
    if len(rows) > limit:
        last = rows[limit - 1]
        following = cursors.encode(kind, *([last.rank] if rank is not None else []), last.created_at, last.id)
    page = JobSearchPage(items=_light(rows[:limit]), total=total, skip=skip, limit=limit, next_cursor=following)
    if "currency" in params:
        table = salary.rates()
        page.salary_currency, page.rates_as_of, page.rates_source = params["currency"], table.as_of, table.source
    if cache:
        r.set(key, page.model_dump_json(), ex=settings.search_cache_seconds)
    return page
