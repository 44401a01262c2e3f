"""The API's contract: every status code each operation answers, with its body, declared in one place.

`install(api)` derives what most of them are from what a route is made of, once all routers are in:
- 401 from a caller dependency (deps.ACCESS: CurrentUser, Caller, SeekerCaller, AdminUser, ...);
- 403 from a caller dependency that names roles;
- 404 from a path parameter that names a resource (any path parameter but an enumeration);
- 422 from parameters or a body (FastAPI's own declaration: the validation array, the one 422 shape;
  errors.Unprocessable is answered in it too, see app._unprocessable);
- 413 from a body (the size cap of career_app.api.limits), and 408 from a body that admission control
  reads before the request takes a slot (career_app.api.overload);
- 503 from the path: every /api operation can be refused by admission control or meet PostgreSQL or
  Redis away (with Retry-After).
A route adds only what its own logic answers besides (a 409 for a state conflict, a 400 for a file's
content, a 429, a 403 or 404 its service decides) as `responses={code: {"description": ...}}`; the body
schema of every error code is filled in here. Routes that read a token without requiring one (public
routes that show more to a signed-in caller) are marked in the document as optionally authenticated.

Some rules a JSON Schema cannot state: that a cursor was issued by this server for this list, that a
URL leads to a job page, rules across several fields (salary_min <= salary_max, ...), a file's content,
and a body read as the caller's role requires. Their 422s carry the error types in BEYOND_SCHEMA (or the
loc ["body"] of a rule over the whole body), which tests/api/schemathesis_hooks.py accepts for requests
valid by the schema; every other 422 must come from a request the schema already refuses."""

import enum
import typing

from fastapi import FastAPI
from fastapi import routing
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from career_app.api.deps import ACCESS, Access

# Error types of 422s no schema can predict (see the module docstring).
BEYOND_SCHEMA = {
    "cursor_invalid": "a cursor this server did not issue for this list (or one it can no longer read)",
    "job_page_unusable": "a URL whose page cannot be fetched, is on an internal address or holds no job posting",
    "salary_order": "salary_min above salary_max (with the job's stored values for a change)",
    "read_as_role": "a body valid for one of the operation's shapes but not the one the caller's role uses",
    "headline_not_a_role": "a profile headline that reads as a section heading or as the person's name",
    "source_url_kind": "an ingestion source's catalogue file name where its kind needs an http(s) URL",
    "cron_invalid": "a schedule that is not a valid 5-field cron expression",
    "params_invalid": "source parameters over 10,000 characters as JSON, or holding a NUL character",
    "time_zone_unknown": "a time zone name this server's tz database does not know",
    "skills_too_many": "skills and tech_stack of a search naming more than 20 skills together",
    "file_missing": "a multipart import without its file (optional in the form: the rows may be a JSON body instead)",
    "resume_missing": "the caller has no resume yet (upload one first): ottobon-jobs-api.md's 422 for matching",
    "job_not_enriched": "the job has no embedding yet (AI enrichment still processing): ottobon-jobs-api.md's 422",
    "family_unknown": "an occupational family this server does not know (any case, spaces around it ignored)",
    "country_unknown": "a country given neither as an ISO 3166-1 alpha-2 code nor as a name this server knows",
}


class ErrorDetail(BaseModel):
    """Every error but a 422: what went wrong, in one sentence."""

    detail: str


class ConflictDetail(ErrorDetail):
    task_id: str | None = Field(default=None, description="The run in progress, when a run is what conflicts")


_DEFAULTS: dict[int, tuple[str, type[BaseModel]]] = {
    400: ("The content of what was sent cannot be used", ErrorDetail),
    401: ("Not signed in, or the token is invalid, expired or revoked", ErrorDetail),
    403: ("Signed in, but not allowed", ErrorDetail),
    404: ("No such resource, or not yours", ErrorDetail),
    405: ("Method not allowed", ErrorDetail),
    408: ("The request body did not arrive in time", ErrorDetail),
    409: ("Conflicts with the current state", ConflictDetail),
    413: ("The request body is too large", ErrorDetail),
    429: ("Too many requests; retry after Retry-After seconds", ErrorDetail),
    503: ("The server is busy or a service it needs is unavailable; retry after Retry-After seconds", ErrorDetail),
}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}}


def _access(route: APIRoute) -> Access | None:
    """The strictest caller dependency in the route's dependency tree (None: no sign-in required)."""
    found: list[Access] = []

    def walk(dependant) -> None:
        for sub in dependant.dependencies:
            if sub.call in ACCESS:
                found.append(ACCESS[sub.call])
            walk(sub)

    walk(route.dependant)
    if not found:
        return None
    with_roles = [a for a in found if a.roles]
    return with_roles[0] if with_roles else found[0]


def _reads_token(route: APIRoute) -> bool:
    from career_app.api.deps import request_token

    def walk(dependant) -> bool:
        return any(sub.call is request_token or walk(sub) for sub in dependant.dependencies)

    return walk(route.dependant)


def _names_resource(param) -> bool:
    annotation = param.field_info.annotation
    if typing.get_origin(annotation) is typing.Literal:
        return False
    return not (isinstance(annotation, type) and issubclass(annotation, enum.Enum))


def derived_codes(route: APIRoute) -> set[int]:
    """The status codes `route` answers by what it is made of (see the module docstring)."""
    codes = set()
    access = _access(route)
    if access is not None:
        codes.add(401)
        if access.roles:
            codes.add(403)
    if any(_names_resource(p) for p in route.dependant.path_params):
        codes.add(404)
    if route.body_field is not None:
        codes.update((413, 422))
        if not any(getattr(p.field_info, "media_type", "").startswith("multipart/")
                   for p in route.dependant.body_params):
            codes.add(408)
    if route.path.startswith("/api/"):
        codes.add(503)
    return codes


def _error_content_ref(name: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def _error_content(model: type[BaseModel]) -> dict:
    return _error_content_ref(model.__name__)


def _no_body_schema(entry: dict) -> bool:
    """No JSON body schema; a route that answers in another media type only (an HTML page) keeps it."""
    content = entry.get("content") or {}
    if any(media != "application/json" for media in content) and content.get("application/json") in (None, {}):
        return False
    return content.get("application/json") in (None, {}, {"schema": {}})


def _declare(operation: dict, codes: set[int]) -> None:
    """Adds `codes` to the operation's responses and gives every error response its body schema."""
    responses = operation["responses"]
    for code in sorted(codes | {int(c) for c in responses if c.isdigit()}):
        if code == 422:  # FastAPI's, with the validation array; a route's own 422 gets the same body
            entry = responses.get(str(code))
            if entry is not None and _no_body_schema(entry):
                entry["content"] = _error_content_ref("HTTPValidationError")
            continue
        if code not in _DEFAULTS:
            continue  # successes are the route's own
        description, model = _DEFAULTS[code]
        entry = responses.setdefault(str(code), {"description": description})
        if _no_body_schema(entry):
            entry["content"] = _error_content(model)
        if code in (429, 503):
            entry.setdefault("headers", _RETRY_AFTER)


def install(api: FastAPI) -> None:
    """Completes the OpenAPI document: the derived codes of every operation, the body of every error, and
    the optional authentication of public routes that read a token. Call it once every router is in."""
    generate = api.openapi

    def openapi() -> dict:
        fresh = api.openapi_schema is None
        schema = generate()
        if not fresh and schema.get("x-contract-complete"):
            return schema
        for context in routing.iter_route_contexts(api.routes):
            route = context.original_route
            if not isinstance(route, APIRoute) or not route.include_in_schema:
                continue
            for method in route.methods:
                operation = schema["paths"].get(context.path_format, {}).get(method.lower())
                if operation is None:
                    continue
                _declare(operation, derived_codes(route))
                if _access(route) is None and _reads_token(route) and operation.get("security"):
                    # Signed in or not: an anonymous caller is served too (`{}`: no credentials needed).
                    operation["security"] = [*operation["security"], {}]
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (ErrorDetail, ConflictDetail):
            components[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schema["x-contract-complete"] = True
        return schema

    api.openapi = openapi
