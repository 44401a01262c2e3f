"""Reading user accounts: profiles (with the seeker's occupational family and level), the admin
listing, the personal data export."""

import uuid

import redis
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from career_app.services import auth, families, resume_reading, resumes, seniority
from career_app.services.errors import InvalidInput, NotFound, Unprocessable
from career_app.services.skills import taxonomy
from models.job import Job
from models.resume import Resume
from models.schemas import Page, ProfileUpdate, ResumeReadingOut, UserOut, UserProfile
from models.user import Role, User

MAX_PAGE_SIZE = 100


def _role_and_skills(user: User, resume: Resume | None) -> tuple[str | None, list[str]]:
    """What tells a seeker's family: their headline (else the resume's role line) and their skills."""
    title = user.headline or (resume_reading.headline(resume.text) if resume is not None else None)
    return title, list(user.skills or []) + list(resume.skills if resume is not None else [])


def seeker_families(session: Session, user: User, resume: Resume | None = None) -> list[str]:
    """The families a seeker's advice and market read, strongest first: the one they set, else the
    ones their headline/resume and skills show (a nurse who teaches: healthcare, education), else
    general."""
    if families.valid(user.family):
        return [user.family]
    resume = resume if resume is not None else resumes.current(session, user.id)
    return families.ranked(*_role_and_skills(user, resume)) or [families.GENERAL]


def seeker_family(session: Session, user: User, resume: Resume | None = None) -> str:
    """The one family advice reads for a seeker: the stored one, else the one read from the resume,
    else "general"."""
    return seeker_families(session, user, resume)[0]


def seeker_level(session: Session, user: User, resume: Resume | None = None) -> str | None:
    """The seeker's level: the one they set, else the one their resume reads as (None if nothing tells)."""
    if user.seniority in seniority.LEVELS:
        return user.seniority
    resume = resume if resume is not None else resumes.current(session, user.id)
    if resume is None:
        return None
    stored = (resume.match_profile or {}).get("seniority") or {}
    return stored.get("level") if "level" in stored else seniority.of_resume(resume.text).level


def profile(user: User, resume: Resume | None = None, session: Session | None = None) -> UserProfile:
    """The Ottobon `/users/me` shape; resume_file_url is the private storage key, never a public link.
    With a session it also says which family and level advice uses and what the resume reads as."""
    out = UserProfile(id=user.id, email=user.email, role=user.role, full_name=user.full_name,
                      headline=user.headline, location=user.location, skills=list(user.skills or []),
                      family=user.family, seniority=user.seniority,
                      resume_text=resume.text if resume else None,
                      resume_file_url=resume.storage_key if resume else None,
                      resume_file_name=resume.file_name if resume else None)
    if session is not None and user.role == Role.seeker:
        out.family_in_use = seeker_family(session, user, resume)
        out.seniority_in_use = seeker_level(session, user, resume)
        if resume is not None:
            out.from_resume = ResumeReadingOut(**resume_reading.read(resume.text, list(resume.skills)).as_dict())
    else:
        out.family_in_use = user.family if families.valid(user.family) else families.GENERAL
        out.seniority_in_use = user.seniority
    out.family_label = families.label(out.family_in_use)
    return out


def update_profile(session: Session, r: redis.Redis, user: User, data: ProfileUpdate) -> User:
    changes = data.model_dump(exclude_unset=True)
    if "full_name" in changes and changes["full_name"] is None:
        del changes["full_name"]  # null: unchanged (the name is required, so it cannot be cleared)
    if "full_name" in changes and not changes["full_name"]:
        raise InvalidInput("full_name must not be blank")
    if "skills" in changes:
        changes["skills"] = taxonomy().normalise(changes["skills"] or [])
    for field in ("headline", "location", "family", "seniority"):
        if field in changes and not changes[field]:
            changes[field] = None
    headline, name = changes.get("headline"), changes.get("full_name") or user.full_name
    if headline and (resume_reading.is_section_heading(headline) or headline.casefold() == name.casefold()):
        raise Unprocessable("Headline must be a role line (such as Registered Nurse), not a section heading or "
                            "your name", ("body", "headline"), "headline_not_a_role")
    if changes.get("family") is not None and not families.valid(changes["family"]):
        raise InvalidInput(f"Family must be one of: {', '.join(families.names())}")
    if changes.get("seniority") is not None and changes["seniority"] not in seniority.LEVELS:
        raise InvalidInput(f"Seniority must be one of: {', '.join(seniority.LEVELS)}")
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
        "details": {"headline": user.headline, "location": user.location, "skills": list(user.skills or []),
                    "family": user.family, "seniority": user.seniority},
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        "resume": None if resume is None else {
            "file_name": resume.file_name, "uploaded_at": resume.created_at.isoformat(), "text": resume.text,
            "skills": list(resume.skills)},
        "jobs": [{"id": str(j.id), "title": j.title, "status": j.status, "company_name": j.company_name,
                  "description_raw": j.description_raw, "created_at": j.created_at.isoformat()} for j in jobs],
    }
