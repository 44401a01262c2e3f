"""Personal API tokens: a seeker's scoped, expiring, revocable keys for scripts and AI assistants."""

import uuid
from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Index
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from models.base import empty_list, utcnow


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_tokens"
    __table_args__ = (
        Index("uq_api_tokens_hash", "token_hash", unique=True),
        Index("ix_api_tokens_user", "user_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    name: str = Field(max_length=80)
    # The first characters of the token, shown in lists so the owner can tell tokens apart.
    prefix: str = Field(max_length=16)
    # sha256 of the whole token: the secret has 256 bits of entropy, so a plain digest is enough
    # (no password hashing cost on every request) and the token itself is never stored.
    token_hash: str = Field(max_length=64)
    scopes: list[str] = Field(default_factory=empty_list, sa_column=Column(JSONB, nullable=False, server_default="[]"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
