"""The seeker's resume page: upload with live parsing progress, suggestions to accept, download.

The worker announces each parsing step on the seeker's live topic (services/resumes.announce_progress);
nothing polls. One wake-up after PARSE_PATIENCE_SECONDS tells the seeker if it never finished."""

import reflex as rx

from career_app import db
from career_app.services import documents, families, live, resumes, users
from career_app.services.errors import ServiceError
from models.resume import UploadStatus
from models.schemas import ProfileUpdate
from models.user import Role
from state.auth import AuthState
from state.common import in_session
from state.live import follow, later, live_state, own_topic

PARSE_PATIENCE_SECONDS = 120
UPLOAD_ID = "resume-upload"
SUGGESTED = ("full_name", "headline", "location", "family", "seniority")  # accepted one by one; skills together


@live_state
class ResumeState(AuthState):
    # the current resume
    has_resume: bool = False
    file_name: str = ""
    uploaded_at: str = ""
    characters: int = 0
    resume_skills: list[str] = []
    profile: dict[str, str] = {}
    profile_skills: list[str] = []
    # the upload in progress
    upload_id: str = ""
    upload_status: str = ""
    progress: int = 0
    error: str = ""
    notice: str = ""
    found_characters: int = 0
    found_skills: list[str] = []
    suggestions: dict[str, str] = {}
    suggested_skills: list[str] = []

    @rx.var
    def uploading(self) -> bool:
        return self.upload_status in ("sending", "queued", "processing")

    async def _refresh(self, user):
        def read(session):
            resume = resumes.current(session, user.id)
            fresh = users.get_user(session, user.id)
            info = None
            if resume is not None:
                info = (resume.file_name, resume.created_at.strftime("%Y-%m-%d %H:%M"), resume.characters,
                        list(resume.skills))
            return info, {"full_name": fresh.full_name, "headline": fresh.headline or "",
                          "location": fresh.location or "", "family": fresh.family or "",
                          "seniority": fresh.seniority or ""}, list(fresh.skills or [])

        info, self.profile, self.profile_skills = await in_session(read)
        self.has_resume = info is not None
        if info:
            self.file_name, self.uploaded_at, self.characters, self.resume_skills = info

    @rx.event
    async def load(self):
        user = await self._verified_user(Role.seeker)
        if user is not None:
            await follow(self, live.user(user.id))
            await self._refresh(user)

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]):
        """The bytes go straight to private staging through the service; nothing lands in a public folder."""
        user = await self._verified_user(Role.seeker)
        if user is None:
            self.error = "Sign in as a job seeker to upload a resume."
            return
        self.error, self.notice, self.suggestions, self.found_skills = "", "", {}, []
        if not files:
            self.error = "Choose a PDF or DOCX file first."
            return
        upload_file = files[0]
        data = await upload_file.read(documents.MAX_UPLOAD_BYTES + 1)
        await follow(self, live.user(user.id))  # before the worker can announce anything
        try:
            upload = await in_session(lambda s: resumes.start_upload(s, db.rq_redis(), user, data, upload_file.name)
                                      .model_dump())
        except ServiceError as exc:
            self.upload_status, self.error = "failed", exc.detail
            return
        self.upload_id, self.upload_status, self.progress = str(upload["id"]), "queued", 5
        later(self, PARSE_PATIENCE_SECONDS, {"type": "upload_patience", "upload_id": self.upload_id})

    async def on_live(self, topic: str, event: dict) -> None:
        """The worker's steps for the upload in progress; the final one brings the results."""
        if not await own_topic(self, topic):
            return
        kind = event.get("type")
        if not self.uploading or (kind != "resync" and event.get("upload_id") != self.upload_id):
            return
        if kind == "resume_upload" and event.get("status") == UploadStatus.processing:
            self.upload_status, self.progress = "processing", int(event.get("progress") or 0)
        elif kind in ("resume_upload", "resync", "upload_patience"):
            await self._read_upload(gave_up=kind == "upload_patience")

    async def _read_upload(self, gave_up: bool = False) -> None:
        user = await self._verified_user(Role.seeker)
        if user is None:
            return
        try:
            upload = await in_session(lambda s: resumes.upload_status(s, user, self.upload_id).model_dump())
        except ServiceError as exc:
            self.upload_status, self.error = "failed", exc.detail
            return
        self.upload_status, self.progress = upload["status"], upload["progress"]
        if upload["status"] == UploadStatus.failed:
            self.error = upload["error"] or "The file could not be processed."
        elif upload["status"] == UploadStatus.done:
            self.found_characters = upload["characters_extracted"] or 0
            self.found_skills = upload["skills"]
            hints = upload["suggestions"] or {}
            self.suggestions = {k: hints.get(k) or "" for k in SUGGESTED}
            if hints.get("family") == families.GENERAL:  # nothing told: nothing to suggest
                self.suggestions["family"] = ""
            self.suggestions["family_label"] = families.label(hints.get("family")) if self.suggestions["family"] else ""
            self.suggestions["seniority_label"] = self.suggestions["seniority"].capitalize()
            self.suggested_skills = list(hints.get("skills") or [])
            await self._refresh(user)
        elif gave_up:
            self.upload_status, self.error = "failed", "Parsing is taking too long; try again in a minute."

    async def _save_profile(self, **changes):
        user = await self._verified_user(Role.seeker)
        if user is None:
            return
        try:
            data = ProfileUpdate(**changes)
            await in_session(lambda s: users.update_profile(s, db.app_redis(), users.get_user(s, user.id), data).id)
        except (ServiceError, ValueError) as exc:
            self.error = getattr(exc, "detail", None) or "That value cannot be saved."
            return
        self.notice = "Profile updated."
        await self._refresh(user)

    @rx.event
    async def accept(self, field: str):
        if field in SUGGESTED and self.suggestions.get(field):
            await self._save_profile(**{field: self.suggestions[field]})

    @rx.event
    async def accept_skills(self):
        merged = list(dict.fromkeys(self.profile_skills + self.suggested_skills))
        await self._save_profile(skills=merged)

    @rx.event
    async def download(self):
        user = await self._verified_user(Role.seeker)
        if user is None:
            return
        try:
            path, _ = await in_session(resumes.download_link, user)
        except ServiceError as exc:
            self.error = exc.detail
            return
        return rx.download(url=path, filename=self.file_name)
