from typing import Literal

from fastapi import APIRouter
from pydantic import Field

from career_app.api.deps import CurrentUser, RedisDep, RQDep, SessionDep
from career_app.services import families, resumes, seniority, tasks, users
from models.schemas import ProfileUpdate, TaskAccepted, UserProfile

router = APIRouter(prefix="/api/v1/users", tags=["users"])

# The names the services know, so that a wrong one is a standard 422 and the spec lists them.
FamilyName = Literal[tuple(families.names())]
FamilyOrEmpty = Literal[(*families.names(), "")]
LevelOrEmpty = Literal[(*seniority.LEVELS, "")]


class ProfilePatch(ProfileUpdate):
    family: FamilyOrEmpty | None = Field(
        default=None, description="Your occupational family; empty or null: read from your resume")
    seniority: LevelOrEmpty | None = Field(
        default=None, description="Your level; empty or null: read from your resume")


@router.get("/me", response_model=UserProfile)
def my_profile(user: CurrentUser, session: SessionDep) -> UserProfile:
    """Your profile; for a seeker also the family and level advice uses and what your resume reads as."""
    return users.profile(user, resumes.current(session, user.id), session)


@router.patch("/me", response_model=UserProfile)
def update_my_profile(data: ProfilePatch, user: CurrentUser, session: SessionDep, r: RedisDep) -> UserProfile:
    """Change your name, headline, location, skills, family or level (e.g. accept your resume's suggestions)."""
    user = users.update_profile(session, r, user, data)
    return users.profile(user, resumes.current(session, user.id), session)


@router.post("/me/export", response_model=TaskAccepted, status_code=202)
def export_my_data(user: CurrentUser, conn: RQDep) -> TaskAccepted:
    """Build a JSON export of your account in the background; poll /api/v1/tasks/{task_id}."""
    task_id = tasks.enqueue(conn, "export_account", user, str(user.id))
    return TaskAccepted(task_id=task_id, status="queued", message="Export started")
