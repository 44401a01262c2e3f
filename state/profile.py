"""The seeker's profile page: headline, location, skills, level and occupational family as read from
the resume, editable and saved with the account (services/users.py)."""

import reflex as rx
from pydantic import ValidationError

from career_app import db
from career_app.services import families, resumes, seniority, users
from career_app.services.errors import ServiceError
from models.schemas import ProfileUpdate
from models.user import Role
from state.auth import AuthState
from state.common import in_session

FIELDS = ("full_name", "headline", "location", "skills", "family", "seniority")
FAMILY_OPTIONS = [{"value": name, "label": families.label(name)} for name in families.names()]
LEVEL_OPTIONS = [{"value": level, "label": level.capitalize()} for level in seniority.LEVELS]


def _read(session, user_id) -> dict:
    user = users.get_user(session, user_id)
    resume = resumes.current(session, user.id)
    out = users.profile(user, resume, session)
    reading = out.from_resume
    return {
        "form": {"full_name": out.full_name, "headline": out.headline or "", "location": out.location or "",
                 "skills": ", ".join(out.skills), "family": out.family or "", "seniority": out.seniority or ""},
        "resume": {"headline": (reading.headline or "") if reading else "",
                   "location": (reading.location or "") if reading else "",
                   "skills": ", ".join(reading.skills) if reading else "",
                   "family": families.label(reading.family) if reading else "",
                   "seniority": (reading.seniority or "").capitalize() if reading else ""},
        "has_resume": resume is not None,
        "family_in_use": out.family_label,
        "level_in_use": (out.seniority_in_use or "").capitalize(),
    }


def _field_of(message: str) -> str:
    lowered = message.lower()
    return next((f for f in FIELDS if lowered.startswith(f) or lowered.startswith(f.replace("_", " "))), "form")


class ProfileState(AuthState):
    loading: bool = True
    saving: bool = False
    saved: str = ""
    error: str = ""
    field_errors: dict[str, str] = {}
    values: dict[str, str] = {}
    from_resume: dict[str, str] = {}
    has_resume: bool = False
    family_in_use: str = ""
    level_in_use: str = ""
    form_key: int = 0  # a new key redraws the form with the saved values
    family_options: list[dict[str, str]] = FAMILY_OPTIONS
    level_options: list[dict[str, str]] = LEVEL_OPTIONS

    def _show(self, data: dict) -> None:
        self.values, self.from_resume, self.has_resume = data["form"], data["resume"], data["has_resume"]
        self.family_in_use, self.level_in_use = data["family_in_use"], data["level_in_use"]
        self.form_key += 1

    @rx.event
    async def load(self):
        user = await self._verified_user(Role.seeker)
        if user is None:
            return
        self.loading, self.error, self.saved, self.field_errors = True, "", "", {}
        yield
        try:
            self._show(await in_session(_read, user.id))
        except ServiceError as exc:
            self.error = exc.detail
        self.loading = False

    @rx.event
    async def save(self, form: dict):
        user = await self._verified_user(Role.seeker)
        if user is None:
            self.error = "Sign in as a job seeker to edit your profile."
            return
        self.saving, self.saved, self.error, self.field_errors = True, "", "", {}
        yield
        fields = {k: str(form.get(k) or "").strip() for k in FIELDS}
        skills = [s.strip() for s in fields.pop("skills").replace(";", ",").split(",") if s.strip()]
        try:
            data = ProfileUpdate(**fields, skills=skills)
        except ValidationError as exc:
            self.field_errors = {str(e["loc"][0]) if e.get("loc") else "form":
                                 e.get("msg", "is invalid").removeprefix("Value error, ") for e in exc.errors()}
            self.saving = False
            return
        try:
            fresh = await in_session(lambda s: _save(s, user.id, data))
        except ServiceError as exc:
            self.field_errors = {_field_of(exc.detail): exc.detail}
            self.saving = False
            return
        self._show(fresh)
        self.user_name = fresh["form"]["full_name"]
        self.saving, self.saved = False, "Profile saved."


def _save(session, user_id, data: ProfileUpdate) -> dict:
    users.update_profile(session, db.app_redis(), users.get_user(session, user_id), data)
    return _read(session, user_id)
