"""Who may call what: every operation of /api/openapi.json, called by five callers, answers what TABLE says.

The callers: anonymous; the owner (a seeker with a resume, who owns every resource the paths name: an
application, a tracked job, a conversation, a document, a task, a resume upload); another seeker; a
provider; an admin. The admin owns the ingestion sources and runs (only admins see those).

The operations come from the served OpenAPI document, so a route is covered the day it lands: an
operation without a row in TABLE fails the test, naming it. Every answer must also be a status the
document declares for that operation.

To add a row: `("METHOD", "/api/v1/path/{param}"): Row(anonymous, owner, other_seeker, provider, admin)`
with the status each caller gets, plus what the request needs:
- a path parameter is filled from RESOURCES by its name (`ids={"job_id": "listing"}` picks another
  resource for it; a name missing from RESOURCES gets a random UUID, which nobody owns);
- `json=`, `params=`, `files=` (a value or a function of the resource ids) for the request itself;
- `fresh=("application_id", ...)` when the call changes or deletes those resources: each caller then gets
  new ones, so that one caller's success does not change what the next one sees.
Callers are tried anonymous first and the owner last."""

import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.api.conftest import bearer
from tests.resume_files import pdf_resume

CALLERS = ("anonymous", "owner", "other", "provider", "admin")


@dataclass
class Row:
    anonymous: int
    owner: int
    other: int
    provider: int
    admin: int
    json: Any = None
    params: Any = None
    files: Any = None
    ids: dict[str, str] = field(default_factory=dict)
    fresh: tuple[str, ...] = ()

    def expected(self, caller: str) -> int:
        return getattr(self, caller)


def _pdf():
    return {"file": ("resume.pdf", pdf_resume(), "application/pdf")}


def _csv():
    return {"file": ("apps.csv", b"Company,Title\nMatrix Co,Analyst\n", "text/csv")}


TRACKED = {"title": "Tracked role", "company_name": "Matrix Co"}
LISTING = {"title": "Matrix listing", "description_raw": "A listing for the access matrix test, long enough.",
           "company_name": "Matrix Co"}
SOURCE = {"kind": "rss", "url": "http://127.0.0.1:9/feed.xml", "enabled": True}
MAILBOX = {"host": "127.0.0.1", "port": 9, "tls": False, "username": "matrix", "password": "app-password"}


def _canned() -> dict:
    return {"shortcut": f"matrix-{uuid.uuid4().hex[:8]}", "content": "A canned reply"}


GENERATE = {"type": "cover_letter", "company": "Matrix Co", "role": "Analyst", "tone": "formal", "length": "short"}

# fmt: off
TABLE: dict[tuple[str, str], Row] = {
    # --- public ----------------------------------------------------------------------------------
    ("GET", "/health"): Row(200, 200, 200, 200, 200),
    ("GET", "/api/v1/"): Row(200, 200, 200, 200, 200),
    ("POST", "/api/v1/auth/register"): Row(201, 201, 201, 201, 201, json=lambda ids: {
        "email": f"matrix-{uuid.uuid4().hex[:10]}@example.com", "password": "correct-horse-1", "full_name": "M"}),
    ("POST", "/api/v1/auth/login"): Row(401, 401, 401, 401, 401,
                                        json={"email": "nobody@example.com", "password": "wrong-password"}),
    ("POST", "/api/v1/auth/logout"): Row(200, 200, 200, 200, 200),  # revokes: run with tokens of their own
    ("GET", "/api/v1/jobs/feed"): Row(200, 200, 200, 200, 200),
    ("GET", "/api/v1/jobs/search"): Row(200, 200, 200, 200, 200),
    ("GET", "/api/v1/jobs/{job_id}"): Row(404, 200, 404, 404, 404),  # a tracked job: its owner's alone
    ("GET", "/api/v1/jobs/{job_id}/details"): Row(404, 200, 404, 404, 404),
    ("GET", "/api/v1/market/snapshot"): Row(200, 200, 200, 200, 200),
    ("GET", "/api/v1/help-articles"): Row(200, 200, 200, 200, 200),
    ("GET", "/api/v1/help-articles/{slug}"): Row(404, 404, 404, 404, 200),  # a draft: admins only
    ("POST", "/api/v1/feedback"): Row(400, 400, 400, 400, 400, json={"message": " "}),  # empty: sends nothing
    ("GET", "/api/v1/social/shared/{share_token}"): Row(404, 404, 404, 404, 404),  # no such link
    ("GET", "/api/v1/auth/oauth/providers"): Row(200, 200, 200, 200, 200),
    ("GET", "/api/v1/auth/oauth/{provider}/login"): Row(404, 404, 404, 404, 404, ids={"provider": "google"}),
    ("GET", "/api/v1/auth/oauth/{provider}/callback"): Row(404, 404, 404, 404, 404, ids={"provider": "google"}),
    # --- any signed-in caller ------------------------------------------------------------------------
    ("GET", "/api/v1/auth/me"): Row(401, 200, 200, 200, 200),
    ("GET", "/api/v1/users/me"): Row(401, 200, 200, 200, 200),
    ("PATCH", "/api/v1/users/me"): Row(401, 200, 200, 200, 200, json={"location": "Lisbon, Portugal"}),
    ("POST", "/api/v1/users/me/export"): Row(401, 202, 202, 202, 202),
    ("GET", "/api/v1/tasks/{task_id}"): Row(401, 200, 404, 404, 404),
    ("GET", "/api/v1/jobs"): Row(401, 200, 200, 200, 200),
    ("POST", "/api/v1/jobs"): Row(401, 201, 201, 202, 202, json=TRACKED | LISTING),
    ("PATCH", "/api/v1/jobs/{job_id}"): Row(401, 200, 404, 404, 404, json={"notes": "matrix"}, fresh=("job_id",)),
    ("DELETE", "/api/v1/jobs/{job_id}"): Row(401, 204, 404, 404, 404, fresh=("job_id",)),
    ("POST", "/api/v1/jobs/{job_id}/retry-enrichment"): Row(401, 409, 404, 404, 404),
    ("POST", "/api/v1/jobs/{job_id}/save"): Row(401, 409, 404, 403, 403),
    ("POST", "/api/v1/jobs/{job_id}/match"): Row(401, 422, 404, 403, 403),  # 422: a tracked job has no embedding
    ("GET", "/api/v1/jobs/provider"): Row(401, 403, 403, 200, 200),
    ("GET", "/api/v1/notifications"): Row(401, 200, 200, 200, 200),
    ("POST", "/api/v1/notifications/mark-read"): Row(401, 200, 200, 200, 200, json={"all": True}),
    ("GET", "/api/v1/notifications/settings"): Row(401, 200, 200, 200, 200),
    ("PATCH", "/api/v1/notifications/settings"): Row(401, 200, 200, 200, 200, json={"in_app": True}),
    ("GET", "/api/v1/notifications/socket-token"): Row(401, 200, 200, 200, 200),
    ("GET", "/api/v1/chat/sessions"): Row(401, 200, 200, 200, 200),
    ("POST", "/api/v1/chat/sessions"): Row(401, 200, 200, 403, 403),
    ("GET", "/api/v1/chat/sessions/{session_id}"): Row(401, 200, 404, 404, 200),  # admins see every conversation
    ("GET", "/api/v1/chat/sessions/{session_id}/messages"): Row(401, 200, 404, 404, 200),
    ("POST", "/api/v1/chat/sessions/{session_id}/messages"): Row(401, 200, 404, 404, 403, json={"content": "Hello"}),
    ("POST", "/api/v1/chat/sessions/{session_id}/close"): Row(401, 200, 404, 404, 200, fresh=("session_id",)),
    ("POST", "/api/v1/chat/sessions/{session_id}/request-human"): Row(401, 200, 404, 404, 403, fresh=("session_id",)),
    ("GET", "/api/v1/chat/sessions/{session_id}/queue"): Row(401, 200, 404, 404, 200),
    ("POST", "/api/v1/chat/sessions/{session_id}/rating"): Row(401, 409, 404, 404, 403, json={"score": 5}),
    ("GET", "/api/v1/chat/sessions/{session_id}/transcript"): Row(401, 200, 404, 404, 200),
    ("GET", "/api/v1/chat/advisors"): Row(401, 200, 200, 200, 200),
    ("GET", "/api/v1/auth/identities"): Row(401, 200, 200, 200, 200),
    ("DELETE", "/api/v1/auth/identities/{provider}"): Row(401, 404, 404, 404, 404, ids={"provider": "google"}),  # none linked
    ("GET", "/api/v1/users/me/tokens"): Row(401, 200, 200, 200, 200),
    ("POST", "/api/v1/users/me/tokens"): Row(401, 201, 201, 201, 201, json={"name": "matrix", "scopes": ["jobs:read"]}),
    ("DELETE", "/api/v1/users/me/tokens/{token_id}"): Row(401, 204, 404, 404, 404, fresh=("token_id",)),
    ("GET", "/api/v1/social/activity"): Row(401, 200, 200, 200, 200),
    ("GET", "/api/v1/social/settings"): Row(401, 200, 200, 200, 200),
    ("PATCH", "/api/v1/social/settings"): Row(401, 200, 200, 200, 200, json={"leaderboard": False}),
    ("GET", "/api/v1/social/leaderboard"): Row(401, 200, 200, 200, 200),
    ("GET", "/api/v1/social/shares"): Row(401, 200, 200, 200, 200),
    ("POST", "/api/v1/social/shares"): Row(401, 201, 201, 404, 404, json={"kind": "resume"}),  # 404: no resume
    ("DELETE", "/api/v1/social/shares/{share_id}"): Row(401, 200, 404, 404, 404, fresh=("share_id",)),
    # --- seekers --------------------------------------------------------------------------------
    ("POST", "/api/v1/users/resume"): Row(401, 200, 200, 403, 403, files=lambda ids: _pdf()),
    ("POST", "/api/v1/resume/upload"): Row(401, 202, 202, 403, 403, files=lambda ids: _pdf()),
    ("GET", "/api/v1/resume/{upload_id}/status"): Row(401, 200, 404, 403, 403),
    ("GET", "/api/v1/users/me/resume"): Row(401, 200, 200, 403, 403),
    ("GET", "/api/v1/jobs/recommendations"): Row(401, 200, 200, 403, 403),
    ("GET", "/api/v1/jobs/insights"): Row(401, 200, 200, 403, 403),
    ("POST", "/api/v1/jobs/{job_id}/apply"): Row(401, 201, 404, 403, 403, fresh=("job_id",)),
    ("GET", "/api/v1/mailboxes"): Row(401, 200, 200, 403, 403),
    ("POST", "/api/v1/mailboxes"): Row(401, 201, 201, 403, 403, json=lambda ids: MAILBOX),
    ("PATCH", "/api/v1/mailboxes/{mailbox_id}"): Row(401, 200, 404, 403, 403, json={"auto_apply": False}),
    ("DELETE", "/api/v1/mailboxes/{mailbox_id}"): Row(401, 204, 404, 403, 403,  # a seeker has 5 at most
                                                      ids={"mailbox_id": "doomed_mailbox"}),
    ("POST", "/api/v1/mailboxes/{mailbox_id}/sync"): Row(401, 202, 404, 403, 403),
    ("GET", "/api/v1/mailboxes/proposals"): Row(401, 200, 200, 403, 403),
    ("POST", "/api/v1/mailboxes/proposals/{proposal_id}/accept"): Row(401, 404, 404, 403, 403),  # nobody's
    ("POST", "/api/v1/mailboxes/proposals/{proposal_id}/dismiss"): Row(401, 404, 404, 403, 403),
    ("POST", "/api/v1/jobs/import"): Row(401, 422, 422, 403, 403, json={"url": "http://127.0.0.1:9/job"}),
    ("GET", "/api/v1/recommendations/jobs"): Row(401, 200, 200, 403, 403),
    ("GET", "/api/v1/recommendations/skills-gap"): Row(401, 200, 200, 403, 403),
    ("POST", "/api/v1/enhanced-recommendations/run"): Row(401, 202, 202, 403, 403),
    ("GET", "/api/v1/enhanced-recommendations/latest"): Row(401, 404, 404, 403, 403),
    ("GET", "/api/v1/applications"): Row(401, 200, 200, 403, 403),
    ("POST", "/api/v1/applications"): Row(401, 201, 201, 403, 403,
                                          json={"company_name": "Matrix Co", "job_title": "Analyst"}),
    ("GET", "/api/v1/applications/{application_id}"): Row(401, 200, 404, 403, 403),
    ("PATCH", "/api/v1/applications/{application_id}"): Row(401, 200, 404, 403, 403, json={"notes": "matrix"}),
    ("DELETE", "/api/v1/applications/{application_id}"): Row(401, 200, 404, 403, 403, fresh=("application_id",)),
    ("POST", "/api/v1/applications/{application_id}/status"): Row(401, 200, 404, 403, 403,
                                                                  json={"status": "applied"}, fresh=("application_id",)),
    ("POST", "/api/v1/applications/{application_id}/restore"): Row(401, 200, 404, 403, 403,
                                                                   ids={"application_id": "deleted_application"},
                                                                   fresh=("deleted_application",)),
    ("POST", "/api/v1/bulk_operations/applications/status"): Row(
        401, 200, 200, 403, 403, json=lambda ids: {"ids": [ids["application_id"]], "status": "withdrawn"}, fresh=("application_id",)),
    ("GET", "/api/v1/export/applications.{fmt}"): Row(401, 200, 200, 403, 403, ids={"fmt": "csv"}),
    ("POST", "/api/v1/import/applications"): Row(401, 200, 200, 403, 403, files=lambda ids: _csv(),
                                                 params={"dry_run": True}),
    ("POST", "/api/v1/content/generate"): Row(401, 202, 202, 403, 403, json=GENERATE),
    ("GET", "/api/v1/content"): Row(401, 200, 200, 403, 403),
    ("GET", "/api/v1/content/{content_id}"): Row(401, 200, 404, 403, 403),
    ("POST", "/api/v1/content/{content_id}/versions"): Row(401, 201, 404, 403, 403, json={"text": "An edit."}),
    ("GET", "/api/v1/content/{content_id}/diff"): Row(401, 200, 404, 403, 403, params={"from": 1, "to": 1}),
    ("POST", "/api/v1/content/{content_id}/restore/{version}"): Row(401, 201, 404, 403, 403, ids={"version": "1"}),
    ("GET", "/api/v1/content/{content_id}/export.{fmt}"): Row(401, 200, 404, 403, 403, ids={"fmt": "docx"}),
    ("DELETE", "/api/v1/content/{content_id}"): Row(401, 200, 404, 403, 403, fresh=("content_id",)),
    # --- admins (and providers where said) ------------------------------------------------------------
    ("GET", "/api/v1/admin/users"): Row(401, 403, 403, 403, 200),
    ("GET", "/api/v1/admin/jobs"): Row(401, 403, 403, 403, 200),
    ("POST", "/api/v1/admin/reenrich"): Row(401, 403, 403, 403, 202),
    ("POST", "/api/v1/admin/takeover"): Row(401, 403, 403, 403, 200,
                                            json=lambda ids: {"session_id": ids["session_id"]}, fresh=("session_id",)),
    ("POST", "/api/v1/admin/release"): Row(401, 403, 403, 403, 409, json=lambda ids: {"session_id": ids["session_id"]}),
    ("POST", "/api/v1/admin/chat/{session_id}/messages"): Row(401, 403, 403, 403, 200, json={"content": "Hi"},
                                                              fresh=("session_id",)),
    ("GET", "/api/v1/admin/sources"): Row(401, 403, 403, 403, 200),
    ("POST", "/api/v1/admin/sources"): Row(401, 403, 403, 403, 201, json=lambda ids: SOURCE | {
        "name": f"matrix-{uuid.uuid4().hex[:8]}"}),
    ("GET", "/api/v1/admin/sources/{name}"): Row(401, 403, 403, 403, 200),
    ("PATCH", "/api/v1/admin/sources/{name}"): Row(401, 403, 403, 403, 200, json={"enabled": True}),
    ("DELETE", "/api/v1/admin/sources/{name}"): Row(401, 403, 403, 403, 204, fresh=("name",)),
    ("POST", "/api/v1/admin/ingest/trigger"): Row(401, 403, 403, 202, 202, params=lambda ids: {
        "scraper_name": ids["name"]}, fresh=("name",)),
    ("POST", "/api/v1/admin/ingest/all"): Row(401, 403, 403, 403, 202),
    ("GET", "/api/v1/admin/ingest/runs"): Row(401, 403, 403, 403, 200),
    ("GET", "/api/v1/admin/ingest/runs/{run_id}"): Row(401, 403, 403, 403, 200),
    ("POST", "/api/v1/admin/ingest/runs/{run_id}/retry"): Row(401, 403, 403, 403, 409),  # its run is still queued
    ("POST", "/api/v1/admin/ingest/{source_name}"): Row(401, 403, 403, 403, 202, params={"wait": 0},
                                                        ids={"source_name": "name"}, fresh=("name",)),
    ("GET", "/api/v1/job-ingestion/status"): Row(401, 403, 403, 403, 200),
    ("POST", "/api/v1/job-ingestion/run"): Row(401, 403, 403, 403, 409, json=lambda ids: {"sources": [ids["name"]]}),
    ("GET", "/api/v1/admin/feedback"): Row(401, 403, 403, 403, 200),
    ("GET", "/api/v1/admin/feedback/{feedback_id}/screenshot"): Row(401, 403, 403, 403, 404),  # nobody's feedback
    ("PATCH", "/api/v1/admin/feedback/{feedback_id}"): Row(401, 403, 403, 403, 404, json={"status": "done"}),
    ("POST", "/api/v1/admin/feedback/{feedback_id}/reply"): Row(401, 403, 403, 403, 404, json={"message": "Thanks"}),
    ("POST", "/api/v1/help-articles"): Row(401, 403, 403, 403, 201, json=lambda ids: {
        "slug": f"matrix-{uuid.uuid4().hex[:8]}", "title": "Matrix", "category": "matrix", "body": "Text."}),
    ("PATCH", "/api/v1/help-articles/{slug}"): Row(401, 403, 403, 403, 200, json={"summary": "Matrix"}),
    # the advisors' desk
    ("GET", "/api/v1/admin/chat/queue"): Row(401, 403, 403, 403, 200),
    ("GET", "/api/v1/admin/chat/ratings"): Row(401, 403, 403, 403, 200),
    ("POST", "/api/v1/admin/chat/presence"): Row(401, 403, 403, 403, 200, json={"idle_seconds": 0}),
    ("GET", "/api/v1/admin/chat/{session_id}/audit"): Row(401, 403, 403, 403, 200),
    ("GET", "/api/v1/admin/chat/{session_id}/notes"): Row(401, 403, 403, 403, 200),
    ("POST", "/api/v1/admin/chat/{session_id}/notes"): Row(401, 403, 403, 403, 201, json={"content": "A note"}),
    ("POST", "/api/v1/admin/chat/{session_id}/takeover"): Row(401, 403, 403, 403, 200, fresh=("session_id",)),
    ("POST", "/api/v1/admin/chat/{session_id}/release"): Row(401, 403, 403, 403, 409),  # the AI holds it
    ("POST", "/api/v1/admin/chat/{session_id}/transfer"): Row(401, 403, 403, 403, 409, json=lambda ids: {
        "admin_id": str(uuid.uuid4())}),  # only a conversation you hold
    ("GET", "/api/v1/admin/canned-replies"): Row(401, 403, 403, 403, 200),
    ("POST", "/api/v1/admin/canned-replies"): Row(401, 403, 403, 403, 201, json=lambda ids: _canned()),
    ("PUT", "/api/v1/admin/canned-replies/{canned_id}"): Row(401, 403, 403, 403, 200, json=lambda ids: _canned()),
    ("DELETE", "/api/v1/admin/canned-replies/{canned_id}"): Row(401, 403, 403, 403, 204, fresh=("canned_id",)),
}
# fmt: on


class World:
    """The five callers and the owner's resources (made through the API, as a client would)."""

    def __init__(self, client, register, make_admin):
        self.client = client
        self.register = register
        self.tokens = {"owner": register("seeker")[0], "other": register("seeker")[0],
                       "provider": register("provider")[0]}
        email, password = make_admin()
        resp = client.post("/api/v1/auth/login", json={"email": email, "password": password})
        client.cookies.clear()
        self.tokens["admin"] = resp.json()["access_token"]
        self.admin_login = (email, password)
        for seeker in ("owner", "other"):  # both full seekers: what differs is who owns the resources
            assert self._as(seeker, "POST", "/api/v1/users/resume", files=_pdf()).status_code == 200
        self.ids = {name: self.make(name) for name in MAKERS}

    def _as(self, who: str, method: str, path: str, **kwargs):
        resp = self.client.request(method, path, headers=bearer(self.tokens[who]), **kwargs)
        self.client.cookies.clear()
        return resp

    def _made(self, who, method, path, key, **kwargs) -> str:
        resp = self._as(who, method, path, **kwargs)
        assert resp.status_code < 300, (path, resp.status_code, resp.text)
        return str(resp.json()[key])

    def make(self, name: str) -> str:
        """A new resource of the kind `name` (the owner's; the admin's for ingestion)."""
        return MAKERS[name](self)

    def _document(self) -> str:
        """A document made the way the worker makes one (the studio's own service, without the queue)."""
        from career_app.db import session_scope
        from career_app.services import content
        from models.content_schemas import GenerateRequest
        from models.user import User

        owner = uuid.UUID(self._as("owner", "GET", "/api/v1/auth/me").json()["id"])
        with session_scope() as session:
            return str(content.generate(session, session.get(User, owner), GenerateRequest(**GENERATE), delay=0).id)

    def token(self, who: str) -> str | None:
        return None if who == "anonymous" else self.tokens[who]


def _deleted_application(world: World) -> str:
    app_id = world._made("owner", "POST", "/api/v1/applications", "id",
                         json={"company_name": "Gone Co", "job_title": "Analyst"})
    assert world._as("owner", "DELETE", f"/api/v1/applications/{app_id}").status_code == 200
    return app_id


def _run(world: World) -> str:
    """A run (still queued: nothing works the queue here) of a source of its own."""
    source = MAKERS["name"](world)
    run = world._as("admin", "POST", "/api/v1/admin/ingest/trigger", params={"scraper_name": source})
    assert run.status_code == 202, run.text
    return run.json()["run_ids"][0]


# The resources path parameters name, by parameter name: how to make a new one.
MAKERS: dict[str, Any] = {
    "application_id": lambda w: w._made("owner", "POST", "/api/v1/applications", "id",
                                        json={"company_name": "Matrix Co", "job_title": "Analyst"}),
    "deleted_application": _deleted_application,
    "job_id": lambda w: w._made("owner", "POST", "/api/v1/jobs", "id", json=TRACKED),
    "session_id": lambda w: w._made("owner", "POST", "/api/v1/chat/sessions", "id"),
    "task_id": lambda w: w._made("owner", "POST", "/api/v1/users/me/export", "task_id"),
    "upload_id": lambda w: w._made("owner", "POST", "/api/v1/resume/upload", "upload_id", files=_pdf()),
    "content_id": lambda w: w._document(),
    "name": lambda w: w._made("admin", "POST", "/api/v1/admin/sources", "name",
                              json=SOURCE | {"name": f"matrix-{uuid.uuid4().hex[:8]}"}),
    "run_id": _run,
    "canned_id": lambda w: w._made("admin", "POST", "/api/v1/admin/canned-replies", "id", json=_canned()),
    "slug": lambda w: w._made("admin", "POST", "/api/v1/help-articles", "slug", json={
        "slug": f"matrix-{uuid.uuid4().hex[:8]}", "title": "Matrix", "category": "matrix", "body": "Text."}),
    "token_id": lambda w: w._made("owner", "POST", "/api/v1/users/me/tokens", "id",
                                  json={"name": "matrix", "scopes": ["jobs:read"]}),
    "share_id": lambda w: w._made("owner", "POST", "/api/v1/social/shares", "id", json={"kind": "resume"}),
    "mailbox_id": lambda w: w._made("owner", "POST", "/api/v1/mailboxes", "id", json=MAILBOX),
    "doomed_mailbox": lambda w: w._made("owner", "POST", "/api/v1/mailboxes", "id", json=MAILBOX),
}


@contextmanager
def _no_work_left_behind():
    """The matrix queues real tasks that nothing works here: ingestion runs, the whole catalogue's
    re-enrichment, enrichment, banding, documents, exports. Left on the session's queues, the worker a
    later test starts would run them under that test's LLM (an enhanced-recommendations test counted
    16 model calls for its 2). So every task the matrix queued and no worker has taken is deleted
    afterwards; its runs are then expired as lost, as for a task that vanished (ingestion.start), and
    the re-enrichment lock it took is released."""
    from rq import Queue

    from career_app.db import app_redis, rq_redis
    from career_app.services import enrichment
    from career_app.services.tasks import QUEUES

    conn = rq_redis()
    queues = [Queue(name, connection=conn) for name in QUEUES]
    registries = [registry for q in queues for registry in (q.scheduled_job_registry, q.deferred_job_registry)]
    before = {job_id for q in queues for job_id in q.get_job_ids()} | \
        {job_id for registry in registries for job_id in registry.get_job_ids()}
    try:
        yield
    finally:
        deleted = set()
        for q in queues:
            for job_id in set(q.get_job_ids()) - before:
                if (job := q.fetch_job(job_id)) is not None:
                    job.delete()
                    deleted.add(job_id)
        for registry in registries:
            for job_id in set(registry.get_job_ids()) - before:
                registry.remove(job_id, delete_job=True)
                deleted.add(job_id)
        # the re-enrichment's lock is released by its task only (a later test's re-enrichment would get 409)
        if app_redis().get(enrichment.REENRICH_LOCK) in deleted:
            enrichment.finish_reenrich(app_redis())


@pytest.fixture(scope="module")
def world(api, make_admin):
    from fastapi.testclient import TestClient

    with TestClient(api, base_url="http://localhost") as client, _no_work_left_behind():
        def register(role="seeker"):
            body = {"email": f"matrix-{role}-{uuid.uuid4().hex[:8]}@example.com", "password": "correct-horse-1",
                    "full_name": f"Matrix {role}", "role": role}
            resp = client.post("/api/v1/auth/register", json=body)
            assert resp.status_code == 201, resp.text
            client.cookies.clear()
            return resp.json()["access_token"], body

        yield World(client, register, make_admin)


@pytest.fixture(scope="module")
def make_admin():
    from tests.conftest import create_admin_account

    return create_admin_account


def _operations(spec: dict) -> list[tuple[str, str, dict]]:
    return [(method.upper(), path, op) for path, ops in spec["paths"].items() for method, op in ops.items()]


def test_every_operation_has_a_row(world):
    spec = world.client.get("/api/openapi.json").json()
    served = {(m, p) for m, p, _ in _operations(spec)}
    missing = sorted(served - TABLE.keys())
    stale = sorted(TABLE.keys() - served)
    assert not missing, ("Operations without a row in TABLE (tests/api/test_access_matrix.py): add "
                         f"`(method, path): Row(anonymous, owner, other, provider, admin, ...)` for each: {missing}")
    assert not stale, f"Rows in TABLE for operations the API no longer serves: {stale}"


def _value(value, ids):
    return value(ids) if callable(value) else value


def _call(world: World, who: str, method: str, path: str, row: Row):
    ids = {**world.ids, **{name: world.make(name) for name in row.fresh}}
    ids = {**ids, **{name: ids.get(source, source) for name, source in row.ids.items()}}
    url = path
    for name in [part[1:-1] for part in path.split("/") if part.startswith("{")] + \
            [part.split("{")[1].rstrip("}") for part in path.split("/") if "." in part and "{" in part]:
        url = url.replace("{" + name + "}", ids.get(name, str(uuid.uuid4())))
    token = world.token(who)
    if method == "POST" and path == "/api/v1/auth/logout" and token:
        token = _fresh_token(world, who)
    headers = bearer(token) if token else {}
    resp = world.client.request(method, url, headers=headers, json=_value(row.json, ids),
                                params=_value(row.params, ids), files=_value(row.files, ids))
    world.client.cookies.clear()
    return resp


def _fresh_token(world: World, who: str) -> str:
    """Signing out revokes the token: the logout row signs in again for a token of its own."""
    if who == "admin":
        email, password = world.admin_login
    else:
        me = world.client.get("/api/v1/auth/me", headers=bearer(world.tokens[who])).json()
        email, password = me["email"], "correct-horse-1"
    resp = world.client.post("/api/v1/auth/login", json={"email": email, "password": password})
    world.client.cookies.clear()
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


def test_every_caller_gets_what_the_table_says(world):
    spec = world.client.get("/api/openapi.json").json()
    wrong = []
    for method, path, operation in _operations(spec):
        row = TABLE.get((method, path))
        if row is None:
            continue  # test_every_operation_has_a_row names it
        for who in ("anonymous", "other", "provider", "admin", "owner"):
            resp = _call(world, who, method, path, row)
            expected = row.expected(who)
            if resp.status_code != expected:
                wrong.append(f"{method} {path} as {who}: {resp.status_code} (table: {expected}) {resp.text[:160]}")
            elif str(resp.status_code) not in operation["responses"]:
                wrong.append(f"{method} {path} as {who}: {resp.status_code} is not declared in the OpenAPI document")
    assert not wrong, "\n".join(wrong)
