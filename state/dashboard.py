"""The signed-in home: profile and the account export (a background task with progress)."""

import asyncio
import json

import reflex as rx

from career_app import db
from career_app.services import tasks
from career_app.services.errors import ServiceError
from state.auth import AuthState

POLL_SECONDS = 0.5
POLL_LIMIT_SECONDS = 120


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
        try:
            self.export_task_id = await asyncio.to_thread(
                tasks.enqueue, db.rq_redis(), "export_account", user, str(user.id)
            )
        except Exception as exc:  # noqa: BLE001 - the queue being down must not break the page
            self.export_status = "failed"
            self.export_error = f"Could not start the export: {type(exc).__name__}"
            return
        return DashboardState.poll_export

    @rx.event(background=True)
    async def poll_export(self):
        """Follows the task without holding the tab's state lock between polls."""
        async with self:
            task_id, user_id = self.export_task_id, self._user_id
        if not task_id or not user_id:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + POLL_LIMIT_SECONDS
        while loop.time() < deadline:
            await asyncio.sleep(POLL_SECONDS)
            async with self:
                user = await self._verified_user()
                if user is None or self.export_task_id != task_id:
                    return
                try:
                    report = await asyncio.to_thread(tasks.status, db.rq_redis(), task_id, user)
                except ServiceError as exc:
                    self.export_status, self.export_error = "failed", exc.detail
                    return
                self.export_status = report.status
                self.export_progress = report.progress
                if report.status == "finished":
                    self._export_json = json.dumps(report.result, indent=2)
                    return
                if report.status in ("failed", "canceled", "stopped"):
                    self.export_error = report.error or "The export failed."
                    return
        async with self:
            self.export_status, self.export_error = "failed", "The export is taking too long; try again later."

    @rx.event
    def download_export(self):
        if self._export_json:
            return rx.download(data=self._export_json, filename="career-copilot-account.json",
                               mime_type="application/json")
