"""Thin states for external sign-in buttons and linked identities, the Feedback dialog, the help
centre and the admin feedback inbox. Each handler calls one service; privileged ones re-check the role."""

import uuid
from urllib.parse import quote

import reflex as rx
from pydantic import ValidationError

from career_app import db
from career_app.services import auth, feedback, help_centre, oidc
from career_app.services.errors import ServiceError
from models.support import FeedbackCategory, FeedbackStatus, HelpArticleIn, HelpArticleUpdate
from models.user import Role
from state.auth import AuthState, validation_message
from state.common import in_session


class OAuthButtonsState(AuthState):
    """The external sign-in buttons of /signin: only the providers configured on this instance."""

    oauth_providers: list[dict[str, str]] = []

    @rx.event
    def load_providers(self):
        next_path = auth.safe_next_path(self.router.url.query_parameters.get("next", "/dashboard"))
        self.oauth_providers = [{"name": p.name, "label": p.label, "href": f"{p.login_url}?next={quote(next_path)}"}
                                for p in oidc.offered()]

    @rx.event
    def go(self, name: str):
        """Leave for the provider through our login route (only one of the offered ones)."""
        href = next((p["href"] for p in self.oauth_providers if p["name"] == name), "")
        if href:
            self.full_page_url = href


class LinkedIdentitiesState(AuthState):
    identities: list[dict[str, str]] = []
    has_password: bool = False
    identities_error: str = ""

    def _show(self, out) -> None:
        self.has_password = out.has_password
        self.identities = [{"provider": i.provider, "label": i.label, "email": i.email,
                            "since": i.created_at.strftime("%Y-%m-%d")} for i in out.identities]

    @rx.event
    async def load_identities(self):
        user = await self._verified_user()
        if user is None:
            return
        self.identities_error = ""
        self._show(await in_session(oidc.identities, user))

    @rx.event
    async def unlink(self, provider: str):
        user = await self._verified_user()
        if user is None:
            return
        try:
            self._show(await in_session(oidc.unlink, user.id, provider))
            self.identities_error = ""
        except ServiceError as exc:
            self.identities_error = exc.detail


CATEGORY_OPTIONS = [c.value for c in FeedbackCategory]


class FeedbackState(AuthState):
    """The Feedback dialog on every page. The page it was sent from is the tab's current route."""

    feedback_open: bool = False
    feedback_message: str = ""
    feedback_category: str = "bug"
    feedback_sending: bool = False
    feedback_error: str = ""
    feedback_sent: str = ""

    @rx.event
    def set_feedback_open(self, value: bool):
        self.feedback_open = value
        if value:
            self.feedback_error, self.feedback_sent = "", ""

    @rx.event
    def set_feedback_message(self, value: str):
        self.feedback_message = value[:feedback.MAX_MESSAGE_CHARS + 1]

    @rx.event
    def set_feedback_category(self, value: str):
        self.feedback_category = value if value in CATEGORY_OPTIONS else "other"

    @rx.event
    async def send_feedback(self, files: list[rx.UploadFile]):
        """The screenshot's bytes go to the service (checked and re-encoded there); nothing is written
        to the public upload folder."""
        self.feedback_error, self.feedback_sent, self.feedback_sending = "", "", True
        yield
        data = await files[0].read(feedback.MAX_SCREENSHOT_BYTES + 1) if files else None
        user = await self._verified_user()
        address = auth.client_address(self.router.session.client_ip,
                                      self.router.headers.raw_headers.get("x-forwarded-for"))
        message, category, page = self.feedback_message, self.feedback_category, self.router.url.path
        try:
            await in_session(lambda s: feedback.submit(s, db.app_redis(), user, address, message=message,
                                                       category=category, page=page, screenshot=data or None))
        except ServiceError as exc:
            self.feedback_error = exc.detail
        else:
            self.feedback_message, self.feedback_sent = "", "Thank you! Your feedback was sent."
        self.feedback_sending = False


class HelpState(AuthState):
    help_query: str = ""
    help_category: str = "all"
    help_items: list[dict[str, str]] = []
    help_categories: list[str] = []
    help_total: int = 0
    help_loading: bool = True
    is_admin: bool = False
    new_error: str = ""

    @rx.var
    def category_choices(self) -> list[str]:
        return ["all", *self.help_categories]

    async def _search(self) -> None:
        category = None if self.help_category == "all" else self.help_category
        found = await in_session(lambda s: help_centre.search(s, self.help_query, category, drafts=self.is_admin))
        self.help_total, self.help_categories = found.total, found.categories
        self.help_items = [{"slug": a.slug, "title": a.title, "summary": a.summary, "category": a.category,
                            "state": "" if a.published else "draft"} for a in found.items]
        self.help_loading = False

    @rx.event
    async def load(self):
        """/help?for=/tracker (the "?" of a page) opens that page's article; else the list."""
        user = await self._verified_user()
        self.is_admin = user is not None and user.role == Role.admin
        wanted = self.router.url.query_parameters.get("for", "")
        if wanted:
            slug = await in_session(help_centre.for_page, wanted)
            if slug:
                return rx.redirect(f"/help/{slug}")
        self.help_query = self.router.url.query_parameters.get("q", "")[:200]
        await self._search()

    @rx.event
    async def search(self, form: dict):
        self.help_query = str(form.get("q", ""))[:200]
        await self._search()

    @rx.event
    async def set_help_category(self, value: str):
        self.help_category = value
        await self._search()

    @rx.event
    async def create_article(self, form: dict):
        user = await self._verified_user(Role.admin)
        if user is None:
            self.new_error = "Admin access required"
            return
        try:
            data = HelpArticleIn(slug=form.get("slug", "").strip(), title=form.get("title", "").strip(),
                                 category=form.get("category", "").strip(), body=form.get("body", ""),
                                 summary=form.get("summary", "").strip())
            article = await in_session(help_centre.create, data)
        except ValidationError as exc:
            self.new_error = validation_message(exc)
            return
        except ServiceError as exc:
            self.new_error = exc.detail
            return
        self.new_error = ""
        return rx.redirect(f"/help/{article.slug}")


class HelpArticleState(AuthState):
    article: dict[str, str] = {}
    article_html: str = ""
    article_published: bool = False
    article_missing: bool = False
    can_edit: bool = False
    editing: bool = False
    edit_error: str = ""
    edit_key: int = 0

    def _show(self, a) -> None:
        self.article = {"slug": a.slug, "title": a.title, "category": a.category, "summary": a.summary,
                        "body": a.body, "page": a.page or "", "updated": a.updated_at.strftime("%Y-%m-%d")}
        self.article_html, self.article_published, self.article_missing = a.html, a.published, False
        self.edit_key += 1

    @rx.event
    async def load(self):
        user = await self._verified_user()
        self.can_edit = user is not None and user.role == Role.admin
        self.editing, self.edit_error = False, ""
        slug = str(self.router.page.params.get("slug", ""))[:80]
        try:
            self._show(await in_session(lambda s: help_centre.get(s, slug, drafts=self.can_edit)))
        except ServiceError:
            self.article, self.article_html, self.article_missing = {}, "", True

    @rx.event
    def set_editing(self, value: bool):
        self.editing = value and self.can_edit

    async def _update(self, patch: HelpArticleUpdate) -> None:
        if await self._verified_user(Role.admin) is None:
            self.edit_error = "Admin access required"
            return
        slug = self.article.get("slug", "")
        try:
            self._show(await in_session(help_centre.update, slug, patch))
        except ServiceError as exc:
            self.edit_error = exc.detail
            return
        self.edit_error, self.editing = "", False

    @rx.event
    async def save(self, form: dict):
        try:
            patch = HelpArticleUpdate(title=form.get("title", "").strip(), category=form.get("category", "").strip(),
                                      summary=form.get("summary", "").strip(), body=form.get("body", ""),
                                      page=form.get("page", "").strip() or None)
        except ValidationError as exc:
            self.edit_error = validation_message(exc)
            return
        await self._update(patch)

    @rx.event
    async def toggle_published(self):
        await self._update(HelpArticleUpdate(published=not self.article_published))


STATUS_COLORS = {"new": "blue", "triaged": "amber", "done": "green"}


class AdminFeedbackState(AuthState):
    fb_items: list[dict[str, str]] = []
    fb_total: int = 0
    fb_status: str = "new"
    fb_error: str = ""
    fb_notice: str = ""

    async def _reload(self) -> None:
        status = None if self.fb_status == "all" else FeedbackStatus(self.fb_status)
        page = await in_session(feedback.inbox, status, None, 0, 50)
        self.fb_total = page.total
        self.fb_items = [{"id": str(i.id), "category": i.category.value, "message": i.message, "page": i.page or "—",
                          "status": i.status.value, "color": STATUS_COLORS[i.status.value],
                          "from": i.user_email or "anonymous", "when": i.created_at.strftime("%Y-%m-%d %H:%M"),
                          "screenshot": i.screenshot_url or "", "reply": i.reply or "",
                          "can_reply": "yes" if i.user_id else ""} for i in page.items]

    @rx.event
    async def load(self):
        if await self._verified_user(Role.admin) is None:
            return
        self.fb_error, self.fb_notice = "", ""
        await self._reload()

    @rx.event
    async def set_fb_status(self, value: str):
        if await self._verified_user(Role.admin) is None:
            return
        self.fb_status = value if value in ("all", *STATUS_COLORS) else "new"
        await self._reload()

    @rx.event
    async def change_status(self, feedback_id: str, status: str):
        if await self._verified_user(Role.admin) is None:
            return
        try:
            await in_session(feedback.set_status, uuid.UUID(feedback_id), FeedbackStatus(status))
        except (ServiceError, ValueError) as exc:
            self.fb_error = getattr(exc, "detail", "Unknown status")
            return
        self.fb_notice = f"Marked {status}."
        await self._reload()

    @rx.event
    async def send_reply(self, form: dict):
        if await self._verified_user(Role.admin) is None:
            return
        try:
            feedback_id = uuid.UUID(str(form.get("feedback_id", "")))
            await in_session(lambda s: feedback.reply(s, db.app_redis(), feedback_id, str(form.get("reply", ""))))
        except (ServiceError, ValueError) as exc:
            self.fb_error = getattr(exc, "detail", "Unknown feedback")
            return
        self.fb_error, self.fb_notice = "", "Reply sent as a notification."
        await self._reload()
