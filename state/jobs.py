"""The public job feed with filters, and the job page: four pillars plus the seeker's match."""

import reflex as rx

from career_app import db
from career_app.services import enhanced_recommendations as enhanced
from career_app.services import advice, families, jobs, matching, salary
from career_app.services.errors import ServiceError
from models.job import MAX_SALARY
from models.job_schemas import JobFeedItem
from models.user import Role
from state.auth import AuthState
from state.common import REMOTE_LABEL, byline, in_session, page_label, pages_for, said

PAGE_SIZE = 20


def feed_row(item: JobFeedItem) -> dict[str, str]:
    return {
        "id": str(item.id),
        "title": item.title,
        "company": item.company_name or "",
        "location": item.location or "",
        "byline": byline(item.company_name, item.location),
        "remote": REMOTE_LABEL.get(item.remote_option or "", ""),
        "skills": ", ".join(item.skills_required[:6]),
        "salary": salary.posted_text(item.salary_min, item.salary_max, item.salary_currency, item.salary_period),
        "posted": item.created_at.strftime("%Y-%m-%d"),
    }


def rates_note() -> str:
    table = salary.rates()
    return f"Amounts in other currencies converted at reference rates of {table.as_of} ({table.source})."


class JobFeedState(AuthState):
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 0
    loading: bool = False
    error: str = ""
    q: str = ""
    location: str = ""
    company: str = ""
    skills: str = ""
    salary_min: str = ""
    salary_currency: str = salary.FALLBACK_CURRENCY  # the seeker's country's on load, when known
    include_unsalaried: bool = False
    rates_note: str = ""
    posted_within: str = "any"
    remote_only: bool = False

    @rx.var
    def page_count(self) -> int:
        return pages_for(self.total, PAGE_SIZE)

    @rx.var
    def page_label(self) -> str:
        return page_label(self.page, self.total, PAGE_SIZE, "job")

    @rx.var
    def next_href(self) -> str:
        return f"/jobs?page={self.page + 2}" if self.page + 1 < self.page_count else ""

    @rx.var
    def prev_href(self) -> str:
        return f"/jobs?page={self.page}" if self.page > 0 else ""

    async def _reload(self):
        self.loading, self.error = True, ""
        yield
        try:
            minimum = int(self.salary_min) if self.salary_min.strip() else None
            if minimum is not None and not 0 <= minimum <= MAX_SALARY:  # INR, JPY, IDR salaries run high
                raise ValueError
        except ValueError:
            self.loading, self.error = False, "Minimum salary must be a whole number"
            return
        params = dict(q=self.q or None, location=self.location or None, company=self.company or None,
                      skills=[s.strip() for s in self.skills.split(",") if s.strip()][:20] or None,
                      salary_min=minimum, salary_currency=self.salary_currency,
                      include_unsalaried=self.include_unsalaried, remote_only=self.remote_only,
                      posted_within_days=None if self.posted_within == "any" else int(self.posted_within),
                      skip=self.page * PAGE_SIZE, limit=PAGE_SIZE)
        try:
            result = await in_session(lambda s: jobs.search(s, db.app_redis(), **params))
        except ServiceError as exc:
            self.loading, self.error = False, said(exc)
            return
        self.rows = [feed_row(i) for i in result.items]
        self.total = result.total
        self.loading = False

    @rx.event
    async def load(self):
        """The page number comes from the URL (?page=3, from 1), so back, reload and a shared link
        keep the place; Previous and Next are links to the neighbouring pages."""
        try:
            self.page = max(0, min(int(self.router.url.query_parameters.get("page", "1")), 10_000) - 1)
        except ValueError:
            self.page = 0
        user = await self._verified_user()
        if not self.rates_note:  # first visit: the filter's currency is the seeker's country's, else USD
            self.salary_currency = salary.default_currency(user.location if user is not None else None)
            self.rates_note = rates_note()
        async for _ in self._reload():
            yield

    async def _first_page(self):
        """New filters show their first page. From ?page=N the address changes to /jobs, whose load
        reads the filters (kept in this state) again; else the list reloads in place."""
        self.page = 0
        if self.router.url.query_parameters.get("page"):
            yield rx.redirect("/jobs")
            return
        async for _ in self._reload():
            yield

    @rx.event
    async def apply_filters(self, form: dict):
        self.q = str(form.get("q", ""))[:200]
        self.location = str(form.get("location", ""))[:100]
        self.company = str(form.get("company", ""))[:100]
        self.skills = str(form.get("skills", ""))[:400]
        self.salary_min = str(form.get("salary_min", ""))[:12]
        async for update in self._first_page():
            yield update

    @rx.event
    async def set_remote_only(self, value: bool):
        self.remote_only = bool(value)
        async for update in self._first_page():
            yield update

    @rx.event
    async def set_salary_currency(self, value: str):
        self.salary_currency = value if value in salary.currencies() else salary.FALLBACK_CURRENCY
        if self.salary_min.strip():
            async for update in self._first_page():
                yield update

    @rx.event
    async def set_include_unsalaried(self, value: bool):
        self.include_unsalaried = bool(value)
        if self.salary_min.strip():
            async for update in self._first_page():
                yield update

    @rx.event
    async def set_posted_within(self, value: str):
        self.posted_within = value if value in ("any", "1", "7", "30") else "any"
        async for update in self._first_page():
            yield update


def _level(level: str | None, years: float | None) -> str:
    parts = ([level] if level else []) + ([f"{years:g}+ years"] if years is not None else [])
    return ", ".join(parts) or "no level or years stated"


def seniority_text(fit: str, job_level: str | None, job_years: float | None, resume_level: str | None,
                   resume_years: float | None) -> str:
    """One line for the match panel: the job's level and years beside the seeker's."""
    verdict = {"under": "Under the level asked", "over": "Over the level asked"}.get(fit, "A fit")
    return (f"{verdict}: the job asks {_level(job_level, job_years)}; "
            f"your resume reads {_level(resume_level, resume_years)}.")


def enhanced_for_job(session, user, job_id):
    """(the job's item, who banded it) in the seeker's latest enhanced recommendations, else None."""
    try:
        result = enhanced.latest(session, db.app_redis(), user)
    except ServiceError:
        return None
    item = next((i for i in result.items if i.job_id == job_id), None)
    return None if item is None else (item, result.model or "offline rule")


class JobPageState(AuthState):
    found: bool = False
    loaded: bool = False
    job: dict[str, str] = {}
    skills: list[str] = []
    skills_required: list[str] = []
    resume_guide: list[str] = []
    questions: list[dict[str, str]] = []
    # the seeker's match
    match_loading: bool = False
    match_error: str = ""
    match: dict[str, str] = {}
    match_percent: int = 0
    missing_skills: list[str] = []
    gap_advice: list[dict[str, str]] = []  # per missing requirement: how to address it, in the job's field
    matched_skills: list[str] = []
    learning: list[dict[str, str]] = []
    evidence: list[dict[str, str]] = []  # each matched requirement with the resume line that shows it
    seniority: dict[str, str] = {}
    band: dict[str, str] = {}  # this job in the seeker's latest enhanced recommendations, if there
    band_reasons: list[str] = []

    @rx.var
    def is_offline(self) -> bool:
        return self.job.get("generated_by", "") == "offline"

    @rx.var
    def guides_replaced(self) -> bool:
        """The model's guides did not pass the check for this job's field: the offline ones stand in."""
        return self.job.get("guides_check", "") == advice.REPLACED

    @rx.var
    def can_match(self) -> bool:
        return self.user_role == Role.seeker.value and self.job.get("status", "") == "active"

    @rx.event
    async def load(self):
        viewer = await self._verified_user()
        job_id = self.router.page.params.get("job_id", "")
        self.loaded, self.match, self.match_error = False, {}, ""
        self.missing_skills, self.matched_skills, self.learning, self.gap_advice = [], [], [], []
        self.evidence, self.seniority, self.band, self.band_reasons = [], {}, {}, []
        try:
            job = await in_session(lambda s: jobs.to_out(jobs.get_visible(s, job_id, viewer), viewer))
        except ServiceError:
            self.found, self.loaded = False, True
            return
        estimate = job.salary_estimate
        estimated = estimate is not None and estimate.min is not None
        self.job = {
            "id": str(job.id), "title": job.title, "company": job.company_name or "",
            "location": job.location or "", "remote": REMOTE_LABEL.get(job.remote_option or "", ""),
            "description": job.description_raw, "status": job.status.value,
            "salary": salary.posted_text(job.salary_min, job.salary_max, job.salary_currency, job.salary_period),
            "estimate": (f"Estimated from {estimate.based_on} similar listings in {estimate.country_name}: "
                         f"{salary.yearly_text(estimate.min, estimate.max, estimate.currency)}") if estimated else "",
            "estimate_note": estimate.note if estimate is not None and not estimated else "",
            "generated_by": job.generated_by or "", "apply_url": job.external_apply_url or "",
            "posted": job.created_at.strftime("%Y-%m-%d"),
            "family": (job.resume_guide_generated or {}).get("family", ""),
            "family_label": families.label((job.resume_guide_generated or {}).get("family")),
            "guides_check": (job.resume_guide_generated or {}).get("check", ""),
        }
        self.skills = job.skills or job.skills_required
        self.skills_required = list(job.skills_required or [])
        self.resume_guide = (job.resume_guide_generated or {}).get("resume_guide", [])
        self.questions = [{"question": q["question"], "strategy": q["answer_strategy"]}
                          for q in (job.prep_guide_generated or {}).get("questions", [])]
        self.found, self.loaded = True, True
        if self.can_match:
            return JobPageState.check_match

    @rx.event
    async def check_match(self):
        user = await self._verified_user(Role.seeker)
        if user is None:
            self.match_error = "Sign in as a job seeker to see your match."
            return
        self.match_loading, self.match_error = True, ""
        yield
        try:
            result = await in_session(matching.match, user, self.job.get("id", ""))
        except ServiceError as exc:
            self.match_loading, self.match_error = False, said(exc)
            return
        self.match = {
            "score": matching.match_percent(result.similarity_score),
            "raw": f"{result.raw_similarity:.2f}",
            "coverage": f"{round(result.skill_coverage * 100)}",
            "gap": "yes" if result.gap_detected else "no",
            "verdict": ("Missing a must-have" if result.missing_must_haves else
                        "Skill gap" if result.gap_detected else "Strong fit"),
            "explanation": result.gap_explanation,
            "threshold": f"{round(result.threshold * 100)}",
        }
        self.match_percent = round(result.similarity_score * 100)
        self.matched_skills, self.missing_skills = result.matched_skills, result.missing_skills
        self.gap_advice = advice.gap_advice(self.job.get("title", ""), self.job.get("company") or None,
                                            self.job.get("description", ""), self.skills,
                                            self.job.get("family") or None, result.missing_skills,
                                            required=self.skills_required)
        self.learning = [{"skill": link.skill, "url": link.url} for link in result.learning_recommendations]
        self.evidence = [{"requirement": e.requirement, "evidence": e.evidence,
                          "how": "same skill" if e.matched_by == "skill" else "close in meaning"}
                         for e in result.skill_evidence]
        self.seniority = {"fit": result.seniority_fit, "text": seniority_text(
            result.seniority_fit, result.job_level, result.job_years, result.resume_level, result.resume_years)}
        banded = await in_session(lambda s: enhanced_for_job(s, user, result.job_id))
        if banded is not None:
            item, by = banded
            self.band, self.band_reasons = {"band": item.band, "by": by}, item.reasons
        self.match_loading = False
