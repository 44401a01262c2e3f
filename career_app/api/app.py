"""The FastAPI application mounted into Reflex through api_transformer."""

import math

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from career_app.api import admin, auth, health, jobs, recommendations, resumes, tasks, users
from career_app.api.security_headers import SecurityHeadersMiddleware
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


def _json_safe(value):
    """Inputs echoed in a 422 may hold lone surrogates or NaN, which JSON cannot carry: describe them instead."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse({"detail": _json_safe(jsonable_encoder(exc.errors(), custom_encoder={bytes: repr}))},
                        status_code=422)


def build_api() -> FastAPI:
    api = FastAPI(
        title="Career Copilot API",
        version=health.VERSION,
        docs_url="/api/docs",
        redoc_url="/api/redoc",
        openapi_url="/api/openapi.json",
        swagger_ui_oauth2_redirect_url="/api/docs/oauth2-redirect",
    )
    api.add_middleware(SecurityHeadersMiddleware)
    api.add_exception_handler(errors.ServiceError, _service_error)
    api.add_exception_handler(RequestValidationError, _validation_error)
    for module in (health, auth, users, resumes, jobs, recommendations, admin, tasks):
        api.include_router(module.router)
    return api
