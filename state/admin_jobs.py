"""Admin view of every job: failed enrichments with their errors, retries, and the batch
re-enrichment task with its progress. Every handler re-checks the admin role."""

import asyncio

import reflex as rx

from career_app import db
from career_app.services import enrichment, jobs, tasks
from career_app.services.errors import ServiceError
from models.job import JobStatus
from models.user import Role
from state.auth import AuthState
from state.common import any_processing, follow_enrichment, in_session, job_row, pages_for

PAGE_SIZE = 20
STATUS_FILTERS = ("all", *[s.value for s in JobStatus])
POLL_SECONDS = 1.0
POLL_LIMIT_SECONDS = 3600


def _admin_rows(session, admin, status: str, skip: int) -> tuple[list[dict[str, str]], int]:
    found, total = jobs.all_jobs(session, admin, None if status == "all" else JobStatus(status), skip, PAGE_SIZE)
    return [job_row(j) for j in found], total


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
    _following: bool = False

    @rx.var
    def page_label(self) -> str:
        return f"Page {self.page + 1} of {pages_for(self.total, PAGE_SIZE)} · {self.total} jobs"

    @rx.var
    def task_running(self) -> bool:
        return self.task_status in ("queued", "started", "deferred", "scheduled")

    async def _reload(self) -> bool:
        admin = await self._verified_user(Role.admin)
        if admin is None:
            self.rows, self.total, self.error = [], 0, "Admin access required"
            return False
        self.rows, self.total = await in_session(_admin_rows, admin, self.status_filter, self.page * PAGE_SIZE)
        return True

    def _follow_if_processing(self):
        return AdminJobsState.follow if any_processing(self.rows) else None

    @rx.event(background=True)
    async def follow(self):
        """Refresh the list while a job on it is being enriched (statuses and ages stay live)."""
        await follow_enrichment(self, self._reload)

    @rx.event
    async def load(self):
        self.page = 0
        await self._reload()
        return self._follow_if_processing()

    @rx.event
    async def set_status_filter(self, value: str):
        self.status_filter = value if value in STATUS_FILTERS else "all"
        self.page = 0
        await self._reload()
        return self._follow_if_processing()

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
        return self._follow_if_processing()

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
        self.task_status = "queued"
        return AdminJobsState.follow_reenrich

    @rx.event(background=True)
    async def follow_reenrich(self):
        async with self:
            task_id = self.task_id
        loop = asyncio.get_running_loop()
        deadline = loop.time() + POLL_LIMIT_SECONDS
        while loop.time() < deadline:
            await asyncio.sleep(POLL_SECONDS)
            async with self:
                admin = await self._verified_user(Role.admin)
                if admin is None or self.task_id != task_id:
                    return
                try:
                    report = await asyncio.to_thread(tasks.status, db.rq_redis(), task_id, admin)
                except ServiceError as exc:
                    self.task_status, self.error = "failed", exc.detail
                    return
                self.task_status, self.task_progress = report.status, report.progress
                if report.status == "finished":
                    result = report.result or {}
                    self.task_summary = (f"{result.get('enriched', 0)} of {result.get('total', 0)} jobs enriched, "
                                         f"{result.get('failed', 0)} failed.")
                    await self._reload()
                    return
                if report.status in ("failed", "canceled", "stopped"):
                    self.error = report.error or "Re-enrichment failed."
                    return
