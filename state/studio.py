"""The content studio page: pick a job (or type company and role), generate, watch the text stream
into the editor (live events on the user's topic, no polling), see unsupported claims, save edits
as versions, diff and restore versions, export."""

import uuid

import reflex as rx
from pydantic import ValidationError

from career_app import db
from career_app.services import content, jobs, live
from career_app.services.errors import ServiceError
from models.content_schemas import GenerateRequest
from models.user import Role
from state.auth import AuthState
from state.common import in_session
from state.live import follow, live_state, own_topic

KIND_LABEL = {"cover_letter": "Cover letter", "resume_tailoring": "Tailored resume", "email_template": "Email"}
EMAIL_LABEL = {"follow_up": "Follow-up", "thank_you": "Thank you", "withdrawal": "Withdrawal",
               "negotiation": "Negotiation", "networking": "Networking"}
TYPED = "typed"  # the job picker's "type company and role" choice


def _jobs_for(session, user, wanted: str) -> list[dict[str, str]]:
    rows, _ = jobs.list_owned(session, user, 0, 50)
    out = [{"id": str(j.id), "label": f"{j.title} · {j.company_name or 'no company'}"} for j in rows]
    if wanted and all(o["id"] != wanted for o in out):
        try:
            job = jobs.get_visible(session, wanted, user)
            out.insert(0, {"id": str(job.id), "label": f"{job.title} · {job.company_name or 'no company'}"})
        except ServiceError:
            pass
    return out


def _documents(session, user) -> list[dict[str, str]]:
    page = content.list_for(session, user, limit=30)
    return [{"id": str(d.id), "title": d.title, "kind": KIND_LABEL[d.type.value],
             "when": d.updated_at.strftime("%b %d %H:%M"), "versions": str(d.latest_version),
             "flags": str(d.unsupported_count)} for d in page.items]


def segments(text: str, claims: list[dict]) -> list[dict[str, str]]:
    """The text cut at the unsupported claims' spans: [{"text", "flag": "yes" | ""}]."""
    out, at = [], 0
    for claim in sorted(claims, key=lambda c: c["start"]):
        start, end = int(claim["start"]), int(claim["end"])
        if start < at or end > len(text):
            continue
        if start > at:
            out.append({"text": text[at:start], "flag": ""})
        out.append({"text": text[start:end], "flag": "yes"})
        at = end
    if at < len(text):
        out.append({"text": text[at:], "flag": ""})
    return out


@live_state
class StudioState(AuthState):
    job_options: list[dict[str, str]] = []
    job_choice: str = TYPED
    company: str = ""
    role: str = ""
    kind: str = "cover_letter"
    tone: str = "formal"
    length: str = "medium"
    email_kind: str = "follow_up"
    instructions: str = ""
    task_id: str = ""
    generating: bool = False
    text: str = ""  # the editor
    content_id: str = ""
    title: str = ""
    generated_by: str = ""
    latest_version: int = 0
    versions: list[dict[str, str]] = []
    claims: list[dict[str, str]] = []
    notes: list[str] = []  # remarks for the seeker beside the text (e.g. no application in the tracker)
    highlighted: list[dict[str, str]] = []
    diff_ops: list[dict[str, str]] = []
    diff_label: str = ""
    documents: list[dict[str, str]] = []
    error: str = ""
    notice: str = ""

    @rx.var
    def typed(self) -> bool:
        return self.job_choice == TYPED

    @rx.var
    def export_docx(self) -> str:
        return f"/api/v1/content/{self.content_id}/export.docx" if self.content_id else ""

    @rx.var
    def export_pdf(self) -> str:
        return f"/api/v1/content/{self.content_id}/export.pdf" if self.content_id else ""

    async def _seeker(self):
        user = await self._verified_user(Role.seeker)
        if user is None:
            self.error = "The content studio is for job seekers."
        return user

    @rx.event
    async def load(self):
        self.error, self.notice = "", ""
        user = await self._seeker()
        if user is None:
            return
        await follow(self, live.user(user.id))
        wanted = self.router.url.query_parameters.get("job", "")
        try:
            uuid.UUID(wanted)
        except ValueError:
            wanted = ""
        self.job_options = await in_session(_jobs_for, user, wanted)
        if wanted and any(o["id"] == wanted for o in self.job_options):
            self.job_choice = wanted
        self.documents = await in_session(_documents, user)

    # --- the form ---------------------------------------------------------------------------------

    @rx.event
    def set_job_choice(self, value: str):
        self.job_choice = value

    @rx.event
    def set_company(self, value: str):
        self.company = value[:200]

    @rx.event
    def set_role(self, value: str):
        self.role = value[:200]

    @rx.event
    def set_kind(self, value: str):
        if value in KIND_LABEL:
            self.kind = value

    @rx.event
    def set_tone(self, value: str):
        self.tone = value

    @rx.event
    def set_length(self, value: str):
        self.length = value

    @rx.event
    def set_email_kind(self, value: str):
        self.email_kind = value

    @rx.event
    def set_instructions(self, value: str):
        self.instructions = value[:1000]

    @rx.event
    def set_text(self, value: str):
        self.text = value

    @rx.event
    async def generate(self):
        self.error, self.notice = "", ""
        user = await self._seeker()
        if user is None:
            return
        try:
            req = GenerateRequest(
                type=self.kind, tone=self.tone, length=self.length,
                job_id=None if self.typed else self.job_choice,
                company=self.company.strip() or None if self.typed else None,
                role=self.role.strip() or None if self.typed else None,
                email_kind=self.email_kind if self.kind == "email_template" else None,
                instructions=self.instructions.strip() or None)
        except ValidationError as exc:
            self.error = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
            return
        try:
            task_id = await in_session(lambda s: content.start(s, db.rq_redis(), user, req))
        except ServiceError as exc:
            self.error = exc.detail
            return
        self.task_id, self.generating = task_id, True
        self.text, self.content_id, self.versions, self.claims, self.highlighted = "", "", [], [], []
        self.notes = []
        self.diff_ops, self.diff_label, self.title = [], "", ""

    async def on_live(self, topic: str, event: dict) -> None:
        if not await own_topic(self, topic) or not self.task_id or event.get("task_id") != self.task_id:
            return
        kind = event.get("type")
        if kind == "content_delta":
            self.text += event.get("text", "")
        elif kind == "content_done":
            self.generating = False
            user = await self._seeker()
            if user is not None:
                await self._open(user, event["content_id"])
                self.documents = await in_session(_documents, user)
        elif kind == "content_failed":
            self.generating, self.error = False, event.get("error") or "The document could not be written"

    # --- documents and versions ---------------------------------------------------------------------

    async def _open(self, user, content_id: str) -> None:
        detail = await in_session(content.get, user, content_id)
        latest = detail.versions[-1]
        self.content_id, self.title, self.generated_by = str(detail.id), detail.title, detail.generated_by
        self.latest_version = detail.latest_version
        self.text = latest.text
        # "latest" is decided here: in the page, a str/int comparison of var casts is always unequal
        self.versions = [{"number": str(v.number), "source": v.source.value, "flags": str(len(v.unsupported_claims)),
                          "latest": "yes" if v.number == detail.latest_version else "",
                          "when": v.created_at.strftime("%H:%M:%S")} for v in reversed(detail.versions)]
        self._show_claims(latest.text, [c.model_dump() for c in latest.unsupported_claims])
        self.notes = [item.text for item in latest.structure if item.section == "note"]

    def _show_claims(self, text: str, claims: list[dict]) -> None:
        self.claims = [{"text": c["text"], "kind": c["kind"], "sentence": c["sentence"]} for c in claims]
        self.highlighted = segments(text, claims)

    @rx.event
    async def open(self, content_id: str):
        self.error, self.notice, self.diff_ops, self.diff_label = "", "", [], ""
        user = await self._seeker()
        if user is None:
            return
        try:
            await self._open(user, content_id)
            self.task_id = ""
        except ServiceError as exc:
            self.error = exc.detail

    @rx.event
    async def save_version(self):
        self.error, self.notice = "", ""
        user = await self._seeker()
        if user is None or not self.content_id:
            return
        try:
            version = await in_session(content.add_version, user, self.content_id, self.text)
            await self._open(user, self.content_id)
        except ServiceError as exc:
            self.error = exc.detail
            return
        self.notice = f"Saved as version {version.number}."
        await self._diff(user, version.number - 1, version.number)
        self.documents = await in_session(_documents, user)

    async def _diff(self, user, a: int, b: int) -> None:
        found = await in_session(content.diff, user, self.content_id, a, b)
        self.diff_ops = [{"op": o.op, "from_text": o.from_text, "to_text": o.to_text} for o in found.ops]
        self.diff_label = f"Changes from version {a} to version {b}: +{found.added_words} / -{found.removed_words} words"

    @rx.event
    async def show_diff(self, number: str):
        """The differences between a version and the newest one; on the newest, what it changed from the
        one before (never a version against itself)."""
        user = await self._seeker()
        if user is None or not self.content_id:
            return
        try:
            chosen = int(number)
            if chosen >= self.latest_version:
                chosen = self.latest_version - 1
            if chosen < 1:
                raise ValueError
            await self._diff(user, chosen, self.latest_version)
        except (ServiceError, ValueError) as exc:
            self.error = getattr(exc, "detail", "No such version")

    @rx.event
    async def restore(self, number: str):
        self.error, self.notice = "", ""
        user = await self._seeker()
        if user is None or not self.content_id:
            return
        try:
            version = await in_session(content.restore, user, self.content_id, int(number))
            await self._open(user, self.content_id)
            await self._diff(user, version.number - 1, version.number)
        except (ServiceError, ValueError) as exc:
            self.error = getattr(exc, "detail", "No such version")
            return
        self.notice = f"Version {number} restored as version {version.number}."
        self.documents = await in_session(_documents, user)
