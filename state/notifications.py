"""Notifications in the web app: the header's bell with the live unread count, and the
/notifications page (the feed, read state and the settings form). Both follow the user's live
topic, where services/notifications.py announces each new notification and every change of the
unread count; nothing polls."""

import uuid

import reflex as rx
from pydantic import ValidationError

from career_app import db
from career_app.services import live, notifications
from career_app.services.errors import ServiceError
from models.notification import Category, Priority
from models.notification_schemas import NotificationSettingsUpdate
from state.auth import AuthState, validation_message
from state.common import in_session, pages_for
from state.live import follow, live_state, own_topic

PAGE_SIZE = 20
COUNT_EVENTS = ("notification", "unread_count")
CATEGORY_LABEL = {
    Category.job_match: "New job matches", Category.chat: "Coach chat and advisors",
    Category.enrichment: "Job enrichment", Category.resume: "Resume parsing", Category.application: "Applications",
    Category.ingestion: "Job ingestion", Category.system: "Announcements",
}
# The categories each role can receive, in the settings form (muting others changes nothing for them).
ROLE_CATEGORIES = {
    "seeker": (Category.job_match, Category.chat, Category.resume, Category.application, Category.system),
    "provider": (Category.enrichment, Category.application, Category.system),
    "admin": tuple(Category),
}
URGENT = (Priority.high, Priority.urgent)


@live_state
class BellState(AuthState):
    """The unread count in the header, on every page of a signed-in user."""

    unread: int = 0

    @rx.var
    def badge(self) -> str:
        return "" if self.unread <= 0 else "99+" if self.unread > 99 else str(self.unread)

    @rx.event
    async def start(self):
        """The bell's on_mount (it shows only once the page knows who is signed in)."""
        user = await self._verified_user()
        if user is None:
            self.unread = 0
            return
        await follow(self, live.user(user.id))  # before counting: no change slips between the two
        self.unread = await in_session(notifications.unread_count, user.id)

    async def on_live(self, topic: str, event: dict) -> None:
        if not await own_topic(self, topic) or not self._user_id:
            return
        kind = event.get("type")
        if kind in COUNT_EVENTS:
            self.unread = int(event.get("unread_count") or 0)
        elif kind == "resync":
            self.unread = await in_session(notifications.unread_count, uuid.UUID(self._user_id))


def _item(note) -> dict[str, str]:
    url = note.action_url or ""
    return {
        "id": str(note.id), "title": note.title, "message": note.message,
        "category": CATEGORY_LABEL.get(note.category, note.category.value),
        "when": note.created_at.strftime("%Y-%m-%d %H:%M UTC"), "read": "yes" if note.read else "",
        "urgent": "yes" if note.priority in URGENT else "",
        "url": url if url.startswith("/") and not url.startswith("//") else "",  # links stay in the app
    }


@live_state
class NotificationsState(AuthState):
    items: list[dict[str, str]] = []
    total: int = 0
    unread: int = 0
    page: int = 0
    unread_only: bool = False
    loading: bool = False
    error: str = ""
    # settings
    muted: list[str] = []
    in_app: bool = True
    email: bool = False
    email_available: bool = False
    quiet_enabled: bool = False
    quiet_start: str = ""
    quiet_end: str = ""
    time_zone: str = "UTC"
    settings_key: int = 0  # re-mounts the text fields with the stored values
    settings_error: str = ""
    settings_notice: str = ""
    saving: bool = False

    @rx.var
    def page_label(self) -> str:
        return f"Page {self.page + 1} of {pages_for(self.total, PAGE_SIZE)}"

    @rx.var
    def has_next(self) -> bool:
        return (self.page + 1) * PAGE_SIZE < self.total

    @rx.var
    def category_rows(self) -> list[dict[str, str]]:
        return [{"value": c.value, "label": CATEGORY_LABEL[c], "on": "" if c.value in self.muted else "yes"}
                for c in ROLE_CATEGORIES.get(self.user_role, ())]

    async def _reload(self, user) -> None:
        try:
            found = await in_session(notifications.list_for, user, self.page * PAGE_SIZE, PAGE_SIZE, self.unread_only)
        except ServiceError as exc:
            self.error = exc.detail
            return
        if not found.items and self.page > 0:  # the page emptied (read elsewhere with "unread only")
            self.page = max(0, pages_for(found.total, PAGE_SIZE) - 1)
            found = await in_session(notifications.list_for, user, self.page * PAGE_SIZE, PAGE_SIZE, self.unread_only)
        self.items, self.total, self.unread = [_item(n) for n in found.items], found.total, found.unread_count

    def _show_settings(self, prefs) -> None:
        self.muted = [c.value for c in prefs.muted_categories]
        self.in_app, self.email, self.email_available = prefs.in_app, prefs.email, prefs.email_available
        self.quiet_enabled = prefs.quiet_start is not None
        self.quiet_start, self.quiet_end = prefs.quiet_start or "22:00", prefs.quiet_end or "07:00"
        self.time_zone = prefs.time_zone
        self.settings_key += 1

    @rx.event
    async def load(self):
        user = await self._verified_user()
        if user is None:
            return
        self.loading, self.error, self.settings_error, self.settings_notice = True, "", "", ""
        yield
        await follow(self, live.user(user.id))
        self.page = 0
        await self._reload(user)
        try:
            self._show_settings(await in_session(notifications.get_settings, user))
        except ServiceError as exc:
            self.settings_error = exc.detail
        self.loading = False

    async def on_live(self, topic: str, event: dict) -> None:
        """A new notification, or read elsewhere (another tab, the API): the page shows it at once."""
        if not await own_topic(self, topic):
            return
        if event.get("type") in (*COUNT_EVENTS, "resync"):
            user = await self._verified_user()
            if user is not None:
                await self._reload(user)

    async def _turn_page(self, page: int) -> None:
        user = await self._verified_user()
        if user is not None:
            self.page = max(0, page)
            await self._reload(user)

    @rx.event
    async def next_page(self):
        if self.has_next:
            await self._turn_page(self.page + 1)

    @rx.event
    async def prev_page(self):
        if self.page > 0:
            await self._turn_page(self.page - 1)

    @rx.event
    async def set_unread_only(self, value: bool):
        self.unread_only = bool(value)
        await self._turn_page(0)

    async def _mark(self, ids: list[str] | None) -> None:
        user = await self._verified_user()
        if user is None:
            return
        self.error = ""
        try:
            wanted = [uuid.UUID(i) for i in ids] if ids is not None else None
            await in_session(notifications.mark_read, db.app_redis(), user, wanted, ids is None)
        except (ServiceError, ValueError) as exc:
            self.error = getattr(exc, "detail", None) or "That notification does not exist."
            return
        await self._reload(user)

    @rx.event
    async def mark_read(self, notification_id: str):
        await self._mark([notification_id])

    @rx.event
    async def mark_all_read(self):
        await self._mark(None)

    # --- settings ------------------------------------------------------------------------------

    @rx.event
    def set_category(self, category: str, on: bool):
        muted = [c for c in self.muted if c != category]
        self.muted = muted if on else [*muted, category]
        self.settings_notice = ""

    @rx.event
    def set_in_app(self, value: bool):
        self.in_app, self.settings_notice = bool(value), ""

    @rx.event
    def set_email(self, value: bool):
        self.email, self.settings_notice = bool(value) and self.email_available, ""

    @rx.event
    def set_quiet_enabled(self, value: bool):
        self.quiet_enabled, self.settings_notice = bool(value), ""

    @rx.event
    async def save_settings(self, form: dict):
        user = await self._verified_user()
        if user is None:
            return
        self.settings_error, self.settings_notice = "", ""
        fields = {"muted_categories": self.muted, "in_app": self.in_app, "email": self.email,
                  "time_zone": (form.get("time_zone") or "").strip() or "UTC"}
        if self.quiet_enabled:
            fields |= {"quiet_start": form.get("quiet_start") or None, "quiet_end": form.get("quiet_end") or None}
        else:
            fields |= {"quiet_start": None, "quiet_end": None}
        try:
            patch = NotificationSettingsUpdate(**fields)
        except ValidationError as exc:
            self.settings_error = validation_message(exc)
            return
        self.saving = True
        yield
        try:
            self._show_settings(await in_session(notifications.update_settings, user, patch))
        except ServiceError as exc:
            self.settings_error = exc.detail
        else:
            self.settings_notice = "Settings saved."
        self.saving = False
