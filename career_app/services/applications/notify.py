"""What follows a committed change of applications: the owner's tabs are told live, and an offer,
or an interview round dated tomorrow on the user's clock, is announced once; the scheduler's
periodic reminder announces rounds that became "tomorrow" while nothing changed."""

import logging
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import redis
from sqlalchemy import text as sql_text
from sqlmodel import Session, col, select

from career_app import db
from career_app.services import live, notifications
from models.application import Application, ApplicationStatus
from models.notification import Category, NotificationSettings, Priority
from models.user import User

log = logging.getLogger(__name__)


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
