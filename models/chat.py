"""Coach conversations: a seeker's chat session (maybe about one job) and its messages."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Identity, Index, Text
from sqlmodel import Field, SQLModel

from models.base import utcnow


class ChatStatus(StrEnum):
    active_ai = "active_ai"  # the AI coach answers
    waiting_human = "waiting_human"  # the seeker asked for a person; the AI answers until one takes over
    human = "human"  # an admin holds the conversation (admin_id)
    closed = "closed"


class ChatRole(StrEnum):
    user = "user"
    assistant = "assistant"
    admin = "admin"
    system = "system"


def _when(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class ChatSession(SQLModel, table=True):
    __tablename__ = "chat_sessions"
    __table_args__ = (
        Index("ix_chat_sessions_user_last", "user_id", "last_message_at"),
        Index("ix_chat_sessions_status_last", "status", "last_message_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    job_id: uuid.UUID | None = Field(default=None, sa_column=Column(ForeignKey("jobs.id", ondelete="SET NULL")))
    status: ChatStatus = Field(default=ChatStatus.active_ai, max_length=16)
    admin_id: uuid.UUID | None = Field(default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL")))
    title: str = Field(default="Career coaching", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_when())
    last_message_at: datetime = Field(default_factory=utcnow, sa_column=_when())
    last_message_preview: str = Field(default="", max_length=200)
    # Since when the seeker has waited for an answer (None once answered): the admin list's waiting time.
    waiting_since: datetime | None = Field(default=None, sa_column=_when(True))
    # Seeker messages no admin has looked at yet.
    unread_for_admin: int = 0
    # The support desk (services/desk.py): when the seeker last asked for a person, when a person first
    # answered that request, when the SLA alert went out for it, the holder's last act (the idle
    # hand-back clock) and the admin the seeker is asked to rate after a human conversation ended.
    requested_at: datetime | None = Field(default=None, sa_column=_when(True))
    first_response_at: datetime | None = Field(default=None, sa_column=_when(True))
    sla_notified_at: datetime | None = Field(default=None, sa_column=_when(True))
    admin_active_at: datetime | None = Field(default=None, sa_column=_when(True))
    rating_admin_id: uuid.UUID | None = Field(default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL")))


class ChatMessage(SQLModel, table=True):
    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_session_id", "session_id", "id"),)

    # A sequence, not a UUID: messages of a session are ordered (and paginated) by it.
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    session_id: uuid.UUID = Field(sa_column=Column(ForeignKey("chat_sessions.id", ondelete="CASCADE"), nullable=False))
    role: ChatRole = Field(max_length=16)
    content: str = Field(sa_column=Column(Text, nullable=False))
    author_id: uuid.UUID | None = Field(default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL")))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_when())
    # An assistant reply cut short by a takeover is kept, marked interrupted.
    interrupted: bool = False
    # Which model wrote an assistant message ("offline" for the built-in coach).
    generated_by: str | None = Field(default=None, max_length=120)
    # Who the seeker sees as the writer: "AI coach", the admin's display name, the seeker's name.
    author_name: str = Field(default="", max_length=120)
