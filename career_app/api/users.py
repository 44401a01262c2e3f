from fastapi import APIRouter

from career_app.api.deps import CurrentUser, RedisDep, RQDep, SessionDep
from career_app.services import resumes, tasks, users
from models.schemas import ProfileUpdate, TaskAccepted, UserProfile

router = APIRouter(prefix="/api/v1/users", tags=["users"])


@router.get("/me", response_model=UserProfile)
def my_profile(user: CurrentUser, session: SessionDep) -> UserProfile:
    return users.profile(user, resumes.current(session, user.id))


@router.patch("/me", response_model=UserProfile)
def update_my_profile(data: ProfileUpdate, user: CurrentUser, session: SessionDep, r: RedisDep) -> UserProfile:
    """Change your name, headline, location or skills (e.g. accept your resume's suggestions)."""
    user = users.update_profile(session, r, user, data)
    return users.profile(user, resumes.current(session, user.id))


@router.post("/me/export", response_model=TaskAccepted, status_code=202)
def export_my_data(user: CurrentUser, conn: RQDep) -> TaskAccepted:
    """Build a JSON export of your account in the background; poll /api/v1/tasks/{task_id}."""
    task_id = tasks.enqueue(conn, "export_account", user, str(user.id))
    return TaskAccepted(task_id=task_id, status="queued", message="Export started")
