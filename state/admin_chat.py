"""The admins' live chat dashboard: every conversation as it changes (the queue of seekers waiting
for a person first, then the admin's own, then all), and one open to read, take over, answer,
annotate with internal notes and release; typing both ways, canned replies behind "/", the audit
trail, and the admin's presence heartbeat.

The list follows the admins' topic (`session_update` summaries from services/chat.py) and the open
conversation its own topic, both through state/live.py: nothing polls, nothing reloads the page.
Every handler re-checks the admin role; events are applied only while this tab's user is an admin."""

import time
from datetime import datetime

import reflex as rx

from career_app import db
from career_app.services import chat, coach, desk, live, presence
from career_app.settings import settings
from career_app.services.errors import ServiceError
from models.chat import ChatStatus
from models.user import Role
from state.auth import AuthState
from state.coach import PANE_MESSAGES, STATUS_LABEL, TYPING_SEND_EVERY, add_message, message_row
from state.common import in_session
from state.live import follow, later, live_state, unfollow

LIST_SIZE = 50  # conversations shown (queue, mine, then most recent first); the filter narrows them
STATUS_FILTERS = {"all": "All", "waiting_human": "Waiting for a person", "mine": "Mine", "active_ai": "AI coach",
                  "human": "Human advisor", "closed": "Closed"}
GROUP_LABEL = {"queue": "Waiting", "mine": "Mine", "all": ""}


def session_row(summary: dict, me: str) -> dict[str, str]:
    """A conversation summary (ChatSessionOut as JSON) as a list row."""
    holder = summary.get("admin_id") or ""
    group = "queue" if summary["status"] == "waiting_human" else "mine" if holder and holder == me else "all"
    return {
        "group": group, "group_label": GROUP_LABEL[group], "requested_at": summary.get("requested_at") or "",
        "holder_name": summary.get("assignee_name") or "",
        "id": str(summary["id"]), "seeker": summary.get("seeker_name") or "Seeker", "job": summary.get("job_title") or "",
        "title": summary.get("title") or "", "status": summary["status"],
        "status_label": STATUS_LABEL.get(summary["status"], summary["status"]),
        "preview": (summary.get("last_seeker_message") or summary.get("last_message_preview") or "")[:90], "waiting_since": summary.get("waiting_since") or "",
        "unread": str(summary.get("unread_for_admin") or 0),
        "holder": "" if not holder else "you" if holder == me else "another admin",
        "last": summary.get("last_message_at") or summary["created_at"],
    }


def _summaries(session, admin, status_filter: str) -> tuple[list[dict], int]:
    """What the list shows: for "all", the whole queue first (however old), then the latest others."""
    if status_filter == "mine":
        found, total = chat.list_sessions(session, admin, None, 0, LIST_SIZE, assignee_id=admin.id)
        return [r.model_dump(mode="json") for r in found], total
    status = None if status_filter == "all" else ChatStatus(status_filter)
    found, total = chat.list_sessions(session, admin, status, 0, LIST_SIZE)
    rows = [r.model_dump(mode="json") for r in found]
    if status is None:
        listed = {r["id"] for r in rows}
        rows += [e.session.model_dump(mode="json") for e in desk.queue(session, admin, LIST_SIZE)
                 if str(e.session.id) not in listed]
    return rows, total


_GROUP_ORDER = {"queue": 0, "mine": 1, "all": 2}


def _ordered(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The queue first (oldest request first), then mine, then all; most recent first within those."""
    rows = sorted(rows, key=lambda r: datetime.fromisoformat(r["last"]), reverse=True)
    return sorted(rows, key=lambda r: (_GROUP_ORDER[r["group"]], r["requested_at"] if r["group"] == "queue" else ""))


def note_row(n: dict) -> dict[str, str]:
    return {"id": str(n["id"]), "author": n["author_name"], "content": n["content"], "time": n["created_at"][11:16]}


def audit_row(a) -> dict[str, str]:
    detail = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in a.detail.items() if v is not None and k != "holder_id")
    return {"id": str(a.id), "action": a.action.replace("_", " "), "who": a.actor_name,
            "when": a.created_at.strftime("%H:%M:%S"), "detail": detail}


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
    # the desk
    holder_name: str = ""
    typing: str = ""
    notes: list[dict[str, str]] = []
    note_draft: str = ""
    canned: list[dict[str, str]] = []
    canned_shortcut: str = ""
    canned_content: str = ""
    audit: list[dict[str, str]] = []
    show_audit: bool = False
    presence_state: str = ""
    ratings: list[dict[str, str]] = []
    advisors: list[dict[str, str]] = []  # other admins seen lately: transfer targets
    sla_amber: int = max(1, settings.human_sla_seconds // 2)
    sla_red: int = settings.human_sla_seconds
    _typing_seq: int = 0
    _typing_sent: float = 0.0

    @rx.var
    def canned_matches(self) -> list[dict[str, str]]:
        """Canned replies whose shortcut starts with what follows "/" at the start of the reply box."""
        if not self.draft.startswith("/"):
            return []
        typed = self.draft[1:].strip().lower()
        return [c for c in self.canned if c["shortcut"].startswith(typed)][:8]

    @rx.var
    def waiting_count(self) -> int:
        return sum(1 for r in self.sessions if r["group"] == "queue")

    @rx.var
    def can_reply(self) -> bool:
        return self.active_id != "" and self.status != "closed" and self.holder != "another admin"

    @rx.var
    def can_take_over(self) -> bool:
        return self.status in ("active_ai", "waiting_human")

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
        try:
            rows, self.total = await in_session(_summaries, admin, self.status_filter)
        except ServiceError as exc:
            self.error = exc.detail
            return
        self.sessions = _ordered([session_row(r, str(admin.id)) for r in rows])

    @rx.event
    async def load(self):
        admin = await self._admin()
        if admin is None:
            return
        self.loading, self.error = True, ""
        yield
        await follow(self, live.ADMINS)  # before reading: no update slips between the two
        await self._reload_list(admin)
        await self._beat(admin, 0)
        self.canned = await in_session(lambda s: [{"id": str(c.id), "shortcut": c.shortcut, "content": c.content}
                                                  for c in desk.canned_list(s, admin)])
        self.loading = False
        target = self.router.url.query_parameters.get("session", "") or self.active_id
        if target:
            await self._open(admin, target)

    @rx.event
    async def leave(self):
        """The page unmounted (another page of the app opened in this tab): stop following."""
        await unfollow(self, live.ADMINS, *([live.conv(self.active_id), live.notes(self.active_id)]
                                            if self.active_id else []))

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
        if self.status_filter in ("all", row["status"]) or (self.status_filter == "mine" and row["group"] == "mine"):
            rows.append(row)
            self.total += 0 if was_listed else 1
        elif was_listed:
            self.total = max(0, self.total - 1)
        self.sessions = _ordered(rows)[:LIST_SIZE]
        if row["id"] == self.active_id:
            self.status, self.holder, self.holder_name = row["status"], row["holder"], row["holder_name"]

    # --- the open conversation ---------------------------------------------------------------

    async def _open(self, admin, session_id: str) -> None:
        def read(s):
            out = chat.describe(s, chat.get_visible(s, admin, session_id))
            rows = chat.messages(s, admin, session_id, 0, PANE_MESSAGES, newest_first=True)[0]
            chat.mark_read_by_admin(s, db.app_redis(), admin, session_id)
            notes = [n.model_dump(mode="json") for n in desk.notes(s, admin, session_id)]
            return out.model_dump(mode="json"), [m.model_dump(mode="json") for m in reversed(rows)], notes

        try:
            summary, rows, notes = await in_session(read)
        except ServiceError as exc:
            self.error = exc.detail
            return
        if self.active_id and self.active_id != summary["id"]:
            await unfollow(self, live.conv(self.active_id), live.notes(self.active_id))
        row = session_row(summary, str(admin.id))
        self.active_id, self.active_title, self.active_seeker = row["id"], row["title"], row["seeker"]
        self.active_job, self.status, self.holder = row["job"], row["status"], row["holder"]
        self.holder_name = row["holder_name"]
        self.messages = [self._message(m) for m in rows]
        self.notes = [note_row(n) for n in notes]
        self.streaming, self.error, self.draft, self.typing, self.show_audit = "", "", "", "", False
        await follow(self, live.conv(self.active_id), live.notes(self.active_id))
        await self._read_advisors()

    async def _read_advisors(self) -> None:
        import asyncio

        rows = await asyncio.to_thread(presence.advisors, db.app_redis())
        self.advisors = [{"id": a["id"], "name": f"{a['name']} ({a['state']})"} for a in rows if a["id"] != self._user_id]

    @rx.event
    async def transfer_to(self, admin_id: str):
        """Hand the open conversation to another admin."""
        admin = await self._admin()
        if admin is None or not self.active_id or not admin_id:
            return
        session_id = self.active_id
        try:
            summary = await in_session(lambda s: chat.transfer(s, db.app_redis(), admin, session_id, admin_id)
                                       .model_dump(mode="json"))
        except ServiceError as exc:
            self.error = exc.detail
            return
        self.error = ""
        self._upsert(summary)

    def _message(self, m: dict) -> dict[str, str]:
        row = message_row(m)
        if m["role"] == "user":
            row["author"] = self.active_seeker
        elif m["role"] == "admin" and str(m.get("author_id")) == self._user_id:
            row["author"] = "You"
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
        """Back to the AI, which answers the seeker's last unanswered message."""
        session_id = self.active_id
        await self._act(chat.release)
        if not self.error and session_id:
            coach.answer_pending(session_id)

    @rx.event
    async def close_session(self):
        await self._act(chat.close)

    @rx.event
    async def next_waiting(self):
        """Open the conversation that has waited longest for a person (keyboard: n)."""
        admin = await self._admin()
        waiting = [r for r in self.sessions if r["group"] == "queue" and r["id"] != self.active_id]
        if admin is not None and waiting:
            await self._open(admin, waiting[0]["id"])
            await self._beat(admin, 0)

    # --- presence, typing, canned replies, notes, audit ------------------------------------------

    async def _beat(self, admin, idle_seconds: float) -> None:
        import asyncio

        self.presence_state = await asyncio.to_thread(presence.heartbeat, db.app_redis(), admin.id, admin.full_name,
                                                      idle_seconds)

    @rx.event
    async def beat(self):
        """The page's heartbeat (every 30 s while someone uses it)."""
        admin = await self._admin()
        if admin is not None:
            await self._beat(admin, 0)

    @rx.event
    async def beat_away(self):
        """The heartbeat of a page nobody has touched for 2 minutes."""
        admin = await self._admin()
        if admin is not None:
            await self._beat(admin, presence.AWAY_SECONDS)

    @rx.event
    async def set_draft(self, value: str):
        self.draft = value
        now = time.monotonic()
        if self.active_id and value and not value.startswith("/") and now - self._typing_sent >= TYPING_SEND_EVERY:
            self._typing_sent = now
            admin = await self._admin()
            if admin is not None and self.holder != "another admin":
                await live.apublish(live.conv(self.active_id), presence.typing_event("admin", admin.full_name))

    @rx.event
    def use_canned(self, canned_id: str):
        found = next((c for c in self.canned if c["id"] == canned_id), None)
        if found is not None:
            self.draft = found["content"]

    @rx.event
    def set_canned_shortcut(self, value: str):
        self.canned_shortcut = value.strip().lower()[:40]

    @rx.event
    def set_canned_content(self, value: str):
        self.canned_content = value

    @rx.event
    async def add_canned(self):
        admin = await self._admin()
        if admin is None:
            return
        shortcut, content = self.canned_shortcut, self.canned_content
        import re

        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", shortcut or ""):
            self.error = "A shortcut is lowercase letters, digits, - and _"
            return
        try:
            made = await in_session(lambda s: desk.canned_create(s, admin, shortcut, content))
        except ServiceError as exc:
            self.error = exc.detail
            return
        self.canned = sorted([*self.canned, {"id": str(made.id), "shortcut": made.shortcut, "content": made.content}],
                             key=lambda c: c["shortcut"])
        self.canned_shortcut, self.canned_content, self.error = "", "", ""

    @rx.event
    def set_note_draft(self, value: str):
        self.note_draft = value

    @rx.event
    async def add_note(self):
        admin = await self._admin()
        if admin is None or not self.active_id:
            return
        session_id, content = self.active_id, self.note_draft
        try:
            note = await in_session(lambda s: desk.add_note(s, db.app_redis(), admin, session_id, content))
        except ServiceError as exc:
            self.error = exc.detail
            return
        self._add_note(note.model_dump(mode="json"))
        self.note_draft, self.error = "", ""

    def _add_note(self, n: dict) -> None:
        row = note_row(n)
        if all(x["id"] != row["id"] for x in self.notes):
            self.notes = [*self.notes, row][-100:]

    @rx.event
    async def load_ratings(self):
        """CSAT per advisor: average, count, the last comments."""
        admin = await self._admin()
        if admin is None:
            return
        rows = await in_session(lambda s: desk.ratings_by_admin(s, admin))
        self.ratings = [{"id": str(r.admin_id), "name": r.admin_name, "average": f"{r.average:.1f}",
                         "count": str(r.count), "comments": " · ".join(f"“{c}”" for c in r.last_comments)}
                        for r in rows]

    @rx.event
    async def toggle_audit(self):
        admin = await self._admin()
        if admin is None or not self.active_id:
            return
        self.show_audit = not self.show_audit
        if self.show_audit:
            session_id = self.active_id
            self.audit = await in_session(lambda s: [audit_row(a) for a in desk.audit_trail(s, admin, session_id)])

    @rx.event
    async def send(self, form_data: dict | None = None):
        """A reply; while the AI holds the conversation, replying takes it over (the service does).
        "/shortcut" alone inserts that canned reply instead of sending it."""
        admin = await self._admin()
        if admin is None or not self.active_id:
            return
        text, session_id = (form_data or {}).get("message", self.draft), self.active_id
        if text.startswith("/"):
            found = next((c for c in self.canned if c["shortcut"] == text[1:].strip().lower()), None)
            if found is not None:
                self.draft = found["content"]
                return
        self.sending, self.error = True, ""
        try:
            message = await in_session(lambda s: chat.post_admin_message(s, db.app_redis(), admin, session_id, text))
        except ServiceError as exc:
            self.sending, self.error = False, exc.detail
            return
        self._add(message)
        self.draft, self.sending = "", False
        await self._beat(admin, 0)

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
        if kind == "typing_expired":  # this tab's own timer (topic "")
            if event.get("seq") == self._typing_seq:
                self.typing = ""
            return
        if topic == live.ADMINS:
            if kind == "session_update":
                self._upsert(event["session"])
            return
        if topic == live.notes(self.active_id):
            if kind == "note_added":
                self._add_note(event["note"])
            return
        if topic != live.conv(self.active_id):
            await unfollow(self, topic)  # a conversation this tab no longer shows
            return
        self.status = event.get("session_status", self.status)
        if kind == "typing":
            if event.get("role") == "seeker":
                self.typing = f"{self.active_seeker} is typing…"
                self._typing_seq += 1
                later(self, presence.TYPING_SECONDS, {"type": "typing_expired", "seq": self._typing_seq})
            return
        if kind == "user_message":
            self.typing = ""
        if kind == "ai_delta":
            self.streaming += event.get("delta", "")
        elif kind in ("user_message", "admin_message", "ai_reply", "admin_takeover", "admin_release", "admin_transfer",
                      "human_requested"):
            self._add(event["message"])
            if kind != "user_message":
                self.streaming = ""
            else:  # read as it arrives: the list's unread count stays at zero for the open conversation
                admin = await self._admin()
                if admin is not None:
                    await in_session(lambda s: chat.mark_read_by_admin(s, db.app_redis(), admin, self.active_id))
        elif kind == "session_closed":
            self.streaming = ""
