"""The signed-in home: profile and the account export (a background task with progress)."""

import asyncio
import json

import reflex as rx

from career_app import db
from career_app.services import tasks
from career_app.services.errors import ServiceError
from career_app.services import ingestion, live, resumes, tracker_insights
from models.user import Role
from state.auth import AuthState
from state.common import byline, in_session, plural
from state.live import follow, later, live_state, own_topic

TERMINAL = ("finished", "failed", "canceled", "stopped")
REREAD_SECONDS = 0.2
MAX_REREADS = 10


def _short(amount: int) -> str:
    return f"{amount / 1000:g}k" if amount >= 10_000 else f"{amount:,}"


@live_state
class DashboardState(AuthState):
    export_task_id: str = ""
    export_status: str = ""
    export_progress: float = 0
    export_error: str = ""
    _export_json: str = ""
    # the seeker's application tracker in charts (services/tracker_insights.py), live on every change
    insights_loaded: bool = False
    tracker_total: int = 0
    funnel_rows: list[dict[str, str | int]] = []
    weekly_rows: list[dict[str, str | int]] = []
    salary_rows: list[dict[str, str | int]] = []
    salary_title: str = "Salary range of the jobs"
    funnel_rates: str = ""
    # seekers: the resume on file ("" before the first upload), so the page says what to do next
    resume_name: str = ""
    resume_skills_found: str = ""
    # admins: whether the instance has no live job yet (then the sample catalogue is offered)
    empty_catalogue: bool = False

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

    async def _read_insights(self) -> None:
        found = await in_session(tracker_insights.insights, self._user_id)
        funnel = found["funnel"]
        self.tracker_total = found["total"]
        self.funnel_rows = [{"stage": "Applied", "count": funnel["applied"]},
                            {"stage": "Interviewing", "count": funnel["interviewing"]},
                            {"stage": "Offer", "count": funnel["offer"]}]
        self.weekly_rows = [{"week": w["week"], "count": w["count"]} for w in found["weekly"]]
        self.salary_rows = [{"range": f"{_short(b['low'])}–{_short(b['high'])}", "count": b["count"]}
                            for b in found["salary_histogram"]]
        currency, others = found["salary_currency"], found["salaries_in_other_currencies"]
        self.salary_title = "Salary range of the jobs" + (f" ({currency})" if currency else "") + (
            f" · {others} in other currencies not shown" if others else "")
        rates = [(label, funnel[key]) for label, key in (("applied → interview", "applied_to_interview_rate"),
                                                         ("interview → offer", "interview_to_offer_rate"))]
        self.funnel_rates = byline(plural(found["total"], "application"),
                                   *[f"{label} {round(rate * 100)}%" for label, rate in rates if rate is not None])
        self.insights_loaded = True

    @rx.event
    async def load_insights(self):
        """The tracker charts' on_mount (seekers): read once, then again on each applications_changed."""
        user = await self._verified_user(Role.seeker)
        if user is None:
            return
        await follow(self, live.user(user.id))  # before reading: no change slips between the two
        await self._read_resume()
        await self._read_insights()

    async def _read_resume(self) -> None:
        def read(session):
            resume = resumes.current(session, self._user_id)
            return (resume.file_name or "your resume", len(resume.skills or [])) if resume else ("", 0)

        self.resume_name, skills = await in_session(read)
        self.resume_skills_found = plural(skills, "skill") + " found"

    @rx.event
    async def load_admin(self):
        """The admin card's on_mount: is the job board still empty?"""
        if await self._verified_user(Role.admin) is None:
            return
        found = await in_session(lambda session: ingestion.status(session, db.app_redis(), db.rq_redis()))
        self.empty_catalogue = found.empty_catalogue

    async def on_live(self, topic: str, event: dict) -> None:
        """The export task's progress and end, announced by the worker (no polling); the tracker charts
        read again when the seeker's applications change."""
        if not await own_topic(self, topic):
            return
        if event.get("type") in ("applications_changed", "resync") and self.insights_loaded:
            if await self._verified_user(Role.seeker) is not None:
                await self._read_insights()
        if not self.export_task_id:
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
