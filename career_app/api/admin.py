from typing import Annotated

from fastapi import APIRouter, Query

from career_app.api.deps import AdminUser, RedisDep, RQDep, SessionDep
from career_app.services import enrichment, jobs, users
from models.job import JobStatus
from models.job_schemas import JobOut, ReenrichRequest
from models.schemas import Page, SafeText, TaskAccepted, UserOut
from models.user import Role

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@router.get("/users", response_model=Page[UserOut])
def list_users(
    _admin: AdminUser,
    session: SessionDep,
    skip: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=users.MAX_PAGE_SIZE)] = 20,
    role: Role | None = None,
    q: Annotated[SafeText | None, Query(max_length=100, description="Part of a name or email")] = None,
) -> Page[UserOut]:
    return users.list_users(session, skip=skip, limit=limit, role=role, query=q)


@router.get("/jobs", response_model=Page[JobOut])
def list_jobs(
    admin: AdminUser,
    session: SessionDep,
    status: JobStatus | None = None,
    skip: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=jobs.MAX_PAGE_SIZE)] = 20,
) -> Page[JobOut]:
    """Every job, newest first; `status=enrich_failed` lists failed enrichments with their errors."""
    rows, total = jobs.all_jobs(session, admin, status, skip, limit)
    return Page[JobOut](items=[jobs.to_out(j, admin) for j in rows], total=total, skip=skip, limit=limit)


@router.post("/reenrich", response_model=TaskAccepted, status_code=202,
             responses={409: {"description": "A re-enrichment is already running"}})
def reenrich(admin: AdminUser, r: RedisDep, conn: RQDep, data: ReenrichRequest | None = None) -> TaskAccepted:
    """Re-run enrichment for every listing missing a resume guide, interview prep or embedding,
    in batches (3 jobs, 3 s pause by default); progress at /api/v1/tasks/{task_id}."""
    data = data or ReenrichRequest()
    task_id = enrichment.start_reenrich(r, conn, admin, data.batch_size, data.pause_seconds)
    return TaskAccepted(task_id=task_id, status="queued", message="Re-enrichment started in background.")
