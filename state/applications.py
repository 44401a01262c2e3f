"""The seeker's application tracker in the web app (/applications): a Kanban board with one column
per status, moves by drag and drop or keyboard, filters, bulk moves, a card drawer (timeline,
interview rounds, notes), soft delete with undo, the add form, export links and the import wizard.

Every handler re-verifies the seeker from the session cookie and calls services/applications/,
the one place of the transition rule. The board follows the user's live topic: the tracker's
services announce `applications_changed` after every change (from this tab, another tab or the
REST API) and the board reads itself again; nothing polls."""

import asyncio
import base64
import uuid
from datetime import datetime, timezone
from urllib.parse import urlencode

import reflex as rx
from pydantic import ValidationError

from career_app import db
from career_app.services import applications, jobs, live
from career_app.services.errors import ServiceError
from models.application import TRANSITIONS, ApplicationStatus
from models.application_schemas import ApplicationCreate, ApplicationUpdate, InterviewRound
from models.user import Role
from state.auth import AuthState, validation_message
from state.common import byline, in_session, plural
from state.live import follow, live_state, own_topic

STATUSES = [s.value for s in ApplicationStatus]
STATUS_LABEL = {"saved": "Saved", "applied": "Applied", "interviewing": "Interviewing", "offer": "Offer",
                "accepted": "Accepted", "declined": "Declined", "rejected": "Rejected", "withdrawn": "Withdrawn"}
# The next step along the main pipeline (the card's "advance" button); other moves use the select.
NEXT_STATUS = {"saved": "applied", "applied": "interviewing", "interviewing": "offer", "offer": "accepted"}
SORT_LABEL = {"updated_at": "Last change", "created_at": "Added", "applied_on": "Applied on",
              "company_name": "Company", "job_title": "Title"}
COLUMN_LIMIT = 50  # cards per column; the column's count says how many there are in all
IMPORT_KEY = "tracker:import:"  # + user id + client token -> the uploaded file between preview and confirm
IMPORT_TTL = 15 * 60
LIVE_EVENTS = ("applications_changed", "resync")


def _next_interview(interviews) -> str:
    """The first pending round still ahead; rounds with and without a zone compared alike (a time
    without one read as UTC): a naive and an aware time cannot be compared as they are."""
    now = datetime.now(timezone.utc)

    def at(i) -> datetime:
        return i.scheduled_at if i.scheduled_at.tzinfo else i.scheduled_at.replace(tzinfo=timezone.utc)

    upcoming = sorted((i for i in interviews if i.scheduled_at is not None and i.outcome == "pending" and at(i) >= now),
                      key=at)
    return upcoming[0].scheduled_at.strftime("%Y-%m-%d %H:%M") if upcoming else ""


def _card(app) -> dict[str, str]:
    status = app.status.value
    nxt = NEXT_STATUS.get(status, "")
    return {
        "id": str(app.id), "company": app.company_name, "title": app.job_title, "status": status,
        "applied": app.applied_on.isoformat() if app.applied_on else "",
        "next_interview": _next_interview(app.interviews),
        "next": nxt, "next_label": STATUS_LABEL.get(nxt, ""),
        "allowed": ", ".join(STATUS_LABEL[s.value] for s in TRANSITIONS[app.status]),
    }


def _timeline_line(event) -> dict[str, str]:
    if event.kind == "status":
        what = f"{STATUS_LABEL.get(event.from_status or '', event.from_status)} → {STATUS_LABEL.get(event.to_status or '', event.to_status)}"
    elif event.kind == "created":
        what = f"Added as {STATUS_LABEL.get(event.to_status or '', event.to_status)}"
        if event.changes.get("imported"):
            what += " (imported)"
    elif event.kind == "updated":
        what = "Changed " + ", ".join(k.replace("_", " ") for k in event.changes)
    else:
        what = event.kind.capitalize()
    return {"when": event.at.strftime("%Y-%m-%d %H:%M"), "what": what}


def _board(session, user, statuses, q, sort, order) -> dict:
    found = applications.list_for(session, user, statuses=statuses, q=q, sort=sort, order=order,
                                  limit=COLUMN_LIMIT, board=True)
    board = {s: [] for s in STATUSES}
    for column in found.columns or []:
        board[column.status.value] = [_card(a) for a in column.items]
    return {"board": board, "counts": {s.value: n for s, n in found.counts.items()}}


def _tracked_choices(session, user) -> list[dict[str, str]]:
    rows, _ = jobs.list_owned(session, user, 0, 100)
    return [{"id": str(j.id), "label": f"{j.title} · {j.company_name or 'no company'}"} for j in rows]


@live_state
class ApplicationsState(AuthState):
    # One list per column: a move re-sends and re-renders the two columns it changed, not the board.
    cards_saved: list[dict[str, str]] = []
    cards_applied: list[dict[str, str]] = []
    cards_interviewing: list[dict[str, str]] = []
    cards_offer: list[dict[str, str]] = []
    cards_accepted: list[dict[str, str]] = []
    cards_declined: list[dict[str, str]] = []
    cards_rejected: list[dict[str, str]] = []
    cards_withdrawn: list[dict[str, str]] = []
    counts: dict[str, int] = {s: 0 for s in STATUSES}
    loading: bool = True
    error: str = ""  # board-wide: a refused move names the allowed ones
    notice: str = ""
    # filters
    status_filter: str = "all"
    search: str = ""
    sort: str = "updated_at"
    order: str = "desc"
    # drag and drop (components/kanban.py): the card pressed (mousedown) and the card being dragged
    # (set on dragstart when it is the pressed one, used on drop); backend only
    _pressed: str = ""
    _dragging: str = ""
    _drag_refused: bool = False
    dragging: bool = False  # a card is being dragged: the board's edge strips scroll it
    # bulk
    selected: list[str] = []
    bulk_target: str = "rejected"
    bulk_results: list[dict[str, str]] = []
    # undo of the last delete
    undo_id: str = ""
    undo_label: str = ""
    # add form
    add_open: bool = False
    add_error: str = ""
    add_source: str = "adhoc"  # adhoc | tracked
    add_job_id: str = ""
    add_status: str = "saved"
    tracked_choices: list[dict[str, str]] = []
    form_key: int = 0
    # the card drawer
    drawer_open: bool = False
    detail: dict[str, str] = {}
    timeline: list[dict[str, str]] = []
    rounds: list[dict[str, str]] = []
    drawer_error: str = ""
    drawer_notice: str = ""
    drawer_key: int = 0
    _interviews: list[dict] = []  # the drawer's rounds as stored (a new round is appended to them)
    # import wizard: step "" (closed) -> upload -> preview -> done
    import_step: str = ""
    import_progress: int = 0
    import_error: str = ""
    import_name: str = ""
    import_summary: dict[str, int] = {}
    import_errors: list[dict[str, str]] = []
    import_duplicates: list[dict[str, str]] = []
    import_summary_text: str = ""
    import_preview: list[dict[str, str]] = []
    import_columns: str = ""  # which field each header of the file fills
    import_busy: bool = False

    # --- derived -------------------------------------------------------------------------------

    @rx.var
    def total(self) -> int:
        return sum(self.counts.values())

    @rx.var
    def shown_statuses(self) -> list[str]:
        return STATUSES if self.status_filter == "all" else [self.status_filter]

    @rx.var
    def export_query(self) -> str:
        params = [("sort", self.sort), ("order", self.order)]
        if self.status_filter != "all":
            params.append(("status", self.status_filter))
        if self.search.strip():
            params.append(("q", self.search.strip()))
        return "?" + urlencode(params)

    @rx.var
    def selected_count(self) -> int:
        return len(self.selected)

    # --- loading -------------------------------------------------------------------------------

    async def _seeker(self):
        user = await self._verified_user(Role.seeker)
        if user is None:
            self.error = "The application tracker is for job seekers." if self.signed_in else ""
        return user

    def _cards(self) -> list[dict[str, str]]:
        return [c for status in STATUSES for c in getattr(self, f"cards_{status}")]

    async def _reload(self, user) -> None:
        statuses = None if self.status_filter == "all" else [ApplicationStatus(self.status_filter)]
        try:
            found = await in_session(_board, user, statuses, self.search.strip() or None, self.sort, self.order)
        except ServiceError as exc:
            self.error = exc.detail
            return
        for status, cards in found["board"].items():
            if getattr(self, f"cards_{status}") != cards:  # unchanged columns stay out of the update
                setattr(self, f"cards_{status}", cards)
        if self.counts != found["counts"]:
            self.counts = found["counts"]
        visible = {c["id"] for c in self._cards()}
        if any(i not in visible for i in self.selected):
            self.selected = [i for i in self.selected if i in visible]
        self.loading = False

    @rx.event
    async def load(self):
        self.loading, self.error, self.notice = True, "", ""
        user = await self._seeker()
        if user is None:
            self.loading = False
            return
        await follow(self, live.user(user.id))  # before reading: no change slips between the two
        await self._reload(user)
        # /applications?open=<id> (the tracker's "Open application"): that card's drawer
        if wanted := str(self.router.url.query_parameters.get("open") or ""):
            self.drawer_error, self.drawer_notice = "", ""
            if await self._load_detail(user, wanted):
                self.drawer_key += 1
                self.drawer_open = True
            else:
                self.error, self.drawer_error = self.drawer_error, ""

    async def on_live(self, topic: str, event: dict) -> None:
        """Any change of this user's applications (this tab, another tab, REST, an import): read the board
        again; the drawer too when it shows one of the changed applications."""
        if not await own_topic(self, topic) or event.get("type") not in LIVE_EVENTS or not self._user_id:
            return
        user = await self._verified_user(Role.seeker)
        if user is None:
            return
        await self._reload(user)
        ids = event.get("ids") or []
        if self.drawer_open and self.detail.get("id") and (event.get("type") == "resync" or self.detail["id"] in ids):
            await self._load_detail(user, self.detail["id"])

    # --- filters -------------------------------------------------------------------------------

    @rx.event
    async def set_status_filter(self, value: str):
        if value == "all" or value in STATUSES:
            self.status_filter = value
            if user := await self._seeker():
                await self._reload(user)

    @rx.event
    async def set_sort(self, value: str):
        field, _, order = value.partition(":")
        if field in SORT_LABEL and order in ("asc", "desc"):
            self.sort, self.order = field, order
            if user := await self._seeker():
                await self._reload(user)

    @rx.event
    async def apply_search(self, form: dict):
        self.search = str(form.get("q") or "")[:200]
        if user := await self._seeker():
            await self._reload(user)

    # --- moves ---------------------------------------------------------------------------------

    async def _move(self, app_id: str, status: str) -> None:
        user = await self._seeker()
        if user is None or status not in STATUSES:
            return
        self.error, self.notice = "", ""
        try:
            app = await in_session(lambda s: applications.to_out(
                applications.change_status(s, db.app_redis(), user, app_id, ApplicationStatus(status))))
        except ServiceError as exc:
            self.error = exc.detail
            await self._reload(user)
            return
        self.notice = f"{app.company_name} · {app.job_title} moved to {STATUS_LABEL[status]}."
        if not self._place(_card(app)):
            await self._reload(user)
        # else the applications_changed event that follows reads the board again anyway

    def _place(self, card: dict[str, str]) -> bool:
        """A moved card put in its new column at once, without reading the board again: only when the
        board is sorted by last change (so the card belongs on top) and shows every status."""
        if (self.sort, self.order, self.status_filter) != ("updated_at", "desc", "all"):
            return False
        source = next((s for s in STATUSES if any(c["id"] == card["id"] for c in getattr(self, f"cards_{s}"))), None)
        if source is None:  # not on show (past a column's first cards): read the board
            return False
        setattr(self, f"cards_{source}", [c for c in getattr(self, f"cards_{source}") if c["id"] != card["id"]])
        self.counts = {**self.counts, source: max(0, self.counts.get(source, 0) - 1)}
        target = card["status"]
        setattr(self, f"cards_{target}", [card, *getattr(self, f"cards_{target}")][:COLUMN_LIMIT])
        self.counts = {**self.counts, target: self.counts.get(target, 0) + 1}
        return True

    @rx.event
    async def move(self, app_id: str, status: str):
        await self._move(app_id, status)

    @rx.event
    def press(self, app_id: str):
        self._pressed = app_id

    @rx.event
    def drag_start(self, app_id: str):
        """The drag moves this card only when it is the card that was pressed: the browser starts the drag
        on whatever is under the press point by then, another card if the board re-rendered or scrolled
        in between (components/kanban.py). Such a drag moves nothing."""
        pressed, self._pressed = self._pressed, ""
        if app_id and app_id == pressed:
            self._dragging, self._drag_refused, self.dragging = app_id, False, True
        else:
            self._dragging, self._drag_refused = "", True

    @rx.event
    def drag_end(self):
        """After the drop (if any): a drag released outside every column leaves nothing behind."""
        self._dragging, self._drag_refused, self._pressed = "", False, ""
        if self.dragging:
            self.dragging = False

    @rx.event
    async def drop_on(self, status: str):
        app_id, self._dragging, self.dragging = self._dragging, "", False
        if self._drag_refused:
            self._drag_refused = False
            self.error = ""
            self.notice = "The board changed under the pointer, so nothing was moved; drag the card again."
            return
        if app_id and not any(c["id"] == app_id for c in getattr(self, f"cards_{status}", [])):  # not its own column
            await self._move(app_id, status)

    # --- bulk ----------------------------------------------------------------------------------

    @rx.event
    def toggle_selected(self, app_id: str):
        if app_id in self.selected:
            self.selected = [i for i in self.selected if i != app_id]
        else:
            self.selected = [*self.selected, app_id]

    @rx.event
    def clear_selection(self):
        self.selected, self.bulk_results = [], []

    @rx.event
    def set_bulk_target(self, value: str):
        if value in STATUSES:
            self.bulk_target = value

    @rx.event
    async def bulk_move(self):
        user = await self._seeker()
        if user is None or not self.selected:
            return
        names = {c["id"]: f"{c['company']} · {c['title']}" for c in self._cards()}
        try:
            ids = [uuid.UUID(i) for i in self.selected]
            result = await in_session(applications.bulk_status, db.app_redis(), user, ids,
                                      ApplicationStatus(self.bulk_target))
        except (ValueError, ServiceError) as exc:
            self.error = getattr(exc, "detail", "Those applications cannot be moved")
            return
        self.bulk_results = [{"id": str(r.id), "name": names.get(str(r.id), str(r.id)), "ok": "yes" if r.ok else "",
                              "message": "moved" if r.ok else (r.error or "refused")} for r in result.results]
        self.notice = f"{result.updated} moved, {result.failed} refused."
        self.selected = [str(r.id) for r in result.results if not r.ok]
        await self._reload(user)

    # --- delete and undo -----------------------------------------------------------------------

    @rx.event
    async def delete(self, app_id: str):
        user = await self._seeker()
        if user is None:
            return
        try:
            app = await in_session(lambda s: applications.to_out(applications.delete(s, user, app_id)))
        except ServiceError as exc:
            self.error = exc.detail
            return
        self.undo_id, self.undo_label = str(app.id), f"{app.company_name} · {app.job_title}"
        self.drawer_open = False
        await self._reload(user)

    @rx.event
    async def undo_delete(self):
        user = await self._seeker()
        if user is None or not self.undo_id:
            return
        try:
            await in_session(applications.restore, user, self.undo_id)
            self.notice = f"{self.undo_label} restored."
        except ServiceError as exc:
            self.error = exc.detail
        self.undo_id, self.undo_label = "", ""
        await self._reload(user)

    @rx.event
    def dismiss_undo(self):
        self.undo_id, self.undo_label = "", ""

    # --- add -----------------------------------------------------------------------------------

    @rx.event
    async def open_add(self):
        user = await self._seeker()
        if user is None:
            return
        self.add_open, self.add_error, self.form_key = True, "", self.form_key + 1
        self.tracked_choices = await in_session(_tracked_choices, user)
        if self.add_job_id not in {c["id"] for c in self.tracked_choices}:
            self.add_job_id = self.tracked_choices[0]["id"] if self.tracked_choices else ""

    @rx.event
    def set_add_open(self, value: bool):
        self.add_open = value

    @rx.event
    def set_add_source(self, value: str):
        if value in ("adhoc", "tracked"):
            self.add_source = value

    @rx.event
    def set_add_job_id(self, value: str):
        self.add_job_id = value

    @rx.event
    def set_add_status(self, value: str):
        if value in STATUSES:
            self.add_status = value

    @rx.event
    async def add(self, form: dict):
        user = await self._seeker()
        if user is None:
            self.add_error = "Only job seekers keep a tracker."
            return
        fields = {k: (str(v).strip() or None) for k, v in form.items()}
        data = {"status": self.add_status, "job_url": fields.get("job_url"), "location": fields.get("location"),
                "notes": fields.get("notes")}
        if self.add_source == "tracked":
            if not self.add_job_id:
                self.add_error = "Choose one of your tracked jobs, or enter a company and title."
                return
            data["job_id"] = self.add_job_id
        else:
            data.update(company_name=fields.get("company_name"), job_title=fields.get("job_title"))
        try:
            create = ApplicationCreate.model_validate({k: v for k, v in data.items() if v is not None})
        except ValidationError as exc:
            self.add_error = validation_message(exc)
            return
        try:
            app = await in_session(lambda s: applications.to_out(applications.create(s, db.app_redis(), user, create)))
        except ServiceError as exc:
            self.add_error = exc.detail
            return
        self.add_open, self.add_error = False, ""
        self.notice = f"{app.company_name} · {app.job_title} added."
        await self._reload(user)

    # --- the drawer ----------------------------------------------------------------------------

    async def _load_detail(self, user, app_id: str) -> bool:
        try:
            found = await in_session(applications.get, user, app_id)
        except ServiceError as exc:
            self.drawer_error = exc.detail
            return False
        self.detail = {
            "id": str(found.id), "company": found.company_name, "title": found.job_title,
            "status": found.status.value, "status_label": STATUS_LABEL[found.status.value],
            "applied": found.applied_on.isoformat() if found.applied_on else "",
            "location": found.location or "", "job_url": found.job_url or "", "notes": found.notes or "",
            "allowed": ", ".join(STATUS_LABEL[s.value] for s in found.allowed_statuses) or "none (final)",
        }
        self.timeline = [_timeline_line(e) for e in reversed(found.timeline)]
        self.rounds = [{"name": r.name, "when": r.scheduled_at.strftime("%Y-%m-%d %H:%M") if r.scheduled_at else "",
                        "outcome": r.outcome, "feedback": r.feedback or ""} for r in found.interviews]
        self._interviews = [r.model_dump(mode="json") for r in found.interviews]
        return True

    @rx.event
    async def open_drawer(self, app_id: str):
        user = await self._seeker()
        if user is None:
            return
        self.drawer_error, self.drawer_notice = "", ""
        if await self._load_detail(user, app_id):
            self.drawer_key += 1
            self.drawer_open = True

    @rx.event
    def set_drawer_open(self, value: bool):
        self.drawer_open = value

    async def _patch(self, data: dict, notice: str) -> None:
        user = await self._seeker()
        app_id = self.detail.get("id", "")
        if user is None or not app_id:
            return
        self.drawer_error, self.drawer_notice = "", ""
        try:
            update = ApplicationUpdate.model_validate(data)
        except ValidationError as exc:
            self.drawer_error = validation_message(exc)
            return
        try:
            await in_session(lambda s: applications.update(s, db.app_redis(), user, app_id, update).id)
        except ServiceError as exc:
            self.drawer_error = exc.detail
            return
        self.drawer_notice = notice
        await self._load_detail(user, app_id)
        self.drawer_key += 1
        await self._reload(user)

    @rx.event
    async def save_notes(self, form: dict):
        await self._patch({"notes": str(form.get("notes") or "").strip() or None}, "Notes saved.")

    @rx.event
    async def add_round(self, form: dict):
        name = str(form.get("name") or "").strip()
        when = str(form.get("scheduled_at") or "").strip()
        round_ = {"name": name, "feedback": str(form.get("feedback") or "").strip() or None,
                  "outcome": str(form.get("outcome") or "pending")}
        if when:
            round_["scheduled_at"] = when if len(when) > 16 or "T" not in when else when + ":00"
        try:
            InterviewRound.model_validate(round_)
        except ValidationError as exc:
            self.drawer_error = validation_message(exc)
            return
        await self._patch({"interviews": [*self._interviews, round_]}, "Interview round added.")

    @rx.event
    async def drawer_move(self, status: str):
        app_id = self.detail.get("id", "")
        if app_id:
            await self._move(app_id, status)
            user = await self._seeker()
            if user is not None:
                await self._load_detail(user, app_id)
            if self.error:
                self.drawer_error, self.error = self.error, ""

    # --- import wizard -------------------------------------------------------------------------

    def _import_key(self) -> str:
        return f"{IMPORT_KEY}{self._user_id}:{self.router.session.client_token}"

    @rx.event
    def open_import(self):
        self.import_step, self.import_error, self.import_progress = "upload", "", 0
        self.import_summary, self.import_errors, self.import_preview, self.import_duplicates = {}, [], [], []

    @rx.event
    def close_import(self):
        self.import_step = ""

    @rx.event
    def upload_progress(self, progress: dict):
        self.import_progress = int(float(progress.get("progress", 0) or 0) * 100)

    def _show_report(self, report) -> None:
        self.import_summary = {"rows": report.rows, "created": report.created, "duplicates": report.duplicates,
                               "errors": report.error_count}
        self.import_summary_text = byline(plural(report.rows, "row"),
                                          f"{report.created:,} {'to create' if report.dry_run else 'created'}",
                                          plural(report.duplicates, "duplicate"), f"{report.error_count:,} with errors")
        self.import_errors = [{"row": str(e.row), "errors": "; ".join(e.errors)} for e in report.errors[:50]]
        self.import_duplicates = [{"row": str(d.row), "reason": d.reason} for d in report.duplicate_rows[:50]]
        self.import_columns = ", ".join(f"{header} → {field.replace('_', ' ')}" for header, field in report.columns.items())
        self.import_preview = [{"row": str(p.row), "company": p.company_name, "title": p.job_title,
                                "status": p.status.value, "applied": p.applied_on.isoformat() if p.applied_on else ""}
                               for p in report.preview]

    @rx.event
    async def preview_import(self, files: list[rx.UploadFile]):
        """Step 2: the uploaded file checked without storing anything (dry run); the file waits in Redis
        (not in the tab's state) for the confirmation."""
        user = await self._seeker()
        if user is None:
            self.import_error = "Sign in as a job seeker to import applications."
            return
        if not files:
            self.import_error = "Choose a CSV, XLSX or JSON file first."
            return
        self.import_error = ""
        data = await files[0].read(applications.MAX_IMPORT_BYTES + 1)
        name = files[0].name or "import"
        self.import_busy = True
        yield
        try:
            report = await in_session(lambda s: applications.import_file(s, user, data, name, dry_run=True))
        except ServiceError as exc:
            self.import_busy, self.import_error, self.import_progress = False, exc.detail, 0
            return
        # app_redis decodes replies as text: the file (XLSX is binary) is kept as base64
        await asyncio.to_thread(db.app_redis().set, self._import_key(), base64.b64encode(data).decode(),
                                ex=IMPORT_TTL)
        self.import_name, self.import_busy, self.import_progress = name, False, 100
        self._show_report(report)
        self.import_step = "preview"

    @rx.event
    async def confirm_import(self):
        user = await self._seeker()
        if user is None or self.import_step != "preview":
            return
        key = self._import_key()
        stored = await asyncio.to_thread(db.app_redis().get, key)
        data = base64.b64decode(stored) if stored else b""
        if not data:
            self.import_error, self.import_step = "The upload expired; please choose the file again.", "upload"
            return
        self.import_busy, self.import_progress = True, 0
        yield
        name = self.import_name
        try:
            report = await in_session(lambda s: applications.import_file(s, user, data, name))
        except ServiceError as exc:
            self.import_busy, self.import_error = False, exc.detail
            return
        await asyncio.to_thread(db.app_redis().delete, key)
        self._show_report(report)
        self.import_busy, self.import_progress, self.import_step = False, 100, "done"
        self.notice = f"Imported {plural(report.created, 'application')} ({plural(report.duplicates, 'duplicate')} " \
                      f"skipped, {plural(report.error_count, 'row')} refused)."
        await self._reload(user)
