"""The provider console: post jobs, follow their enrichment live, retry, close, reopen, delete."""

import reflex as rx
from pydantic import ValidationError

from career_app import db
from career_app.services import jobs, live
from career_app.services.errors import ServiceError
from models.job_schemas import JobCreate, JobUpdate
from models.user import Role
from state.auth import AuthState, validation_message
from state.common import arm_stall_check, in_session, job_row, page_label, reloads_jobs
from state.live import follow, live_state, own_topic

PAGE_SIZE = 20


def _owned_rows(session, user, skip: int) -> tuple[list[dict[str, str]], int]:
    found, total = jobs.list_owned(session, user, skip, PAGE_SIZE)
    return [job_row(j) for j in found], total


@live_state
class ProviderState(AuthState):
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 0
    form_error: str = ""
    form_notice: str = ""
    list_error: str = ""
    posting: bool = False
    remote_option: str = "onsite"
    employment_type: str = "full_time"
    # editing an existing job: the form is re-mounted (form_key) with the job's values
    editing_id: str = ""
    draft: dict[str, str] = {}
    form_key: int = 0
    posted_job_id: str = ""  # the job just posted: its notice shows while it is being enriched
    _stall_check_at: float = 0.0

    @rx.var
    def posted_notice(self) -> str:
        """The confirmation of the job just posted, following its enrichment (it stays until the next post)."""
        posted = next((r for r in self.rows if r["id"] == self.posted_job_id), None)
        if posted is None:
            return ""
        said = f"Job posted. “{posted['title']}” "
        if posted["status"] == "active":
            return said + "is live in the feed."
        if posted["status"] == "enrich_failed" or posted["stalled"]:
            return said + "did not finish its AI enrichment; retry it in your jobs."
        return said + "is being enriched by AI; it goes live when it finishes."

    @rx.var
    def page_label(self) -> str:
        return page_label(self.page, self.total, PAGE_SIZE, "job")

    async def _reload(self, user) -> None:
        self.rows, self.total = await in_session(_owned_rows, user, self.page * PAGE_SIZE)
        arm_stall_check(self)

    @rx.event
    async def load(self):
        user = await self._verified_user(Role.provider, Role.admin)
        if user is None:
            return
        await follow(self, live.user(user.id))  # before reading: no status change slips between the two
        await self._reload(user)

    async def on_live(self, topic: str, event: dict) -> None:
        """A job of this user changed status (services/jobs.announce_status), or a resync: read the page again."""
        if await own_topic(self, topic) and reloads_jobs(event, self):
            user = await self._verified_user(Role.provider, Role.admin)
            if user is not None:
                await self._reload(user)

    @rx.event
    def set_remote_option(self, value: str):
        self.remote_option = value

    @rx.event
    def set_employment_type(self, value: str):
        self.employment_type = value

    def _fill_form(self, draft: dict[str, str], editing_id: str = "") -> None:
        self.draft, self.editing_id = draft, editing_id
        self.remote_option = draft.get("remote_option") or "onsite"
        self.employment_type = draft.get("employment_type") or "full_time"
        self.form_key += 1

    @rx.event
    async def start_edit(self, job_id: str):
        user = await self._verified_user(Role.provider, Role.admin)
        if user is None:
            return
        self.form_error, self.form_notice = "", ""
        try:
            job = await in_session(lambda s: jobs.to_out(jobs.get_owned(s, job_id, user), user))
        except ServiceError as exc:
            self.list_error = exc.detail
            return
        as_text = {k: "" if v is None else str(v) for k, v in job.model_dump(mode="json").items()
                   if not isinstance(v, (list, dict))}
        self._fill_form({**as_text, "skills": ", ".join(job.skills_required)}, str(job.id))

    @rx.event
    def cancel_edit(self):
        self.form_error = ""
        self._fill_form({})

    @staticmethod
    def _job_fields(form: dict) -> dict:
        fields = {k: (str(v).strip() or None) for k, v in form.items()}
        for name in ("salary_min", "salary_max"):  # the API takes whole numbers only; the form sends text
            if fields.get(name) is not None:
                try:
                    fields[name] = int(fields[name])
                except ValueError as exc:
                    raise ValueError(f"{name.replace('_', ' ').capitalize()} must be a whole number") from exc
        return dict(
            title=fields.get("title") or "", description_raw=fields.get("description_raw") or "",
            skills_required=[s for s in (fields.get("skills") or "").split(",") if s.strip()],
            company_name=fields.get("company_name"), location=fields.get("location"),
            salary_min=fields.get("salary_min"), salary_max=fields.get("salary_max"),
            salary_currency=fields.get("salary_currency"), external_apply_url=fields.get("external_apply_url"),
        )

    @rx.event
    async def post_job(self, form: dict):
        """Post a new job, or save the one being edited (a new title, description or skills re-enrich it)."""
        user = await self._verified_user(Role.provider, Role.admin)
        if user is None:
            self.form_error = "Only providers can post jobs."
            return
        self.form_error, self.form_notice, self.posted_job_id = "", "", ""
        editing = self.editing_id
        try:
            fields = {**self._job_fields(form), "remote_option": self.remote_option,
                      "employment_type": self.employment_type}
            data = JobUpdate(**fields) if editing else JobCreate(**fields)
        except ValidationError as exc:
            self.form_error = validation_message(exc)
            return
        except ValueError as exc:
            self.form_error = str(exc)
            return
        self.posting = True
        yield
        try:
            if editing:
                await in_session(lambda s: jobs.update(s, db.app_redis(), db.rq_redis(), user, editing, data).id)
            else:
                posted_id = await in_session(lambda s: jobs.create(s, db.app_redis(), db.rq_redis(), user, data).id)
        except ServiceError as exc:
            self.posting, self.form_error = False, exc.detail
            return
        self.posting = False
        if editing:
            self.form_notice = "Changes saved."
        else:
            self.page = 0
            self.posted_job_id = str(posted_id)
        self._fill_form({})
        await self._reload(user)

    async def _act(self, action, job_id: str):
        user = await self._verified_user(Role.provider, Role.admin)
        if user is None:
            return
        self.list_error = ""
        try:
            await in_session(lambda s: action(s, user, job_id))
        except ServiceError as exc:
            self.list_error = exc.detail
        await self._reload(user)

    @rx.event
    async def retry(self, job_id: str):
        await self._act(lambda s, u, j: jobs.retry_enrichment(s, db.rq_redis(), u, j).id, job_id)

    @rx.event
    async def close(self, job_id: str):
        await self._act(lambda s, u, j: jobs.update(s, db.app_redis(), db.rq_redis(), u, j,
                                                           JobUpdate(status="closed")).id, job_id)

    @rx.event
    async def reopen(self, job_id: str):
        await self._act(lambda s, u, j: jobs.update(s, db.app_redis(), db.rq_redis(), u, j,
                                                           JobUpdate(status="active")).id, job_id)

    @rx.event
    async def delete(self, job_id: str):
        await self._act(lambda s, u, j: jobs.delete(s, db.app_redis(), u, j), job_id)

    @rx.event
    async def next_page(self):
        user = await self._verified_user(Role.provider, Role.admin)
        if user and (self.page + 1) * PAGE_SIZE < self.total:
            self.page += 1
            await self._reload(user)

    @rx.event
    async def prev_page(self):
        user = await self._verified_user(Role.provider, Role.admin)
        if user and self.page > 0:
            self.page -= 1
            await self._reload(user)
