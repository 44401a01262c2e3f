from fastapi import APIRouter

from career_app.api.deps import CurrentUser, RQDep
from career_app.services import tasks, users
from models.schemas import TaskAccepted, UserProfile

router = APIRouter(prefix="/api/v1/users", tags=["users"])


@router.get("/me", response_model=UserProfile)
def my_profile(user: CurrentUser) -> UserProfile:
    return users.profile(user)


@router.post("/me/export", response_model=TaskAccepted, status_code=202)
def export_my_data(user: CurrentUser, conn: RQDep) -> TaskAccepted:
    """Build a JSON export of your account in the background; poll /api/v1/tasks/{task_id}."""
    task_id = tasks.enqueue(conn, "export_account", user, str(user.id))
    return TaskAccepted(task_id=task_id, status="queued", message="Export started")
