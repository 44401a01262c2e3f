"""The signed-in home: profile and the account export (a background task with progress)."""

import asyncio
import json

import reflex as rx

from career_app import db
from career_app.services import tasks
from career_app.services.errors import ServiceError
from career_app.services import live
from state.auth import AuthState
from state.live import follow, later, live_state, own_topic

TERMINAL = ("finished", "failed", "canceled", "stopped")
REREAD_SECONDS = 0.2
MAX_REREADS = 10


@live_state
class DashboardState(AuthState):
    export_task_id: str = ""
    export_status: str = ""
    export_progress: float = 0
    export_error: str = ""
    _export_json: str = ""

    @rx.var
    def denied_notice(self) -> str:
        """Set when an admin-only page sent this user here (AuthState.guard_admin)."""
        return "That page is for admins." if self.router.url.query_parameters.get("denied") == "admin" else ""

    @rx.var
    def export_running(self) -> bool:
        return self.export_status in ("queued", "started", "deferred", "scheduled")

    @rx.event
    async def start_export(self):
        user = await self._verified_user()
        if user is None:
            return
        self.export_error = ""
        self._export_json = ""
        self.export_progress = 0
        self.export_status = "queued"
        # Followed before the task exists: a quick task may end before enqueue() even returns. Its
        # events wait for this handler to finish (the tab's state lock), when the task id is known.
        await follow(self, live.user(user.id))
        try:
            self.export_task_id = await asyncio.to_thread(
                tasks.enqueue, db.rq_redis(), "export_account", user, str(user.id)
            )
        except Exception as exc:  # noqa: BLE001 - the queue being down must not break the page
            self.export_status = "failed"
            self.export_error = f"Could not start the export: {type(exc).__name__}"
            return

    async def on_live(self, topic: str, event: dict) -> None:
        """The export task's progress and end, announced by the worker (no polling)."""
        if not await own_topic(self, topic) or not self.export_task_id:
            return
        if event.get("type") != "resync" and event.get("task_id") != self.export_task_id:
            return  # another task of this user (a resync re-reads this one: an event may have been missed)
        if event.get("status") == "started":
            self.export_status, self.export_progress = "started", event.get("progress", 0)
            return
        user = await self._verified_user()
        if user is None:
            return
        try:
            report = await asyncio.to_thread(tasks.status, db.rq_redis(), self.export_task_id, user)
        except ServiceError as exc:
            self.export_status, self.export_error = "failed", exc.detail
            return
        if report.status not in TERMINAL and event.get("status") in TERMINAL:
            # The end is announced a moment before RQ stores the result: read it again shortly.
            if event.get("rereads", 0) < MAX_REREADS:
                later(self, REREAD_SECONDS, {**event, "rereads": event.get("rereads", 0) + 1})
            return
        self.export_status, self.export_progress = report.status, report.progress
        if report.status == "finished":
            self._export_json = json.dumps(report.result, indent=2)
        elif report.status in TERMINAL:
            self.export_error = report.error or "The export failed."

    @rx.event
    def download_export(self):
        if self._export_json:
            return rx.download(data=self._export_json, filename="career-copilot-account.json",
                               mime_type="application/json")
