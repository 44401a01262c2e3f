"""The admin's home (/admin): counts of what waits, read on load and on "Refresh"."""

import reflex as rx

from career_app import db
from career_app.services import admin_overview
from career_app.services.errors import ServiceError
from models.user import Role
from state.auth import AuthState
from state.common import in_session, plural


class AdminHomeState(AuthState):
    loaded: bool = False
    error: str = ""
    users: dict[str, int] = {}
    jobs: dict[str, int] = {}
    live_jobs: int = 0
    chats_waiting: int = 0
    chats_with_admin: int = 0
    queued: int = 0
    failed_tasks: int = 0
    words: dict[str, str] = {}  # each count in words ("1 provider", "3 listings")

    @rx.event
    async def load(self):
        admin = await self._verified_user(Role.admin)
        if admin is None:
            self.error, self.loaded = "Admin access required", False
            return
        try:
            found = await in_session(lambda s: admin_overview.overview(s, db.rq_redis(), admin))
        except ServiceError as exc:
            self.error = exc.detail
            return
        self.users, self.jobs, self.live_jobs = found.users, found.jobs, found.live_jobs
        self.chats_waiting, self.chats_with_admin = found.chats_waiting, found.chats_with_admin
        self.queued, self.failed_tasks = sum(found.queued.values()), found.failed_tasks
        self.words = {
            "waiting": plural(found.chats_waiting, "chat") + " waiting for an answer",
            "held": plural(found.chats_with_admin, "chat") + " held by an admin",
            "failed": plural(found.jobs.get("enrich_failed", 0), "listing") + " failed enrichment",
            "processing": plural(found.jobs.get("processing", 0), "listing") + " being enriched",
            "live": plural(found.live_jobs, "live listing"),
            "queued": plural(self.queued, "task") + " queued",
            "failed_tasks": plural(found.failed_tasks, "failed task"),
            **{role: plural(n, role) for role, n in found.users.items()},
        }
        self.error, self.loaded = "", True
