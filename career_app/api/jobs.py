"""Job routes: provider CRUD, the public feed, search and details, matching and recommendations."""

from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlmodel import Session

from career_app.api.deps import (CurrentUser, RedisDep, RQDep, SessionDep, Token, caller, in_thread_session,
                                 viewer)
from career_app.services import jobs, matching
from models.job import MAX_SALARY
from models.user import Role
from models.job_schemas import (JobAccepted, JobCreate, JobFeedItem, JobOut, JobSearchPage, JobUpdate, MatchResult,
                                RecommendationList)
from models.schemas import Page, SafeText

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])
Skip = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=jobs.MAX_PAGE_SIZE)]


@router.post("", response_model=JobAccepted, status_code=202)
def create_job(data: JobCreate, user: CurrentUser, session: SessionDep, r: RedisDep, conn: RQDep) -> JobAccepted:
    """Post a job (providers). It goes live once AI enrichment finishes in the background."""
    job = jobs.create(session, r, conn, user, data)
    return JobAccepted(id=job.id, message="Job created. AI enrichment processing in background.")


@router.get("", response_model=Page[JobOut])
def my_jobs(user: CurrentUser, session: SessionDep, skip: Skip = 0, limit: Limit = 20) -> Page[JobOut]:
    """Your own jobs, newest first."""
    rows, total = jobs.list_owned(session, user, skip, limit)
    return Page[JobOut](items=[jobs.to_out(j, user) for j in rows], total=total, skip=skip, limit=limit)


@router.get("/provider", response_model=list[JobOut])
def provider_jobs(user: CurrentUser, session: SessionDep, skip: Skip = 0,
                  limit: Annotated[int, Query(ge=1, le=jobs.MAX_PAGE_SIZE)] = 100) -> list[JobOut]:
    """Every job the signed-in provider posted, newest first (Ottobon shape: a plain list)."""
    return [jobs.to_out(j, user) for j in jobs.provider_jobs(session, user, skip, limit)]


def _json(body: bytes, **headers: str) -> Response:
    """A body the service already serialized from the route's response model."""
    return Response(body, media_type="application/json", headers=headers)


# The hot public reads are async: a cached answer is sent without a thread or a connection;
# otherwise one thread hop does all the blocking work (see deps.in_thread_session).


@router.get("/feed", response_model=list[JobFeedItem])
async def job_feed(r: RedisDep, skip: Skip = 0, limit: Limit = 20):
    """Active listings, newest first, light items."""
    body = jobs.cached_feed(skip, limit) or await in_thread_session(jobs.feed_json, r, skip, limit)
    return _json(body, **{"Cache-Control": "public, max-age=10"})


@router.get("/search", response_model=JobSearchPage)
async def search_jobs(
    r: RedisDep,
    q: Annotated[SafeText | None, Query(max_length=200, description="Words in the title, company or description")] = None,
    location: Annotated[SafeText | None, Query(max_length=100)] = None,
    salary_min: Annotated[int | None, Query(ge=0, le=MAX_SALARY)] = None,
    salary_max: Annotated[int | None, Query(ge=0, le=MAX_SALARY)] = None,
    skills: Annotated[list[SafeText] | None, Query(max_length=20, description="Every skill listed must be required")] = None,
    remote_only: bool = False,
    company: Annotated[SafeText | None, Query(max_length=100)] = None,
    posted_within_days: Annotated[int | None, Query(ge=1, le=365)] = None,
    skip: Skip = 0,
    limit: Limit = 20,
):
    filters = dict(q=q, location=location, salary_min=salary_min, salary_max=salary_max, skills=skills,
                   remote_only=remote_only, company=company, posted_within_days=posted_within_days, skip=skip,
                   limit=limit)
    body = jobs.cached_search(**filters) or await in_thread_session(lambda s: jobs.search_json(s, r, **filters))
    return _json(body)


@router.get("/recommendations", response_model=RecommendationList)
async def recommendations(r: RedisDep, token: Token,
                          limit: Annotated[int, Query(ge=1, le=matching.MAX_RECOMMENDATIONS)] = 10
                          ) -> RecommendationList:
    """Jobs nearest to your resume (same engine as /api/v1/recommendations/jobs)."""
    user = await caller(r, token, Role.seeker)
    items = await in_thread_session(lambda s: matching.recommend(s, r, user, limit))
    return RecommendationList(recommendations=items, total=len(items))


async def _job_for(job_id: str, token: str | None, r: RedisDep):
    """Anonymous callers get the cached public view; signed-in ones their own (owners see more)."""
    if not token and (body := jobs.cached_public_job(job_id)) is not None:
        return _json(body)

    def load(session: Session):
        if not token and (body := jobs.public_job_json(session, r, job_id)) is not None:
            return _json(body)
        caller = viewer(session, r, token)
        return jobs.to_out(jobs.get_visible(session, job_id, caller), caller)

    return await in_thread_session(load)


@router.get("/{job_id}", response_model=JobOut)
async def get_job(job_id: str, token: Token, r: RedisDep):
    return await _job_for(job_id, token, r)


@router.get("/{job_id}/details", response_model=JobOut)
async def job_details(job_id: str, token: Token, r: RedisDep):
    """The four pillars: description, skills, resume guide and interview prep."""
    return await _job_for(job_id, token, r)


@router.patch("/{job_id}", response_model=JobOut)
def update_job(job_id: str, data: JobUpdate, user: CurrentUser, session: SessionDep, r: RedisDep,
               conn: RQDep) -> JobOut:
    """Change your own job; a new title, description or skills re-runs enrichment."""
    return jobs.to_out(jobs.update(session, r, conn, user, job_id, data), user)


@router.delete("/{job_id}", status_code=204)
def delete_job(job_id: str, user: CurrentUser, session: SessionDep, r: RedisDep) -> Response:
    jobs.delete(session, r, user, job_id)
    return Response(status_code=204)


@router.post("/{job_id}/retry-enrichment", response_model=JobAccepted, status_code=202)
def retry_enrichment(job_id: str, user: CurrentUser, session: SessionDep, conn: RQDep) -> JobAccepted:
    """Retry a failed enrichment (the job's owner or an admin)."""
    job = jobs.retry_enrichment(session, conn, user, job_id)
    return JobAccepted(id=job.id, message="Enrichment queued again.")


@router.post("/{job_id}/match", response_model=MatchResult)
def match_job(job_id: str, user: CurrentUser, session: SessionDep) -> MatchResult:
    """How well your resume fits this job: calibrated score, the skill gap and what to learn."""
    return matching.match(session, user, job_id)
