from typing import Annotated

from fastapi import APIRouter, Path

from career_app.api.deps import CurrentUser, RQDep
from career_app.services import tasks
from models.schemas import TaskStatus

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])


@router.get("/{task_id}", response_model=TaskStatus, responses={404: {"description": "Unknown task"}})
def task_status(task_id: Annotated[str, Path(max_length=64)], user: CurrentUser, conn: RQDep) -> TaskStatus:
    """Status, progress and result of a background task you started."""
    return tasks.status(conn, task_id, user)
