from fastapi import APIRouter
from fastapi.responses import JSONResponse

from career_app.api.deps import EngineDep, RedisDep
from career_app.services import health
from models.schemas import HealthReport, ServiceInfo

router = APIRouter(tags=["health"])

SERVICE_NAME = "career-copilot"
VERSION = "0.1.0"


@router.get("/health", response_model=HealthReport, responses={503: {"model": HealthReport}})
def health_check(engine: EngineDep, r: RedisDep):
    """Readiness: PostgreSQL and Redis both answer. 503 names the failing part."""
    report = health.check(engine, r)
    return JSONResponse(report.model_dump(), status_code=200 if report.status == "ok" else 503)


@router.get("/api/v1/", response_model=ServiceInfo)
def service_info() -> ServiceInfo:
    return ServiceInfo(status="ok", service=SERVICE_NAME, version=VERSION)
