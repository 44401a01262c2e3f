from typing import Annotated

from fastapi import APIRouter, Query

from career_app.api.deps import AdminUser, SessionDep
from career_app.services import users
from models.schemas import Page, UserOut
from models.user import Role

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@router.get("/users", response_model=Page[UserOut])
def list_users(
    _admin: AdminUser,
    session: SessionDep,
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=users.MAX_PAGE_SIZE)] = 20,
    role: Role | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Part of a name or email")] = None,
) -> Page[UserOut]:
    return users.list_users(session, skip=skip, limit=limit, role=role, query=q)
