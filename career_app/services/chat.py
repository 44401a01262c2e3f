"""Coach conversations: who may see and write what, takeover and release by an admin.

Every change is committed to PostgreSQL first and only then published as a live event
(services/live.py) on the conversation's topic, and as a session update on the admins' topic, so
a crash never loses what a client was told. The AI's replies are written by services/coach.py."""

import re
import time
import uuid

import redis
from sqlalchemy import func
from sqlmodel import Session, select

from career_app.services import live, notifications, presence
from career_app.services.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyRequests
from models.chat import ChatMessage, ChatRole, ChatSession, ChatStatus
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
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


# --- reading ---------------------------------------------------------------------------------------

def message_out(message: ChatMessage) -> ChatMessageOut:
    return ChatMessageOut.model_validate(message, from_attributes=True)


def message_json(message: ChatMessage) -> dict:
    return message_out(message).model_dump(mode="json")


def session_out(chat: ChatSession, seeker_name: str = "", job_title: str = "") -> ChatSessionOut:
    out = ChatSessionOut.model_validate(chat, from_attributes=True)
    out.seeker_name, out.job_title = seeker_name, job_title
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


def _named(session: Session, chats: list[ChatSession]) -> list[ChatSessionOut]:
    user_ids = {c.user_id for c in chats}
    job_ids = {c.job_id for c in chats if c.job_id}
    names = dict(session.exec(select(User.id, User.full_name).where(User.id.in_(user_ids))).all()) if user_ids else {}
    titles = dict(session.exec(select(Job.id, Job.title).where(Job.id.in_(job_ids))).all()) if job_ids else {}
    return [session_out(c, names.get(c.user_id, ""), titles.get(c.job_id, "")) for c in chats]


def describe(session: Session, chat: ChatSession) -> ChatSessionOut:
    return _named(session, [chat])[0]


def list_sessions(session: Session, user: User, status: ChatStatus | None = None, skip: int = 0,
                  limit: int = 20) -> tuple[list[ChatSessionOut], int]:
    """A seeker's own conversations; an admin's view is every conversation. Most recent first."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    query = select(ChatSession)
    if user.role != Role.admin:
        query = query.where(ChatSession.user_id == user.id)
    if status is not None:
        query = query.where(ChatSession.status == status)
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
            **fields) -> ChatMessage:
    message = ChatMessage(session_id=chat.id, role=role, content=content, author_id=author, **fields)
    session.add(message)
    chat.last_message_at = message.created_at
    chat.last_message_preview = content[:200]
    return message


def _announce(session: Session, r: redis.Redis, chat: ChatSession, event: dict) -> None:
    """After the commit: the event to the conversation's watchers, the new summary to the admins."""
    live.publish(r, live.conv(chat.id), {**event, "session_status": chat.status.value})
    live.publish(r, live.ADMINS, {"type": "session_update", "session": describe(session, chat).model_dump(mode="json")})


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
    message = _append(session, chat, ChatRole.user, text, user.id)
    chat.waiting_since = chat.waiting_since or message.created_at
    chat.unread_for_admin += 1
    session.commit()
    data = message_json(message)
    _announce(session, r, chat, {"type": "user_message", "message": data})
    return data, chat.status == ChatStatus.active_ai


def _require_admin(user: User) -> None:
    if user.role != Role.admin:
        raise Forbidden("Admin access required")


def _admin_chat(session: Session, admin: User, session_id) -> ChatSession:
    _require_admin(admin)
    chat = _load(session, session_id, lock=True)
    if chat is None:
        raise NotFound(SESSION_NOT_FOUND)
    if chat.status == ChatStatus.closed:
        raise Conflict("This conversation is closed")
    if chat.status == ChatStatus.human and chat.admin_id != admin.id:
        raise Conflict("Another admin holds this conversation")
    return chat


def takeover(session: Session, r: redis.Redis, admin: User, session_id) -> ChatSessionOut:
    """An admin takes the conversation from the AI (any reply being streamed stops)."""
    chat = _admin_chat(session, admin, session_id)
    if chat.status == ChatStatus.human:  # already theirs: nothing to announce again
        return describe(session, chat)
    chat.status, chat.admin_id = ChatStatus.human, admin.id
    note = _append(session, chat, ChatRole.system, JOINED_NOTE, admin.id)
    session.commit()
    _announce(session, r, chat, {"type": "admin_takeover", "event": "admin_takeover", "note": JOINED_NOTE,
                                 "admin_name": admin.full_name, "message": message_json(note)})
    notifications.notify(session, r, chat.user_id, type="admin_joined_chat", category=Category.chat,
                         priority=Priority.high, title="A career advisor joined your chat",
                         message=f"{admin.full_name} joined “{chat.title}”.", data={"session_id": str(chat.id)},
                         action_url=f"/coach?session={chat.id}")
    return describe(session, chat)


def release(session: Session, r: redis.Redis, admin: User, session_id) -> ChatSessionOut:
    chat = _admin_chat(session, admin, session_id)
    if chat.status != ChatStatus.human:
        raise Conflict("This conversation is not held by a human")
    chat.status, chat.admin_id = ChatStatus.active_ai, None
    note = _append(session, chat, ChatRole.system, LEFT_NOTE, admin.id)
    session.commit()
    _announce(session, r, chat, {"type": "admin_release", "event": "admin_release", "note": LEFT_NOTE,
                                 "message": message_json(note)})
    return describe(session, chat)


def post_admin_message(session: Session, r: redis.Redis, admin: User, session_id, content: object) -> dict:
    """An admin's reply. Writing to a conversation the AI holds takes it over first."""
    text = clean_content(content)
    chat = _admin_chat(session, admin, session_id)
    if chat.status != ChatStatus.human:
        session.rollback()
        takeover(session, r, admin, session_id)
        chat = _admin_chat(session, admin, session_id)
    message = _append(session, chat, ChatRole.admin, text, admin.id)
    chat.waiting_since, chat.unread_for_admin = None, 0
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
        chat.status, chat.admin_id, chat.waiting_since = ChatStatus.closed, None, None
        session.commit()
        _announce(session, r, chat, {"type": "session_closed", "event": "session_closed"})
    return describe(session, chat)


def save_reply(session: Session, r: redis.Redis, session_id: uuid.UUID, content: str, generated_by: str,
               cut_short: bool, answered_up_to: int, stream_id: str = "") -> dict | None:
    """The coach's reply, committed. Marked interrupted when the stream was cut short or a human took
    the conversation meanwhile (checked under the row lock, so a takeover and a reply never both win)."""
    chat = _load(session, session_id, lock=True)
    if chat is None:
        return None
    interrupted = cut_short or chat.status != ChatStatus.active_ai
    if not content.strip() and interrupted:
        session.rollback()
        return None
    message = _append(session, chat, ChatRole.assistant, content, None, interrupted=interrupted,
                      generated_by=generated_by)
    newer = session.exec(select(func.count()).where(ChatMessage.session_id == chat.id, ChatMessage.id > answered_up_to,
                                                    ChatMessage.role == ChatRole.user)).one()
    if not interrupted and not newer:
        chat.waiting_since = None
    session.commit()
    data = message_json(message)
    _announce(session, r, chat, {"type": "ai_reply", "message": data, "content": content, "stream_id": stream_id})
    return data
