from functools import cache

import anyio
import anyio.to_thread
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from career_app.api.deps import EngineDep, RedisDep
from career_app.services import health
from models.schemas import HealthReport, ServiceInfo

router = APIRouter(tags=["health"])

SERVICE_NAME = "career-copilot"
VERSION = "0.1.0"


@cache
def _probe_limiter() -> anyio.CapacityLimiter:
    # Its own thread: during a burst the shared pool of request threads is full.
    return anyio.CapacityLimiter(1)


@router.get("/health", response_model=HealthReport, responses={503: {"model": HealthReport}})
async def health_check(engine: EngineDep, r: RedisDep):
    """Readiness: PostgreSQL and Redis both answer (checked at most once a second). 503 names the failing part."""
    report = health.recent(engine, r) or await anyio.to_thread.run_sync(
        health.check_and_remember, engine, r, limiter=_probe_limiter())
    return JSONResponse(report.model_dump(), status_code=200 if report.status == "ok" else 503)


@router.get("/api/v1/", response_model=ServiceInfo)
async def service_info() -> ServiceInfo:
    return ServiceInfo(status="ok", service=SERVICE_NAME, version=VERSION)
