"""The AI content studio: a seeker's generated documents (cover letters, tailored resumes, emails)
and every version of each (generated, edited or restored), with the claims the truthfulness check
could not find in the resume or the job."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, ForeignKey, Index, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from models.base import empty_list, utcnow


class ContentType(StrEnum):
    cover_letter = "cover_letter"
    resume_tailoring = "resume_tailoring"
    email_template = "email_template"


class Tone(StrEnum):
    formal = "formal"
    warm = "warm"
    confident = "confident"
    concise = "concise"


class Length(StrEnum):
    short = "short"
    medium = "medium"
    long = "long"


class EmailKind(StrEnum):
    follow_up = "follow_up"
    thank_you = "thank_you"
    withdrawal = "withdrawal"
    negotiation = "negotiation"
    networking = "networking"


class VersionSource(StrEnum):
    generated = "generated"
    edited = "edited"
    restored = "restored"


LIVE = "deleted_at IS NULL"


class ContentDocument(SQLModel, table=True):
    __tablename__ = "content_documents"
    __table_args__ = (
        Index("ix_content_documents_owner_updated", "owner_id", "updated_at", postgresql_where=text(LIVE)),
        Index("ix_content_documents_owner_job", "owner_id", "job_id", postgresql_where=text(LIVE)),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: uuid.UUID = Field(sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    type: ContentType = Field(max_length=20)
    job_id: uuid.UUID | None = Field(default=None, sa_column=Column(ForeignKey("jobs.id", ondelete="SET NULL")))
    company: str = Field(max_length=200)
    role: str = Field(max_length=200)
    tone: Tone = Field(max_length=12)
    length: Length = Field(max_length=8)
    email_kind: EmailKind | None = Field(default=None, max_length=16)
    title: str = Field(max_length=300)
    generated_by: str = Field(max_length=120)  # "offline" or the LLM's provider:model label
    latest_version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    deleted_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class ContentVersion(SQLModel, table=True):
    __tablename__ = "content_versions"
    __table_args__ = (UniqueConstraint("document_id", "number", name="ux_content_versions_document_number"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    document_id: uuid.UUID = Field(sa_column=Column(ForeignKey("content_documents.id", ondelete="CASCADE"),
                                                    nullable=False))
    number: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    # [{"text", "kind", "sentence", "start", "end"}]: what the truthfulness check found in neither source
    unsupported_claims: list[dict] = Field(default_factory=empty_list,
                                           sa_column=Column(JSONB, nullable=False, server_default="[]"))
    # resume tailoring: [{"section", "text", "source_index"}] tracing each bullet to the original line
    structure: list[dict] = Field(default_factory=empty_list, sa_column=Column(JSONB, nullable=False,
                                                                               server_default="[]"))
    source: VersionSource = Field(default=VersionSource.generated, max_length=12)
    restored_from: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
