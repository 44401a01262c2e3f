"""The application tracker: a seeker's own tracked jobs (private rows of the jobs table, or saved
listings by reference), applications with the one rule of status transitions, their timelines, and
bulk status changes.

Everything here belongs to one seeker: every read and write filters on the caller, and an id that
is someone else's answers exactly like an unknown one (404)."""

import csv
import io
import json
import logging
import re
import uuid
import zipfile
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import redis
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import func, insert, or_
from sqlalchemy import text as sql_text
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from career_app import db
from career_app.services import jobs, live, notifications
from career_app.services.errors import Conflict, Forbidden, InvalidInput, NotFound, PayloadTooLarge, Unprocessable
from career_app.services.skills import taxonomy
from models.application import TRANSITIONS, Application, ApplicationEvent, ApplicationStatus
from models.application_schemas import (MAX_BULK_IDS, ApplicationCreate, ApplicationDetail, ApplicationList, ApplicationOut,
                                        ApplicationUpdate, BoardColumn, BulkItemResult, BulkStatusResult,
                                        ImportPreviewRow, ImportReport, ImportRowError, TimelineEvent, TrackedJobCreate, TrackedJobOut, TrackedJobUpdate)
from models.base import utcnow
from models.job import Job, JobStatus, TrackingStatus, Visibility
from models.notification import Category, NotificationSettings, Priority
from models.user import Role, User

log = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
SORTS = {"updated_at": Application.updated_at, "created_at": Application.created_at,
         "applied_on": Application.applied_on, "company_name": Application.company_name,
         "job_title": Application.job_title, "status": Application.status}


def _seeker(user: User) -> None:
    if user.role != Role.seeker:
        raise Forbidden("Only job seekers keep a tracker")


# --- tracked jobs ------------------------------------------------------------------------------


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
        raise Unprocessable("salary_min must not exceed salary_max")
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


def _saved_entry(session: Session, user: User, listing_id: uuid.UUID) -> Job | None:
    return session.exec(select(Job).where(Job.owner_id == user.id, Job.listing_id == listing_id)).first()


def tracked_out(session: Session, rows: list[Job], viewer: User | None) -> list[TrackedJobOut]:
    """Jobs as `viewer` sees them; a saved listing shows the listing's current content while the
    listing is visible, its own snapshot otherwise. The listings are read in one query."""
    wanted = {job.listing_id for job in rows if job.listing_id is not None}
    listings = {j.id: j for j in session.exec(select(Job).where(col(Job.id).in_(wanted))).all()} if wanted else {}
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
        out.append(item)
    return out


# --- applications: reads -----------------------------------------------------------------------


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


def _search_conditions(user: User, q: str | None) -> list:
    conditions = [Application.user_id == user.id, col(Application.deleted_at).is_(None)]
    if q and q.strip():
        pattern = jobs._escape_like(q.strip())
        conditions.append(or_(col(Application.company_name).ilike(pattern), col(Application.job_title).ilike(pattern),
                              col(Application.location).ilike(pattern), col(Application.notes).ilike(pattern)))
    return conditions


def _order(sort: str, order: str) -> list:
    column = col(SORTS[sort])
    first = column.asc().nulls_last() if order == "asc" else column.desc().nulls_last()
    return [first, col(Application.id).desc()]


def list_for(session: Session, user: User, *, statuses: list[ApplicationStatus] | None = None, q: str | None = None,
             sort: str = "updated_at", order: str = "desc", skip: int = 0, limit: int = 20,
             board: bool = False) -> ApplicationList:
    """One page in the order asked, or (board) one column per status with its first `limit` items;
    `counts` are per status with the search applied, whatever the status filter."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    base = _search_conditions(user, q)
    counted = dict(session.exec(select(Application.status, func.count()).where(*base).group_by(Application.status)).all())
    counts = {status: counted.get(status, 0) for status in ApplicationStatus}
    wanted = list(statuses or ApplicationStatus)
    conditions = base + ([col(Application.status).in_(wanted)] if statuses else [])
    if board:
        rank = func.row_number().over(partition_by=Application.status, order_by=_order(sort, order)).label("rank")
        ranked = select(Application.id, rank).where(*conditions).subquery()
        rows = session.exec(select(Application).join(ranked, ranked.c.id == Application.id)
                            .where(ranked.c.rank <= limit).order_by(ranked.c.rank)).all()
        columns = [BoardColumn(status=status, count=counts[status],
                               items=[to_out(a) for a in rows if a.status == status]) for status in wanted]
        return ApplicationList(items=[], total=sum(c.count for c in columns), skip=0, limit=limit, counts=counts,
                               columns=columns)
    total = sum(counts[s] for s in wanted)
    rows = session.exec(select(Application).where(*conditions).order_by(*_order(sort, order))
                        .offset(max(0, skip)).limit(limit)).all()
    return ApplicationList(items=[to_out(a) for a in rows], total=total, skip=skip, limit=limit, counts=counts)


# --- applications: changes ---------------------------------------------------------------------


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


MAX_EVENT_IDS = 1000  # ids named in one live event; past that the event says `truncated` (reload all)
NOTIFIED_DAYS = 60  # how long a sent tracker notification is remembered (no second one meanwhile)


def changed(session: Session, r: redis.Redis | None, user: User, apps: list[Application], *,
            notify: bool = True) -> None:
    """The one place every application change ends, after its commit: the owner's tabs are told live
    (`applications_changed` on live.user), then (notify) an offer, or an interview round dated
    tomorrow, is announced through the notification service, once each. Failures here are logged:
    the change itself is committed."""
    if not apps:
        return
    r = r if r is not None else db.app_redis()
    _publish_changed(r, user, [app.id for app in apps])
    if notify:
        _announce(session, r, user, apps)


def _publish_changed(r: redis.Redis | None, user: User, ids: list[uuid.UUID]) -> None:
    if not ids:
        return
    r = r if r is not None else db.app_redis()
    event = {"type": "applications_changed", "ids": [str(i) for i in ids[:MAX_EVENT_IDS]]}
    if len(ids) > MAX_EVENT_IDS:
        event["truncated"] = True
    try:
        live.publish(r, live.user(user.id), event)
    except redis.RedisError:
        log.warning("applications_changed for user %s not published", user.id, exc_info=True)


def _first_time(r: redis.Redis, key: str) -> bool:
    """True once per key (within NOTIFIED_DAYS): the dedupe of tracker notifications."""
    return bool(r.set(f"tracker:notified:{key}", "1", nx=True, ex=NOTIFIED_DAYS * 86400))


def _tomorrow_rounds(app: Application, zone: ZoneInfo) -> list[tuple[str, datetime]]:
    """The interview rounds of `app` dated tomorrow on the user's clock (a time without a zone is
    read on that clock)."""
    tomorrow = datetime.now(zone).date() + timedelta(days=1)
    found = []
    for interview in app.interviews or []:
        try:
            at = datetime.fromisoformat(str(interview.get("scheduled_at")))
            at = at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone)
        except (TypeError, ValueError, OverflowError):  # OverflowError: 9999-12-31 moved past the calendar's end
            continue
        if at.date() == tomorrow:
            found.append((str(interview.get("name") or "Interview"), at))
    return found


REMINDED_STATUSES = (ApplicationStatus.applied, ApplicationStatus.interviewing, ApplicationStatus.offer)


def remind_interviews(session: Session, r: redis.Redis) -> int:
    """The periodic half of the interview reminder: a round that becomes "tomorrow" on the user's
    clock while nothing changes on its application is announced too (same dedupe as on a change).
    Returns how many applications were looked at."""
    rows = session.exec(
        select(Application).where(col(Application.deleted_at).is_(None),
                                  col(Application.status).in_(REMINDED_STATUSES),
                                  sql_text("jsonb_array_length(applications.interviews) > 0"))
    ).all()
    by_user: dict[uuid.UUID, list[Application]] = {}
    for app in rows:
        by_user.setdefault(app.user_id, []).append(app)
    for user_id, apps in by_user.items():
        user = session.get(User, user_id)
        if user is not None and user.is_active:
            _announce(session, r, user, apps, offers=False)
    return len(rows)


def _announce(session: Session, r: redis.Redis, user: User, apps: list[Application], *,
              offers: bool = True) -> None:
    prefs = session.get(NotificationSettings, user.id)
    try:
        zone = ZoneInfo(prefs.time_zone) if prefs is not None and prefs.time_zone else ZoneInfo("UTC")
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    for app in apps:
        try:
            if offers and app.status == ApplicationStatus.offer and _first_time(r, f"offer:{app.id}"):
                notifications.notify(
                    session, r, user.id, type="application_offer", category=Category.application,
                    title=f"Offer from {app.company_name}",
                    message=f"Your application for {app.job_title} at {app.company_name} reached an offer.",
                    priority=Priority.high, data={"application_id": str(app.id)}, action_url="/applications")
            for name, at in _tomorrow_rounds(app, zone):
                if _first_time(r, f"interview:{app.id}:{name.casefold()}:{at.isoformat()}"):
                    notifications.notify(
                        session, r, user.id, type="interview_tomorrow", category=Category.application,
                        title=f"Interview tomorrow: {app.company_name}",
                        message=f"{name} for {app.job_title} at {app.company_name}, {at:%A %d %B at %H:%M}.",
                        priority=Priority.high, data={"application_id": str(app.id), "round": name,
                                                      "scheduled_at": at.isoformat()},
                        action_url="/applications")
        except Exception:  # the change itself is committed; a lost notification is logged, not fatal
            log.exception("tracker notification for application %s failed", app.id)


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
    app.deleted_at, app.updated_at = None, utcnow()
    _event(session, app, "restored")
    session.commit()
    changed(session, r, user, [app], notify=False)
    return app


# --- export ------------------------------------------------------------------------------------

MAX_EXPORT_ROWS = 10_000
EXPORT_COLUMNS = ("company_name", "job_title", "status", "applied_on", "location", "job_url", "notes", "resume_sent",
                  "cover_letter_sent", "interviews", "created_at", "updated_at")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @, or a tab/CR before one) is read as
    text: an apostrophe in front, which spreadsheets show as nothing."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _cell(app: Application, column: str) -> str:
    value = getattr(app, column)
    if value is None:
        return ""
    if column == "interviews":
        return json.dumps(value, ensure_ascii=False) if value else ""
    return neutralise(value.isoformat() if hasattr(value, "isoformat") else str(value))


def _exported(session: Session, user: User, statuses: list[ApplicationStatus] | None, q: str | None, sort: str,
              order: str) -> list[Application]:
    _seeker(user)
    conditions = _search_conditions(user, q) + ([col(Application.status).in_(statuses)] if statuses else [])
    return list(session.exec(select(Application).where(*conditions).order_by(*_order(sort, order))
                             .limit(MAX_EXPORT_ROWS)).all())


def export_rows(session: Session, user: User, *, statuses: list[ApplicationStatus] | None = None,
                q: str | None = None, sort: str = "updated_at", order: str = "desc") -> list[list[str]]:
    """The header and one row per application matching the list's filters (at most MAX_EXPORT_ROWS)."""
    apps = _exported(session, user, statuses, q, sort, order)
    return [list(EXPORT_COLUMNS)] + [[_cell(app, column) for column in EXPORT_COLUMNS] for app in apps]


PDF_COLUMNS = (("company_name", "Company", 40), ("job_title", "Job title", 44), ("status", "Status", 12),
               ("applied_on", "Applied", 10), ("location", "Location", 26))


def report_rows(session: Session, user: User, *, statuses: list[ApplicationStatus] | None = None,
                q: str | None = None, sort: str = "updated_at", order: str = "desc") -> list[tuple[str, ...]]:
    """The PDF report's table: plain text cells (a PDF runs no formulas), each cut to its column's width."""
    apps = _exported(session, user, statuses, q, sort, order)

    def cell(app: Application, column: str, width: int) -> str:
        value = getattr(app, column)
        value = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
        value = " ".join(value.split())
        return value if len(value) <= width else value[:width - 1] + "\u2026"

    return [tuple(cell(app, column, width) for column, _, width in PDF_COLUMNS) for app in apps]


def to_pdf(rows: list[tuple[str, ...]], title: str = "Applications") -> bytes:
    """A report: the summary (total, counts by status, a bar chart of them drawn with reportlab's
    shapes), then the table of applications."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    status_at = [column for column, _, _ in PDF_COLUMNS].index("status")
    counts = {status.value: 0 for status in ApplicationStatus}
    for row in rows:
        counts[row[status_at]] = counts.get(row[status_at], 0) + 1
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), title=title, author="Career Copilot",
                            leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm)
    story = [Paragraph(title, styles["Title"]),
             Paragraph(f"Generated {utcnow():%Y-%m-%d %H:%M} UTC. Total: {len(rows)} applications.", styles["Normal"]),
             Paragraph(" \u00b7 ".join(f"{status}: {n}" for status, n in counts.items()), styles["Normal"]),
             Spacer(1, 6 * mm)]

    width, height, left, bottom = doc.width, 60 * mm, 12 * mm, 10 * mm
    chart = Drawing(width, height)
    top = max(counts.values()) or 1
    slot = (width - left) / len(counts)
    chart.add(Line(left, bottom, width, bottom, strokeColor=colors.grey))
    for k, (status, n) in enumerate(counts.items()):
        bar = (height - bottom - 10 * mm) * n / top
        x = left + k * slot + slot * 0.15
        chart.add(Rect(x, bottom, slot * 0.7, bar, fillColor=colors.HexColor("#4f6bed"), strokeColor=None))
        chart.add(String(x + slot * 0.35, bottom + bar + 2, str(n), fontSize=8, textAnchor="middle"))
        chart.add(String(x + slot * 0.35, bottom - 9, status, fontSize=8, textAnchor="middle"))
    story += [chart, Spacer(1, 6 * mm)]

    if rows:
        table = LongTable([[label for _, label, _ in PDF_COLUMNS], *rows], repeatRows=1,
                          colWidths=[doc.width * w / sum(w for _, _, w in PDF_COLUMNS) for _, _, w in PDF_COLUMNS])
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8), ("FONT", (0, 1), (-1, -1), "Helvetica", 7.5),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ebfa")),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f6f7fb")]),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
    else:
        story.append(Paragraph("No applications match these filters.", styles["Normal"]))
    doc.build(story)
    return buffer.getvalue()


def to_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode()  # a BOM: spreadsheets then read UTF-8


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # always text: openpyxl would take a string starting with "=" as a formula
    return cell


def to_xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Applications")
    for row in rows:
        sheet.append([_text_cell(sheet, value) if value else None for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- import ------------------------------------------------------------------------------------

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000
MAX_XLSX_UNPACKED = 50 * 1024 * 1024
MAX_XLSX_SHEETS = 100
MAX_IMPORT_COLUMNS = 500
MAX_ROW_ERRORS = 200  # listed in the report; `error_count` has them all
PREVIEW_ROWS = 20
IMPORT_FIELDS = ("company_name", "job_title", "job_url", "location", "status", "applied_on", "notes", "resume_sent",
                 "cover_letter_sent")
# Common spreadsheet headers, normalised (lower case, spaces for _ and -), for each field.
HEADER_NAMES = {
    "company_name": ("company", "company name", "employer", "organisation", "organization", "firm"),
    "job_title": ("title", "job title", "job", "position", "role", "job name"),
    "job_url": ("url", "job url", "link", "job link", "posting", "posting url", "job posting"),
    "location": ("location", "city", "place"),
    "status": ("status", "stage", "state"),
    "applied_on": ("applied on", "applied", "date applied", "applied date", "application date", "date"),
    "notes": ("notes", "note", "comments", "comment"),
    "resume_sent": ("resume sent", "resume", "cv"),
    "cover_letter_sent": ("cover letter sent", "cover letter"),
}
_HEADER_INDEX = {alias: field for field, aliases in HEADER_NAMES.items() for alias in (field.replace("_", " "), *aliases)}


def _header_key(name) -> str:
    return " ".join(str(name or "").lower().replace("_", " ").replace("-", " ").split())


def _columns(headers: list, mapping: dict[str, str] | None) -> dict[int, str]:
    """Which field each column fills: the caller's mapping first (their header -> field), then the
    common names. A field is filled from its first column only."""
    if len(headers) > MAX_IMPORT_COLUMNS:
        raise InvalidInput(f"The file has more than {MAX_IMPORT_COLUMNS} columns")
    custom = {_header_key(k): v for k, v in (mapping or {}).items()}
    columns, taken = {}, set()
    for index, header in enumerate(headers):
        key = _header_key(header)
        field = custom.get(key) or _HEADER_INDEX.get(key)
        if field in IMPORT_FIELDS and field not in taken:
            columns[index] = field
            taken.add(field)
    if not {"company_name", "job_title"} <= taken:
        raise InvalidInput("No company and job title columns found; name them (e.g. Company, Title) or send a mapping")
    return columns


def _unneutralise(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_STARTS) else value


def _decode_text(data: bytes) -> str:
    """Text as spreadsheets save it: UTF-16 with its BOM ("Unicode text"), UTF-8 with or without a
    BOM, else Windows-1252 (Excel's "CSV" on Windows)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InvalidInput("The CSV file is not readable UTF-16 text") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise InvalidInput("The CSV file is not UTF-8 (or Windows-1252) text") from None


CSV_DELIMITERS = ",;\t|"


def _delimiter(text: str) -> str:
    """The separator the header line uses most (outside quotes): a comma, or the semicolon that
    Excel writes in locales with a decimal comma, a tab or a bar."""
    header = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])
    counts = {d: header.count(d) for d in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _rows_csv(data: bytes) -> tuple[list, list[tuple[int, list]]]:
    text = _decode_text(data)
    try:
        reader = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raise InvalidInput(f"The CSV file cannot be read: {exc}") from None
    if not reader:
        raise InvalidInput("The file is empty")
    return reader[0], [(number, row) for number, row in enumerate(reader[1:], start=2) if any(c.strip() for c in row)]


def _rows_json(data: bytes) -> tuple[list, list[tuple[int, list]]]:
    try:
        items = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: "[[[[..." past the parser's depth
        raise InvalidInput("The JSON file cannot be read") from None
    if isinstance(items, dict):
        items = items.get("applications", items.get("items"))
    if not isinstance(items, list):
        raise InvalidInput("The JSON file must hold a list of objects (or {\"applications\": [...]})")
    if len(items) > MAX_IMPORT_ROWS:
        raise PayloadTooLarge(f"Import files are limited to {MAX_IMPORT_ROWS} rows")
    headers = list(dict.fromkeys(key for item in items if isinstance(item, dict) for key in item))
    rows = [(number, [item.get(h) for h in headers] if isinstance(item, dict) else None)
            for number, item in enumerate(items, start=1)]
    return headers, rows


def _rows_xlsx(data: bytes, mapping: dict[str, str] | None) -> tuple[list, list[tuple[int, list]]]:
    """The first sheet whose header row names a company and a title (by common names or the mapping)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNPACKED:
                raise InvalidInput("The XLSX file unpacks to more than 50 MB")
            # counted before openpyxl reads the workbook: thousands of tiny sheets cost seconds to load
            if sum(1 for name in archive.namelist() if name.startswith("xl/worksheets/")
                   and name.endswith(".xml")) > MAX_XLSX_SHEETS:
                raise InvalidInput(f"The XLSX file has more than {MAX_XLSX_SHEETS} sheets; "
                                   "copy the one with your applications into a new file")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except InvalidInput:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise InvalidInput("The XLSX file cannot be read") from None
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            headers = list(next(rows, None) or [])
            try:
                _columns(headers, mapping)
            except InvalidInput:
                continue
            found = []
            for number, row in enumerate(rows, start=2):
                if any(c not in (None, "") for c in row):
                    found.append((number, list(row)))
                if len(found) > MAX_IMPORT_ROWS:
                    break
            return headers, found
    finally:
        book.close()
    raise InvalidInput("No sheet has company and job title columns")


# What people write in a spreadsheet's status column, for each status (besides its own name).
STATUS_WORDS = {
    "saved": ("wishlist", "wish list", "to apply", "bookmarked", "interested", "planned", "draft"),
    "applied": ("submitted", "sent", "application sent", "applied online", "pending"),
    "interviewing": ("interview", "interviews", "interviewed", "in interview", "screening", "phone screen",
                     "technical interview", "onsite", "in progress"),
    "offer": ("offered", "offer received", "got offer"),
    "accepted": ("hired", "offer accepted", "accepted offer"),
    "declined": ("offer declined", "declined offer", "turned down"),
    "rejected": ("rejection", "not selected", "no", "denied"),
    "withdrawn": ("withdrew", "withdraw", "cancelled", "canceled"),
}
_STATUS_INDEX = {word: status for status, words in STATUS_WORDS.items() for word in (status, *words)}


def _status_word(value: str) -> str:
    """A status cell as the status it means (case, spaces, _ and - ignored); else as written (the row
    then reports the allowed values)."""
    key = " ".join(value.lower().replace("_", " ").replace("-", " ").split())
    return _STATUS_INDEX.get(key, key)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMERIC_DATE = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
_WORDY_DATES = ("%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%Y/%m/%d")


def _day_first(cells: list[str | None]) -> bool | None:
    """How a file writes its numeric dates: day first (31/12/2026) or month first (12/31/2026), as
    told by any cell where one of the two numbers is over 12; None when no cell tells."""
    days_first = months_first = False
    for cell in cells:
        if cell and (match := _NUMERIC_DATE.fullmatch(cell.strip())):
            first, second = int(match[1]), int(match[2])
            days_first |= first > 12 >= second
            months_first |= second > 12 >= first
    return days_first if days_first != months_first else None


def _date_word(value: str, day_first: bool | None) -> str:
    """An applied date as spreadsheets write it, as YYYY-MM-DD: ISO; 31/12/2026, 31.12.2026 or
    12/31/2026 (the order the file's other dates show; ValueError when both orders are possible);
    20 Nov 2026, Nov 20, 2026. Anything else is left as written (the row then reports it)."""
    text = " ".join(value.replace(",", " ").split())
    if _ISO_DATE.fullmatch(text):  # the common case, left to the schema as it is
        return text
    if (match := _NUMERIC_DATE.fullmatch(text)) is not None:
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        if first != second and first <= 12 and second <= 12 and day_first is None:
            raise ValueError(f"{value} could be day/month or month/day; write it as YYYY-MM-DD")
        day, month = (first, second) if (day_first or first > 12) and second <= 12 else (second, first)
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return value
    for pattern in _WORDY_DATES:
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return value


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    value = _unneutralise(str(value)).strip()
    return value or None


def _dedup_key(company: str, title: str) -> str:
    return " ".join(f"{company} | {title}".casefold().split())


def _url_key(url: str | None) -> str | None:
    return url.strip().lower().rstrip("/") if url else None


def import_file(session: Session, user: User, data: bytes, file_name: str | None, *, dry_run: bool = False,
                mapping: dict[str, str] | None = None, r: redis.Redis | None = None) -> ImportReport:
    """CSV, JSON or XLSX (judged by content) into applications: every row checked on its own (a bad
    row is reported with its number and never blocks the others), rows already tracked (same job
    URL, or the same company and title) or repeated in the file skipped as duplicates. With
    dry_run nothing is stored and the report previews what would be."""
    _seeker(user)
    if not data.strip():
        raise InvalidInput("The file is empty")
    if len(data) > MAX_IMPORT_BYTES:
        raise PayloadTooLarge("Import files are limited to 5 MB")
    if mapping and (unknown := set(mapping.values()) - set(IMPORT_FIELDS)):
        raise InvalidInput(f"Unknown fields in the mapping: {', '.join(sorted(unknown))}")
    if data[:4] == b"PK\x03\x04":
        headers, rows = _rows_xlsx(data, mapping)
    elif data.lstrip()[:1] in (b"[", b"{"):
        headers, rows = _rows_json(data)
    else:
        headers, rows = _rows_csv(data)
    if len(rows) > MAX_IMPORT_ROWS:
        raise PayloadTooLarge(f"Import files are limited to {MAX_IMPORT_ROWS} rows")
    columns = _columns(headers, mapping)

    date_at = next((index for index, field in columns.items() if field == "applied_on"), None)
    day_first = _day_first([_as_text(row[date_at]) for _, row in rows
                            if row is not None and date_at is not None and date_at < len(row)])

    if not dry_run:  # one import per seeker at a time: two at once would both miss the other's rows
        session.exec(sql_text("SELECT pg_advisory_xact_lock(hashtext('tracker-import:' || :user_id))")
                     .bindparams(user_id=str(user.id)))
    existing = session.exec(select(Application.company_name, Application.job_title, Application.job_url)
                            .where(Application.user_id == user.id, col(Application.deleted_at).is_(None))).all()
    seen_keys = {_dedup_key(c, t) for c, t, _ in existing}
    seen_urls = {_url_key(u) for _, _, u in existing if u}
    errors, duplicates, error_count, valid = [], 0, 0, []
    for number, row in rows:
        if row is None:
            problems = ["not an object"]
        else:
            fields = {field: _as_text(row[index]) for index, field in columns.items() if index < len(row)}
            if fields.get("status"):
                fields["status"] = _status_word(fields["status"])
            unclear = []
            if fields.get("applied_on"):
                try:
                    fields["applied_on"] = _date_word(fields["applied_on"], day_first)
                except ValueError as exc:
                    unclear, fields["applied_on"] = [f"applied_on: {exc}"], None
            try:
                item = ApplicationCreate.model_validate({k: v for k, v in fields.items() if v is not None})
                problems = unclear
            except ValidationError as exc:
                problems = unclear + [f"{'.'.join(str(p) for p in e['loc']) or 'row'}: {e['msg']}" for e in exc.errors()]
        if problems:
            error_count += 1
            if len(errors) < MAX_ROW_ERRORS:
                errors.append(ImportRowError(row=number, errors=problems))
            continue
        key, url = _dedup_key(item.company_name, item.job_title), _url_key(item.job_url)
        if key in seen_keys or (url and url in seen_urls):
            duplicates += 1
            continue
        seen_keys.add(key)
        if url:
            seen_urls.add(url)
        valid.append((number, item))

    if not dry_run and valid:
        # Plain bulk INSERTs: building 20,000 ORM objects took most of a 10,000-row import.
        now = utcnow()
        apps = [{"id": uuid.uuid4(), "user_id": user.id, "created_at": now, "updated_at": now, "interviews": [],
                 **{name: getattr(item, name) for name in IMPORT_FIELDS}}
                for _, item in valid]
        session.execute(insert(Application), apps)
        session.execute(insert(ApplicationEvent), [
            {"id": uuid.uuid4(), "application_id": app["id"], "kind": "created", "from_status": None,
             "to_status": app["status"], "at": now, "changes": {"imported": file_name or True}} for app in apps])
        session.commit()
        _publish_changed(r, user, [app["id"] for app in apps])  # imported history: nothing to announce
    preview = [ImportPreviewRow(row=number, **item.model_dump(include=set(IMPORT_FIELDS)))
               for number, item in valid[:PREVIEW_ROWS]]
    return ImportReport(dry_run=dry_run, rows=len(rows), created=len(valid), duplicates=duplicates,
                        error_count=error_count, errors=errors, preview=preview,
                        columns={str(headers[i]): field for i, field in columns.items()})
