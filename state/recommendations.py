"""A seeker's recommended jobs, their enhanced (banded) recommendations, and skill gap against the market."""

import asyncio

import reflex as rx

from career_app import db
from career_app.services import enhanced_recommendations as enhanced
from career_app.services import families, live, matching, skills_gap, tasks
from career_app.services.errors import ServiceError
from models.enhanced_schemas import EnhancedRecommendations
from models.user import Role
from state.auth import AuthState
from state.common import byline, in_session, said
from state.live import follow, later, live_state, own_topic

TERMINAL = ("finished", "failed", "canceled", "stopped")
REREAD_SECONDS, MAX_REREADS = 0.2, 10
SENIORITY = {"under": "Under the level asked", "over": "Over the level asked", "fit": ""}
BAND_COLOR = {"Great": "green", "Good": "blue", "Fair": "amber", "Poor": "gray"}

LIMIT = 20


class RecommendationsState(AuthState):
    rows: list[dict[str, str]] = []
    loading: bool = False
    error: str = ""

    @rx.event
    async def load(self):
        user = await self._verified_user(Role.seeker)
        if user is None:
            return
        self.loading, self.error = True, ""
        yield
        try:
            items = await in_session(lambda s: matching.recommend(s, db.app_redis(), user, LIMIT))
        except ServiceError as exc:
            self.loading, self.rows, self.error = False, [], said(exc)
            return
        self.rows = [{
            "id": str(i.job_id), "title": i.title, "company": i.company_name or "", "location": i.location or "",
            "remote": "Remote" if i.remote else "", "score": str(round(i.match_score * 100)),
            "byline": byline(i.company_name, i.location, "Remote" if i.remote else ""),
            "matched": ", ".join(i.matched_skills[:6]), "missing": ", ".join(i.missing_skills[:6]),
            "seniority": SENIORITY.get(i.seniority_fit, ""),
        } for i in items]
        self.loading = False


@live_state
class EnhancedState(AuthState):
    """The top 50 banded with reasons: run as a task whose progress arrives live (no polling)."""
    task_id: str = ""
    status: str = ""
    progress: float = 0
    error: str = ""
    generated_by: str = ""
    items: list[dict[str, str]] = []

    @rx.var
    def running(self) -> bool:
        return self.status in ("queued", "started", "deferred", "scheduled")

    def _show(self, result: EnhancedRecommendations) -> None:
        self.generated_by = f"by {result.model}" if result.model else "offline (no LLM configured): calibrated scorer"
        self.items = [{
            "id": str(i.job_id), "title": i.title, "company": i.company_name or "", "band": i.band,
            "color": BAND_COLOR[i.band], "score": str(round(i.match_score * 100)),
            "must": f"{len(i.must_have_matched)} of {len(i.must_have_matched) + len(i.must_have_missing)}",
            "byline": byline(i.company_name, f"match {round(i.match_score * 100)}%", "must-haves shown "
                             f"{len(i.must_have_matched)} of {len(i.must_have_matched) + len(i.must_have_missing)}"),
            **{f"reason{k}": (i.reasons[k] if k < len(i.reasons) else "") for k in range(3)},
        } for i in result.items]

    @rx.event
    async def load(self):
        """On mount: the last result for the current resume, if any."""
        user = await self._verified_user(Role.seeker)
        if user is None:
            return
        try:
            self._show(await in_session(lambda s: enhanced.latest(s, db.app_redis(), user)))
        except ServiceError:
            self.items = []

    @rx.event
    async def run(self):
        user = await self._verified_user(Role.seeker)
        if user is None or self.running:
            return
        self.error, self.progress, self.status = "", 0, "queued"
        await follow(self, live.user(user.id))  # before the task exists: a quick one may end at once
        try:
            self.task_id = await in_session(lambda s: enhanced.start(s, db.rq_redis(), user))
        except ServiceError as exc:
            self.status, self.error = "failed", said(exc)

    async def on_live(self, topic: str, event: dict) -> None:
        if not await own_topic(self, topic) or not self.task_id:
            return
        if event.get("type") != "resync" and event.get("task_id") != self.task_id:
            return
        if event.get("status") == "started":
            self.status, self.progress = "started", event.get("progress", 0)
            return
        user = await self._verified_user(Role.seeker)
        if user is None:
            return
        try:
            report = await asyncio.to_thread(tasks.status, db.rq_redis(), self.task_id, user)
        except ServiceError as exc:
            self.status, self.error = "failed", said(exc)
            return
        if report.status not in TERMINAL and event.get("status") in TERMINAL:
            if event.get("rereads", 0) < MAX_REREADS:  # the end is announced just before RQ stores it
                later(self, REREAD_SECONDS, {**event, "rereads": event.get("rereads", 0) + 1})
            return
        self.status, self.progress = report.status, report.progress
        if report.status == "finished":
            try:
                self._show(await in_session(lambda s: enhanced.latest(s, db.app_redis(), user)))
            except ServiceError as exc:
                self.error = said(exc)
        elif report.status in TERMINAL:
            self.error = report.error or "The ranking failed."


FAMILY_OPTIONS = [{"name": name, "label": families.label(name)} for name in families.names()]
CHART_ROW_PX, CHART_FRAME_PX = 30, 70


class SkillsGapState(AuthState):
    """The seeker's skills against their field's listings; the fields can be changed on the page
    (`picked`), else the profile's (or the resume's) apply."""
    loading: bool = False
    error: str = ""
    coverage: float = 0
    active_jobs: int = 0
    your_skills: list[str] = []
    chart: list[dict[str, str | int]] = []
    missing: list[dict[str, str]] = []
    families: list[str] = []
    market: str = ""  # the families' labels, for people
    choosing: bool = False
    picked: list[str] = []  # the families chosen on the page; empty: the profile's
    family_options: list[dict[str, str]] = FAMILY_OPTIONS

    @rx.var
    def chart_height(self) -> int:
        return CHART_FRAME_PX + CHART_ROW_PX * max(len(self.chart), 1)

    @rx.event
    async def load(self):
        user = await self._verified_user(Role.seeker)
        if user is None:
            return
        self.loading, self.error = True, ""
        yield
        chosen = [f for f in self.picked if families.valid(f)] or None
        try:
            report = await in_session(lambda s: skills_gap.report(s, db.app_redis(), user, chosen))
        except ServiceError as exc:
            self.loading, self.error = False, said(exc)
            return
        self.coverage, self.active_jobs, self.your_skills = report.coverage_percent, report.active_jobs, report.your_skills
        self.families, self.market = report.families, " · ".join(report.family_labels)
        covered = set(report.covered_skills)
        self.chart = [{"skill": d.skill, "have": d.job_count if d.skill in covered else 0,
                       "missing": 0 if d.skill in covered else d.job_count} for d in report.top_market_skills]
        self.missing = [{"skill": d.skill, "jobs": f"{d.job_count} job{'' if d.job_count == 1 else 's'}",
                         "share": f"{round(d.share * 100)}%",
                         "url": d.learning.url if d.learning else "", "title": d.learning.title if d.learning else ""}
                        for d in report.missing_skills]
        self.loading = False

    @rx.event
    def toggle_choosing(self):
        self.choosing = not self.choosing
        if self.choosing and not self.picked:
            self.picked = list(self.families)

    @rx.event
    def pick(self, family: str, checked: bool):
        if not families.valid(family):
            return
        rest = [f for f in self.picked if f != family]
        self.picked = rest + [family] if checked else rest

    @rx.event
    async def apply_families(self):
        if not self.picked:
            self.error = "Choose at least one field."
            return
        self.error, self.choosing = "", False
        return SkillsGapState.load

    @rx.event
    async def use_profile_families(self):
        self.picked, self.choosing, self.error = [], False, ""
        return SkillsGapState.load
