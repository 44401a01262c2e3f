"""A seeker's current resume and the uploads that are parsed in the background."""

import uuid
from datetime import datetime
from enum import StrEnum

from pgvector.sqlalchemy import Vector
from sqlalchemy import Column, DateTime, ForeignKey, Index, LargeBinary, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from models.base import empty_list, empty_dict, utcnow

EMBEDDING_DIMENSIONS = 384


class Resume(SQLModel, table=True):
    """One current resume per user; a new upload replaces it only once it parsed."""

    __tablename__ = "resumes"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), unique=True, nullable=False))
    file_name: str = Field(max_length=255)
    content_type: str = Field(max_length=120)
    storage_key: str = Field(max_length=255)
    size_bytes: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    skills: list[str] = Field(default_factory=empty_list, sa_column=Column(JSONB, nullable=False, server_default="[]"))
    embedding: list[float] | None = Field(default=None, sa_column=Column(Vector(EMBEDDING_DIMENSIONS)))
    # Skill evidence (services/evidence.py), filled at upload: canonical skills with the line showing
    # each, the phrases and sentences compared by meaning, the seniority; one int8 row per phrase.
    match_profile: dict | None = Field(default=None, sa_column=Column(JSONB))
    phrase_vectors: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))

    @property
    def characters(self) -> int:
        return len(self.text)


class UploadStatus(StrEnum):
    queued = "queued"
    processing = "processing"
    done = "done"
    failed = "failed"


class ResumeUpload(SQLModel, table=True):
    """An asynchronous upload: the file waits in private staging until a worker parses it."""

    __tablename__ = "resume_uploads"
    __table_args__ = (Index("ix_resume_uploads_user_created", "user_id", "created_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    file_name: str = Field(max_length=255)
    staging_key: str | None = Field(default=None, max_length=255)
    status: UploadStatus = Field(default=UploadStatus.queued, max_length=16)
    progress: int = 0
    error: str | None = Field(default=None, max_length=500)
    characters_extracted: int | None = None
    skills: list[str] = Field(default_factory=empty_list, sa_column=Column(JSONB, nullable=False, server_default="[]"))
    suggestions: dict = Field(default_factory=empty_dict, sa_column=Column(JSONB, nullable=False, server_default="{}"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
