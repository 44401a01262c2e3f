"""Ingestion routes: sources (admins manage them at run time), runs and their logs, triggers,
and the ingestion status (ottobon-jobs-api.md section 7; career-copilot-api.md's job-ingestion)."""

import time
import uuid
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from career_app.api.deps import AdminCaller, RedisDep, RQDep, StaffCaller, Token, in_thread_session
from career_app.services import auth, ingestion
from career_app.services.errors import Conflict
from models.ingestion import RunStatus
from models.ingestion_schemas import (IngestAccepted, IngestStatus, RunOut, RunRequest, SourceCreate, SourceOut,
                                      SourceRunResult, SourceUpdate)
from models.schemas import Page, SafeText
from models.user import Role

router = APIRouter(prefix="/api/v1", tags=["ingestion"])
Skip = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=100)]
_CONFLICT = {409: {"description": "A run is already in progress; `task_id` names it"}}
_RUN = {**_CONFLICT, 403: {"description": "Admins only (providers too for the trigger), and the source is enabled"},
        404: {"description": "No such source"}}


def _admin(session, r, token):
    """Source changes re-check the admin afresh (not from the identity cache) in their own session."""
    return auth.require_role(auth.user_from_token(session, r, token), Role.admin)


def _conflict(exc: Conflict) -> JSONResponse:
    return JSONResponse({"detail": exc.detail, "task_id": getattr(exc, "task_id", None)}, status_code=409)


# --- sources --------------------------------------------------------------------------------


@router.get("/admin/sources", response_model=list[SourceOut])
async def list_sources(_caller: AdminCaller) -> list[SourceOut]:
    """Every source with its schedule, next run, last finished run and the run in progress."""
    return await in_thread_session(ingestion.list_sources)


@router.post("/admin/sources", response_model=SourceOut, status_code=201,
             responses={409: {"description": "A source of that name exists"}})
async def create_source(data: SourceCreate, r: RedisDep, _caller: AdminCaller, token: Token) -> SourceOut:
    def create(session):
        _admin(session, r, token)
        ingestion.ensure_seeded(session)
        return ingestion.source_out(ingestion.create_source(session, data))

    return await in_thread_session(create)


@router.get("/admin/sources/{name}", response_model=SourceOut)
async def get_source(name: str, _caller: AdminCaller) -> SourceOut:
    return await in_thread_session(ingestion.describe_source, name)


@router.patch("/admin/sources/{name}", response_model=SourceOut)
async def update_source(name: str, data: SourceUpdate, r: RedisDep, _caller: AdminCaller, token: Token) -> SourceOut:
    """Change a source: enable or disable it, its schedule (cron, UTC), URL or parameters."""
    def update(session):
        _admin(session, r, token)
        ingestion.update_source(session, name, data)
        return ingestion.describe_source(session, name)

    return await in_thread_session(update)


@router.delete("/admin/sources/{name}", status_code=204,
               responses={409: {"description": "A run of this source is in progress"}})
async def delete_source(name: str, r: RedisDep, _caller: AdminCaller, token: Token,
                        close_jobs: Annotated[bool, Query(description="Close the jobs only this source lists")] = True):
    def delete(session):
        _admin(session, r, token)
        ingestion.delete_source(session, r, name, close_jobs)

    await in_thread_session(delete)
    return Response(status_code=204)


# --- triggers ---------------------------------------------------------------------------------


@router.post("/admin/ingest/trigger", response_model=IngestAccepted, status_code=202, responses=_RUN)
async def trigger(r: RedisDep, conn: RQDep, user: StaffCaller,
                  scraper_name: Annotated[SafeText | None, Query(max_length=40)] = None):
    """Run one source (`scraper_name`) or, without it, every enabled source, in the background
    (admins and providers); 404 for an unknown source, 409 while that run is in progress."""
    try:
        if scraper_name:
            run = await in_thread_session(lambda s: ingestion.start_run(s, r, conn, scraper_name, user, "manual"))
            return IngestAccepted(message=f"Ingestion triggered for {run.source}", task_id=run.task_id,
                                  sources=[run.source], run_ids=[run.id])
        names = await in_thread_session(lambda s: (ingestion.ensure_seeded(s), ingestion.global_sources(s, None))[1])
        task_id = await anyio.to_thread.run_sync(ingestion.start_all, r, conn, user)
    except Conflict as exc:
        return _conflict(exc)
    return IngestAccepted(message="Ingestion triggered for ALL scrapers", task_id=task_id, sources=names)


@router.post("/admin/ingest/all", response_model=IngestAccepted, status_code=202, responses=_CONFLICT)
async def ingest_all(r: RedisDep, conn: RQDep, user: AdminCaller):
    """Every enabled source, one after the other, in one background task; one such run at a time
    (409 with the running task's id)."""
    names = await in_thread_session(lambda s: (ingestion.ensure_seeded(s), ingestion.global_sources(s, None))[1])
    try:
        task_id = await anyio.to_thread.run_sync(ingestion.start_all, r, conn, user)
    except Conflict as exc:
        return _conflict(exc)
    return IngestAccepted(message="Global ingestion triggered in background", task_id=task_id, sources=names)


@router.get("/admin/ingest/runs", response_model=Page[RunOut])
async def list_runs(_caller: AdminCaller, source: Annotated[SafeText | None, Query(max_length=40)] = None,
                    status: RunStatus | None = None, skip: Skip = 0, limit: Limit = 20) -> Page[RunOut]:
    """Run logs, newest first: status, counters and the first errors with their URLs."""
    rows, total = await in_thread_session(lambda s: ingestion.list_runs(s, source, status, skip, limit))
    return Page[RunOut](items=[RunOut.model_validate(run) for run in rows], total=total, skip=skip, limit=limit)


@router.get("/admin/ingest/runs/{run_id}", response_model=RunOut)
async def get_run(run_id: uuid.UUID, _caller: AdminCaller) -> RunOut:
    return RunOut.model_validate(await in_thread_session(ingestion.get_run, run_id))


@router.post("/admin/ingest/runs/{run_id}/retry", response_model=IngestAccepted, status_code=202, responses=_RUN)
async def retry_run(run_id: uuid.UUID, r: RedisDep, conn: RQDep, user: AdminCaller):
    """Run the source of a logged run again (a retry after a failed or partial run)."""
    try:
        run = await in_thread_session(
            lambda s: ingestion.start_run(s, r, conn, ingestion.get_run(s, run_id).source, user, "retry"))
    except Conflict as exc:
        return _conflict(exc)
    return IngestAccepted(message=f"Ingestion triggered for {run.source}", task_id=run.task_id,
                          sources=[run.source], run_ids=[run.id])


def _wait_done(r, run_id: uuid.UUID, seconds: float) -> None:
    """Block until the run's task says it finished (or `seconds` pass): no polling of the database."""
    end = time.monotonic() + seconds
    key = ingestion.DONE_KEY.format(run_id)
    while (left := end - time.monotonic()) > 0:
        if r.blpop([key], timeout=max(1, min(4, int(left)))):
            return


@router.post("/admin/ingest/{source_name}", response_model=SourceRunResult, responses={
    202: {"model": SourceRunResult, "description": "Still running after `wait` seconds: the counters so far"},
    **_RUN})
async def ingest_source(source_name: str, r: RedisDep, conn: RQDep, user: AdminCaller,
                        wait: Annotated[int, Query(ge=0, le=300, description="Seconds to wait for the run")] = 60):
    """Run one source and answer its result `{source, result: {fetched, new, skipped, errors,
    dedup_hits}}` when it finishes within `wait` seconds (200); else 202 with the counters so far."""
    try:
        run = await in_thread_session(lambda s: ingestion.start_run(s, r, conn, source_name, user, "api"))
    except Conflict as exc:
        return _conflict(exc)
    if wait:
        await anyio.to_thread.run_sync(_wait_done, r, run.id, wait)
    run = await in_thread_session(ingestion.get_run, run.id)
    body = SourceRunResult(source=run.source, result=run.counters, status=run.status, run_id=run.id,
                           task_id=run.task_id, errors=run.errors[:10])
    finished = run.status in (RunStatus.complete, RunStatus.partial, RunStatus.failed)
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if finished else 202)


# --- status (career-copilot-api.md) ------------------------------------------------------------


@router.get("/job-ingestion/status", response_model=IngestStatus)
async def ingestion_status(r: RedisDep, conn: RQDep, _caller: AdminCaller) -> IngestStatus:
    """Queue depths, running and failed ingestion tasks, the global run, and every source with its last run."""
    return await in_thread_session(lambda s: ingestion.status(s, r, conn))


@router.post("/job-ingestion/run", response_model=IngestAccepted, status_code=202, responses=_RUN)
async def ingestion_run(r: RedisDep, conn: RQDep, user: AdminCaller, data: RunRequest | None = None):
    """Run the named sources (or every enabled one) one after the other in one background task."""
    wanted = (data or RunRequest()).sources
    names = await in_thread_session(lambda s: (ingestion.ensure_seeded(s), ingestion.global_sources(s, wanted))[1])
    try:
        task_id = await anyio.to_thread.run_sync(ingestion.start_all, r, conn, user, names, "api")
    except Conflict as exc:
        return _conflict(exc)
    return IngestAccepted(message=f"Ingestion triggered for {len(names)} sources", task_id=task_id, sources=names)
