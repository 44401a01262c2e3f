"""/social (activity, privacy choices, share links, leaderboard) and /s/[token] (a shared resume or job,
public) over services/social.py."""

import reflex as rx

from career_app.services import jobs, social
from career_app.services.errors import ServiceError
from career_app.settings import settings
from models.social_schemas import ShareCreate, SocialSettingsUpdate
from state.auth import AuthState
from state.common import in_session

CHOICES = ("public_milestones", "community_feed", "leaderboard", "show_name", "show_companies")
MILESTONE_LABEL = {"applied": "Applied", "interview": "Interview", "offer": "Offer"}


def _when(at) -> str:
    return at.strftime("%Y-%m-%d")


class SocialState(AuthState):
    loading: bool = True
    error: str = ""
    choices: dict[str, bool] = {}
    pseudonym: str = ""
    milestones: list[dict[str, str]] = []
    community: list[dict[str, str]] = []
    shares: list[dict[str, str]] = []
    board: list[dict[str, str]] = []
    month: str = ""
    jobs: list[list[str]] = []
    share_job: str = ""
    share_days: str = "7"
    new_link: str = ""

    async def _read(self, user):
        def read(session):
            feed = social.activity(session, user)
            board = feed.leaderboard
            shares = social.list_shares(session, user)  # ended ones too, with their view counts
            owned, _ = jobs.list_owned(session, user, 0, 50)
            return feed, board, shares, [[str(j.id), j.title + (f" · {j.company_name}" if j.company_name else "")]
                                         for j in owned]

        feed, board, shares, owned = await in_session(read)
        self.choices = {name: getattr(feed.settings, name) for name in CHOICES}
        self.pseudonym = feed.settings.pseudonym
        self.milestones = [{"id": f"{m.application_id}-{m.milestone}", "what": MILESTONE_LABEL[m.milestone],
                            "company": m.company, "title": m.title, "when": _when(m.at),
                            "public": "public" if m.public else "private"} for m in feed.milestones]
        self.community = [{"id": f"{i}", "who": e.who, "what": MILESTONE_LABEL[e.milestone],
                           "company": e.company or "", "when": _when(e.at)} for i, e in enumerate(feed.community)]
        self.board = [{"rank": str(r.rank), "who": r.who, "applications": str(r.applications),
                       "interviews": str(r.interviews), "you": "you" if r.you else ""} for r in board.rows]
        self.month = board.month
        self.shares = [{"id": str(s.id), "label": s.label, "views": str(s.views), "prefix": s.token_prefix,
                        "expires": _when(s.expires_at), "active": "yes" if s.active else ""} for s in shares]
        self.jobs = owned

    @rx.event
    async def load(self):
        user = await self._verified_user()
        if user is None:
            return
        self.loading, self.error, self.new_link = True, "", ""
        try:
            await self._read(user)
        except ServiceError as exc:
            self.error = exc.detail
        self.loading = False

    @rx.event
    async def toggle(self, name: str, value: bool):
        user = await self._verified_user()
        if user is None or name not in CHOICES:
            return
        try:
            await in_session(social.update_settings, user, SocialSettingsUpdate(**{name: bool(value)}))
            await self._read(user)
        except ServiceError as exc:
            self.error = exc.detail

    @rx.event
    def set_share_job(self, value: str):
        self.share_job = value

    @rx.event
    def set_share_days(self, value: str):
        self.share_days = value

    async def _share(self, kind: str, job_id: str | None):
        user = await self._verified_user()
        if user is None:
            return
        self.error = ""
        try:
            data = ShareCreate(kind=kind, job_id=job_id or None, expires_in_days=int(self.share_days or 7))
            _, token = await in_session(social.create_share, user, data)
            await self._read(user)
        except ServiceError as exc:
            self.error = exc.detail
            return
        except ValueError:
            self.error = "Choose a job and a number of days between 1 and 90"
            return
        base = self.router.page.host or settings.resolved_public_url  # the origin this tab is on
        self.new_link = f"{base}{social.SHARED_PATH}{token}"

    @rx.event
    async def share_resume(self):
        await self._share("resume", None)

    @rx.event
    async def share_selected_job(self):
        if not self.share_job:
            self.error = "Choose a job to share"
            return
        await self._share("job", self.share_job)

    @rx.event
    async def revoke(self, share_id: str):
        user = await self._verified_user()
        if user is None:
            return
        try:
            await in_session(social.revoke_share, user, share_id)
            await self._read(user)
        except ServiceError as exc:
            self.error = exc.detail


class SharedState(AuthState):
    """The public page of a share link: no sign-in, only what was shared."""

    found: bool = False
    loading: bool = True
    kind: str = ""
    title: str = ""
    subtitle: str = ""
    body: str = ""
    skills: list[str] = []
    apply_url: str = ""
    expires: str = ""

    @rx.event
    async def load(self):
        self.loading = True
        token = self.router.page.params.get("share_token", "")
        try:
            view = await in_session(social.open_share, token)
        except ServiceError:
            self.found, self.loading = False, False
            return
        self.found, self.kind, self.expires = True, view.kind.value, _when(view.expires_at)
        if view.resume is not None:
            self.title, self.subtitle = "Shared resume", view.resume.file_name
            self.body, self.skills, self.apply_url = view.resume.text, view.resume.skills, ""
        else:
            job = view.job
            self.title = job.title
            self.subtitle = " · ".join(p for p in (job.company, job.location, job.remote_option) if p)
            self.body, self.skills, self.apply_url = job.description, [], job.apply_url or ""
        self.loading = False
