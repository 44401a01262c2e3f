"""Tracked jobs: a seeker's private rows of the jobs table, or saved public listings by reference."""

import uuid

import redis
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from career_app.services import jobs
from career_app.services.applications import core
from career_app.services.applications.core import _seeker
from career_app.services.errors import Conflict, Unprocessable
from career_app.services.skills import taxonomy
from models.application import Application, ApplicationStatus
from models.application_schemas import ApplicationCreate, TrackedJobCreate, TrackedJobOut, TrackedJobUpdate
from models.base import utcnow
from models.job import Job, JobStatus, TrackingStatus, Visibility
from models.user import User


def create_tracked(session: Session, user: User, data: TrackedJobCreate) -> Job:
    """A private job the seeker tracks: no enrichment, never public."""
    _seeker(user)
    fields = data.model_dump(exclude_none=True)
    fields["description_raw"] = fields.get("description_raw") or ""
    fields["skills_required"] = taxonomy().normalise(fields.get("skills_required") or [])
    job = Job(owner_id=user.id, visibility=Visibility.private, status=JobStatus.active, source="tracker", **fields)
    session.add(job)
    session.commit()
    return job


def update_tracked(session: Session, job: Job, data: TrackedJobUpdate) -> Job:
    changes = data.model_dump(exclude_unset=True)
    if "title" in changes and changes["title"] is None:
        del changes["title"]
    if "description_raw" in changes:
        changes["description_raw"] = changes["description_raw"] or ""
    if "skills_required" in changes:
        changes["skills_required"] = taxonomy().normalise(changes["skills_required"] or [])
    if "tracking_status" in changes and changes["tracking_status"] is None:
        del changes["tracking_status"]
    salary = {"salary_min": job.salary_min, "salary_max": job.salary_max, **changes}
    if salary["salary_min"] is not None and salary["salary_max"] is not None and salary["salary_min"] > salary["salary_max"]:
        raise Unprocessable("salary_min must not exceed salary_max", ("body", "salary_min"), "salary_order")
    for field, value in changes.items():
        setattr(job, field, value)
    job.updated_at = utcnow()
    session.add(job)
    session.commit()
    session.refresh(job)
    return job


def save_listing(session: Session, user: User, listing_id: str) -> tuple[Job, bool]:
    """Put a public listing on the seeker's tracker: a reference to it, not a copy (its title and
    company are kept only so the entry stays readable if the listing goes away). Saving it again
    returns the same entry; the flag says whether it was created now."""
    _seeker(user)
    listing = jobs.get_visible(session, listing_id, user)
    if listing.visibility != Visibility.public:
        raise Conflict("Only a public listing can be saved; this job is already on your tracker")
    if (entry := _saved_entry(session, user, listing.id)) is not None:
        return entry, False
    entry = Job(owner_id=user.id, visibility=Visibility.private, status=JobStatus.active, source="saved",
                title=listing.title, company_name=listing.company_name, description_raw="",
                listing_id=listing.id, tracking_status=TrackingStatus.saved)
    session.add(entry)
    try:
        session.commit()
    except IntegrityError:  # saved twice at once: the other request's entry is the one
        session.rollback()
        return _saved_entry(session, user, listing.id), False
    return entry, True


def apply(session: Session, r: redis.Redis, user: User, job_id: str | uuid.UUID) -> tuple[Application, bool]:
    """"Apply" on a job of the seeker's tracker: one application per tracked job. The first call files
    it as Applied, dated today, with the job's notes, and marks the job applied; any later call returns
    that application. The flag says whether it was created now."""
    _seeker(user)
    job = jobs.get_visible(session, job_id, user)
    if job.owner_id != user.id or job.visibility != Visibility.private:
        raise Conflict("Only a job on your tracker can be applied to here: save the listing to your tracker first")
    if (existing := core.on_job(session, user, job, lock=True)) is not None:
        session.rollback()  # nothing changed: the lock goes
        return existing, False
    job.tracking_status, job.updated_at = TrackingStatus.applied, utcnow()
    session.add(job)  # committed with the application
    return core.create(session, r, user, ApplicationCreate(job_id=job.id, status=ApplicationStatus.applied,
                                                           notes=job.notes)), True


def _saved_entry(session: Session, user: User, listing_id: uuid.UUID) -> Job | None:
    return session.exec(select(Job).where(Job.owner_id == user.id, Job.listing_id == listing_id)).first()


def tracked_out(session: Session, rows: list[Job], viewer: User | None) -> list[TrackedJobOut]:
    """Jobs as `viewer` sees them; a saved listing shows the listing's current content while the
    listing is visible, its own snapshot otherwise. The listings are read in one query."""
    wanted = {job.listing_id for job in rows if job.listing_id is not None}
    listings = {j.id: j for j in session.exec(select(Job).where(col(Job.id).in_(wanted))).all()} if wanted else {}
    applied = _applications_on(session, [job for job in rows if job.visibility == Visibility.private], viewer)
    out = []
    for job in rows:
        listing = listings.get(job.listing_id)
        if listing is not None and jobs.can_view(listing, viewer):
            item = TrackedJobOut.model_validate(jobs.to_out(listing, viewer).model_dump())
            for field in ("id", "visibility", "source", "created_at", "updated_at"):
                setattr(item, field, getattr(job, field))
        else:
            item = TrackedJobOut.model_validate(jobs.to_out(job, viewer).model_dump())
        if job.visibility == Visibility.private:
            item.notes, item.tracking_status = job.notes, job.tracking_status
            item.source_url, item.listing_id = job.source_url, job.listing_id
            if (app := applied.get(job.id) or applied.get(job.listing_id)) is not None:
                item.application_id, item.application_status = app
        out.append(item)
    return out


def _applications_on(session: Session, rows: list[Job], viewer: User | None) -> dict:
    """job id -> (application id, status) of the viewer's application on each of their tracked jobs (or
    the listing a saved entry keeps), in one query."""
    keys = {key for job in rows if viewer is not None and job.owner_id == viewer.id
            for key in (job.id, job.listing_id) if key is not None}
    if not keys:
        return {}
    found = session.exec(select(Application.job_id, Application.id, Application.status)
                         .where(Application.user_id == viewer.id, col(Application.job_id).in_(keys),
                                col(Application.deleted_at).is_(None))
                         .order_by(col(Application.created_at).desc())).all()
    return {job_id: (app_id, status) for job_id, app_id, status in found}  # the oldest one wins
