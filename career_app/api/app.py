"""The FastAPI application mounted into Reflex through api_transformer."""

import math
import re
from itertools import islice

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi import routing
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from sqlalchemy.orm.exc import StaleDataError
from starlette.routing import Route, compile_path

from career_app.api import (admin, applications, auth, chat, content, contract, enhanced_recommendations, feedback,
                            health, help_articles, ingestion, jobs, mailbox, market, notifications, oauth, overload,
                            recommendations, resumes, root, social, tasks, tokens, users)
from career_app.api import token_scopes
from career_app.api.deps import caller
from career_app.api.limits import BodySizeLimit
from career_app.api.origins import KnownHost, SameOriginWrites
from career_app.api.security_headers import SecurityHeadersMiddleware
from career_app.db import app_redis
from career_app.services import api_tokens, auth as auth_service, errors

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


def http_status(exc: errors.ServiceError) -> int:
    """The HTTP status of a service error (the MCP server reports the same)."""
    return next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 400)


async def _service_error(request: Request, exc: errors.ServiceError) -> JSONResponse:
    if isinstance(exc, errors.Unprocessable):
        return await _unprocessable(request, exc)
    status = http_status(exc)
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


# A 422 shows only a short prefix of what was sent: a 100 MB field must not come back in full.
ECHO_CHARS = 200
ECHO_ITEMS = 20
ECHO_DEPTH = 4
SECRET_WORDS = ("password", "secret", "token", "authorization", "cookie")


def _is_secret(name) -> bool:
    return isinstance(name, str) and any(word in name.lower() for word in SECRET_WORDS)


def _echo(value, depth: int = 0):
    """What a 422 may show of an input: short prefixes, a few items, never a secret field."""
    if isinstance(value, bytes):
        value = repr(value)
    if isinstance(value, str):
        return value if len(value) <= ECHO_CHARS else value[:ECHO_CHARS] + "…"
    if isinstance(value, (dict, list, tuple)) and depth >= ECHO_DEPTH:
        return "…"
    if isinstance(value, dict):
        return {_echo(key, depth + 1): _echo(item, depth + 1)
                for key, item in islice(value.items(), ECHO_ITEMS) if not _is_secret(key)}
    if isinstance(value, (list, tuple)):
        return [_echo(item, depth + 1) for item in value[:ECHO_ITEMS]]
    return value


def _echoable(error: dict) -> dict:
    error = {**error, "loc": [_echo(part) for part in error.get("loc", ())]}
    if any(_is_secret(part) for part in error["loc"]):
        error.pop("input", None)
    elif "input" in error:
        error["input"] = _echo(error["input"])
    return error


async def _refused_caller(request: Request) -> JSONResponse | None:
    """The 401 or 403 a request gets before anything it sent is judged. The route's caller dependency
    (career_app.api.deps) already ran unless the body was not even JSON: FastAPI parses it first."""
    route = request.scope.get("route")
    access = contract._access(route) if isinstance(route, APIRoute) else None
    if access is None:
        return None
    authorization = request.headers.get("authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    token = credentials.strip() if scheme.lower() == "bearer" else request.cookies.get(auth_service.SESSION_COOKIE)
    try:
        if token and scheme.lower() == "bearer" and api_tokens.is_personal(token):
            token = token_scopes.scoped(request, token)  # as deps.request_token reads it
        await caller(app_redis(), token or None, *access.roles)
    except errors.ServiceError as exc:
        return await _service_error(request, exc)
    return None


def _validation_response(errors: list[dict]) -> JSONResponse:
    errors = [_echoable(error) for error in islice(errors, ECHO_ITEMS)]
    return JSONResponse({"detail": _json_safe(jsonable_encoder(errors, custom_encoder={bytes: repr}))},
                        status_code=422)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    return await _refused_caller(request) or _validation_response(exc.errors())


async def _http_error(request: Request, exc: HTTPException):
    """FastAPI answers a JSON body it cannot even decode (not UTF-8) with a 400 of its own: the same 422 as
    for any other malformed JSON. Anything else as Starlette would."""
    if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
        return await _refused_caller(request) or _validation_response(
            [{"type": "json_invalid", "loc": ["body"], "msg": "The body is not JSON (or not UTF-8 text)"}])
    return await http_exception_handler(request, exc)


async def _deleted_meanwhile(request: Request, exc: StaleDataError) -> JSONResponse:
    """The row an edit was saving was deleted by another request between read and commit: gone, as a
    read a moment later would say (schemathesis' two workers found it as a 500 on jobs and sources)."""
    return JSONResponse({"detail": "Not found: it was deleted meanwhile"}, status_code=404)


async def _unprocessable(request: Request, exc: errors.Unprocessable) -> JSONResponse:
    """A value refused by a service, in the same validation array as a schema's refusal."""
    return await _refused_caller(request) or _validation_response(
        [{"type": exc.kind, "loc": list(exc.field), "msg": exc.detail}])


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _api_paths(api: FastAPI) -> list[tuple[tuple[str, re.Pattern], set[str]]]:
    """(path template and its pattern, methods) of every API route, in the router's order."""
    paths = []
    for context in routing.iter_route_contexts(api.router.routes):
        route = context.original_route
        if isinstance(route, (APIRoute, Route)) and route.endpoint is not None and context.path and \
                getattr(route, "methods", None) and getattr(route.endpoint, "__name__", "") != "unknown_api_path":
            paths.append(((context.path, compile_path(context.path)[0]), set(route.methods)))
    return paths


def _answer_unknown_api_paths(api: FastAPI) -> None:
    """Reflex is mounted behind this app (api_transformer mounts it at ""), so an /api path no route
    serves, or an API path with the wrong method, would otherwise get the web app's HTML. Answer
    them in JSON here; these must stay the last routes."""

    async def unknown_api_path(request: Request) -> JSONResponse:
        # The methods an API route takes this path with, asked the way the router asks, and of those the
        # ones of the most specific path (/jobs/feed, not /jobs/{job_id}): the methods the document lists.
        served: dict[str, str] = {}
        for path, methods in _api_paths(api):
            if path[1].match(request.url.path):
                for method in methods:
                    served.setdefault(method, path[0])
        specific = min(served.values(), key=lambda path: path.count("{"), default=None)
        allowed = [method for method in _METHODS if specific is not None and served.get(method) == specific]
        if allowed:
            return JSONResponse({"detail": "Method Not Allowed"}, status_code=405, headers={"Allow": ", ".join(allowed)})
        return JSONResponse({"detail": "Not Found"}, status_code=404)

    for path in ("/api", "/api/{path:path}", "/health"):
        route = Route(path, unknown_api_path, include_in_schema=False)
        route.methods = None  # every method, TRACE or QUERY too: none of them may reach the web app behind
        api.router.routes.append(route)


def build_api() -> FastAPI:
    api = FastAPI(
        title="Career Copilot API",
        version=health.VERSION,
        docs_url="/api/docs",
        redoc_url="/api/redoc",
        openapi_url="/api/openapi.json",
        swagger_ui_oauth2_redirect_url="/api/docs/oauth2-redirect",
    )
    # Added first = innermost. Admission reads small bodies before it gives a slot, so the size cap
    # must wrap it; middleware added later wraps both, so 413s and 503s get their headers too.
    overload.install(api)
    api.add_middleware(BodySizeLimit)
    # Cross-site writes with the session cookie are refused before they take an admission slot;
    # KnownHost is outermost, so nothing (Reflex and its static files included) sees an unchecked Host.
    api.add_middleware(SameOriginWrites)
    api.add_middleware(root.JsonAtRoot)  # GET / for JSON clients (Ottobon's root); the page for browsers
    api.add_middleware(SecurityHeadersMiddleware)
    api.add_middleware(KnownHost)
    api.add_exception_handler(errors.ServiceError, _service_error)
    api.add_exception_handler(RequestValidationError, _validation_error)
    api.add_exception_handler(HTTPException, _http_error)
    api.add_exception_handler(StaleDataError, _deleted_meanwhile)
    for module in (health, auth, oauth, tokens, users, resumes, jobs, recommendations, admin, tasks, chat,
                   notifications, ingestion, applications, content, enhanced_recommendations, market, social,
                   feedback, help_articles, mailbox, root):
        api.include_router(module.router)
    from career_app.mcp.server import endpoint as mcp_endpoint  # the MCP server at /mcp (streamable HTTP)

    api.add_route("/mcp", mcp_endpoint, methods=["GET", "POST", "DELETE"], include_in_schema=False)
    contract.install(api)
    _answer_unknown_api_paths(api)
    return api
