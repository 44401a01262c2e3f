"""A seeker's job applications and their timelines (the tracker's Kanban board)."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from models.base import empty_dict, empty_list, utcnow


class ApplicationStatus(StrEnum):
    saved = "saved"
    applied = "applied"
    interviewing = "interviewing"
    offer = "offer"
    accepted = "accepted"
    declined = "declined"
    rejected = "rejected"
    withdrawn = "withdrawn"


# The one rule of the pipeline: where each status may go next. Rejected or withdrawn from any open
# state; accepted, declined, rejected and withdrawn are final.
TRANSITIONS: dict[ApplicationStatus, tuple[ApplicationStatus, ...]] = {
    ApplicationStatus.saved: (ApplicationStatus.applied, ApplicationStatus.rejected, ApplicationStatus.withdrawn),
    ApplicationStatus.applied: (ApplicationStatus.interviewing, ApplicationStatus.rejected,
                                ApplicationStatus.withdrawn),
    ApplicationStatus.interviewing: (ApplicationStatus.offer, ApplicationStatus.rejected,
                                     ApplicationStatus.withdrawn),
    ApplicationStatus.offer: (ApplicationStatus.accepted, ApplicationStatus.declined, ApplicationStatus.rejected,
                              ApplicationStatus.withdrawn),
    ApplicationStatus.accepted: (),
    ApplicationStatus.declined: (),
    ApplicationStatus.rejected: (),
    ApplicationStatus.withdrawn: (),
}

LIVE = "deleted_at IS NULL"


class Application(SQLModel, table=True):
    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_user_status", "user_id", "status", postgresql_where=text(LIVE)),
        Index("ix_applications_user_updated", "user_id", "updated_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    # A public listing or one of the seeker's tracked jobs; NULL for an ad hoc entry (or once the job is gone:
    # company and title below keep the application readable).
    job_id: uuid.UUID | None = Field(default=None, sa_column=Column(ForeignKey("jobs.id", ondelete="SET NULL")))
    company_name: str = Field(max_length=200)
    job_title: str = Field(max_length=200)
    job_url: str | None = Field(default=None, max_length=2000)
    location: str | None = Field(default=None, max_length=200)
    status: ApplicationStatus = Field(default=ApplicationStatus.saved, max_length=16)
    applied_on: date | None = Field(default=None, sa_column=Column(Date))
    interviews: list[dict] = Field(default_factory=empty_list, sa_column=Column(JSONB, nullable=False, server_default="[]"))
    notes: str | None = Field(default=None, sa_column=Column(Text))
    resume_sent: str | None = Field(default=None, max_length=200)
    cover_letter_sent: str | None = Field(default=None, max_length=200)
    deleted_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class ApplicationEvent(SQLModel, table=True):
    """One line of an application's timeline: every change writes one."""

    __tablename__ = "application_events"
    __table_args__ = (Index("ix_application_events_app_at", "application_id", "at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    application_id: uuid.UUID = Field(sa_column=Column(ForeignKey("applications.id", ondelete="CASCADE"),
                                                       nullable=False))
    kind: str = Field(max_length=20)  # created, status, updated, deleted, restored
    from_status: ApplicationStatus | None = Field(default=None, max_length=16)
    to_status: ApplicationStatus | None = Field(default=None, max_length=16)
    changes: dict = Field(default_factory=empty_dict, sa_column=Column(JSONB, nullable=False, server_default="{}"))
    at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
