"""One application at a time: reading it with its timeline, creating and editing it, moving it by
the one rule of status transitions (one at a time or in bulk), deleting and restoring it. Every
change writes a timeline event and ends in notify.changed after its commit.

An id that is someone else's answers exactly like an unknown one (404)."""

import uuid
from datetime import date

import redis
from sqlmodel import Session, col, select

from career_app.services import jobs, notifications
from career_app.services.applications.notify import changed
from career_app.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from models.application import TRANSITIONS, Application, ApplicationEvent, ApplicationStatus
from models.application_schemas import (MAX_BULK_IDS, ApplicationCreate, ApplicationDetail, ApplicationOut,
                                        ApplicationUpdate, BulkItemResult, BulkStatusResult, TimelineEvent)
from models.base import utcnow
from models.job import Job
from models.user import Role, User


def _seeker(user: User) -> None:
    if user.role != Role.seeker:
        raise Forbidden("Only job seekers keep a tracker")


# --- reads -------------------------------------------------------------------------------------


def _own(session: Session, user: User, application_id: str | uuid.UUID, deleted: bool = False,
         lock: bool = False) -> Application:
    try:
        key = application_id if isinstance(application_id, uuid.UUID) else uuid.UUID(str(application_id))
    except ValueError:
        raise NotFound("Application not found") from None
    # lock: the row is held until the commit, so concurrent moves apply one after the other and each
    # timeline event starts where the previous one ended.
    if lock:  # only the caller's own row is locked (someone else's id locks nothing)
        app = session.exec(select(Application).where(Application.id == key, Application.user_id == user.id)
                           .with_for_update().execution_options(populate_existing=True)).first()
    else:
        app = session.get(Application, key)
    if app is None or app.user_id != user.id or (app.deleted_at is not None) != deleted:
        raise NotFound("Application not found")
    return app


def _job_keys(session: Session, user: User, job: Job) -> set[uuid.UUID]:
    """A listing and the seeker's tracker entry that saves it are one job."""
    keys = {job.id} | ({job.listing_id} if job.listing_id else set())
    keys.update(session.exec(select(Job.id).where(Job.owner_id == user.id, Job.listing_id == job.id)).all())
    return keys


def on_job(session: Session, user: User, job: Job, lock: bool = False) -> Application | None:
    """The seeker's one application on this job (deleted ones aside), if any. The rule: one per job.
    lock: the job's row is held until the commit, so two requests at once cannot both add one."""
    if lock:
        session.exec(select(Job.id).where(Job.id == job.id).with_for_update()).first()
    return session.exec(select(Application).where(Application.user_id == user.id,
                                                  col(Application.job_id).in_(_job_keys(session, user, job)),
                                                  col(Application.deleted_at).is_(None))
                        .order_by(col(Application.created_at))).first()


def _one_per_job(existing: Application | None) -> None:
    if existing is not None:
        raise Conflict(f"You already have an application for this job ({existing.company_name} · "
                       f"{existing.job_title}, {existing.status.value}, id {existing.id}); change that one instead")


def allowed(status: ApplicationStatus) -> list[ApplicationStatus]:
    return list(TRANSITIONS[status])


def to_out(app: Application) -> ApplicationOut:
    out = ApplicationOut.model_validate(app, from_attributes=True)
    out.allowed_statuses = allowed(app.status)
    return out


def get(session: Session, user: User, application_id: str) -> ApplicationDetail:
    app = _own(session, user, application_id)
    events = session.exec(select(ApplicationEvent).where(ApplicationEvent.application_id == app.id)
                          .order_by(col(ApplicationEvent.at), col(ApplicationEvent.id))).all()
    return ApplicationDetail(**to_out(app).model_dump(),
                             timeline=[TimelineEvent.model_validate(e, from_attributes=True) for e in events])


# --- changes -----------------------------------------------------------------------------------


def _event(session: Session, app: Application, kind: str, changes: dict | None = None,
           from_status: ApplicationStatus | None = None, to_status: ApplicationStatus | None = None) -> None:
    session.add(ApplicationEvent(application_id=app.id, kind=kind, from_status=from_status, to_status=to_status,
                                 changes=notifications._json_data(changes)))


def _move(app: Application, target: ApplicationStatus) -> bool:
    """Apply the transition rule; False when it is already there (nothing to record)."""
    if target == app.status:
        return False
    if target not in TRANSITIONS[app.status]:
        options = ", ".join(TRANSITIONS[app.status]) or "none (it is final)"
        raise Conflict(f"An application cannot move from {app.status.value} to {target.value}; allowed: {options}")
    app.status = target
    if target == ApplicationStatus.applied and app.applied_on is None:
        app.applied_on = date.today()
    return True


def create(session: Session, r: redis.Redis, user: User, data: ApplicationCreate) -> Application:
    _seeker(user)
    fields = data.model_dump(exclude_none=True, exclude={"job_id", "interviews"})
    if data.interviews is not None:
        fields["interviews"] = [i.model_dump(mode="json") for i in data.interviews]
    if data.job_id is not None:
        job = jobs.get_visible(session, data.job_id, user)
        source = session.get(Job, job.listing_id) if job.listing_id else None
        source = source if source is not None and jobs.can_view(source, user) else job
        fields.setdefault("company_name", source.company_name or "Unknown company")
        fields.setdefault("job_title", source.title)
        fields.setdefault("location", source.location)
        fields.setdefault("job_url", source.external_apply_url or job.source_url)
        fields["job_id"] = job.id
        _one_per_job(on_job(session, user, job, lock=True))
    if fields["status"] != ApplicationStatus.saved and fields.get("applied_on") is None:
        fields["applied_on"] = date.today()
    app = Application(user_id=user.id, **{k: v for k, v in fields.items() if v is not None})
    session.add(app)
    session.flush()
    _event(session, app, "created", to_status=app.status)
    session.commit()
    changed(session, r, user, [app])
    return app


def update(session: Session, r: redis.Redis, user: User, application_id: str, data: ApplicationUpdate) -> Application:
    app = _own(session, user, application_id, lock=True)
    changes = data.model_dump(exclude_unset=True, mode="json")
    target = changes.pop("status", None)
    for field in ("company_name", "job_title"):
        if field in changes and changes[field] is None:
            del changes[field]
    if "applied_on" in changes:
        changes["applied_on"] = data.applied_on
    before = {field: getattr(app, field) for field in changes}
    old_status = app.status
    moved = _move(app, ApplicationStatus(target)) if target is not None else False
    for field, value in changes.items():
        setattr(app, field, value)
    diff = {field: [before[field], value] for field, value in changes.items() if before[field] != value}
    if moved:
        _event(session, app, "status", from_status=old_status, to_status=app.status)
    if diff:
        _event(session, app, "updated", changes=diff)
    if moved or diff:
        app.updated_at = utcnow()
        session.add(app)
    session.commit()
    if moved or diff:
        changed(session, r, user, [app])
    return app


def change_status(session: Session, r: redis.Redis, user: User, application_id: str, status: ApplicationStatus,
                  note: str | None = None) -> Application:
    app = _own(session, user, application_id, lock=True)
    old = app.status
    if _move(app, status):
        app.updated_at = utcnow()
        _event(session, app, "status", {"note": note} if note else None, from_status=old, to_status=status)
        session.commit()
        changed(session, r, user, [app])
    return app


def bulk_status(session: Session, r: redis.Redis, user: User, ids: list[uuid.UUID], status: ApplicationStatus,
                note: str | None = None) -> BulkStatusResult:
    """Each id on its own, all or nothing (a savepoint each): unknown, deleted and other users' ids
    are reported as not found and never touched; a refused transition names the allowed ones."""
    results, moved = [], []
    wanted = list(dict.fromkeys(ids))
    if len(wanted) > MAX_BULK_IDS:  # the REST schema caps it too; the web app's selection comes here directly
        raise InvalidInput(f"At most {MAX_BULK_IDS} applications can be moved at once")
    # Lock the caller's rows among them at once, in id order: two bulk moves naming the same rows in
    # another order wait for each other instead of deadlocking, and single moves wait for the batch.
    session.exec(select(Application.id).where(col(Application.id).in_(wanted), Application.user_id == user.id)
                 .order_by(col(Application.id)).with_for_update()).all()
    for app_id in wanted:
        savepoint = session.begin_nested()
        try:
            app = _own(session, user, app_id)
            old = app.status
            if _move(app, status):
                app.updated_at = utcnow()
                _event(session, app, "status", {"note": note, "bulk": True} if note else {"bulk": True},
                       from_status=old, to_status=status)
                session.flush()
                moved.append(app)
            savepoint.commit()
            results.append(BulkItemResult(id=app_id, ok=True, status=app.status))
        except (NotFound, Conflict) as exc:
            savepoint.rollback()
            current = session.get(Application, app_id)
            visible = current is not None and current.user_id == user.id and current.deleted_at is None
            results.append(BulkItemResult(id=app_id, ok=False, error=exc.detail,
                                          status=current.status if visible else None))
    session.commit()
    changed(session, r, user, moved)
    ok = sum(1 for result in results if result.ok)
    return BulkStatusResult(updated=len(moved), failed=len(results) - ok, results=results)


def delete(session: Session, user: User, application_id: str, r: redis.Redis | None = None) -> Application:
    """Soft delete: out of every list until restored."""
    app = _own(session, user, application_id, lock=True)
    app.deleted_at = app.updated_at = utcnow()
    _event(session, app, "deleted")
    session.commit()
    changed(session, r, user, [app], notify=False)
    return app


def restore(session: Session, user: User, application_id: str, r: redis.Redis | None = None) -> Application:
    app = _own(session, user, application_id, deleted=True, lock=True)
    if app.job_id is not None and (job := session.get(Job, app.job_id)) is not None:
        _one_per_job(on_job(session, user, job, lock=True))
    app.deleted_at, app.updated_at = None, utcnow()
    _event(session, app, "restored")
    session.commit()
    changed(session, r, user, [app], notify=False)
    return app
