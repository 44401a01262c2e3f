"""A seeker's recommended jobs and skill gap against the market."""

import reflex as rx

from career_app import db
from career_app.services import matching
from career_app.services.errors import ServiceError
from models.user import Role
from state.auth import AuthState
from state.common import in_session

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
            self.loading, self.rows, self.error = False, [], exc.detail
            return
        self.rows = [{
            "id": str(i.job_id), "title": i.title, "company": i.company_name or "", "location": i.location or "",
            "remote": "Remote" if i.remote else "", "score": str(round(i.match_score * 100)),
            "matched": ", ".join(i.matched_skills[:6]), "missing": ", ".join(i.missing_skills[:6]),
        } for i in items]
        self.loading = False


class SkillsGapState(AuthState):
    loading: bool = False
    error: str = ""
    coverage: float = 0
    active_jobs: int = 0
    your_skills: list[str] = []
    chart: list[dict[str, str | int]] = []
    missing: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        user = await self._verified_user(Role.seeker)
        if user is None:
            return
        self.loading, self.error = True, ""
        yield
        try:
            report = await in_session(lambda s: matching.skills_gap(s, db.app_redis(), user))
        except ServiceError as exc:
            self.loading, self.error = False, exc.detail
            return
        self.coverage, self.active_jobs, self.your_skills = report.coverage_percent, report.active_jobs, report.your_skills
        covered = set(report.covered_skills)
        self.chart = [{"skill": d.skill, "have": d.job_count if d.skill in covered else 0,
                       "missing": 0 if d.skill in covered else d.job_count} for d in report.top_market_skills]
        self.missing = [{"skill": d.skill, "jobs": str(d.job_count), "share": f"{round(d.share * 100)}%",
                         "url": d.learning.url if d.learning else ""} for d in report.missing_skills]
        self.loading = False
