"""Job routes: provider CRUD, the public feed, search and details, matching and recommendations."""

from typing import Annotated, Literal

import anyio.to_thread
from fastapi import APIRouter, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ValidationError
from sqlmodel import Session

from career_app.api.deps import (CurrentUser, RedisDep, RQDep, SeekerCaller, SessionDep, Token, caller,
                                 in_thread_session, viewer)
from career_app.api.origins import public_base
from career_app.services import (applications, cursors, job_import, jobs, matching, salary,
                                 saved_recommendations, tracker_insights)
from career_app.services.errors import ServiceError, Unprocessable
from models.application_schemas import (ApplicationOut, JobImportRequest, TrackedJobCreate, TrackedJobOut,
                                        TrackedJobUpdate, TrackerInsights)
from models.job import MAX_SALARY, Visibility
from models.user import Role
from models.job_schemas import (JobAccepted, JobCreate, JobFeedItem, JobOut, JobSearchPage, JobUpdate, MatchResult,
                                RecommendationList)
from models.schemas import Page, SafeText

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])
Skip = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=jobs.MAX_PAGE_SIZE)]


def _as(model: type[BaseModel], data: BaseModel):
    """The body read as the caller's role (or the job's kind) requires; a 422 like FastAPI's otherwise."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data.model_dump(exclude_unset=True))
    except ValidationError as exc:
        # Valid by one of the operation's body schemas, not by the one this caller's role uses: a type of
        # its own, which no schema can state (api/contract.py BEYOND_SCHEMA).
        raise RequestValidationError([{**e, "type": "read_as_role", "loc": ("body", *e["loc"]),
                                       "msg": f"As {model.__name__}: {e['msg']}"} for e in exc.errors()]) from None


@router.post("", response_model=JobAccepted, status_code=202,
             responses={201: {"model": TrackedJobOut, "description": "A seeker's private tracked job"}})
def create_job(data: JobCreate | TrackedJobCreate, user: CurrentUser, session: SessionDep, r: RedisDep, conn: RQDep):
    """Providers post a listing: 202, live once AI enrichment finishes in the background. Seekers add a
    private job to their tracker: 201, never in the feed, search or recommendations."""
    if user.role == Role.seeker:
        job = applications.create_tracked(session, user, _as(TrackedJobCreate, data))
        out = applications.tracked_out(session, [job], user)[0]
        return JSONResponse(out.model_dump(mode="json"), status_code=201)
    job = jobs.create(session, r, conn, user, _as(JobCreate, data))
    return JobAccepted(id=job.id, message="Job created. AI enrichment processing in background.")


@router.get("", response_model=Page[TrackedJobOut])
def my_jobs(user: CurrentUser, session: SessionDep, skip: Skip = 0, limit: Limit = 20) -> Page[TrackedJobOut]:
    """Your own jobs, newest first: a provider's listings, a seeker's tracked jobs and saved listings."""
    rows, total = jobs.list_owned(session, user, skip, limit)
    return Page[TrackedJobOut](items=applications.tracked_out(session, rows, user), total=total, skip=skip,
                               limit=limit)


@router.get("/provider", response_model=list[JobOut], responses={403: {"description": "Providers and admins only"}})
def provider_jobs(user: CurrentUser, session: SessionDep, skip: Skip = 0,
                  limit: Annotated[int, Query(ge=1, le=jobs.MAX_PAGE_SIZE)] = 100) -> list[JobOut]:
    """Every job the signed-in provider posted, newest first (Ottobon shape: a plain list)."""
    return [jobs.to_out(j, user) for j in jobs.provider_jobs(session, user, skip, limit)]


def _json(body: bytes, **headers: str) -> Response:
    """A body the service already serialized from the route's response model."""
    return Response(body, media_type="application/json", headers=headers)


# The hot public reads are async: a cached answer is sent without a thread or a connection;
# otherwise one thread hop does all the blocking work (see deps.in_thread_session).


Cursor = Annotated[str | None, Query(max_length=cursors.MAX_LENGTH, pattern=cursors.PATTERN, description=(
    "next_cursor of the previous page (keyset pagination: the same cost at any depth); skip is ignored with it. "
    "Only a cursor this server issued for the same list is read (else 422, type cursor_invalid)"))]
Scope = Annotated[Literal["listings", "mine", "all"], Query(description=(
    "listings: active public listings; mine: your private tracked jobs; all: both (mine and all need sign-in)"))]


def _next_link(request: Request, following: str | None) -> dict[str, str]:
    """X-Next-Cursor and a Link rel=next header for lists whose body is a plain array."""
    if following is None:
        return {}
    url = request.url.remove_query_params(["skip", "cursor"]).include_query_params(cursor=following)
    base = public_base(url.scheme, request.headers.get("host"))  # never an unchecked Host
    return {"X-Next-Cursor": following, "Link": f'<{base}{url.path}?{url.query}>; rel="next"'}


@router.get("/feed", response_model=list[JobFeedItem], responses={200: {"headers": {
    "X-Next-Cursor": {"description": "Cursor of the next page (absent on the last page)", "schema": {"type": "string"}},
    "Link": {"description": 'rel="next" URL of the next page', "schema": {"type": "string"}}}}})
async def job_feed(request: Request, r: RedisDep, skip: Skip = 0, limit: Limit = 20, cursor: Cursor = None):
    """Active listings, newest first, light items. The next page's cursor is in X-Next-Cursor (and Link)."""
    cached = jobs.cached_feed(skip, limit, cursor) or await in_thread_session(jobs.feed_json, r, skip, limit, cursor)
    body, following = cached
    return _json(body, **{"Cache-Control": "public, max-age=10"}, **_next_link(request, following))


def _currency(value: str | None) -> str | None:
    try:
        return None if value is None else salary.check_currency(value)
    except Unprocessable as exc:
        raise ValueError(exc.detail) from None


async def _filter_currency(r: RedisDep, token: str | None) -> str:
    """The salary filter's currency when none is asked: the caller's country's, else USD."""
    if not token:
        return salary.FALLBACK_CURRENCY
    try:
        user = await caller(r, token)
    except ServiceError:  # a stale token on a public route: searched as anyone
        return salary.FALLBACK_CURRENCY
    return salary.default_currency(user.location)


@router.get("/search", response_model=JobSearchPage,
            responses={401: {"description": "scope mine or all without signing in"}})
async def search_jobs(
    r: RedisDep,
    token: Token,
    q: Annotated[SafeText | None, Query(max_length=200, description="Words in the title, company or description")] = None,
    location: Annotated[SafeText | None, Query(max_length=100)] = None,
    salary_min: Annotated[int | None, Query(ge=0, le=MAX_SALARY, description=(
        "Yearly, in salary_currency: listings whose yearly range reaches it (its top at least this)"))] = None,
    salary_max: Annotated[int | None, Query(ge=0, le=MAX_SALARY, description=(
        "Yearly, in salary_currency: listings whose yearly range starts at most at it"))] = None,
    salary_currency: Annotated[str | None, Query(min_length=3, max_length=3, json_schema_extra={"pattern": salary.CURRENCY_PATTERN}, description=(
        "ISO 4217 code salary_min/salary_max are in (default: the currency of your profile's country, else USD). "
        "Salaries in other currencies are converted at the reference rates named in the answer (rates_as_of); "
        "hourly, daily, weekly and monthly pay compare as yearly (2080 h, 260 days, 52 weeks, 12 months)")),
        AfterValidator(_currency)] = None,
    include_unsalaried: Annotated[bool, Query(description=(
        "With salary_min/salary_max: also list jobs whose salary cannot be compared (none posted, no currency, "
        "or one without a reference rate)"))] = False,
    skills: Annotated[list[SafeText] | None, Query(max_length=20, description="Every skill listed must be required")] = None,
    tech_stack: Annotated[list[SafeText] | None, Query(max_length=20, description=(
        "The same filter as skills, by the name career-copilot-api.md gives it"))] = None,
    remote_only: bool = False,
    company: Annotated[SafeText | None, Query(max_length=100)] = None,
    posted_within_days: Annotated[int | None, Query(ge=1, le=365)] = None,
    skip: Skip = 0,
    limit: Limit = 20,
    cursor: Cursor = None,
    scope: Scope = "listings",
):
    if tech_stack:
        skills = [*(skills or []), *tech_stack]
        if len(skills) > 20:
            raise RequestValidationError([{"type": "skills_too_many", "loc": ("query", "tech_stack"),
                                           "msg": "skills and tech_stack name at most 20 skills together",
                                           "input": None}])
    if salary_currency is None and (salary_min is not None or salary_max is not None):
        salary_currency = await _filter_currency(r, token)
    filters = dict(q=q, location=location, salary_min=salary_min, salary_max=salary_max,
                   salary_currency=salary_currency, include_unsalaried=include_unsalaried, skills=skills,
                   remote_only=remote_only, company=company, posted_within_days=posted_within_days, skip=skip,
                   limit=limit, cursor=cursor)
    if scope != "listings":
        user = await caller(r, token)
        return await in_thread_session(lambda s: jobs.search(s, r, **filters, scope=scope, user=user))
    body = jobs.cached_search(**filters) or await in_thread_session(lambda s: jobs.search_json(s, r, **filters))
    return _json(body)


@router.get("/recommendations", response_model=RecommendationList, responses={422: {"description": "No resume uploaded yet (type resume_missing)"}})
async def recommendations(r: RedisDep, user: SeekerCaller,
                          limit: Annotated[int, Query(ge=1, le=matching.MAX_RECOMMENDATIONS)] = 10,
                          cursor: Cursor = None) -> RecommendationList:
    """Jobs nearest to your resume (same engine as /api/v1/recommendations/jobs) and, once you saved or
    applied to listings, to those too; never your own jobs nor listings you saved or applied to."""
    items, following = await in_thread_session(lambda s: matching.page(
        "recommendations:saved", limit, cursor, lambda n: saved_recommendations.recommend(s, r, user, n)))
    return RecommendationList(recommendations=items, total=len(items), next_cursor=following)


@router.get("/insights", response_model=TrackerInsights)
async def tracker_insights_route(user: SeekerCaller) -> dict:
    """Your tracker in figures (seekers): counts by status, salary histogram, applications per ISO week,
    funnel applied -> interview -> offer, median days in each stage (from the timelines)."""
    return await in_thread_session(tracker_insights.insights, user.id)


@router.post("/import", response_model=TrackedJobOut, status_code=201)
async def import_job(data: JobImportRequest, user: SeekerCaller) -> TrackedJobOut:
    """Import a job from its page's URL onto your tracker (seekers): its schema.org JobPosting, else its
    OpenGraph/meta tags. 422 when the page cannot be fetched, is on an internal address, or holds no
    posting."""
    posting, _ = await anyio.to_thread.run_sync(job_import.read_posting, data.url)  # no DB connection held
    return await in_thread_session(
        lambda s: applications.tracked_out(s, [applications.create_tracked(s, user, posting)], user)[0])


async def _job_for(job_id: str, token: str | None, r: RedisDep):
    """Anonymous callers get the cached public view; signed-in ones their own (owners see more)."""
    if not token and (body := jobs.cached_public_job(job_id)) is not None:
        return _json(body)

    def load(session: Session):
        if not token and (body := jobs.public_job_json(session, r, job_id)) is not None:
            return _json(body)
        caller = viewer(session, r, token)
        return applications.tracked_out(session, [jobs.get_visible(session, job_id, caller)], caller)[0]

    return await in_thread_session(load)


@router.get("/{job_id}", response_model=TrackedJobOut)
async def get_job(job_id: str, token: Token, r: RedisDep):
    return await _job_for(job_id, token, r)


@router.get("/{job_id}/details", response_model=TrackedJobOut)
async def job_details(job_id: str, token: Token, r: RedisDep):
    """The four pillars: description, skills, resume guide and interview prep."""
    return await _job_for(job_id, token, r)


@router.patch("/{job_id}", response_model=TrackedJobOut, responses={
    403: {"description": "Not your job"}, 409: {"description": "The status change is not possible now"}})
def update_job(job_id: str, data: JobUpdate | TrackedJobUpdate, user: CurrentUser, session: SessionDep,
               r: RedisDep, conn: RQDep) -> TrackedJobOut:
    """Change your own job; on a listing a new title, description or skills re-runs enrichment, on a
    tracked job only your own fields change."""
    job = jobs.get_owned(session, job_id, user)
    if job.visibility == Visibility.private:
        job = applications.update_tracked(session, job, _as(TrackedJobUpdate, data))
    else:
        job = jobs.update(session, r, conn, user, job_id, _as(JobUpdate, data))
    return applications.tracked_out(session, [job], user)[0]


@router.post("/{job_id}/save", response_model=TrackedJobOut, status_code=201,
             responses={200: {"model": TrackedJobOut, "description": "Already on your tracker"},
                        403: {"description": "Seekers only"}, 409: {"description": "Not a public listing"}})
def save_listing(job_id: str, user: CurrentUser, session: SessionDep):
    """Save a public listing to your tracker (seekers): a reference to it, not a copy."""
    entry, created = applications.save_listing(session, user, job_id)
    out = applications.tracked_out(session, [entry], user)[0]
    return JSONResponse(out.model_dump(mode="json"), status_code=201 if created else 200)


@router.post("/{job_id}/apply", response_model=ApplicationOut, status_code=201,
             responses={200: {"model": ApplicationOut, "description": "You already applied: that application"},
                        403: {"description": "Seekers only"}, 409: {"description": "Not a job on your tracker"}})
def apply_to_tracked(job_id: str, user: CurrentUser, session: SessionDep, r: RedisDep):
    """Apply to one of your tracked jobs (seekers): one application per tracked job, filed as applied
    today with the job's notes (201); once it exists, the same application again (200)."""
    app, created = applications.apply(session, r, user, job_id)
    return JSONResponse(applications.to_out(app).model_dump(mode="json"), status_code=201 if created else 200)


@router.delete("/{job_id}", status_code=204, responses={403: {"description": "Not your job"}})
def delete_job(job_id: str, user: CurrentUser, session: SessionDep, r: RedisDep) -> Response:
    jobs.delete(session, r, user, job_id)
    return Response(status_code=204)


@router.post("/{job_id}/retry-enrichment", response_model=JobAccepted, status_code=202, responses={
    403: {"description": "Not your job"}, 409: {"description": "Enrichment has not failed or stalled"}})
def retry_enrichment(job_id: str, user: CurrentUser, session: SessionDep, conn: RQDep) -> JobAccepted:
    """Retry a failed enrichment (the job's owner or an admin)."""
    job = jobs.retry_enrichment(session, conn, user, job_id)
    return JobAccepted(id=job.id, message="Enrichment queued again.")


@router.post("/{job_id}/match", response_model=MatchResult, responses={
    403: {"description": "Seekers only"}, 422: {"description": "No resume uploaded yet (type resume_missing), or the job is not "
                                     "enriched yet (job_not_enriched)"}})
def match_job(job_id: str, user: CurrentUser, session: SessionDep) -> MatchResult:
    """How well your resume fits this job: calibrated score, the skill gap and what to learn."""
    return matching.match(session, user, job_id)
