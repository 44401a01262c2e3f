"""Admin view of every job: failed enrichments with their errors, retries, and the batch
re-enrichment task with its progress. Every handler re-checks the admin role; statuses and the
re-enrichment's progress arrive as live events on the admins' topic (no polling)."""

import asyncio

import reflex as rx

from career_app import db
from career_app.services import enrichment, jobs, live, tasks
from career_app.services.errors import ServiceError
from models.job import JobStatus
from models.user import Role
from state.auth import AuthState
from state.common import arm_stall_check, in_session, job_row, page_label, reloads_jobs
from state.live import follow, live_state, unfollow

PAGE_SIZE = 20
STATUS_FILTERS = ("all", *[s.value for s in JobStatus])
# What the status filter shows for each value.
STATUS_LABELS = {"enrich_failed": "Enrichment failed", "processing": "Being enriched", "active": "Live",
                 "closed": "Closed", "all": "All listings"}
assert set(STATUS_LABELS) == set(STATUS_FILTERS)


def _admin_rows(session, admin, status: str, skip: int) -> tuple[list[dict[str, str]], int]:
    found, total = jobs.all_jobs(session, admin, None if status == "all" else JobStatus(status), skip, PAGE_SIZE)
    return [job_row(j) for j in found], total


@live_state
class AdminJobsState(AuthState):
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 0
    status_filter: str = "enrich_failed"
    error: str = ""
    task_id: str = ""
    task_status: str = ""
    task_progress: float = 0
    task_summary: str = ""
    _stall_check_at: float = 0.0

    @rx.var
    def page_label(self) -> str:
        return page_label(self.page, self.total, PAGE_SIZE, "listing")

    @rx.var
    def task_running(self) -> bool:
        return self.task_status in ("queued", "started", "deferred", "scheduled")

    async def _reload(self) -> bool:
        admin = await self._verified_user(Role.admin)
        if admin is None:
            self.rows, self.total, self.error = [], 0, "Admin access required"
            return False
        self.rows, self.total = await in_session(_admin_rows, admin, self.status_filter, self.page * PAGE_SIZE)
        arm_stall_check(self)
        return True

    @rx.event
    async def load(self):
        self.page = 0
        if await self._verified_user(Role.admin) is not None:
            await follow(self, live.ADMINS)  # before reading: no status change slips between the two
        await self._reload()

    @rx.event
    async def leave(self):
        """The page unmounted (another page of the app opened in this tab): stop following."""
        await unfollow(self, live.ADMINS)

    async def on_live(self, topic: str, event: dict) -> None:
        """Job statuses (services/jobs.announce_status) and the re-enrichment's progress
        (services/enrichment.announce_reenrich); a resync reads everything again."""
        if self.user_role != "admin":  # signed out, or someone else uses this tab now
            return
        if reloads_jobs(event, self):
            await self._reload()
        kind = event.get("type")
        if kind == "reenrich":
            self._reenrich_progress(event)
        elif kind == "resync" and self.task_running:
            await self._reenrich_status()

    def _reenrich_progress(self, event: dict) -> None:
        self.task_status, self.task_progress = event.get("status", ""), float(event.get("progress") or 0)
        if self.task_status == "finished":
            result = event.get("result") or {}
            self.task_summary = (f"{result.get('enriched', 0)} of {result.get('total', 0)} jobs enriched, "
                                 f"{result.get('failed', 0)} failed.")
        elif self.task_status == "failed":
            self.error = event.get("error") or "Re-enrichment failed."

    async def _reenrich_status(self) -> None:
        """After a resync (events may have been missed): the task's state from the queue, once."""
        admin = await self._verified_user(Role.admin)
        if admin is None or not self.task_id:
            return
        try:
            report = await asyncio.to_thread(tasks.status, db.rq_redis(), self.task_id, admin)
        except ServiceError as exc:
            self.task_status, self.error = "failed", exc.detail
            return
        self._reenrich_progress({"status": report.status, "progress": report.progress, "result": report.result,
                                 "error": report.error or ""})

    @rx.event
    async def set_status_filter(self, value: str):
        self.status_filter = value if value in STATUS_FILTERS else "all"
        self.page = 0
        await self._reload()

    @rx.event
    async def next_page(self):
        if (self.page + 1) * PAGE_SIZE < self.total:
            self.page += 1
            await self._reload()

    @rx.event
    async def prev_page(self):
        if self.page > 0:
            self.page -= 1
            await self._reload()

    @rx.event
    async def retry(self, job_id: str):
        admin = await self._verified_user(Role.admin)
        if admin is None:
            return
        self.error = ""
        try:
            await in_session(lambda s: jobs.retry_enrichment(s, db.rq_redis(), admin, job_id).id)
        except ServiceError as exc:
            self.error = exc.detail
        await self._reload()

    @rx.event
    async def start_reenrich(self):
        admin = await self._verified_user(Role.admin)
        if admin is None:
            return
        self.error, self.task_summary, self.task_progress = "", "", 0
        try:
            self.task_id = await asyncio.to_thread(enrichment.start_reenrich, db.app_redis(), db.rq_redis(), admin,
                                                   None, None)
        except ServiceError as exc:
            self.error = exc.detail
            return
        except Exception as exc:  # noqa: BLE001 - the queue being down must not break the page
            self.error = f"Could not start re-enrichment: {type(exc).__name__}"
            return
        self.task_status = "queued"  # the worker's events (on the admins' topic) take it from here
