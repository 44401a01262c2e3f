"""Social: an activity feed, share links and a monthly leaderboard. Private by default.

- Nothing about a person reaches anyone else until they turn a choice on (models/social.py): their
  milestones in the community feed, their counts on the leaderboard, and then only under a random
  pseudonym, without companies, unless they also chose to show their name or companies.
- Milestones are read from the application tracker's timeline (an application reaching applied,
  interviewing or offer): the tracker stays the one record, nothing is copied.
- A share link opens exactly one resume (the version shared: a new upload ends it) or one job, with
  no sign-in, until it expires or is revoked. Its token is 32 random bytes; only its SHA-256 is kept."""

import hashlib
import re
import secrets
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlmodel import Session, col, select

from career_app.services import jobs
from career_app.services.errors import InvalidInput, NotFound, Unprocessable, invalid_query
from models.application import Application, ApplicationEvent, ApplicationStatus
from models.base import utcnow
from models.job import Visibility
from models.resume import Resume
from models.social import Share, ShareKind, SocialSettings
from models.social_schemas import (ActivityFeed, CommunityEvent, Leaderboard, LeaderboardRow, OwnMilestone,
                                   SharedJob, SharedResume, SharedView, ShareCreate, ShareOut,
                                   SocialSettingsOut, SocialSettingsUpdate)
from models.user import User

FEED_LIMIT = 50
LEADERBOARD_ROWS = 50
MAX_ACTIVE_SHARES = 50
# A leaderboard month, YYYY-MM from 2000-01 to 2100-12: the schema states this very pattern (ASCII digits only).
MONTH_PATTERN = r"(20[0-9]{2}|2100)-(0[1-9]|1[0-2])"
MILESTONES = {ApplicationStatus.applied: "applied", ApplicationStatus.interviewing: "interview",
              ApplicationStatus.offer: "offer"}
SHARED_PATH = "/s/"


# --- choices -----------------------------------------------------------------------------------


def _settings(session: Session, user_id: uuid.UUID) -> SocialSettings | None:
    return session.get(SocialSettings, user_id)


def _out(found: SocialSettings | None, pseudonym: str = "") -> SocialSettingsOut:
    found = found or SocialSettings(user_id=uuid.uuid4(), pseudonym=pseudonym)
    return SocialSettingsOut.model_validate(found, from_attributes=True)


def _new_pseudonym() -> str:
    """Not derived from anything of the person: it says nothing about who they are."""
    return f"Seeker-{secrets.token_hex(3).upper()}"


def get_settings(session: Session, user: User) -> SocialSettingsOut:
    found = _settings(session, user.id)
    return _out(found)  # no row yet: every choice off, no pseudonym made yet ("")


def update_settings(session: Session, user: User, change: SocialSettingsUpdate) -> SocialSettingsOut:
    # The row is made once (two first changes at the same moment: one insert wins), then locked.
    session.exec(pg_insert(SocialSettings).values(user_id=user.id, pseudonym=_new_pseudonym(), updated_at=utcnow())
                 .on_conflict_do_nothing(index_elements=["user_id"]))
    found = session.exec(select(SocialSettings).where(SocialSettings.user_id == user.id).with_for_update()).one()
    for name, value in change.model_dump(exclude_none=True).items():
        setattr(found, name, value)
    found.updated_at = utcnow()
    session.add(found)
    session.commit()
    return _out(found)


def _who(settings: SocialSettings, full_name: str) -> str:
    return full_name if settings.show_name else settings.pseudonym


# --- activity ------------------------------------------------------------------------------------


def _milestone_rows():
    return (select(ApplicationEvent, Application)
            .join(Application, col(Application.id) == col(ApplicationEvent.application_id))
            .where(col(ApplicationEvent.to_status).in_(list(MILESTONES)), col(Application.deleted_at).is_(None)))


def activity(session: Session, user: User) -> ActivityFeed:
    mine = _settings(session, user.id)
    public = bool(mine and mine.public_milestones)
    own = session.exec(_milestone_rows().where(Application.user_id == user.id)
                       .order_by(col(ApplicationEvent.at).desc()).limit(FEED_LIMIT)).all()
    milestones = [OwnMilestone(application_id=app.id, milestone=MILESTONES[event.to_status], company=app.company_name,
                               title=app.job_title, at=event.at, public=public) for event, app in own]
    community = []
    if mine is not None and mine.community_feed:
        rows = session.exec(
            _milestone_rows().add_columns(SocialSettings, User.full_name)
            .join(SocialSettings, col(SocialSettings.user_id) == col(Application.user_id))
            .join(User, col(User.id) == col(Application.user_id))
            .where(col(SocialSettings.public_milestones).is_(True), Application.user_id != user.id,
                   col(User.is_active).is_(True))
            .order_by(col(ApplicationEvent.at).desc()).limit(FEED_LIMIT)).all()
        community = [CommunityEvent(who=_who(their, name), milestone=MILESTONES[event.to_status],
                                    company=app.company_name if their.show_companies else None, at=event.at)
                     for event, app, their, name in rows]
    shares = [share for share in list_shares(session, user) if share.active]
    return ActivityFeed(milestones=milestones, community=community, shares=shares,
                        leaderboard=leaderboard(session, user), settings=_out(mine))


# --- leaderboard ---------------------------------------------------------------------------------


def month_start(month: str | None) -> date:
    """The first day of `month` (YYYY-MM, UTC), this month when None; Unprocessable otherwise."""
    if month is None:
        today = utcnow().date()
        return today.replace(day=1)
    found = re.fullmatch(MONTH_PATTERN, month)
    if found is None:
        raise invalid_query("month", f"month must be YYYY-MM between 2000-01 and 2100-12, not {month[:20]!r}")
    return date(int(found[1]), int(found[2]), 1)


_LEADERBOARD_SQL = text("""
SELECT s.user_id, s.pseudonym, s.show_name, u.full_name,
       count(DISTINCT e.application_id) FILTER (WHERE e.to_status = 'applied') AS applications,
       count(DISTINCT e.application_id) FILTER (WHERE e.to_status = 'interviewing') AS interviews
FROM social_settings s
JOIN users u ON u.id = s.user_id AND u.is_active
JOIN applications a ON a.user_id = s.user_id AND a.deleted_at IS NULL
JOIN application_events e ON e.application_id = a.id AND e.at >= :start AND e.at < :end
     AND e.to_status IN ('applied', 'interviewing')
WHERE s.leaderboard
GROUP BY s.user_id, s.pseudonym, s.show_name, u.full_name
ORDER BY applications DESC, interviews DESC, s.pseudonym
LIMIT :n""")


def leaderboard(session: Session, user: User, month: str | None = None) -> Leaderboard:
    """Applications sent and interviews won in one month by the people who opted in: pseudonyms (or
    names they chose to show) and two counts; never a company."""
    start = month_start(month)
    end = (start + timedelta(days=32)).replace(day=1)
    bounds = dict(start=datetime(start.year, start.month, 1, tzinfo=UTC),
                  end=datetime(end.year, end.month, 1, tzinfo=UTC), n=LEADERBOARD_ROWS)
    rows = session.exec(_LEADERBOARD_SQL.bindparams(**bounds)).all()
    out, rank, previous = [], 0, None
    for i, row in enumerate(rows, start=1):
        if (row.applications, row.interviews) != previous:
            rank, previous = i, (row.applications, row.interviews)
        out.append(LeaderboardRow(rank=rank, who=row.full_name if row.show_name else row.pseudonym,
                                  applications=row.applications, interviews=row.interviews, you=row.user_id == user.id))
    mine = _settings(session, user.id)
    return Leaderboard(month=start.strftime("%Y-%m"), starts=start, rows=out, you_opted_in=bool(mine and mine.leaderboard))


# --- shares --------------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _share_out(share: Share) -> ShareOut:
    return ShareOut(id=share.id, kind=share.kind, label=share.label, token_prefix=share.token_prefix,
                    views=share.views, created_at=share.created_at, expires_at=share.expires_at,
                    revoked_at=share.revoked_at, active=share.revoked_at is None and share.expires_at > utcnow())


def create_share(session: Session, user: User, data: ShareCreate) -> tuple[ShareOut, str]:
    """(the share, its token): the token is returned this once."""
    live = session.exec(select(func.count()).select_from(Share).where(
        Share.user_id == user.id, col(Share.revoked_at).is_(None), Share.expires_at > utcnow())).one()
    if live >= MAX_ACTIVE_SHARES:
        raise InvalidInput(f"You have {MAX_ACTIVE_SHARES} active links: revoke one first")
    if data.kind == ShareKind.resume:
        if data.job_id is not None:
            raise Unprocessable("A resume share takes no job_id")
        resume = session.exec(select(Resume).where(Resume.user_id == user.id)).first()
        if resume is None or not resume.text:
            raise NotFound("You have no resume to share: upload one first")
        target, version, label = resume.id, resume.created_at, f"Resume: {resume.file_name}"[:200]
    else:
        if data.job_id is None:
            raise Unprocessable("A job share needs job_id")
        job = jobs.get_visible(session, data.job_id, user)  # 404 for a job this user cannot see
        if job.listing_id is not None:  # a saved listing: share the listing itself
            job = jobs.get_visible(session, job.listing_id, user)
        target, version = job.id, None
        label = f"Job: {job.title}" + (f" at {job.company_name}" if job.company_name else "")
    token = secrets.token_urlsafe(32)
    share = Share(user_id=user.id, kind=data.kind, target_id=target, target_version=version, label=label[:200],
                  token_hash=_hash(token), token_prefix=token[:6],
                  expires_at=utcnow() + timedelta(days=data.expires_in_days))
    session.add(share)
    session.commit()
    return _share_out(share), token


def list_shares(session: Session, user: User) -> list[ShareOut]:
    rows = session.exec(select(Share).where(Share.user_id == user.id)
                        .order_by(col(Share.created_at).desc()).limit(100)).all()
    return [_share_out(s) for s in rows]


def revoke_share(session: Session, user: User, share_id: str) -> ShareOut:
    try:
        wanted = uuid.UUID(str(share_id))
    except ValueError:
        raise NotFound("Share not found") from None
    share = session.get(Share, wanted)
    if share is None or share.user_id != user.id:
        raise NotFound("Share not found")
    if share.revoked_at is None:
        share.revoked_at = utcnow()
        session.add(share)
        session.commit()
    return _share_out(share)


def _shared_content(session: Session, share: Share) -> SharedResume | SharedJob | None:
    """What the link shows, or None when the thing is gone, replaced, or no longer visible as shared."""
    if share.kind == ShareKind.resume:
        resume = session.get(Resume, share.target_id)
        if resume is None or resume.user_id != share.user_id or resume.created_at != share.target_version:
            return None
        return SharedResume(file_name=resume.file_name, skills=list(resume.skills or []), text=resume.text)
    owner = session.get(User, share.user_id)
    job = jobs._load(session, share.target_id)
    if job is None or owner is None:
        return None
    visible = jobs.can_view(job, None) if job.visibility == Visibility.public else job.owner_id == share.user_id
    if not visible:
        return None
    return SharedJob(title=job.title, company=job.company_name, location=job.location,
                     remote_option=job.remote_option.value if job.remote_option else None,
                     description=job.description_raw, apply_url=job.external_apply_url)


def open_share(session: Session, token: str) -> SharedView:
    """The shared resume or job for anyone holding the link; counts the view. NotFound, the same for
    every reason (unknown, revoked, expired, gone), so a link tells nothing once it stops working."""
    if not token or len(token) > 100:
        raise NotFound("This link does not exist or is no longer shared")
    share = session.exec(select(Share).where(Share.token_hash == _hash(token), col(Share.revoked_at).is_(None),
                                             Share.expires_at > utcnow())).first()
    content = _shared_content(session, share) if share is not None else None
    owner = session.get(User, share.user_id) if share is not None else None
    if content is None or owner is None or not owner.is_active:
        session.rollback()
        raise NotFound("This link does not exist or is no longer shared")
    views = session.exec(update(Share).where(col(Share.id) == share.id).values(views=Share.views + 1)
                         .returning(Share.views)).one()[0]
    session.commit()
    return SharedView(kind=share.kind, resume=content if share.kind == ShareKind.resume else None,
                      job=content if share.kind == ShareKind.job else None, expires_at=share.expires_at, views=views)
