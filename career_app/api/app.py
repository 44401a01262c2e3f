"""The FastAPI application mounted into Reflex through api_transformer."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from career_app.api import admin, auth, health, jobs, recommendations, resumes, tasks, users
from career_app.services import errors

_STATUS = {
    errors.InvalidInput: 400,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.PayloadTooLarge: 413,
    errors.TooManyRequests: 429,
    errors.Unprocessable: 422,
    errors.Unavailable: 503,
}


async def _service_error(_request: Request, exc: errors.ServiceError) -> JSONResponse:
    status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 400)
    headers = {}
    if isinstance(exc, errors.Unauthorized):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, errors.TooManyRequests):
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse({"detail": exc.detail}, status_code=status, headers=headers)


def build_api() -> FastAPI:
    api = FastAPI(
        title="Career Copilot API",
        version=health.VERSION,
        docs_url="/api/docs",
        redoc_url="/api/redoc",
        openapi_url="/api/openapi.json",
        swagger_ui_oauth2_redirect_url="/api/docs/oauth2-redirect",
    )
    api.add_exception_handler(errors.ServiceError, _service_error)
    for module in (health, auth, users, resumes, jobs, recommendations, admin, tasks):
        api.include_router(module.router)
    return api
