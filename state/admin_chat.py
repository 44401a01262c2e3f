"""The admins' live chat dashboard: every conversation as it changes, and one open to read, take
over, answer and release.

The list follows the admins' topic (`session_update` summaries from services/chat.py) and the open
conversation its own topic, both through state/live.py: nothing polls, nothing reloads the page.
Every handler re-checks the admin role; events are applied only while this tab's user is an admin."""

from datetime import datetime

import reflex as rx

from career_app import db
from career_app.services import chat, live
from career_app.services.errors import ServiceError
from models.chat import ChatStatus
from models.user import Role
from state.auth import AuthState
from state.coach import PANE_MESSAGES, STATUS_LABEL, add_message, message_row
from state.common import in_session
from state.live import follow, live_state, unfollow

LIST_SIZE = 50  # conversations shown (most recent first); the filter narrows them
STATUS_FILTERS = {"all": "All", "active_ai": "AI coach", "human": "Human advisor", "closed": "Closed"}


def session_row(summary: dict, me: str) -> dict[str, str]:
    """A conversation summary (ChatSessionOut as JSON) as a list row."""
    holder = summary.get("admin_id") or ""
    return {
        "id": str(summary["id"]), "seeker": summary.get("seeker_name") or "Seeker", "job": summary.get("job_title") or "",
        "title": summary.get("title") or "", "status": summary["status"],
        "status_label": STATUS_LABEL.get(summary["status"], summary["status"]),
        "preview": (summary.get("last_message_preview") or "")[:90], "waiting_since": summary.get("waiting_since") or "",
        "unread": str(summary.get("unread_for_admin") or 0),
        "holder": "" if not holder else "you" if holder == me else "another admin",
        "last": summary.get("last_message_at") or summary["created_at"],
    }


def _summaries(session, admin, status: ChatStatus | None) -> tuple[list[dict], int]:
    found, total = chat.list_sessions(session, admin, status, 0, LIST_SIZE)
    return [r.model_dump(mode="json") for r in found], total


def _newest_first(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return sorted(rows, key=lambda r: datetime.fromisoformat(r["last"]), reverse=True)


@live_state
class AdminChatState(AuthState):
    status_filter: str = "all"
    sessions: list[dict[str, str]] = []
    total: int = 0
    loading: bool = False
    error: str = ""
    # the open conversation
    active_id: str = ""
    active_title: str = ""
    active_seeker: str = ""
    active_job: str = ""
    status: str = ""
    holder: str = ""  # "you", "another admin" or "" (the AI holds it, or it is closed)
    messages: list[dict[str, str]] = []
    streaming: str = ""
    draft: str = ""
    sending: bool = False
    acting: bool = False

    @rx.var
    def can_reply(self) -> bool:
        return self.active_id != "" and self.status != "closed" and self.holder != "another admin"

    @rx.var
    def can_take_over(self) -> bool:
        return self.status == "active_ai"

    @rx.var
    def can_release(self) -> bool:
        return self.status == "human" and self.holder == "you"

    @rx.var
    def list_label(self) -> str:
        shown = len(self.sessions)
        return f"{self.total} conversation{'s' if self.total != 1 else ''}" + (
            f" (latest {shown} shown)" if shown < self.total else "")

    async def _admin(self):
        return await self._verified_user(Role.admin)

    # --- the list ------------------------------------------------------------------------------

    async def _reload_list(self, admin) -> None:
        status = None if self.status_filter == "all" else ChatStatus(self.status_filter)
        try:
            rows, self.total = await in_session(_summaries, admin, status)
        except ServiceError as exc:
            self.error = exc.detail
            return
        self.sessions = [session_row(r, str(admin.id)) for r in rows]

    @rx.event
    async def load(self):
        admin = await self._admin()
        if admin is None:
            return
        self.loading, self.error = True, ""
        yield
        await follow(self, live.ADMINS)  # before reading: no update slips between the two
        await self._reload_list(admin)
        self.loading = False
        target = self.router.url.query_parameters.get("session", "") or self.active_id
        if target:
            await self._open(admin, target)

    @rx.event
    async def leave(self):
        """The page unmounted (another page of the app opened in this tab): stop following."""
        await unfollow(self, live.ADMINS, *([live.conv(self.active_id)] if self.active_id else []))

    @rx.event
    async def set_status_filter(self, value: str):
        admin = await self._admin()
        if admin is None:
            return
        self.status_filter = value if value in STATUS_FILTERS else "all"
        await self._reload_list(admin)

    def _upsert(self, summary: dict) -> None:
        """A `session_update`: the conversation moves to its place in the list, enters it or leaves it."""
        row = session_row(summary, self._user_id)
        rows = [r for r in self.sessions if r["id"] != row["id"]]
        was_listed = len(rows) != len(self.sessions)
        if self.status_filter in ("all", row["status"]):
            rows.append(row)
            self.total += 0 if was_listed else 1
        elif was_listed:
            self.total = max(0, self.total - 1)
        self.sessions = _newest_first(rows)[:LIST_SIZE]
        if row["id"] == self.active_id:
            self.status, self.holder = row["status"], row["holder"]

    # --- the open conversation ---------------------------------------------------------------

    async def _open(self, admin, session_id: str) -> None:
        def read(s):
            out = chat.describe(s, chat.get_visible(s, admin, session_id))
            rows = chat.messages(s, admin, session_id, 0, PANE_MESSAGES, newest_first=True)[0]
            chat.mark_read_by_admin(s, db.app_redis(), admin, session_id)
            return out.model_dump(mode="json"), [m.model_dump(mode="json") for m in reversed(rows)]

        try:
            summary, rows = await in_session(read)
        except ServiceError as exc:
            self.error = exc.detail
            return
        if self.active_id and self.active_id != summary["id"]:
            await unfollow(self, live.conv(self.active_id))
        row = session_row(summary, str(admin.id))
        self.active_id, self.active_title, self.active_seeker = row["id"], row["title"], row["seeker"]
        self.active_job, self.status, self.holder = row["job"], row["status"], row["holder"]
        self.messages = [self._message(m) for m in rows]
        self.streaming, self.error, self.draft = "", "", ""
        await follow(self, live.conv(self.active_id))

    def _message(self, m: dict) -> dict[str, str]:
        row = message_row(m)
        if m["role"] == "user":
            row["author"] = self.active_seeker
        elif m["role"] == "admin":
            row["author"] = "You" if str(m.get("author_id")) == self._user_id else "Advisor"
        return row

    def _add(self, m: dict) -> None:
        self.messages = add_message(self.messages, self._message(m))

    @rx.event
    async def open(self, session_id: str):
        admin = await self._admin()
        if admin is not None:
            await self._open(admin, session_id)

    async def _act(self, action) -> None:
        """Take over, release or close the open conversation; its events bring the rest."""
        admin = await self._admin()
        if admin is None or not self.active_id:
            return
        session_id = self.active_id
        self.acting, self.error = True, ""
        try:
            summary = await in_session(lambda s: action(s, db.app_redis(), admin, session_id).model_dump(mode="json"))
        except ServiceError as exc:
            self.error = exc.detail
        else:
            self._upsert(summary)
        self.acting = False

    @rx.event
    async def take_over(self):
        await self._act(chat.takeover)

    @rx.event
    async def release(self):
        await self._act(chat.release)

    @rx.event
    async def close_session(self):
        await self._act(chat.close)

    @rx.event
    def set_draft(self, value: str):
        self.draft = value

    @rx.event
    async def send(self, form_data: dict | None = None):
        """A reply; while the AI holds the conversation, replying takes it over (the service does)."""
        admin = await self._admin()
        if admin is None or not self.active_id:
            return
        text, session_id = (form_data or {}).get("message", self.draft), self.active_id
        self.sending, self.error = True, ""
        try:
            message = await in_session(lambda s: chat.post_admin_message(s, db.app_redis(), admin, session_id, text))
        except ServiceError as exc:
            self.sending, self.error = False, exc.detail
            return
        self._add(message)
        self.draft, self.sending = "", False

    # --- live events ---------------------------------------------------------------------------

    async def on_live(self, topic: str, event: dict) -> None:
        if self.user_role != "admin":  # signed out, or someone else uses this tab now
            return
        kind = event.get("type")
        if kind == "resync":
            admin = await self._admin()
            if admin is not None and topic == live.ADMINS:
                await self._reload_list(admin)
            elif admin is not None and topic == live.conv(self.active_id):
                await self._open(admin, self.active_id)
            return
        if topic == live.ADMINS:
            if kind == "session_update":
                self._upsert(event["session"])
            return
        if topic != live.conv(self.active_id):
            await unfollow(self, topic)  # a conversation this tab no longer shows
            return
        self.status = event.get("session_status", self.status)
        if kind == "ai_delta":
            self.streaming += event.get("delta", "")
        elif kind in ("user_message", "admin_message", "ai_reply", "admin_takeover", "admin_release"):
            self._add(event["message"])
            if kind != "user_message":
                self.streaming = ""
            else:  # read as it arrives: the list's unread count stays at zero for the open conversation
                admin = await self._admin()
                if admin is not None:
                    await in_session(lambda s: chat.mark_read_by_admin(s, db.app_redis(), admin, self.active_id))
        elif kind == "session_closed":
            self.streaming = ""
