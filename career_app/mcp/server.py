"""The MCP server (official `mcp` SDK): tools and resources for AI assistants, authenticated by a
personal API token, over stdio (`python -m career_app.mcp`, the token in CAREER_COPILOT_TOKEN) and
streamable HTTP at /mcp (the token as `Authorization: Bearer`, mounted by api/app.py).

Each tool follows one REST route: it needs that route's scope (api/token_scopes.py) and role and
calls the route's service function, so its rules and errors are the REST API's ("403: ..."). The
token is resolved at every call, so a revoked one is refused from the next call on."""

import asyncio
import json
import os
import uuid
import weakref
from typing import Annotated

import anyio.to_thread
from mcp.server.fastmcp import Context, FastMCP
from mcp.server.fastmcp.exceptions import ToolError
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse

from career_app import db
from career_app.api import token_scopes
from career_app.services import (api_tokens, applications, auth, content, jobs, matching, resumes, tasks, users)
from career_app.services import skills_gap as skills_gap_service
from career_app.services.errors import ServiceError, Unauthorized
from models.application import ApplicationStatus
from models.application_schemas import ApplicationCreate, ApplicationUpdate
from models.content import ContentType, Length, Tone
from models.content_schemas import GenerateRequest
from models.user import Role

TOKEN_ENV = "CAREER_COPILOT_TOKEN"
server = FastMCP("Career Copilot", instructions=(
    "A job seeker's Career Copilot account: search and match jobs, read the skills gap and recommendations, "
    "track applications and draft cover letters. Every call acts as the owner of the personal API token, "
    "within its scopes."))

# tool -> the REST route whose scope and rules it follows, and the roles that route takes
ROUTES: dict[str, tuple[tuple[str, str], tuple[Role, ...]]] = {
    "search_jobs": (("GET", "/api/v1/jobs/search"), ()),
    "job_details": (("GET", "/api/v1/jobs/{job_id}/details"), ()),
    "match_job": (("POST", "/api/v1/jobs/{job_id}/match"), ()),
    "recommendations": (("GET", "/api/v1/recommendations/jobs"), (Role.seeker,)),
    "skills_gap": (("GET", "/api/v1/recommendations/skills-gap"), (Role.seeker,)),
    "tracked_jobs": (("GET", "/api/v1/jobs"), ()),
    "list_applications": (("GET", "/api/v1/applications"), (Role.seeker,)),
    "get_application": (("GET", "/api/v1/applications/{application_id}"), (Role.seeker,)),
    "create_application": (("POST", "/api/v1/applications"), (Role.seeker,)),
    "update_application": (("PATCH", "/api/v1/applications/{application_id}"), (Role.seeker,)),
    "change_application_status": (("POST", "/api/v1/applications/{application_id}/status"), (Role.seeker,)),
    "draft_cover_letter": (("POST", "/api/v1/content/generate"), (Role.seeker,)),
    "task_status": (("GET", "/api/v1/tasks/{task_id}"), ()),
    "resume": (("GET", "/api/v1/users/me/resume"), (Role.seeker,)),
    "profile": (("GET", "/api/v1/users/me"), ()),
}


def _raw_token(ctx: Context | None) -> str | None:
    request = ctx.request_context.request if ctx is not None else None
    if isinstance(request, Request):  # streamable HTTP: this request's header, never the environment's
        header = request.headers.get("authorization", "")
        return header[7:].strip() if header[:7].lower() == "bearer " else None
    return os.environ.get(TOKEN_ENV)


def _error(exc: ServiceError) -> ToolError:
    from career_app.api.app import http_status

    return ToolError(f"{http_status(exc)}: {exc.detail}")


async def _call(ctx: Context | None, tool: str, fn):
    """fn(session, r, user) in one thread hop, as the token's owner when the token may use `tool`."""
    route, roles = ROUTES[tool]
    token = _raw_token(ctx)

    def run():
        with db.session_scope() as session:
            r = db.app_redis()
            if not api_tokens.is_personal(token):
                raise Unauthorized(f"A personal API token is required (Bearer header, or {TOKEN_ENV} for stdio)")
            user = auth.remembered_user_from_token(session, r, api_tokens.ScopedToken.of(
                token, token_scopes.route_scope(*route)))
            if roles:
                auth.require_role(user, *roles)
            return fn(session, r, user)

    try:
        return await anyio.to_thread.run_sync(run)
    except ServiceError as exc:
        raise _error(exc) from None


def _dump(model) -> dict:
    return json.loads(model.model_dump_json()) if hasattr(model, "model_dump_json") else model


Limit = Annotated[int, Field(ge=1, le=jobs.MAX_PAGE_SIZE)]


@server.tool()
async def search_jobs(ctx: Context, q: Annotated[str | None, Field(max_length=200)] = None,
                      location: Annotated[str | None, Field(max_length=100)] = None,
                      company: Annotated[str | None, Field(max_length=100)] = None,
                      skills: Annotated[list[str] | None, Field(max_length=20)] = None,
                      remote_only: bool = False, limit: Limit = 10) -> dict:
    """Search active job listings by words, location, company, required skills."""
    return await _call(ctx, "search_jobs", lambda s, r, u: _dump(jobs.search(
        s, r, q=q, location=location, company=company, skills=skills, remote_only=remote_only, limit=limit,
        scope="listings", user=u)))


@server.tool()
async def job_details(ctx: Context, job_id: str) -> dict:
    """A job's description, skills, resume guide and interview prep."""
    return await _call(ctx, "job_details", lambda s, r, u: _dump(
        applications.tracked_out(s, [jobs.get_visible(s, job_id, u)], u)[0]))


@server.tool()
async def match_job(ctx: Context, job_id: str) -> dict:
    """How well your resume fits a job: calibrated score, matched skills with their evidence, the gap."""
    return await _call(ctx, "match_job", lambda s, r, u: _dump(matching.match(s, u, job_id)))


@server.tool()
async def recommendations(ctx: Context, limit: Annotated[int, Field(ge=1, le=matching.MAX_RECOMMENDATIONS)] = 10) -> list:
    """Active listings nearest to your resume, best first, with match score and skill overlap."""
    return await _call(ctx, "recommendations", lambda s, r, u: [_dump(item) for item in matching.page(
        "recommendations", limit, None, lambda n: matching.recommend(s, r, u, n))[0]])


@server.tool()
async def skills_gap(ctx: Context) -> dict:
    """Your skills against the most demanded must-haves of listings in your field, with what to learn next."""
    return await _call(ctx, "skills_gap", lambda s, r, u: _dump(skills_gap_service.report(s, r, u, None)))


@server.tool()
async def tracked_jobs(ctx: Context, skip: Annotated[int, Field(ge=0)] = 0, limit: Limit = 20) -> dict:
    """Your tracked jobs and saved listings, newest first."""
    def read(s, r, u):
        rows, total = jobs.list_owned(s, u, skip, limit)
        return {"items": [_dump(j) for j in applications.tracked_out(s, rows, u)], "total": total}
    return await _call(ctx, "tracked_jobs", read)


@server.tool()
async def list_applications(ctx: Context, status: list[ApplicationStatus] | None = None,
                            q: Annotated[str | None, Field(max_length=200)] = None,
                            skip: Annotated[int, Field(ge=0)] = 0,
                            limit: Annotated[int, Field(ge=1, le=applications.MAX_PAGE_SIZE)] = 20) -> dict:
    """Your applications, most recently changed first, with counts per status."""
    return await _call(ctx, "list_applications", lambda s, r, u: _dump(applications.list_for(
        s, u, statuses=status, q=q, skip=skip, limit=limit)))


@server.tool()
async def get_application(ctx: Context, application_id: str) -> dict:
    """One application with its timeline."""
    return await _call(ctx, "get_application", lambda s, r, u: _dump(applications.get(s, u, application_id)))


@server.tool()
async def create_application(ctx: Context, application: ApplicationCreate) -> dict:
    """Add an application: on a listing or tracked job (job_id), or ad hoc (company_name + job_title)."""
    return await _call(ctx, "create_application", lambda s, r, u: _dump(
        applications.to_out(applications.create(s, r, u, application))))


@server.tool()
async def update_application(ctx: Context, application_id: str, changes: ApplicationUpdate) -> dict:
    """Change an application's fields (only those given)."""
    return await _call(ctx, "update_application", lambda s, r, u: _dump(
        applications.to_out(applications.update(s, r, u, application_id, changes))))


@server.tool()
async def change_application_status(ctx: Context, application_id: str, status: ApplicationStatus,
                                    note: Annotated[str | None, Field(max_length=1000)] = None) -> dict:
    """Move an application to a new status (an allowed transition), with a note for the timeline."""
    return await _call(ctx, "change_application_status", lambda s, r, u: _dump(
        applications.to_out(applications.change_status(s, r, u, application_id, status, note))))


@server.tool()
async def draft_cover_letter(ctx: Context, job_id: uuid.UUID | None = None,
                             company: Annotated[str | None, Field(max_length=200)] = None,
                             role: Annotated[str | None, Field(max_length=200)] = None,
                             tone: Tone = Tone.formal, length: Length = Length.medium) -> dict:
    """Start writing a cover letter for a job (job_id) or a company and role; follow it with task_status."""
    def start(s, r, u):
        request = GenerateRequest(type=ContentType.cover_letter, job_id=job_id, company=company, role=role,
                                  tone=tone, length=length)
        return {"task_id": content.start(s, db.rq_redis(), u, request), "status": "queued"}
    return await _call(ctx, "draft_cover_letter", start)


@server.tool()
async def task_status(ctx: Context, task_id: Annotated[str, Field(max_length=64)]) -> dict:
    """State and result of a task you started (a cover letter draft ends with its content_id and text)."""
    return await _call(ctx, "task_status", lambda s, r, u: _dump(tasks.status(db.rq_redis(), task_id, u)))


@server.resource("careercopilot://resume", mime_type="text/plain")
async def resume_text() -> str:
    """The text of your current resume."""
    def read(s, r, u):
        resume = resumes.current(s, u.id)
        return resume.text if resume else ""
    return await _call(server.get_context(), "resume", read)


@server.resource("careercopilot://profile", mime_type="application/json")
async def profile() -> str:
    """Your profile: headline, location, skills, occupational family and level."""
    return await _call(server.get_context(), "profile", lambda s, r, u: users.profile(
        u, resumes.current(s, u.id), s).model_dump_json())


# --- streamable HTTP at /mcp ------------------------------------------------------------------


class McpEndpoint:
    """The ASGI endpoint api/app.py serves at /mcp. Stateless (JSON answers, no session kept in a
    process), so any backend worker answers any request. The SDK's session manager needs a task
    group running for its life: one is started per event loop on first use, since neither Reflex
    nor a test client runs a mounted app's lifespan."""

    def __init__(self):
        self._managers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    async def _manager(self) -> StreamableHTTPSessionManager:
        loop = asyncio.get_running_loop()
        if loop not in self._managers:
            manager = StreamableHTTPSessionManager(app=server._mcp_server, json_response=True, stateless=True)
            ready = asyncio.Event()

            async def hold():
                async with manager.run():
                    ready.set()
                    await asyncio.Event().wait()

            self._managers[loop] = (manager, ready, loop.create_task(hold()))
        manager, ready, _task = self._managers[loop]
        await ready.wait()
        return manager

    async def __call__(self, scope, receive, send) -> None:
        header = Request(scope).headers.get("authorization", "")
        token = header[7:].strip() if header[:7].lower() == "bearer " else ""
        try:
            if not api_tokens.is_personal(token):
                raise Unauthorized("A personal API token is required: Authorization: Bearer ccp_...")
            await anyio.to_thread.run_sync(_check_token, token)  # remembered for a few seconds, as on REST
        except ServiceError as exc:
            from career_app.api.app import http_status

            headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else {}
            await JSONResponse({"detail": exc.detail}, http_status(exc), headers=headers)(scope, receive, send)
            return
        await (await self._manager()).handle_request(scope, receive, send)


def _check_token(token: str) -> None:
    """Every HTTP request needs a valid, unexpired, unrevoked token; each tool then checks its scope."""
    if auth.cached_user(api_tokens.ScopedToken.of(token, None)) is None:
        with db.session_scope() as session:
            auth.remembered_user_from_token(session, db.app_redis(), api_tokens.ScopedToken.of(token, None))


endpoint = McpEndpoint()

