"""The seeker's coach page: their conversations and one live chat pane.

Live events arrive through state/live.py (no polling): messages from any tab, process or API
client, the coach's streamed chunks, and an admin joining or leaving."""

import reflex as rx

from career_app import db
from career_app.services import chat, coach, live
from career_app.services.errors import ServiceError
from models.chat import ChatSession
from models.user import Role
from sqlmodel import select
from state.auth import AuthState
from state.common import in_session
from state.live import follow, live_state, unfollow

PANE_MESSAGES = 100  # the pane keeps the latest messages; older ones stay in the database
STATUS_LABEL = {"active_ai": "AI coach", "human": "Human advisor", "closed": "Closed"}
BANNERS = {"admin_takeover": chat.JOINED_NOTE, "admin_release": chat.LEFT_NOTE}


def message_row(m: dict) -> dict[str, str]:
    author = {"user": "You", "assistant": "Coach", "admin": "Advisor", "system": ""}[m["role"]]
    badge = "offline coach" if m.get("generated_by") == "offline" else ""
    return {"id": str(m["id"]), "role": m["role"], "author": author, "content": m["content"],
            "time": m["created_at"][11:16], "interrupted": "yes" if m.get("interrupted") else "", "badge": badge}


def add_message(rows: list[dict[str, str]], row: dict[str, str]) -> list[dict[str, str]]:
    """A chat pane's messages with one more, unless it is already shown (this tab sent it, or the
    event came twice); the latest PANE_MESSAGES are kept."""
    if any(m["id"] == row["id"] for m in rows[-20:]):
        return rows
    return [*rows, row][-PANE_MESSAGES:]


def session_row(s) -> dict[str, str]:
    return {"id": str(s.id), "title": s.title, "status": s.status.value, "status_label": STATUS_LABEL[s.status.value],
            "preview": s.last_message_preview[:80], "when": s.last_message_at.strftime("%b %d %H:%M")}


def _session_for_job(session, user, job_id: str) -> str:
    """The seeker's open conversation about this job, or a new one."""
    existing = session.exec(select(ChatSession.id).where(
        ChatSession.user_id == user.id, ChatSession.job_id == job_id, ChatSession.status != "closed")
        .order_by(ChatSession.last_message_at.desc())).first()
    if existing:
        return str(existing)
    return str(chat.create_session(session, db.app_redis(), user, job_id).id)


@live_state
class CoachState(AuthState):
    sessions: list[dict[str, str]] = []
    active_id: str = ""
    active_title: str = ""
    status: str = ""
    messages: list[dict[str, str]] = []
    streaming: str = ""  # the coach's reply as it streams in
    banner: str = ""
    draft: str = ""
    error: str = ""
    loading: bool = False
    sending: bool = False

    @rx.var
    def can_send(self) -> bool:
        return self.active_id != "" and self.status != "closed"

    async def _user(self):
        return await self._verified_user(Role.seeker)

    @rx.event
    async def load(self):
        user = await self._user()
        if user is None:
            return
        self.loading, self.error = True, ""
        yield
        params = self.router.url.query_parameters
        target = params.get("session", "")
        try:
            if params.get("job"):
                target = await in_session(_session_for_job, user, params["job"])
            rows, _total = await in_session(lambda s: chat.list_sessions(s, user, limit=50))
        except ServiceError as exc:
            self.loading, self.error = False, exc.detail
            return
        self.sessions = [session_row(s) for s in rows]
        self.loading = False
        target = target or (self.sessions[0]["id"] if self.sessions else "")
        if target:
            await self._open(user, target)

    async def _open(self, user, session_id: str) -> None:
        try:
            out, rows = await in_session(lambda s: (chat.describe(s, chat.get_visible(s, user, session_id)),
                                                    chat.messages(s, user, session_id, 0, PANE_MESSAGES,
                                                                  newest_first=True)[0]))
        except ServiceError as exc:
            self.error = exc.detail
            return
        if self.active_id and self.active_id != str(out.id):
            await unfollow(self, live.conv(self.active_id))
        self.active_id, self.active_title, self.status = str(out.id), out.title, out.status.value
        self.messages = [message_row(m.model_dump(mode="json")) for m in reversed(rows)]
        self.streaming, self.banner, self.error = "", "", ""
        await follow(self, live.conv(self.active_id))
        coach.resume_if_unanswered(out.status, rows[0].role if rows else None, self.active_id)

    @rx.event
    async def open(self, session_id: str):
        user = await self._user()
        if user is not None:
            await self._open(user, session_id)

    @rx.event
    async def new_session(self):
        user = await self._user()
        if user is None:
            return
        try:
            out = await in_session(lambda s: chat.create_session(s, db.app_redis(), user))
        except ServiceError as exc:
            self.error = exc.detail
            return
        self.sessions = [session_row(out), *self.sessions]
        await self._open(user, str(out.id))

    @rx.event
    def set_draft(self, value: str):
        self.draft = value

    @rx.event
    async def send(self, form_data: dict | None = None):
        user = await self._user()
        if user is None or not self.active_id:
            return
        text = (form_data or {}).get("message", self.draft)
        self.sending, self.error = True, ""
        try:
            message, answer = await in_session(
                lambda s: chat.post_user_message(s, db.app_redis(), user, self.active_id, text))
        except ServiceError as exc:
            self.sending, self.error = False, exc.detail
            return
        self._add(message)
        self.draft, self.sending = "", False
        if answer:
            coach.start_reply(self.active_id)
        else:
            self.banner = chat.QUEUED_NOTE

    @rx.event
    async def close_session(self):
        user = await self._user()
        if user is None or not self.active_id:
            return
        try:
            await in_session(lambda s: chat.close(s, db.app_redis(), user, self.active_id))
        except ServiceError as exc:
            self.error = exc.detail

    def _add(self, message: dict) -> None:
        self.messages = add_message(self.messages, message_row(message))

    async def on_live(self, topic: str, event: dict) -> None:
        """An event of the open conversation, from whichever process produced it."""
        if topic != live.conv(self.active_id) and event.get("type") != "resync":
            return
        kind = event.get("type")
        if kind == "resync":
            user = await self._user()
            if user is not None and self.active_id:
                await self._open(user, self.active_id)
            return
        self.status = event.get("session_status", self.status)
        if kind == "ai_delta":
            self.streaming += event["delta"]
        elif kind in ("user_message", "admin_message", "ai_reply"):
            self._add(event["message"])
            if kind == "ai_reply":
                self.streaming = ""
        elif kind in BANNERS:
            self.banner = BANNERS[kind]
            self.streaming = ""
            self._add(event["message"])
        elif kind == "session_closed":
            self.banner = "This conversation is closed."
        for row in self.sessions:
            if row["id"] == self.active_id:
                row["status"], row["status_label"] = self.status, STATUS_LABEL.get(self.status, self.status)
        self.sessions = list(self.sessions)
