"""The one table of what a personal API token may reach: each REST route (method, path template)
a token is accepted on, with the scope it needs. A route not listed refuses personal tokens
(admin routes, sign-in and sessions, chat, notifications, token management itself). The MCP
tools name the route whose rule they follow, so they read their scope here too."""

from fastapi import Request

from career_app.services import api_tokens
from career_app.services.errors import Forbidden

ANY = None  # any valid token: who am I, a task's state

ROUTE_SCOPES: dict[tuple[str, str], str | None] = {
    ("GET", "/api/v1/auth/me"): ANY,
    ("GET", "/api/v1/users/me"): ANY,
    ("GET", "/api/v1/tasks/{task_id}"): ANY,
    # jobs:read: listings, matching and recommendations
    ("GET", "/api/v1/jobs/search"): "jobs:read",
    ("GET", "/api/v1/jobs/{job_id}"): "jobs:read",
    ("GET", "/api/v1/jobs/{job_id}/details"): "jobs:read",
    ("POST", "/api/v1/jobs/{job_id}/match"): "jobs:read",
    ("GET", "/api/v1/jobs/recommendations"): "jobs:read",
    ("GET", "/api/v1/recommendations/jobs"): "jobs:read",
    ("GET", "/api/v1/recommendations/skills-gap"): "jobs:read",
    ("GET", "/api/v1/enhanced-recommendations/latest"): "jobs:read",
    ("GET", "/api/v1/users/me/resume"): "jobs:read",
    # tracker: the seeker's own tracked jobs
    ("GET", "/api/v1/jobs"): "tracker:read",
    ("GET", "/api/v1/jobs/insights"): "tracker:read",
    ("POST", "/api/v1/jobs"): "tracker:write",
    ("PATCH", "/api/v1/jobs/{job_id}"): "tracker:write",
    ("DELETE", "/api/v1/jobs/{job_id}"): "tracker:write",
    ("POST", "/api/v1/jobs/{job_id}/save"): "tracker:write",
    ("POST", "/api/v1/jobs/import"): "tracker:write",
    # applications
    ("GET", "/api/v1/applications"): "applications:read",
    ("GET", "/api/v1/applications/{application_id}"): "applications:read",
    ("GET", "/api/v1/export/applications.{fmt}"): "applications:read",
    ("POST", "/api/v1/applications"): "applications:write",
    ("PATCH", "/api/v1/applications/{application_id}"): "applications:write",
    ("POST", "/api/v1/applications/{application_id}/status"): "applications:write",
    ("DELETE", "/api/v1/applications/{application_id}"): "applications:write",
    ("POST", "/api/v1/applications/{application_id}/restore"): "applications:write",
    ("POST", "/api/v1/bulk_operations/applications/status"): "applications:write",
    ("POST", "/api/v1/import/applications"): "applications:write",
    # content studio (cover letters, tailored resumes)
    ("POST", "/api/v1/content/generate"): "content:write",
    ("GET", "/api/v1/content"): "content:write",
    ("GET", "/api/v1/content/{content_id}"): "content:write",
    ("POST", "/api/v1/content/{content_id}/versions"): "content:write",
    ("GET", "/api/v1/content/{content_id}/diff"): "content:write",
    ("POST", "/api/v1/content/{content_id}/restore/{version}"): "content:write",
    ("GET", "/api/v1/content/{content_id}/export.{fmt}"): "content:write",
    ("DELETE", "/api/v1/content/{content_id}"): "content:write",
}


def route_scope(method: str, path: str) -> str | None:
    """The scope a route needs from a personal token; Forbidden when it takes none."""
    key = ("GET" if method == "HEAD" else method, path)
    if key not in ROUTE_SCOPES:
        raise Forbidden("Personal API tokens are not accepted on this route")
    return ROUTE_SCOPES[key]


def scoped(request: Request, token: str) -> api_tokens.ScopedToken:
    route = request.scope.get("route")
    return api_tokens.ScopedToken.of(token, route_scope(request.method, getattr(route, "path", "")))
