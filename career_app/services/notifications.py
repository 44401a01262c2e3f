"""Notifications: the one `notify()` every part of the product calls, the feed, read state, each
user's settings, the websocket's identity, email delivery, and the triggers that create them.

`notify()` stores and commits first, then (unless the category is muted, it is the user's quiet
hours in their time zone, or in-app pushes are off) publishes the notification on the user's live
topic, which every web process fans out to that user's websockets and tabs (services/live.py).
Email is never sent inside a request: with the email channel on and SMTP_URL set, an RQ task
`send_email` delivers it. Quiet hours hold live pushes only, not email, which is read when the
user chooses.

Job matches are announced as a digest: at most one digest notification a seeker per hour. A match
found within an hour of the last digest is folded into it (its job list, count, title and message
are updated, and it becomes unread again if it had been read) without a second push or email; the
next match after that hour starts a new digest. A per-seeker PostgreSQL advisory lock makes this
hold with several workers enriching at once."""

import hashlib
import json
import logging
import smtplib
import ssl
import uuid
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from functools import cache
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import redis
from sqlalchemy import bindparam, func, not_, or_, text, true, update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col, select

from career_app import db
from career_app.services import auth, live, matching, tasks
from career_app.settings import settings
from models.base import utcnow
from models.job import Job, JobStatus, Visibility
from models.notification import Category, Notification, NotificationSettings, Priority
from models.notification_schemas import (MarkReadResult, NotificationOut, NotificationPage, NotificationSettingsOut,
                                         NotificationSettingsUpdate)
from models.resume import Resume, ResumeUpload, UploadStatus
from models.user import Role, User

log = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
DEFAULT_MATCH_THRESHOLD = NotificationSettings(user_id=uuid.uuid4()).match_threshold
DIGEST_TYPE = "job_match_digest"
DIGEST_WINDOW = timedelta(hours=1)
DIGEST_JOBS_KEPT = 20  # the best matches listed in a digest's data; `count` has them all
MATCH_CANDIDATES = 500  # nearest resumes scored per newly active job
ENRICH_FAILED_TYPE = "job_enrichment_failed"
SMTP_TIMEOUT = 20
EMAILED_TTL = 7 * 24 * 3600


# --- settings --------------------------------------------------------------------------------


def preferences(session: Session, user_id: uuid.UUID) -> NotificationSettings:
    """The user's settings, or the defaults (not stored) when they never changed them."""
    return session.get(NotificationSettings, user_id) or NotificationSettings(user_id=user_id, updated_at=None)


def in_quiet_hours(prefs: NotificationSettings, at: datetime | None = None) -> bool:
    """Whether `at` (now) falls in the quiet hours, read on the user's own clock; a window whose end
    is before its start runs over midnight ("22:00"-"07:00")."""
    if not prefs.quiet_start or not prefs.quiet_end:
        return False
    local = (at or utcnow()).astimezone(ZoneInfo(prefs.time_zone)).time()
    start, end = time.fromisoformat(prefs.quiet_start), time.fromisoformat(prefs.quiet_end)
    if start < end:
        return start <= local < end
    return local >= start or local < end


def settings_out(prefs: NotificationSettings) -> NotificationSettingsOut:
    known = {c.value for c in Category}
    return NotificationSettingsOut(
        muted_categories=[Category(c) for c in prefs.muted_categories if c in known], in_app=prefs.in_app,
        email=prefs.email, email_available=bool(settings.smtp_url), quiet_start=prefs.quiet_start,
        quiet_end=prefs.quiet_end, time_zone=prefs.time_zone, match_threshold=prefs.match_threshold,
        updated_at=prefs.updated_at)


def get_settings(session: Session, user: User) -> NotificationSettingsOut:
    return settings_out(preferences(session, user.id))


def update_settings(session: Session, user: User, patch: NotificationSettingsUpdate) -> NotificationSettingsOut:
    """Apply the fields sent (validated by the schema: known categories, "HH:MM" pairs, an IANA
    zone, a threshold in 0..1). The row is created on first change; concurrent changes serialize."""
    session.exec(insert(NotificationSettings).values(user_id=user.id, updated_at=utcnow())
                 .on_conflict_do_nothing(index_elements=["user_id"]))
    prefs = session.exec(select(NotificationSettings).where(NotificationSettings.user_id == user.id)
                         .with_for_update()).one()
    for name, value in patch.changes().items():
        setattr(prefs, name, value)
    prefs.updated_at = utcnow()
    session.add(prefs)
    session.commit()
    return settings_out(prefs)


# --- notify ----------------------------------------------------------------------------------


def to_out(note: Notification) -> NotificationOut:
    return NotificationOut.model_validate({**note.model_dump(), "read": note.read_at is not None})


def _visible(user_id: uuid.UUID):
    return Notification.user_id == user_id, or_(col(Notification.expires_at).is_(None),
                                                col(Notification.expires_at) > func.now())


def unread_count(session: Session, user_id: uuid.UUID) -> int:
    return session.exec(select(func.count()).select_from(Notification)
                        .where(*_visible(user_id), col(Notification.read_at).is_(None))).one()


def _publish(r: redis.Redis, user_id: uuid.UUID, event: dict) -> None:
    """After the commit. The notification is stored whatever happens here: a client that missed the
    event reloads from the database on its next resync or connect."""
    try:
        live.publish(r, live.user(user_id), event)
    except redis.RedisError as exc:
        log.warning("live event for %s not published: %s", user_id, exc)


def _publish_count(session: Session, r: redis.Redis, user_id: uuid.UUID) -> int:
    count = unread_count(session, user_id)
    _publish(r, user_id, {"type": "unread_count", "unread_count": count})
    return count


def _json_data(data: dict | None) -> dict:
    return json.loads(json.dumps(data or {}, default=str))


def notify(session: Session, r: redis.Redis, user_id: uuid.UUID, *, type: str, category: Category, title: str,
           message: str, priority: Priority = Priority.normal, data: dict | None = None,
           action_url: str | None = None, expires_at: datetime | None = None) -> Notification | None:
    """Notify one user. A muted category creates nothing (None). Otherwise the notification is stored
    and committed, then pushed live unless it is the user's quiet hours or in-app pushes are off
    (then it is kept with pushed=False), and emailed by a worker when the user asked for email and
    SMTP_URL is set. Commits the session."""
    notes = notify_many(session, r, [user_id], type=type, category=category, title=title, message=message,
                        priority=priority, data=data, action_url=action_url, expires_at=expires_at)
    return notes[0] if notes else None


def notify_many(session: Session, r: redis.Redis, user_ids: Iterable[uuid.UUID], *, type: str,
                category: Category, title: str, message: str, priority: Priority = Priority.normal,
                data: dict | None = None, action_url: str | None = None,
                expires_at: datetime | None = None) -> list[Notification]:
    """The same notification to many users (an announcement, one job for many seekers), under the
    rules of `notify()` for each of them, in one round: their settings in one query, one insert and
    commit, the unread counts in one query, one pipelined publish. Returns those created."""
    category, priority = Category(category), Priority(priority)
    ids = list(dict.fromkeys(uuid.UUID(str(u)) for u in user_ids))
    stored = {p.user_id: p for p in session.exec(select(NotificationSettings)
                                                  .where(col(NotificationSettings.user_id).in_(ids)))} if ids else {}
    notes, emailed = [], []
    defaults = NotificationSettings(user_id=uuid.uuid4(), updated_at=None)  # for those who never changed them
    for user_id in ids:
        prefs = stored.get(user_id, defaults)
        if category.value in prefs.muted_categories:
            continue
        note = Notification(user_id=user_id, type=type[:60], category=category, priority=priority,
                            title=title[:200], message=message, data=_json_data(data), action_url=action_url,
                            expires_at=expires_at, pushed=prefs.in_app and not in_quiet_hours(prefs))
        notes.append(note)
        if prefs.email and settings.smtp_url:
            emailed.append(note)
    if not notes:
        return []
    session.add_all(notes)
    session.commit()
    pushed = [n for n in notes if n.pushed]
    if pushed:
        counts = dict(session.exec(select(Notification.user_id, func.count()).where(
            col(Notification.user_id).in_([n.user_id for n in pushed]), col(Notification.read_at).is_(None),
            or_(col(Notification.expires_at).is_(None), col(Notification.expires_at) > func.now()))
            .group_by(Notification.user_id)).all())
        try:
            pipe = r.pipeline(transaction=False)
            for note in pushed:
                live.publish(pipe, live.user(note.user_id), {
                    "type": "notification", "notification": to_out(note).model_dump(mode="json"),
                    "unread_count": counts.get(note.user_id, 0)})
            pipe.execute()
        except redis.RedisError as exc:  # stored: clients reload on their next resync or connect
            log.warning("live events for %d notifications not published: %s", len(pushed), exc)
    for note in emailed:
        _enqueue_email(session, note)
    return notes


def _enqueue_email(session: Session, note: Notification) -> None:
    owner = session.get(User, note.user_id)
    try:
        tasks.enqueue(db.rq_redis(), "send_email", owner, str(note.id))
    except redis.RedisError as exc:  # stored and maybe pushed already; the email is what is lost
        log.warning("email for notification %s not queued: %s", note.id, exc)


# --- the feed and read state -----------------------------------------------------------------


def list_for(session: Session, user: User, skip: int = 0, limit: int = 20, unread_only: bool = False
             ) -> NotificationPage:
    """The caller's own notifications, newest first; expired ones are hidden."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    where = [*_visible(user.id)]
    if unread_only:
        where.append(col(Notification.read_at).is_(None))
    total = session.exec(select(func.count()).select_from(Notification).where(*where)).one()
    rows = session.exec(select(Notification).where(*where)
                        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
                        .offset(skip).limit(limit)).all()
    return NotificationPage(items=[to_out(n) for n in rows], total=total, unread_count=unread_count(session, user.id),
                            skip=skip, limit=limit)


def mark_read(session: Session, r: redis.Redis, user: User, ids: Iterable[uuid.UUID] | None = None,
              everything: bool = False) -> MarkReadResult:
    """Mark the caller's own notifications read (the given ids, or all). Ids of other users'
    notifications, unknown or already read ones are ignored: `marked` says how many changed."""
    stmt = (update(Notification).where(Notification.user_id == user.id, col(Notification.read_at).is_(None))
            .values(read_at=utcnow()))
    if not everything:
        wanted = list(dict.fromkeys(ids or ()))
        if not wanted:
            return MarkReadResult(marked=0, unread_count=unread_count(session, user.id))
        stmt = stmt.where(col(Notification.id).in_(wanted))
    marked = session.exec(stmt).rowcount
    session.commit()
    count = _publish_count(session, r, user.id) if marked else unread_count(session, user.id)
    return MarkReadResult(marked=marked, unread_count=count)


# --- the websocket's caller ------------------------------------------------------------------


def create_socket_token(user: User, session_claims: dict) -> tuple[str, int]:
    """A 60-second, single-use token that opens /api/v1/ws/notifications and nothing else; the socket
    belongs to the session (`session_claims`: the caller's access token) it was asked for with."""
    return auth.issue_socket_token(user, session_claims)


def open_socket(session: Session, r: redis.Redis, token: str | None) -> tuple[User, dict]:
    """(the caller, the claims of the session the socket belongs to: re-checked while it stays open
    with auth.session_user). Unauthorized otherwise."""
    user = auth.user_from_socket_token(session, r, token)
    return user, auth.socket_session(auth.decode_token(token))


# --- email (worker side) ---------------------------------------------------------------------


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _email_for(note: Notification, user: User) -> EmailMessage:
    site = settings.resolved_public_url
    msg = EmailMessage()
    msg["From"] = settings.smtp_from
    msg["To"] = user.email
    msg["Subject"] = _one_line(note.title)
    msg["Message-ID"] = make_msgid(domain=urlsplit(settings.smtp_url or "").hostname or "localhost")
    link = f"\n\n{site}{note.action_url}" if note.action_url and note.action_url.startswith("/") else ""
    msg.set_content(f"{note.message}{link}\n\n--\nCareer Copilot. You get this email because email "
                    f"notifications are on in your notification settings ({site}).\n")
    return msg


def smtp_send(msg: EmailMessage) -> None:
    """Send through SMTP_URL: smtps:// is TLS from the start, smtp:// upgrades with STARTTLS when the
    server offers it; credentials from the URL (percent-encoded)."""
    parts = urlsplit(settings.smtp_url)
    secure = parts.scheme == "smtps"
    context = ssl.create_default_context()
    port = parts.port or (465 if secure else 25)
    client = (smtplib.SMTP_SSL(parts.hostname, port, timeout=SMTP_TIMEOUT, context=context) if secure
              else smtplib.SMTP(parts.hostname, port, timeout=SMTP_TIMEOUT))
    with client:
        client.ehlo()
        if not secure and client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(msg)


def deliver_email(session: Session, r: redis.Redis, notification_id: uuid.UUID) -> dict:
    """The send_email task: one email for one stored notification, unless it is gone or read, the
    user turned email off meanwhile, or SMTP is not configured. Sent at most once (an SMTP failure
    raises so that RQ retries)."""
    note = session.get(Notification, notification_id)
    user = session.get(User, note.user_id) if note else None
    if note is None or user is None or not user.is_active:
        return {"status": "skipped", "reason": "gone"}
    if note.read_at is not None:
        return {"status": "skipped", "reason": "already read"}
    if not preferences(session, user.id).email:
        return {"status": "skipped", "reason": "email turned off"}
    if not settings.smtp_url:
        return {"status": "skipped", "reason": "SMTP_URL is not set"}
    sent_key = f"notifications:emailed:{note.id}"
    if not r.set(sent_key, "1", nx=True, ex=EMAILED_TTL):
        return {"status": "skipped", "reason": "already sent"}
    try:
        smtp_send(_email_for(note, user))
    except BaseException:
        r.delete(sent_key)
        raise
    return {"status": "sent"}


# --- triggers --------------------------------------------------------------------------------


def resume_processed(session: Session, r: redis.Redis, upload: ResumeUpload) -> Notification | None:
    """An asynchronous resume upload finished: parsed, or failed with the reason."""
    data = {"upload_id": str(upload.id), "file_name": upload.file_name}
    if upload.status == UploadStatus.done:
        skills = upload.skills or []
        return notify(session, r, upload.user_id, type="resume_parsed", category=Category.resume,
                      title="Your resume is ready",
                      message=f"{upload.file_name}: {upload.characters_extracted or 0:,} characters read and "
                              f"{len(skills)} skill{'s' if len(skills) != 1 else ''} found. Review the suggestions "
                              "for your profile.",
                      data={**data, "skills": skills[:30], "characters": upload.characters_extracted},
                      action_url="/resume")
    if upload.status == UploadStatus.failed:
        return notify(session, r, upload.user_id, type="resume_parse_failed", category=Category.resume,
                      priority=Priority.high, title="We could not read your resume",
                      message=f"{upload.file_name}: {upload.error or 'the file could not be processed'}. "
                              "Your previous resume, if any, is unchanged.",
                      data={**data, "error": upload.error}, action_url="/resume")
    return None


def job_enrichment_failed(session: Session, r: redis.Redis, job: Job | None) -> Notification | None:
    """Tell the owner once per failure: while an earlier notice about this job is unread, later
    failures (RQ's automatic retries) only update it, without another push or email."""
    if job is None or job.status != JobStatus.enrich_failed:
        return None
    error = (job.enrich_error or "unknown error")[:300]
    message = (f'"{job.title}" could not be prepared for listing ({error}). It stays unpublished; retry it from '
               "your provider console.")
    earlier = session.exec(select(Notification).where(
        Notification.user_id == job.owner_id, Notification.type == ENRICH_FAILED_TYPE,
        col(Notification.read_at).is_(None), col(Notification.data).contains({"job_id": str(job.id)}))).first()
    if earlier is not None:
        earlier.message = message
        earlier.data = {**earlier.data, "error": error, "attempts": job.enrich_attempts}
        session.add(earlier)
        session.commit()
        return earlier
    return notify(session, r, job.owner_id, type=ENRICH_FAILED_TYPE, category=Category.enrichment,
                  priority=Priority.high, title="Job enrichment failed", message=message,
                  data={"job_id": str(job.id), "title": job.title, "error": error, "attempts": job.enrich_attempts},
                  action_url="/provider")


@cache
def _match_candidates_query():
    """Built once: for each listing of :job_ids, the MATCH_CANDIDATES nearest resumes (pgvector) of
    active seekers other than its owner, with each seeker's threshold; one statement for a batch."""
    listing = (select(Job.id, Job.embedding, Job.owner_id)
               .where(col(Job.id).in_(bindparam("job_ids", expanding=True))).subquery("listing"))
    distance = Resume.embedding.cosine_distance(listing.c.embedding).label("distance")
    threshold = func.coalesce(NotificationSettings.match_threshold, DEFAULT_MATCH_THRESHOLD).label("threshold")
    muted = col(NotificationSettings.muted_categories).contains([Category.job_match.value])
    nearest = (select(col(User.id).label("user_id"), col(User.skills).label("user_skills"),
                      col(Resume.skills).label("resume_skills"), distance, threshold)
               .select_from(User).join(Resume, Resume.user_id == User.id)
               .outerjoin(NotificationSettings, NotificationSettings.user_id == User.id)
               .where(User.role == Role.seeker, col(User.is_active), User.id != listing.c.owner_id,
                      col(Resume.embedding).is_not(None), or_(col(NotificationSettings.user_id).is_(None), not_(muted)))
               .order_by(distance).limit(MATCH_CANDIDATES).lateral("nearest"))
    return (select(listing.c.id, nearest.c.user_id, nearest.c.user_skills, nearest.c.resume_skills,
                   nearest.c.distance, nearest.c.threshold)
            .select_from(listing.join(nearest, true())).order_by(listing.c.id, nearest.c.distance))


def announce_job_matches(session: Session, r: redis.Redis, job: Job) -> int:
    """A listing just went live: see announce_many."""
    return announce_many(session, r, [job])


def announce_many(session: Session, r: redis.Redis, jobs: list[Job]) -> int:
    """Listings just went live (committed): every seeker among the MATCH_CANDIDATES nearest resumes of
    each whose calibrated score reaches their own match_threshold gets it in their hourly digest; the
    candidates of all in one statement (an ingestion batch announces 50 at once).
    Returns how many (seeker, listing) announcements were made."""
    live = [job for job in jobs
            if job.status == JobStatus.active and job.visibility == Visibility.public and job.embedding is not None]
    if not live:
        return 0
    candidates: dict[uuid.UUID, list] = {}
    for job_id, *row in session.exec(_match_candidates_query(), params={"job_ids": [job.id for job in live]}).all():
        candidates.setdefault(job_id, []).append(row)
    announced = []
    for job in live:
        wanted = matching.job_skills(job)
        matches = []
        for user_id, user_skills, resume_skills, dist, limit in candidates.get(job.id, ()):
            result = matching.score(1.0 - float(dist), matching.skills_of(user_skills, resume_skills), wanted)
            if result.similarity_score >= limit:
                matches.append((user_id, result.similarity_score))
        if matches:
            announced.append((job, matches))
    if not announced:
        return 0  # nothing changed: the read ends with the caller's transaction
    session.commit()  # nothing changed; ends the read before the per-seeker transactions
    for job, matches in announced:
        entry = {"job_id": str(job.id), "title": job.title, "company_name": job.company_name}
        for user_id, similarity in matches:
            _add_to_digest(session, r, user_id, {**entry, "score": similarity})
    return sum(len(matches) for _, matches in announced)


def _lock_key(user_id: uuid.UUID) -> int:
    digest = hashlib.blake2b(f"notifications:digest:{user_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _digest_text(jobs: list[dict], count: int) -> tuple[str, str]:
    best = jobs[0]
    what = f"{best['title']} at {best['company_name']}" if best.get("company_name") else best["title"]
    if count == 1:
        return "New job match", f"{what} matches your profile ({matching.match_words(best['score'])})."
    more = count - 1
    return (f"{count} new job matches",
            f"{what} ({matching.match_words(best['score'])}) and {more} more job{'s' if more != 1 else ''} match "
            "your profile.")


def _add_to_digest(session: Session, r: redis.Redis, user_id: uuid.UUID, entry: dict) -> Notification | None:
    """One digest notification per seeker per hour; later matches within the hour are folded in."""
    try:
        session.exec(text("SELECT pg_advisory_xact_lock(CAST(:key AS bigint))"), params={"key": _lock_key(user_id)})
        current = session.exec(select(Notification).where(
            Notification.user_id == user_id, Notification.type == DIGEST_TYPE,
            Notification.created_at > utcnow() - DIGEST_WINDOW).order_by(col(Notification.created_at).desc())
            .limit(1)).first()
        if current is None:
            title, message = _digest_text([entry], 1)
            return notify(session, r, user_id, type=DIGEST_TYPE, category=Category.job_match, title=title,
                          message=message, data={"jobs": [entry], "count": 1},
                          action_url=f"/jobs/{entry['job_id']}")
        jobs = list(current.data.get("jobs", []))
        if any(j.get("job_id") == entry["job_id"] for j in jobs):
            return current
        count = int(current.data.get("count", len(jobs))) + 1
        jobs = sorted([*jobs, entry], key=lambda j: j.get("score", 0), reverse=True)[:DIGEST_JOBS_KEPT]
        current.data = {**current.data, "jobs": jobs, "count": count}
        current.title, current.message = _digest_text(jobs, count)
        current.action_url = "/recommended"
        was_read, current.read_at = current.read_at is not None, None
        session.add(current)
        session.commit()
        if was_read:  # the badge shows it again; no second notification is pushed
            _publish_count(session, r, user_id)
        return current
    finally:
        if session.in_transaction():
            session.commit()  # releases the advisory lock when nothing else did (a muted category)
