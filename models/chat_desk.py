"""The support desk around coach conversations: internal notes (admins only: no seeker-facing
query ever reads this table), canned replies, CSAT ratings and the audit trail."""

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Identity, Index, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from models.base import utcnow


def _when() -> Column:
    return Column(DateTime(timezone=True), nullable=False)


def _session_fk() -> Column:
    return Column(ForeignKey("chat_sessions.id", ondelete="CASCADE"), nullable=False)


def _user_fk() -> Column:
    return Column(ForeignKey("users.id", ondelete="SET NULL"))


class ChatNote(SQLModel, table=True):
    __tablename__ = "chat_notes"
    __table_args__ = (Index("ix_chat_notes_session", "session_id", "id"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    session_id: uuid.UUID = Field(sa_column=_session_fk())
    author_id: uuid.UUID | None = Field(default=None, sa_column=_user_fk())
    author_name: str = Field(default="", max_length=120)
    content: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_when())


class CannedReply(SQLModel, table=True):
    __tablename__ = "canned_replies"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    shortcut: str = Field(max_length=40, unique=True)  # typed after "/" in the reply box
    content: str = Field(sa_column=Column(Text, nullable=False))
    created_by: uuid.UUID | None = Field(default=None, sa_column=_user_fk())
    created_at: datetime = Field(default_factory=utcnow, sa_column=_when())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_when())


class ChatRating(SQLModel, table=True):
    __tablename__ = "chat_ratings"
    __table_args__ = (Index("ix_chat_ratings_admin", "admin_id", "created_at"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    session_id: uuid.UUID = Field(sa_column=_session_fk())
    admin_id: uuid.UUID | None = Field(default=None, sa_column=_user_fk())
    score: int
    comment: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_when())


class ChatAudit(SQLModel, table=True):
    __tablename__ = "chat_audit"
    __table_args__ = (Index("ix_chat_audit_session", "session_id", "id"),
                      Index("ix_chat_audit_action_time", "action", "created_at"))

    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    session_id: uuid.UUID = Field(sa_column=_session_fk())
    # requested, taken_over, transferred, released, first_response, note_added, rated, closed, sla_alert
    action: str = Field(max_length=32)
    actor_id: uuid.UUID | None = Field(default=None, sa_column=_user_fk())
    actor_name: str = Field(default="", max_length=120)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_when())
