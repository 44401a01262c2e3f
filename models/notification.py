"""Stored notifications and each user's notification settings."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, ForeignKey, Index, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from models.base import empty_list, empty_dict, utcnow


class Priority(StrEnum):
    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"


class Category(StrEnum):
    """What a notification is about; each can be muted in the settings."""

    job_match = "job_match"
    chat = "chat"
    enrichment = "enrichment"
    resume = "resume"
    application = "application"
    ingestion = "ingestion"
    system = "system"


class Notification(SQLModel, table=True):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_created", "user_id", "created_at"),
        Index("ix_notifications_user_unread", "user_id", postgresql_where=text("read_at IS NULL")),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    type: str = Field(max_length=60)  # e.g. "job_match_digest", "admin_joined_chat"
    category: Category = Field(max_length=20)
    priority: Priority = Field(default=Priority.normal, max_length=10)
    title: str = Field(max_length=200)
    message: str = Field(sa_column=Column(Text, nullable=False))
    data: dict = Field(default_factory=empty_dict, sa_column=Column(JSONB, nullable=False, server_default="{}"))
    action_url: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    read_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    expires_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    # False when it was stored without a live push (quiet hours).
    pushed: bool = True


class NotificationSettings(SQLModel, table=True):
    __tablename__ = "notification_settings"

    user_id: uuid.UUID = Field(sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True))
    muted_categories: list[str] = Field(default_factory=empty_list,
                                        sa_column=Column(JSONB, nullable=False, server_default="[]"))
    in_app: bool = True
    email: bool = False
    quiet_start: str | None = Field(default=None, max_length=5)  # "22:00", local to time_zone
    quiet_end: str | None = Field(default=None, max_length=5)  # "07:00"
    time_zone: str = Field(default="UTC", max_length=64)
    # Job matches at or above this calibrated score are announced (at most one digest an hour).
    match_threshold: float = 0.7
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
