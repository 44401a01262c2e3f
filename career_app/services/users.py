"""Reading user accounts: profiles, the admin listing, the personal data export."""

import uuid

import redis
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from career_app.services import auth
from career_app.services.errors import InvalidInput, NotFound
from career_app.services.skills import taxonomy
from models.job import Job
from models.resume import Resume
from models.schemas import Page, ProfileUpdate, UserOut, UserProfile
from models.user import Role, User

MAX_PAGE_SIZE = 100


def profile(user: User, resume: Resume | None = None) -> UserProfile:
    """The Ottobon `/users/me` shape; resume_file_url is the private storage key, never a public link."""
    return UserProfile(id=user.id, email=user.email, role=user.role, full_name=user.full_name,
                       headline=user.headline, location=user.location, skills=list(user.skills or []),
                       resume_text=resume.text if resume else None,
                       resume_file_url=resume.storage_key if resume else None,
                       resume_file_name=resume.file_name if resume else None)


def update_profile(session: Session, r: redis.Redis, user: User, data: ProfileUpdate) -> User:
    changes = data.model_dump(exclude_unset=True)
    if "full_name" in changes and not changes["full_name"]:
        raise InvalidInput("full_name must not be blank")
    if "skills" in changes:
        changes["skills"] = taxonomy().normalise(changes["skills"] or [])
    for field in ("headline", "location"):
        if field in changes and not changes[field]:
            changes[field] = None
    for field, value in changes.items():
        setattr(user, field, value)
    session.add(user)
    session.commit()
    auth.identity_changed(r)  # processes that remembered this caller read the new profile
    session.refresh(user)
    return user


def list_users(session: Session, *, skip: int = 0, limit: int = 20, role: Role | None = None,
               query: str | None = None) -> Page[UserOut]:
    """Newest first, filtered by role and by a case-insensitive name/email fragment."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    skip = max(0, skip)
    conditions = []
    if role is not None:
        conditions.append(User.role == role)
    if query and query.strip():
        pattern = "%" + query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(or_(col(User.email).ilike(pattern), col(User.full_name).ilike(pattern)))
    total = session.exec(select(func.count()).select_from(User).where(*conditions)).one()
    rows = session.exec(
        select(User).where(*conditions).order_by(col(User.created_at).desc(), col(User.id)).offset(skip).limit(limit)
    ).all()
    return Page[UserOut](items=[UserOut.model_validate(u) for u in rows], total=total, skip=skip, limit=limit)


def get_user(session: Session, user_id: uuid.UUID) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("User not found")
    return user


def export_account_data(session: Session, user_id: uuid.UUID) -> dict:
    """Everything the platform stores about one user, as JSON-ready data."""
    user = get_user(session, user_id)
    resume = session.exec(select(Resume).where(Resume.user_id == user_id)).first()
    jobs = session.exec(select(Job).where(Job.owner_id == user_id).order_by(col(Job.created_at))).all()
    return {
        "profile": UserOut.model_validate(user).model_dump(mode="json"),
        "details": {"headline": user.headline, "location": user.location, "skills": list(user.skills or [])},
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        "resume": None if resume is None else {
            "file_name": resume.file_name, "uploaded_at": resume.created_at.isoformat(), "text": resume.text,
            "skills": list(resume.skills)},
        "jobs": [{"id": str(j.id), "title": j.title, "status": j.status, "company_name": j.company_name,
                  "description_raw": j.description_raw, "created_at": j.created_at.isoformat()} for j in jobs],
    }
