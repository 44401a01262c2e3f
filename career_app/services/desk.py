"""The support desk around coach conversations: the queue of seekers waiting for a person (place and
estimated wait, pushed live), internal notes, canned replies, CSAT ratings, the audit trail, the
transcript, and the worker's sweep (SLA alerts, idle hand-back, advisors gone quiet).

State transitions (request, take over, transfer, release, close) live in services/chat.py, each a row
lock (or a conditional UPDATE) + an audit row + a live event. Internal notes are a table of their own
that no seeker-facing query touches; their events go to the admins' topic only, never a conversation's."""

import logging
import math
import uuid
from datetime import timedelta

import redis
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from career_app.services import chat, live, notifications, presence
from career_app.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from career_app.settings import settings
from models.base import utcnow
from models.chat import ChatMessage, ChatRole, ChatSession, ChatStatus
from models.chat_desk import CannedReply, ChatAudit, ChatNote, ChatRating
from models.chat_schemas import (AdminRatings, AuditOut, CannedOut, NoteOut, QueueEntry, QueueState, RatingOut)
from models.notification import Category, Priority
from models.user import Role, User

log = logging.getLogger(__name__)

QUEUE_LIMIT = 200  # waiting conversations told their place at once
ESTIMATE_SAMPLE = 20  # recent first-response times the estimate is made of
CANNED_LIMIT = 200


# --- the queue ------------------------------------------------------------------------------------------

def _waiting(session: Session, limit: int = QUEUE_LIMIT) -> list[ChatSession]:
    return list(session.exec(select(ChatSession).where(ChatSession.status == ChatStatus.waiting_human)
                             .order_by(ChatSession.requested_at, ChatSession.id).limit(limit)).all())


def typical_wait(session: Session) -> float:
    """Mean of the recent first-response times (seconds); the SLA when none is known yet."""
    rows = session.exec(select(ChatAudit.detail).where(ChatAudit.action == "first_response")
                        .order_by(ChatAudit.id.desc()).limit(ESTIMATE_SAMPLE)).all()
    waits = [float(d["wait_seconds"]) for d in rows if isinstance(d, dict) and d.get("wait_seconds") is not None]
    return sum(waits) / len(waits) if waits else float(settings.human_sla_seconds)


def _estimate(position: int, typical: float, online: int) -> int:
    # Each online advisor takes one conversation at a time: the n-th in line waits about
    # ceil(n / advisors) typical first responses.
    return int(round(math.ceil(position / max(1, online)) * typical))


def queue(session: Session, admin: User, limit: int = 50) -> list[QueueEntry]:
    chat._require_admin(admin)
    now = utcnow()
    rows = _waiting(session, max(1, min(limit, chat.MAX_PAGE_SIZE)))
    described = chat._named(session, rows)
    return [QueueEntry(session=out, position=i + 1, waited_seconds=int((now - row.requested_at).total_seconds()))
            for i, (row, out) in enumerate(zip(rows, described))]


def queue_state(session: Session, r: redis.Redis, user: User, session_id) -> QueueState:
    conversation = chat.get_visible(session, user, session_id)
    waiting = _waiting(session)
    online = presence.counts(presence.advisors(r))["online"]
    position = next((i + 1 for i, c in enumerate(waiting) if c.id == conversation.id), None)
    estimate = _estimate(position, typical_wait(session), online) if position else None
    return QueueState(session_id=conversation.id, status=conversation.status, position=position, waiting=len(waiting),
                      estimated_wait_seconds=estimate, advisors_online=online)


def publish_queue(session: Session, r: redis.Redis) -> None:
    """Every waiting seeker's place and estimated wait (after the queue changed), as `queue_update`."""
    waiting = _waiting(session)
    typical, online = typical_wait(session), presence.counts(presence.advisors(r))["online"]
    pipe = r.pipeline(transaction=False)
    for i, conversation in enumerate(waiting):
        pipe.publish(live.channel(pipe, live.conv(conversation.id)), live.encode({
            "type": "queue_update", "position": i + 1, "waiting": len(waiting),
            "estimated_wait_seconds": _estimate(i + 1, typical, online), "advisors_online": online}))
    pipe.publish(live.channel(pipe, live.ADMINS), live.encode({"type": "queue_changed", "waiting": len(waiting)}))
    pipe.execute()


# --- internal notes --------------------------------------------------------------------------------------

def _note_out(note: ChatNote) -> NoteOut:
    return NoteOut.model_validate(note, from_attributes=True)


def add_note(session: Session, r: redis.Redis, admin: User, session_id, content: object) -> NoteOut:
    chat._require_admin(admin)
    text = chat.clean_content(content)
    conversation = chat._load(session, session_id)
    if conversation is None:
        raise NotFound(chat.SESSION_NOT_FOUND)
    note = ChatNote(session_id=conversation.id, author_id=admin.id, author_name=admin.full_name, content=text)
    session.add(note)
    chat.audit(session, conversation.id, "note_added", admin)
    session.commit()
    out = _note_out(note)
    # The notes topic only (admins follow it): a conversation's topic reaches the seeker's sockets and tabs.
    live.publish(r, live.notes(conversation.id), {"type": "note_added", "session_id": str(conversation.id),
                                                  "note": out.model_dump(mode="json")})
    return out


def notes(session: Session, admin: User, session_id) -> list[NoteOut]:
    chat._require_admin(admin)
    conversation = chat._load(session, session_id)
    if conversation is None:
        raise NotFound(chat.SESSION_NOT_FOUND)
    rows = session.exec(select(ChatNote).where(ChatNote.session_id == conversation.id).order_by(ChatNote.id)
                        .limit(500)).all()
    return [_note_out(n) for n in rows]


# --- canned replies --------------------------------------------------------------------------------------

def canned_list(session: Session, admin: User) -> list[CannedOut]:
    chat._require_admin(admin)
    rows = session.exec(select(CannedReply).order_by(CannedReply.shortcut).limit(CANNED_LIMIT)).all()
    return [CannedOut.model_validate(c, from_attributes=True) for c in rows]


def _canned(session: Session, canned_id) -> CannedReply:
    try:
        found = session.get(CannedReply, uuid.UUID(str(canned_id)))
    except ValueError:
        found = None
    if found is None:
        raise NotFound("Canned reply not found")
    return found


def _shortcut_free(session: Session, shortcut: str, but: uuid.UUID | None = None) -> None:
    query = select(CannedReply.id).where(CannedReply.shortcut == shortcut)
    if but is not None:
        query = query.where(CannedReply.id != but)
    if session.exec(query).first() is not None:
        raise Conflict(f"A canned reply /{shortcut} exists already")


def canned_create(session: Session, admin: User, shortcut: str, content: str) -> CannedOut:
    chat._require_admin(admin)
    if session.exec(select(func.count()).select_from(CannedReply)).one() >= CANNED_LIMIT:
        raise Conflict(f"At most {CANNED_LIMIT} canned replies")
    text = chat.clean_content(content)
    _shortcut_free(session, shortcut)
    row = CannedReply(shortcut=shortcut, content=text, created_by=admin.id)
    session.add(row)
    session.commit()
    return CannedOut.model_validate(row, from_attributes=True)


def canned_update(session: Session, admin: User, canned_id, shortcut: str, content: str) -> CannedOut:
    chat._require_admin(admin)
    row = _canned(session, canned_id)
    text = chat.clean_content(content)
    _shortcut_free(session, shortcut, row.id)
    row.shortcut, row.content, row.updated_at = shortcut, text, utcnow()
    session.commit()
    return CannedOut.model_validate(row, from_attributes=True)


def canned_delete(session: Session, admin: User, canned_id) -> None:
    chat._require_admin(admin)
    session.delete(_canned(session, canned_id))
    session.commit()


# --- ratings ---------------------------------------------------------------------------------------------

def rate(session: Session, r: redis.Redis, user: User, session_id, score: int, comment: str) -> RatingOut:
    """The seeker rates the advisor of a human conversation that was released or closed; once each time."""
    conversation = chat.get_visible(session, user, session_id, lock=True)
    if conversation.user_id != user.id:
        raise Forbidden("Only the seeker rates their conversation")
    if conversation.rating_admin_id is None:
        raise Conflict("There is no advisor conversation to rate yet")
    if not 1 <= int(score) <= 5:
        raise InvalidInput("A rating is 1 to 5")
    row = ChatRating(session_id=conversation.id, admin_id=conversation.rating_admin_id, score=int(score),
                     comment=chat._CONTROL.sub("", comment or "").strip()[:1000])
    session.add(row)
    conversation.rating_admin_id = None
    chat.audit(session, conversation.id, "rated", user, score=row.score)
    session.commit()
    live.publish(r, live.ADMINS, {"type": "session_update", "session": chat.describe(session, conversation)
                                  .model_dump(mode="json")})
    return RatingOut.model_validate(row, from_attributes=True)


def ratings_by_admin(session: Session, admin: User, comments: int = 5) -> list[AdminRatings]:
    chat._require_admin(admin)
    rows = session.exec(select(ChatRating.admin_id, func.avg(ChatRating.score), func.count(), User.full_name)
                        .join(User, User.id == ChatRating.admin_id)
                        .group_by(ChatRating.admin_id, User.full_name).order_by(User.full_name)).all()
    out = []
    for admin_id, average, count, name in rows:
        last = session.exec(select(ChatRating.comment).where(ChatRating.admin_id == admin_id, ChatRating.comment != "")
                            .order_by(ChatRating.id.desc()).limit(comments)).all()
        out.append(AdminRatings(admin_id=admin_id, admin_name=name, average=round(float(average), 2), count=count,
                                last_comments=list(last)))
    return out


# --- audit and transcript --------------------------------------------------------------------------------

def audit_trail(session: Session, admin: User, session_id) -> list[AuditOut]:
    chat._require_admin(admin)
    conversation = chat._load(session, session_id)
    if conversation is None:
        raise NotFound(chat.SESSION_NOT_FOUND)
    rows = session.exec(select(ChatAudit).where(ChatAudit.session_id == conversation.id).order_by(ChatAudit.id)
                        .limit(1000)).all()
    return [AuditOut.model_validate(a, from_attributes=True) for a in rows]


TRANSCRIPT_MESSAGES = 5000


def transcript(session: Session, user: User, session_id) -> str:
    """The conversation as text (the seeker's own, or any for an admin). Messages only: internal
    notes live in another table and never appear here."""
    conversation = chat.get_visible(session, user, session_id)
    rows = session.exec(select(ChatMessage).where(ChatMessage.session_id == conversation.id)
                        .order_by(ChatMessage.id).limit(TRANSCRIPT_MESSAGES)).all()
    lines = [f"{conversation.title} — conversation {conversation.id}", ""]
    for m in rows:
        when = m.created_at.strftime("%Y-%m-%d %H:%M")
        who = m.author_name or {ChatRole.assistant: chat.AI_NAME, ChatRole.system: "Note"}.get(m.role, m.role.value)
        if m.role == ChatRole.system:
            lines.append(f"[{when}] — {m.content}")
        else:
            lines.append(f"[{when}] {who}: {m.content}")
    return "\n".join(lines) + "\n"


# --- the worker's sweep ----------------------------------------------------------------------------------

def _online_admin_ids(r: redis.Redis) -> list[uuid.UUID]:
    return [uuid.UUID(a["id"]) for a in presence.advisors(r) if a["state"] != "offline"]


def sla_alerts(session: Session, r: redis.Redis, now=None) -> int:
    """Requests for a person unanswered past HUMAN_SLA_SECONDS: every online admin is notified (bell and
    push), once per request (a conditional UPDATE claims each, so two sweeps never both alert)."""
    now = now or utcnow()
    due = now - timedelta(seconds=settings.human_sla_seconds)
    claimed = session.execute(update(ChatSession).where(
        col(ChatSession.status).in_((ChatStatus.waiting_human, ChatStatus.human)),
        col(ChatSession.requested_at) < due, col(ChatSession.first_response_at).is_(None),
        col(ChatSession.sla_notified_at).is_(None)).values(sla_notified_at=now)
        .returning(ChatSession.id, ChatSession.requested_at, ChatSession.title)).all()
    for session_id, requested_at, _title in claimed:
        chat.audit(session, session_id, "sla_alert", None, waited_seconds=int((now - requested_at).total_seconds()))
    session.commit()
    admins = _online_admin_ids(r)
    for session_id, requested_at, title in claimed:
        waited = int((now - requested_at).total_seconds())
        if admins:
            notifications.notify_many(session, r, admins, type="chat_sla", category=Category.chat,
                                      priority=Priority.urgent,
                                      title="A seeker has waited too long for a person",
                                      message=f"“{title}” has waited {waited // 60} min {waited % 60} s.",
                                      data={"session_id": str(session_id)},
                                      action_url=f"/admin/chat?session={session_id}")
        live.publish(r, live.ADMINS, {"type": "sla_alert", "session_id": str(session_id), "waited_seconds": waited})
    return len(claimed)


def idle_hand_backs(session: Session, r: redis.Redis, now=None) -> list[uuid.UUID]:
    """Conversations whose holder has not acted for TAKEOVER_IDLE_MINUTES go back to the AI. Returns
    them: the caller has the coach answer what the seeker left unanswered."""
    cutoff = chat.idle_cutoff(now)
    ids = session.exec(select(ChatSession.id).where(ChatSession.status == ChatStatus.human,
                                                    col(ChatSession.admin_active_at) < cutoff).limit(200)).all()
    session.rollback()
    released = [i for i in ids if chat.release_idle(session, r, i, cutoff)]
    return released


# --- auto-assignment -------------------------------------------------------------------------------------

def pick_advisor(loads: dict[uuid.UUID, int], capacity: int) -> uuid.UUID | None:
    """The advisor with the fewest open conversations among those under capacity (ties: the first)."""
    free = [(count, str(admin_id), admin_id) for admin_id, count in loads.items() if count < capacity]
    return min(free)[2] if free else None


def _loads(session: Session, r: redis.Redis) -> dict[uuid.UUID, int]:
    online = [uuid.UUID(a["id"]) for a in presence.advisors(r) if a["state"] == "online"]
    if not online:
        return {}
    held = dict(session.exec(select(ChatSession.admin_id, func.count()).where(
        ChatSession.status == ChatStatus.human, col(ChatSession.admin_id).in_(online))
        .group_by(ChatSession.admin_id)).all())
    return {admin_id: held.get(admin_id, 0) for admin_id in online}


def auto_assign(session: Session, r: redis.Redis, session_id) -> bool:
    """With CHAT_AUTO_ASSIGN on: the waiting conversation goes to the least busy online advisor under
    CHAT_ADMIN_CAPACITY (a takeover in their name, audited as auto-assigned). False when nobody fits."""
    if not settings.chat_auto_assign:
        return False
    chosen = pick_advisor(_loads(session, r), settings.chat_admin_capacity)
    admin = session.get(User, chosen) if chosen else None
    if admin is None or admin.role != Role.admin or not admin.is_active:
        return False
    try:
        chat.takeover(session, r, admin, session_id, auto=True)
    except (Conflict, NotFound):  # someone took it meanwhile, or it closed
        session.rollback()
        return False
    return True


def assign_waiting(session: Session, r: redis.Redis) -> int:
    """From the sweep: hand out what still waits (oldest first) while advisors have room."""
    if not settings.chat_auto_assign:
        return 0
    assigned = 0
    for conversation in _waiting(session, 50):
        if not auto_assign(session, r, conversation.id):
            break
        assigned += 1
    return assigned


def sweep(session: Session, r: redis.Redis, now=None) -> tuple[int, list[uuid.UUID]]:
    """One pass of the worker's desk timers: (SLA alerts sent, conversations handed back)."""
    presence.sweep_advisors(r)
    alerts, released = sla_alerts(session, r, now), idle_hand_backs(session, r, now)
    assign_waiting(session, r)
    return alerts, released
