"""/tracker: the seeker's own tracked jobs (private jobs and saved listings), paginated, with add,
edit, delete, "import from URL" (services/job_import.py) and "Apply" (its one application); and the
"Save to tracker" button of the public job page (TrackerSaveState)."""

import asyncio
import uuid

import reflex as rx
from pydantic import ValidationError

from career_app import db
from career_app.services import applications, job_import, jobs
from career_app.services.errors import ServiceError
from models.application_schemas import TrackedJobCreate, TrackedJobUpdate
from models.job import TrackingStatus, Visibility
from models.user import Role
from state.auth import AuthState, validation_message
from state.applications import STATUS_LABEL
from state.common import in_session, money, pages_for


PAGE_SIZE = 20
TRACKING_LABEL = {"saved": "Saved", "interested": "Interested", "applied": "Applied", "archived": "Archived"}
FORM_FIELDS = ("title", "company_name", "location", "salary_min", "salary_max", "salary_currency",
               "external_apply_url", "notes")


def _row(item) -> dict[str, str]:
    return {
        "id": str(item.id), "title": item.title, "company": item.company_name or "", "location": item.location or "",
        "salary": money(item.salary_min, item.salary_max, item.salary_currency, item.salary_period),
        "tracking": TRACKING_LABEL.get(item.tracking_status.value if item.tracking_status else "", ""),
        "saved_listing": str(item.listing_id) if item.listing_id else "",
        "url": item.external_apply_url or item.source_url or "", "added": item.created_at.strftime("%Y-%m-%d"),
        "application_id": str(item.application_id) if item.application_id else "",
        "application": STATUS_LABEL.get(item.application_status.value, "") if item.application_status else "",
    }


def _page(session, user, skip: int) -> tuple[list[dict[str, str]], int]:
    rows, total = jobs.list_owned(session, user, skip, PAGE_SIZE)
    return [_row(i) for i in applications.tracked_out(session, rows, user)], total


def _form_fields(form: dict) -> dict:
    fields = {k: (str(form.get(k) or "").strip() or None) for k in FORM_FIELDS}
    for name in ("salary_min", "salary_max"):
        if fields[name] is not None:
            try:
                fields[name] = int(fields[name])
            except ValueError as exc:
                raise ValueError(f"{name.replace('_', ' ').capitalize()} must be a whole number") from exc
    return fields


class TrackerState(AuthState):
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 0
    loading: bool = True
    error: str = ""
    notice: str = ""
    # the add / edit form (re-mounted through form_key with the draft's values)
    form_open: bool = False
    editing_id: str = ""
    draft: dict[str, str] = {}
    tracking_status: str = "saved"
    form_key: int = 0
    form_error: str = ""
    # import from URL
    import_url_error: str = ""
    importing: bool = False

    @rx.var
    def page_label(self) -> str:
        return f"Page {self.page + 1} of {pages_for(self.total, PAGE_SIZE)} · {self.total} jobs"

    @rx.var
    def has_next(self) -> bool:
        return (self.page + 1) * PAGE_SIZE < self.total

    async def _seeker(self):
        return await self._verified_user(Role.seeker)

    async def _reload(self, user) -> None:
        try:
            self.rows, self.total = await in_session(_page, user, self.page * PAGE_SIZE)
        except ServiceError as exc:
            self.error = exc.detail
        if not self.rows and self.page > 0:
            self.page = max(0, pages_for(self.total, PAGE_SIZE) - 1)
            self.rows, self.total = await in_session(_page, user, self.page * PAGE_SIZE)
        self.loading = False

    @rx.event
    async def load(self):
        self.loading, self.error, self.notice = True, "", ""
        user = await self._seeker()
        if user is None:
            self.loading = False
            return
        await self._reload(user)

    @rx.event
    async def next_page(self):
        user = await self._seeker()
        if user and self.has_next:
            self.page += 1
            await self._reload(user)

    @rx.event
    async def prev_page(self):
        user = await self._seeker()
        if user and self.page > 0:
            self.page -= 1
            await self._reload(user)

    # --- add and edit --------------------------------------------------------------------------

    @rx.event
    def start_add(self):
        self.editing_id, self.draft, self.tracking_status, self.form_error = "", {}, "saved", ""
        self.form_open, self.form_key = True, self.form_key + 1

    @rx.event
    async def start_edit(self, job_id: str):
        user = await self._seeker()
        if user is None:
            return
        try:
            item = await in_session(lambda s: applications.tracked_out(s, [jobs.get_owned(s, job_id, user)], user)[0])
        except ServiceError as exc:
            self.error = exc.detail
            return
        self.draft = {k: "" if getattr(item, k) is None else str(getattr(item, k)) for k in FORM_FIELDS}
        self.tracking_status = item.tracking_status.value if item.tracking_status else "saved"
        self.editing_id, self.form_error = job_id, ""
        self.form_open, self.form_key = True, self.form_key + 1

    @rx.event
    def set_form_open(self, value: bool):
        self.form_open = value

    @rx.event
    def set_tracking_status(self, value: str):
        if value in TRACKING_LABEL:
            self.tracking_status = value

    @rx.event
    async def save(self, form: dict):
        user = await self._seeker()
        if user is None:
            self.form_error = "Only job seekers keep a tracker."
            return
        editing = self.editing_id
        try:
            fields = {**_form_fields(form), "tracking_status": TrackingStatus(self.tracking_status)}
            data = TrackedJobUpdate(**fields) if editing else TrackedJobCreate(**fields)
        except ValidationError as exc:
            self.form_error = validation_message(exc)
            return
        except ValueError as exc:
            self.form_error = str(exc)
            return
        try:
            if editing:
                await in_session(lambda s: applications.update_tracked(s, jobs.get_owned(s, editing, user), data).id)
            else:
                await in_session(lambda s: applications.create_tracked(s, user, data).id)
                self.page = 0
        except ServiceError as exc:
            self.form_error = exc.detail
            return
        self.form_open, self.notice = False, "Changes saved." if editing else f"{data.title} added to your tracker."
        await self._reload(user)

    @rx.event
    async def delete(self, job_id: str):
        user = await self._seeker()
        if user is None:
            return
        self.error = ""
        try:
            await in_session(lambda s: jobs.delete(s, db.app_redis(), user, job_id))
            self.notice = "Removed from your tracker."
        except ServiceError as exc:
            self.error = exc.detail
        await self._reload(user)

    @rx.event
    async def apply(self, job_id: str):
        """"Apply": the job's one application (services/applications/tracked.py), filed as Applied today
        with the job's notes; when it exists already (a second click), the board opens it."""
        user = await self._seeker()
        if user is None:
            return
        self.error, self.notice = "", ""

        def apply(session) -> tuple[str, bool, str]:
            app, created = applications.apply(session, db.app_redis(), user, job_id)
            return str(app.id), created, f"{app.job_title} at {app.company_name}"

        try:
            app_id, created, label = await in_session(apply)
        except ServiceError as exc:
            self.error = exc.detail
            return
        if not created:
            return rx.redirect(f"/applications?open={app_id}")
        self.notice = f"Applied: {label} is on your board as Applied, dated today."
        await self._reload(user)

    # --- import from URL -----------------------------------------------------------------------

    @rx.event
    async def import_url(self, form: dict):
        user = await self._seeker()
        if user is None:
            return
        url = str(form.get("url") or "").strip()
        self.import_url_error, self.notice = "", ""
        if not url:
            self.import_url_error = "Paste the address of a job posting."
            return
        self.importing = True
        yield
        try:
            posting, how = await asyncio.to_thread(job_import.read_posting, url)  # no session held while fetching
            job = await in_session(lambda s: applications.tracked_out(s, [applications.create_tracked(s, user, posting)],
                                                                      user)[0])
        except ServiceError as exc:
            self.importing, self.import_url_error = False, exc.detail
            return
        except ValidationError as exc:
            self.importing, self.import_url_error = False, validation_message(exc)
            return
        self.importing, self.page = False, 0
        self.notice = f"Imported “{job.title}”" + (f" at {job.company_name}" if job.company_name else "") + \
            (" from the page's structured data." if how == "json-ld" else " from the page's title and description.")
        await self._reload(user)


class TrackerSaveState(AuthState):
    """The public job page's "Save to tracker" (seekers): a reference to the listing, saved once."""

    saved_entry: str = ""  # the tracker entry of the listing on show, if any
    save_error: str = ""
    _for_job: str = ""

    @rx.event
    async def check(self):
        """On the job page's load: whether this seeker already tracks the listing."""
        self.saved_entry, self.save_error = "", ""
        job_id = str(self.router.page.params.get("job_id") or "")
        self._for_job = job_id
        user = await self._verified_user(Role.seeker)
        if user is None or not job_id:
            return

        try:
            listing = uuid.UUID(job_id)
        except ValueError:
            return

        def find(session) -> str:
            try:
                job = jobs.get_visible(session, listing, user)
            except ServiceError:
                return ""
            if job.owner_id == user.id and job.visibility == Visibility.private:
                return str(job.id)  # one of the seeker's own tracked jobs
            entry = applications._saved_entry(session, user, listing)
            return str(entry.id) if entry is not None else ""

        self.saved_entry = await in_session(find)

    @rx.event
    async def save(self):
        user = await self._verified_user(Role.seeker)
        if user is None or not self._for_job:
            self.save_error = "Sign in as a job seeker to keep a tracker."
            return
        listing = self._for_job
        try:
            entry = await in_session(lambda s: str(applications.save_listing(s, user, listing)[0].id))
        except ServiceError as exc:
            self.save_error = exc.detail
            return
        self.saved_entry, self.save_error = entry, ""
