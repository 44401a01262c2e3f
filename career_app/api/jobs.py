"""Job routes: provider CRUD, the public feed, search and details, matching and recommendations."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from career_app.api.deps import (CurrentUser, RedisDep, RQDep, SeekerUser, SessionDep, optional_user,
                                 request_token)
from career_app.services import jobs, matching
from models.job import MAX_SALARY
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


@router.get("/feed", response_model=list[JobFeedItem])
def job_feed(session: SessionDep, r: RedisDep, skip: Skip = 0, limit: Limit = 20):
    """Active listings, newest first, light items."""
    return _json(jobs.feed_json(session, r, skip, limit), **{"Cache-Control": "public, max-age=10"})


@router.get("/search", response_model=JobSearchPage)
def search_jobs(
    session: SessionDep,
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
    return _json(jobs.search_json(session, r, q=q, location=location, salary_min=salary_min, salary_max=salary_max,
                                  skills=skills, remote_only=remote_only, company=company,
                                  posted_within_days=posted_within_days, skip=skip, limit=limit))


@router.get("/recommendations", response_model=RecommendationList)
def recommendations(user: SeekerUser, session: SessionDep, r: RedisDep,
                    limit: Annotated[int, Query(ge=1, le=matching.MAX_RECOMMENDATIONS)] = 10) -> RecommendationList:
    """Jobs nearest to your resume (same engine as /api/v1/recommendations/jobs)."""
    items = matching.recommend(session, r, user, limit)
    return RecommendationList(recommendations=items, total=len(items))


Token = Annotated[str | None, Depends(request_token)]


def _job_for(job_id: str, token: str | None, session: SessionDep, r: RedisDep):
    """Anonymous callers get the cached public view; signed-in ones their own (owners see more)."""
    if not token and (body := jobs.public_job_json(session, r, job_id)) is not None:
        return _json(body)
    viewer = optional_user(session, r, token)
    return jobs.to_out(jobs.get_visible(session, job_id, viewer), viewer)


@router.get("/{job_id}", response_model=JobOut)
def get_job(job_id: str, token: Token, session: SessionDep, r: RedisDep):
    return _job_for(job_id, token, session, r)


@router.get("/{job_id}/details", response_model=JobOut)
def job_details(job_id: str, token: Token, session: SessionDep, r: RedisDep):
    """The four pillars: description, skills, resume guide and interview prep."""
    return _job_for(job_id, token, session, r)


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
