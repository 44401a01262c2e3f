"""Coach conversations: who may see and write what, takeover and release by an admin.

Every change is committed to PostgreSQL first and only then published as a live event
(services/live.py) on the conversation's topic, and as a session update on the admins' topic, so
a crash never loses what a client was told. The AI's replies are written by services/coach.py."""

import re
import time
import uuid
from datetime import timedelta

import redis
from sqlalchemy import bindparam, func, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from career_app.services import live, notifications, presence
from career_app.services.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyRequests
from models.base import utcnow
from models.chat import ChatMessage, ChatRole, ChatSession, ChatStatus
from models.chat_desk import ChatAudit
from models.chat_schemas import MAX_MESSAGE_CHARS, ChatMessageOut, ChatSessionOut
from models.job import Job
from models.notification import Category, Priority
from models.user import Role, User

MAX_PAGE_SIZE = 100
REPLAY_MESSAGES = 10
MESSAGES_PER_MINUTE = 20
SESSION_NOT_FOUND = "Chat session not found"
JOINED_NOTE = "A human agent has joined the chat."
LEFT_NOTE = "The human agent has left the chat; the AI coach continues."
QUEUED_NOTE = "A human agent holds this conversation and will answer shortly."
AI_NAME = "AI coach"
REQUESTED_NOTE = ("I have asked a career advisor to join this conversation. Until one does, I keep answering "
                  "your questions here.")
IDLE_NOTE = "The advisor has not answered for a while, so the AI coach continues; you can ask for a person again."
IDLE_ADMIN_NOTE = "Handed back to the AI coach: no answer to the seeker for {minutes:g} minutes."
AI_ANSWERS = (ChatStatus.active_ai, ChatStatus.waiting_human)  # the AI coach answers in these states
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


# --- reading ---------------------------------------------------------------------------------------

def message_out(message: ChatMessage) -> ChatMessageOut:
    return ChatMessageOut.model_validate(message, from_attributes=True)


def message_json(message: ChatMessage) -> dict:
    return message_out(message).model_dump(mode="json")


def session_out(chat: ChatSession, seeker_name: str = "", job_title: str = "", assignee_name: str = "") -> ChatSessionOut:
    out = ChatSessionOut.model_validate(chat, from_attributes=True)
    out.seeker_name, out.job_title = seeker_name, job_title
    out.assignee_id, out.assignee_name = chat.admin_id, assignee_name if chat.admin_id else ""
    out.rating_requested = chat.rating_admin_id is not None
    return out


def _load(session: Session, session_id, lock: bool = False) -> ChatSession | None:
    try:
        key = uuid.UUID(str(session_id))
    except ValueError:
        return None
    query = select(ChatSession).where(ChatSession.id == key)
    return session.exec(query.with_for_update() if lock else query).first()


def can_view(chat: ChatSession, user: User) -> bool:
    return user.role == Role.admin or chat.user_id == user.id


def get_visible(session: Session, user: User, session_id, lock: bool = False) -> ChatSession:
    """The session for its owner or an admin; 404 for everyone else (no hint that it exists)."""
    chat = _load(session, session_id, lock)
    if chat is None or not can_view(chat, user):
        raise NotFound(SESSION_NOT_FOUND)
    return chat


def _summary_statement():
    """Names, job title and the seeker's latest message of the conversations whose ids are bound as
    `ids`. Built once: building it (two aliases, a correlated subquery) cost more than running it."""
    seeker, holder = aliased(User), aliased(User)
    # The seeker's latest message (the admin list shows it): one index walk each.
    last_asked = (select(func.left(ChatMessage.content, 200))
                  .where(ChatMessage.session_id == ChatSession.id, ChatMessage.role == ChatRole.user)
                  .order_by(ChatMessage.id.desc()).limit(1).correlate(ChatSession).scalar_subquery())
    return (select(ChatSession.id, seeker.full_name, Job.title, holder.full_name, last_asked)
            .join(seeker, seeker.id == ChatSession.user_id)
            .outerjoin(Job, Job.id == ChatSession.job_id)
            .outerjoin(holder, holder.id == ChatSession.admin_id)
            .where(ChatSession.id.in_(bindparam("ids", expanding=True))))


_SUMMARIES = _summary_statement()


def _named(session: Session, chats: list[ChatSession]) -> list[ChatSessionOut]:
    """The conversations' summaries: names, job title and the seeker's latest message come in one
    statement, since every live chat event carries a summary and waits for it."""
    if not chats:
        return []
    rows = session.exec(_SUMMARIES, params={"ids": [c.id for c in chats]}).all()
    found = {row[0]: row[1:] for row in rows}
    out = []
    for c in chats:
        seeker_name, title, holder_name, asked = found.get(c.id, ("", None, None, None))
        summary = session_out(c, seeker_name or "", title or "", holder_name or "")
        summary.last_seeker_message = asked or ""
        out.append(summary)
    return out


def describe(session: Session, chat: ChatSession) -> ChatSessionOut:
    return _named(session, [chat])[0]


def list_sessions(session: Session, user: User, status: ChatStatus | None = None, skip: int = 0,
                  limit: int = 20, assignee_id: uuid.UUID | None = None) -> tuple[list[ChatSessionOut], int]:
    """A seeker's own conversations; an admin's view is every conversation (or those one admin holds).
    Most recent first."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    query = select(ChatSession)
    if user.role != Role.admin:
        query = query.where(ChatSession.user_id == user.id)
    if status is not None:
        query = query.where(ChatSession.status == status)
    if assignee_id is not None:
        query = query.where(ChatSession.admin_id == assignee_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(ChatSession.last_message_at.desc(), ChatSession.id)
                        .offset(skip).limit(limit)).all()
    return _named(session, list(rows)), total


def messages(session: Session, user: User, session_id, skip: int = 0, limit: int = 50,
             newest_first: bool = False) -> tuple[list[ChatMessageOut], int]:
    chat = get_visible(session, user, session_id)
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    total = session.exec(select(func.count()).where(ChatMessage.session_id == chat.id)).one()
    order = ChatMessage.id.desc() if newest_first else ChatMessage.id
    rows = session.exec(select(ChatMessage).where(ChatMessage.session_id == chat.id).order_by(order)
                        .offset(skip).limit(limit)).all()
    return [message_out(m) for m in rows], total


def recent(session: Session, chat_id: uuid.UUID, count: int) -> list[ChatMessage]:
    """The last `count` messages of a conversation, oldest first."""
    rows = session.exec(select(ChatMessage).where(ChatMessage.session_id == chat_id)
                        .order_by(ChatMessage.id.desc()).limit(count)).all()
    return list(reversed(rows))


def replay(session: Session, user: User, session_id) -> tuple[ChatSessionOut, list[ChatMessageOut]]:
    """What a websocket gets on connect: the session and its last messages, oldest first."""
    chat = get_visible(session, user, session_id)
    return describe(session, chat), [message_out(m) for m in recent(session, chat.id, REPLAY_MESSAGES)]


# --- writing ---------------------------------------------------------------------------------------

def create_session(session: Session, r: redis.Redis, user: User, job_id: uuid.UUID | None = None) -> ChatSessionOut:
    if user.role != Role.seeker:
        raise Forbidden("Only job seekers have coach conversations")
    title = "Career coaching"
    if job_id is not None:
        from career_app.services import jobs  # the one rule for who may see a job

        job = jobs.get_visible(session, job_id, user)
        title = f"About {job.title}"[:200]
    chat = ChatSession(user_id=user.id, job_id=job_id, title=title)
    session.add(chat)
    session.commit()
    out = describe(session, chat)
    live.publish(r, live.ADMINS, {"type": "session_update", "session": out.model_dump(mode="json")})
    return out


def clean_content(content: object) -> str:
    if not isinstance(content, str):
        raise InvalidInput("A message is text")
    text = _CONTROL.sub("", content).strip()
    if not text:
        raise InvalidInput("The message is empty")
    if len(text) > MAX_MESSAGE_CHARS:
        raise InvalidInput(f"A message is at most {MAX_MESSAGE_CHARS:,} characters")
    return text


def _take_rate_slot(r: redis.Redis, user: User) -> None:
    window = int(time.time() // 60)
    key = f"chat:rate:{user.id}:{window}"
    pipe = r.pipeline()
    pipe.incr(key)
    pipe.expire(key, 120)
    count, _ = pipe.execute()
    if count > MESSAGES_PER_MINUTE:
        raise TooManyRequests(f"At most {MESSAGES_PER_MINUTE} messages a minute; please wait a moment",
                              retry_after=60 - int(time.time() % 60))


def _append(session: Session, chat: ChatSession, role: ChatRole, content: str, author: uuid.UUID | None,
            author_name: str = "", **fields) -> ChatMessage:
    message = ChatMessage(session_id=chat.id, role=role, content=content, author_id=author,
                          author_name=author_name[:120], **fields)
    session.add(message)
    chat.last_message_at = message.created_at
    chat.last_message_preview = content[:200]
    return message


def audit(session: Session, chat_id: uuid.UUID, action: str, actor: User | None = None, **detail) -> None:
    """One row of the conversation's audit trail, committed with the change it records."""
    session.add(ChatAudit(session_id=chat_id, action=action, actor_id=actor.id if actor else None,
                          actor_name=actor.full_name if actor else "system", detail=detail))


def _announce(session: Session, r: redis.Redis, chat: ChatSession, event: dict) -> None:
    """After the commit: the event to the conversation's watchers, the new summary to the admins."""
    summary = describe(session, chat).model_dump(mode="json")
    live.publish(r, live.conv(chat.id), {**event, "session_status": chat.status.value, "session": summary})
    live.publish(r, live.ADMINS, {"type": "session_update", "session": summary})


def post_user_message(session: Session, r: redis.Redis, user: User, session_id, content: object) -> tuple[dict, bool]:
    """A seeker's message. Returns it and whether the AI coach should answer (False while a human
    holds the conversation: the message is queued for them)."""
    text = clean_content(content)
    chat = get_visible(session, user, session_id, lock=True)
    if chat.user_id != user.id:
        raise Forbidden("Only the seeker writes as the seeker; admins reply from the admin chat")
    if chat.status == ChatStatus.closed:
        raise Conflict("This conversation is closed")
    _take_rate_slot(r, user)
    message = _append(session, chat, ChatRole.user, text, user.id, user.full_name)
    chat.waiting_since = chat.waiting_since or message.created_at
    chat.unread_for_admin += 1
    session.commit()
    data = message_json(message)
    _announce(session, r, chat, {"type": "user_message", "message": data})
    return data, chat.status in AI_ANSWERS


def _require_admin(user: User) -> None:
    if user.role != Role.admin:
        raise Forbidden("Admin access required")


def _name_of(session: Session, user_id) -> str:
    return session.exec(select(User.full_name).where(User.id == user_id)).first() or "another admin"


def _held_by_other(session: Session, chat: ChatSession) -> Conflict:
    name = _name_of(session, chat.admin_id)
    return Conflict(f"{name} holds this conversation")


def _admin_chat(session: Session, admin: User, session_id) -> ChatSession:
    _require_admin(admin)
    chat = _load(session, session_id, lock=True)
    if chat is None:
        raise NotFound(SESSION_NOT_FOUND)
    if chat.status == ChatStatus.closed:
        raise Conflict("This conversation is closed")
    if chat.status == ChatStatus.human and chat.admin_id != admin.id:
        raise _held_by_other(session, chat)
    return chat


def request_human(session: Session, r: redis.Redis, user: User, session_id) -> ChatSessionOut:
    """The seeker asks for a person: the conversation joins the queue (the AI keeps answering)."""
    chat = get_visible(session, user, session_id, lock=True)
    if chat.user_id != user.id:
        raise Forbidden("Only the seeker asks for a person")
    if chat.status == ChatStatus.closed:
        raise Conflict("This conversation is closed")
    if chat.status != ChatStatus.active_ai:  # already waiting, or a person holds it: nothing to do
        return describe(session, chat)
    now = utcnow()
    chat.status, chat.requested_at, chat.first_response_at, chat.sla_notified_at = ChatStatus.waiting_human, now, None, None
    note = _append(session, chat, ChatRole.assistant, REQUESTED_NOTE, None, AI_NAME, generated_by="desk")
    audit(session, chat.id, "requested", user)
    session.commit()
    _announce(session, r, chat, {"type": "human_requested", "message": message_json(note)})
    from career_app.services import desk  # desk builds on this module

    if not desk.auto_assign(session, r, chat.id):
        desk.publish_queue(session, r)
    session.refresh(chat)
    return describe(session, chat)


def takeover(session: Session, r: redis.Redis, admin: User, session_id, auto: bool = False) -> ChatSessionOut:
    """An admin takes the conversation from the AI or the queue (any reply being streamed stops).
    One conditional UPDATE decides between admins acting at once: exactly one wins, the others are
    told who holds it."""
    _require_admin(admin)
    chat = _load(session, session_id)
    if chat is None:
        raise NotFound(SESSION_NOT_FOUND)
    now = utcnow()
    won = session.execute(update(ChatSession).where(ChatSession.id == chat.id, ChatSession.status.in_(AI_ANSWERS))
                       .values(status=ChatStatus.human, admin_id=admin.id, admin_active_at=now, rating_admin_id=None)
                       .returning(ChatSession.requested_at)).first()
    if won is None:
        session.rollback()
        chat = _load(session, session_id, lock=True)
        if chat.status == ChatStatus.closed:
            raise Conflict("This conversation is closed")
        if chat.admin_id != admin.id:
            raise _held_by_other(session, chat)
        return describe(session, chat)  # already theirs: nothing to announce again
    session.refresh(chat)
    note = _append(session, chat, ChatRole.system, JOINED_NOTE, admin.id, admin.full_name)
    waited = (now - chat.requested_at).total_seconds() if chat.requested_at else None
    audit(session, chat.id, "taken_over", admin, waited_seconds=round(waited, 1) if waited is not None else None,
          **({"auto_assigned": True} if auto else {}))
    session.commit()
    _announce(session, r, chat, {"type": "admin_takeover", "event": "admin_takeover", "note": JOINED_NOTE,
                                 "admin_name": admin.full_name, "message": message_json(note)})
    if waited is not None:
        from career_app.services import desk

        desk.publish_queue(session, r)
    notifications.notify(session, r, chat.user_id, type="admin_joined_chat", category=Category.chat,
                         priority=Priority.high, title="A career advisor joined your chat",
                         message=f"{admin.full_name} joined “{chat.title}”.", data={"session_id": str(chat.id)},
                         action_url=f"/coach?session={chat.id}")
    return describe(session, chat)


def transfer(session: Session, r: redis.Redis, admin: User, session_id, to_admin_id) -> ChatSessionOut:
    """The holder hands the conversation to another admin (who holds it from now on)."""
    chat = _admin_chat(session, admin, session_id)
    if chat.status != ChatStatus.human:
        raise Conflict("Only a conversation you hold can be transferred; take it over first")
    target = session.get(User, uuid.UUID(str(to_admin_id)))
    if target is None or target.role != Role.admin or not target.is_active:
        raise InvalidInput("Transfer to an active admin")
    if target.id == admin.id:
        raise InvalidInput("You already hold this conversation")
    chat.admin_id, chat.admin_active_at = target.id, utcnow()
    text = f"{admin.full_name} handed the conversation to {target.full_name}."
    note = _append(session, chat, ChatRole.system, text, admin.id, admin.full_name)
    audit(session, chat.id, "transferred", admin, to_id=str(target.id), to_name=target.full_name)
    session.commit()
    _announce(session, r, chat, {"type": "admin_transfer", "admin_name": target.full_name,
                                 "message": message_json(note)})
    notifications.notify(session, r, target.id, type="chat_transferred", category=Category.chat,
                         priority=Priority.high, title="A conversation was handed to you",
                         message=f"{admin.full_name} handed you “{chat.title}”.", data={"session_id": str(chat.id)},
                         action_url=f"/admin/chat?session={chat.id}")
    return describe(session, chat)


def _hand_back(session: Session, r: redis.Redis, chat: ChatSession, actor: User | None, how: str,
               seeker_note: str) -> None:
    """Back to the AI; the seeker is asked to rate the advisor who held it."""
    holder = chat.admin_id
    chat.status, chat.admin_id, chat.rating_admin_id = ChatStatus.active_ai, None, holder
    note = _append(session, chat, ChatRole.system, seeker_note, actor.id if actor else None,
                   actor.full_name if actor else "")
    audit(session, chat.id, "released", actor, how=how, holder_id=str(holder) if holder else None)
    session.commit()
    _announce(session, r, chat, {"type": "admin_release", "event": "admin_release", "note": seeker_note,
                                 "how": how, "message": message_json(note)})


def release(session: Session, r: redis.Redis, admin: User, session_id) -> ChatSessionOut:
    """The holder hands the conversation back to the AI. The caller then has the coach answer the
    seeker's last unanswered message (coach.answer_pending), in the process that has an event loop."""
    chat = _admin_chat(session, admin, session_id)
    if chat.status != ChatStatus.human:
        raise Conflict("This conversation is not held by a human")
    _hand_back(session, r, chat, admin, "by_hand", LEFT_NOTE)
    return describe(session, chat)


def release_idle(session: Session, r: redis.Redis, session_id, idle_before) -> bool:
    """The idle hand-back (the worker's sweep): only if the holder still has not acted since
    `idle_before`, checked under the row lock. The note goes to the seeker and to the admins."""
    chat = _load(session, session_id, lock=True)
    if (chat is None or chat.status != ChatStatus.human or chat.admin_active_at is None
            or chat.admin_active_at >= idle_before):
        session.rollback()
        return False
    holder = chat.admin_id
    _hand_back(session, r, chat, None, "idle", IDLE_NOTE)
    minutes = (utcnow() - idle_before).total_seconds() / 60
    live.publish(r, live.ADMINS, {"type": "desk_note", "session_id": str(chat.id), "admin_id": str(holder),
                                  "note": IDLE_ADMIN_NOTE.format(minutes=round(minutes, 1))})
    if holder:
        notifications.notify(session, r, holder, type="chat_handed_back", category=Category.chat,
                             title="A conversation went back to the AI coach",
                             message=IDLE_ADMIN_NOTE.format(minutes=round(minutes, 1)) + f" (“{chat.title}”)",
                             data={"session_id": str(chat.id)}, action_url=f"/admin/chat?session={chat.id}")
    return True


def post_admin_message(session: Session, r: redis.Redis, admin: User, session_id, content: object) -> dict:
    """An admin's reply. Writing to a conversation the AI holds takes it over first."""
    text = clean_content(content)
    chat = _admin_chat(session, admin, session_id)
    if chat.status != ChatStatus.human:
        session.rollback()
        takeover(session, r, admin, session_id)
        chat = _admin_chat(session, admin, session_id)
    message = _append(session, chat, ChatRole.admin, text, admin.id, admin.full_name)
    now = utcnow()
    chat.waiting_since, chat.unread_for_admin, chat.admin_active_at = None, 0, now
    if chat.requested_at is not None and chat.first_response_at is None:
        chat.first_response_at = now
        audit(session, chat.id, "first_response", admin,
              wait_seconds=round((now - chat.requested_at).total_seconds(), 1))
    session.commit()
    data = message_json(message)
    _announce(session, r, chat, {"type": "admin_message", "message": data, "admin_name": admin.full_name})
    if not presence.online(r, chat.user_id):
        notifications.notify(session, r, chat.user_id, type="admin_replied", category=Category.chat,
                             title="Your career advisor replied", message=text[:300],
                             data={"session_id": str(chat.id)}, action_url=f"/coach?session={chat.id}")
    return data


def mark_read_by_admin(session: Session, r: redis.Redis, admin: User, session_id) -> None:
    _require_admin(admin)
    chat = _load(session, session_id, lock=True)
    if chat is None:
        raise NotFound(SESSION_NOT_FOUND)
    if chat.unread_for_admin:
        chat.unread_for_admin = 0
        session.commit()
        live.publish(r, live.ADMINS, {"type": "session_update",
                                      "session": describe(session, chat).model_dump(mode="json")})


def close(session: Session, r: redis.Redis, user: User, session_id) -> ChatSessionOut:
    chat = get_visible(session, user, session_id, lock=True)
    if chat.status != ChatStatus.closed:
        was_waiting = chat.status == ChatStatus.waiting_human
        if chat.status == ChatStatus.human:
            chat.rating_admin_id = chat.admin_id  # a human conversation closed: the seeker rates it
        chat.status, chat.admin_id, chat.waiting_since = ChatStatus.closed, None, None
        audit(session, chat.id, "closed", user)
        session.commit()
        _announce(session, r, chat, {"type": "session_closed", "event": "session_closed"})
        if was_waiting:
            from career_app.services import desk

            desk.publish_queue(session, r)
    return describe(session, chat)


def save_reply(session: Session, r: redis.Redis, session_id: uuid.UUID, content: str, generated_by: str,
               cut_short: bool, answered_up_to: int, stream_id: str = "") -> dict | None:
    """The coach's reply, committed. Marked interrupted when the stream was cut short or a human took
    the conversation meanwhile (checked under the row lock, so a takeover and a reply never both win)."""
    chat = _load(session, session_id, lock=True)
    if chat is None:
        return None
    interrupted = cut_short or chat.status not in AI_ANSWERS
    if not content.strip() and interrupted:
        session.rollback()
        return None
    message = _append(session, chat, ChatRole.assistant, content, None, AI_NAME, interrupted=interrupted,
                      generated_by=generated_by)
    newer = session.exec(select(func.count()).where(ChatMessage.session_id == chat.id, ChatMessage.id > answered_up_to,
                                                    ChatMessage.role == ChatRole.user)).one()
    if not interrupted and not newer:
        chat.waiting_since = None
    session.commit()
    data = message_json(message)
    _announce(session, r, chat, {"type": "ai_reply", "message": data, "content": content, "stream_id": stream_id})
    return data


def idle_cutoff(now=None):
    from career_app.settings import settings

    return (now or utcnow()) - timedelta(minutes=settings.takeover_idle_minutes)
