"""The seeker's coach page: their conversations and one live chat pane.

Live events arrive through state/live.py (no polling): messages from any tab, process or API
client, the coach's streamed chunks, and an admin joining or leaving."""

import reflex as rx

from career_app import db
import time

from career_app.services import chat, coach, desk, live, presence
from career_app.services.errors import ServiceError
from models.chat import ChatSession
from models.user import Role
from sqlmodel import select
from state.auth import AuthState
from state.common import in_session
from state.live import follow, later, live_state, unfollow

PANE_MESSAGES = 100  # the pane keeps the latest messages; older ones stay in the database
STATUS_LABEL = {"active_ai": "AI coach", "waiting_human": "Waiting for a person", "human": "Human advisor",
                "closed": "Closed"}
BANNERS = {"admin_takeover": chat.JOINED_NOTE, "admin_release": chat.LEFT_NOTE}
TYPING_SEND_EVERY = 2.0  # seconds between typing events sent from a tab (the indicator lasts 5 s)
FALLBACK_AUTHOR = {"user": "You", "assistant": chat.AI_NAME, "admin": "Advisor", "system": ""}


def message_row(m: dict) -> dict[str, str]:
    """A message for a chat pane, named by its author ("AI coach", the advisor's name); the seeker's own
    messages read "You" (the admin page names the seeker instead)."""
    author = "You" if m["role"] == "user" else (m.get("author_name") or FALLBACK_AUTHOR[m["role"]])
    if m["role"] == "system":
        author = ""
    badge = "offline coach" if m.get("generated_by") == "offline" else ""
    return {"id": str(m["id"]), "role": m["role"], "author": author, "content": m["content"],
            "time": m["created_at"][11:16], "interrupted": "yes" if m.get("interrupted") else "", "badge": badge}


def add_message(rows: list[dict[str, str]], row: dict[str, str]) -> list[dict[str, str]]:
    """A chat pane's messages with one more, unless it is already shown (this tab sent it, or the
    event came twice), in the conversation's order; the latest PANE_MESSAGES are kept. Events are
    published after their commit, so two replies to one conversation from two processes can arrive
    in either order: ids follow the commits (each insert holds the conversation's row lock)."""
    if any(m["id"] == row["id"] for m in rows[-20:]):
        return rows
    at = len(rows)
    while at and int(rows[at - 1]["id"]) > int(row["id"]):
        at -= 1
    return [*rows[:at], row, *rows[at:]][-PANE_MESSAGES:]


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
    # the support desk
    queue_position: int = 0
    queue_wait: str = ""
    advisors_online: int = 0
    typing: str = ""  # "Alice Advisor is typing…" while the advisor types
    rating_requested: bool = False
    rating_score: int = 0
    rating_comment: str = ""
    rating_done: bool = False
    _typing_seq: int = 0
    _typing_sent: float = 0.0

    @rx.var
    def can_send(self) -> bool:
        return self.active_id != "" and self.status != "closed"

    @rx.var
    def can_request_human(self) -> bool:
        return self.active_id != "" and self.status == "active_ai"

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
        self.streaming, self.banner, self.error, self.typing = "", "", "", ""
        self.rating_requested, self.rating_done, self.rating_score, self.rating_comment = out.rating_requested, False, 0, ""
        await follow(self, live.conv(self.active_id), live.ADVISORS)
        await self._read_queue(user)
        coach.resume_if_unanswered(out.status, rows[0].role if rows else None, self.active_id)

    async def _read_queue(self, user) -> None:
        session_id = self.active_id
        state = await in_session(lambda s: desk.queue_state(s, db.app_redis(), user, session_id))
        self.advisors_online = state.advisors_online
        self._set_queue(state.position or 0, state.estimated_wait_seconds)

    def _set_queue(self, position: int, wait_seconds: int | None) -> None:
        self.queue_position = position
        minutes = max(1, round((wait_seconds or 0) / 60))
        self.queue_wait = f"about {minutes} min" if position else ""

    @rx.event
    async def request_human(self):
        user = await self._user()
        if user is None or not self.active_id:
            return
        session_id = self.active_id
        try:
            await in_session(lambda s: chat.request_human(s, db.app_redis(), user, session_id))
            await self._read_queue(user)
        except ServiceError as exc:
            self.error = exc.detail
            return
        self.status = "waiting_human"

    @rx.event
    def set_rating_score(self, score: int):
        self.rating_score = max(1, min(5, int(score)))

    @rx.event
    def set_rating_comment(self, value: str):
        self.rating_comment = value[:1000]

    @rx.event
    async def rate(self):
        user = await self._user()
        if user is None or not self.active_id:
            return
        if not self.rating_score:
            self.error = "Choose 1 to 5 stars first"
            return
        session_id, score, comment = self.active_id, self.rating_score, self.rating_comment
        try:
            await in_session(lambda s: desk.rate(s, db.app_redis(), user, session_id, score, comment))
        except ServiceError as exc:
            self.error = exc.detail
            return
        self.rating_requested, self.rating_done, self.error = False, True, ""

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
    async def set_draft(self, value: str):
        self.draft = value
        await self._typed("seeker")

    async def _typed(self, role: str) -> None:
        """A typing event for the other side, at most every TYPING_SEND_EVERY seconds (from the tab's
        user, in the conversation this tab opened after checking it may)."""
        now = time.monotonic()
        if not self.active_id or not self.draft or now - self._typing_sent < TYPING_SEND_EVERY:
            return
        self._typing_sent = now
        user = await self._verified_user()
        if user is not None:
            await live.apublish(live.conv(self.active_id), presence.typing_event(role, user.full_name))

    def _typing_seen(self, event: dict, other: str) -> None:
        """The other side is typing: shown until their message or TYPING_SECONDS without another event."""
        if event.get("role") != other:
            return
        self.typing = f"{event.get('name') or ('Advisor' if other == 'admin' else 'Seeker')} is typing…"
        self._typing_seq += 1
        later(self, presence.TYPING_SECONDS, {"type": "typing_expired", "seq": self._typing_seq})

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
        kind = event.get("type")
        if kind == "typing_expired":  # this tab's own timer (topic "")
            if event.get("seq") == self._typing_seq:
                self.typing = ""
            return
        if topic == live.ADVISORS:
            self.advisors_online = int(event.get("online", self.advisors_online))
            return
        if topic != live.conv(self.active_id) and kind != "resync":
            return
        if kind == "resync":
            user = await self._user()
            if user is not None and self.active_id:
                await self._open(user, self.active_id)
            return
        self.status = event.get("session_status", self.status)
        if "session" in event:
            self.rating_requested = bool(event["session"].get("rating_requested")) and not self.rating_done
        if kind == "typing":
            self._typing_seen(event, "admin")
            return
        if kind == "queue_update":
            self._set_queue(int(event.get("position") or 0), event.get("estimated_wait_seconds"))
            self.advisors_online = int(event.get("advisors_online", self.advisors_online))
            return
        if self.status != "waiting_human":
            self.queue_position, self.queue_wait = 0, ""
        if kind == "ai_delta":
            self.streaming += event["delta"]
        elif kind in ("user_message", "admin_message", "ai_reply", "human_requested", "admin_transfer"):
            self._add(event["message"])
            if kind == "ai_reply":
                self.streaming = ""
            if kind == "admin_message":
                self.typing = ""
        elif kind in BANNERS:
            self.rating_done = self.rating_done and kind != "admin_takeover"
            self.banner = BANNERS[kind] if kind == "admin_takeover" or event.get("how") != "idle" else chat.IDLE_NOTE
            self.streaming, self.typing = "", ""
            self._add(event["message"])
        elif kind == "session_closed":
            self.banner = "This conversation is closed."
        self._show_status()

    def _show_status(self) -> None:
        """The open conversation's row in the list follows its status; the list is sent again only
        when that changed (a chat message alone would re-send and re-render every row)."""
        for row in self.sessions:
            if row["id"] == self.active_id and row["status"] != self.status:
                row["status"], row["status_label"] = self.status, STATUS_LABEL.get(self.status, self.status)
                self.sessions = list(self.sessions)
