"""`GET /health` (readiness) and the service root.

The served app answers `GET /health` in `answer_health_first`, an ASGI layer in front of the whole
API (see career_app.py): no routing, dependencies, admission control or other middleware of the
API, and no wait for a check while probes keep coming (services/health.py refreshes the report
ahead). The route below is the same answer for the OpenAPI document and for an API built alone
(tests override its dependencies)."""

import json

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from career_app import db
from career_app.api.deps import EngineDep, RedisDep
from career_app.api.security_headers import JSON_POLICY, common_headers
from career_app.services import health
from career_app.settings import settings
from models.schemas import HealthReport, ServiceInfo

router = APIRouter(tags=["health"])

SERVICE_NAME = "career-copilot"
VERSION = "0.1.0"
PATH = "/health"


def _status(report: HealthReport) -> int:
    return 200 if report.status == "ok" else 503


@router.get(PATH, response_model=HealthReport, responses={503: {"model": HealthReport}})
async def health_check(engine: EngineDep, r: RedisDep):
    """Readiness: PostgreSQL and Redis both answer (checked at most about once a second). 503 names the failing part."""
    report = await health.report(engine, r)
    return JSONResponse(report.model_dump(), status_code=_status(report), headers={"Cache-Control": "no-store"})


@router.get("/api/v1/", response_model=ServiceInfo)
async def service_info() -> ServiceInfo:
    return ServiceInfo(status="ok", service=SERVICE_NAME, version=VERSION)


def _response(report: HealthReport) -> tuple[dict, dict]:
    """The ASGI messages of the answer (built once per report)."""
    body = json.dumps(report.model_dump(), separators=(",", ":")).encode()
    headers = [("content-type", "application/json"), ("content-length", str(len(body))),
               ("cache-control", "no-store"), ("content-security-policy", JSON_POLICY),
               *common_headers(settings.resolved_public_url.startswith("https://"))]
    start = {"type": "http.response.start", "status": _status(report),
             "headers": [(name.encode(), value.encode()) for name, value in headers]}
    return start, {"type": "http.response.body", "body": body}


def answer_health_first(app: ASGIApp) -> ASGIApp:
    """Wraps the backend (an api_transformer step): `GET /health` is answered here, ahead of the
    API's routing, middleware and admission control (only Reflex's own outer layers, CORS and its
    context, come before); any other request goes on to `app`."""

    async def health_first(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "GET":
            await app(scope, receive, send)
            return
        report, rendered = await health.current(db.probe_engine(), db.app_redis())
        messages = rendered.get("response")
        if messages is None:
            messages = rendered["response"] = _response(report)
        start, body = messages
        await send({**start, "headers": list(start["headers"])})  # an outer layer may add headers to its list
        await send(body)

    return health_first
