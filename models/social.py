"""Social features, private by default: what a person chose to show (settings) and share links."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, ForeignKey, Index, text
from sqlmodel import Field, SQLModel

from models.base import utcnow


class SocialSettings(SQLModel, table=True):
    """Every choice is off until its owner turns it on; no row means all off."""

    __tablename__ = "social_settings"

    user_id: uuid.UUID = Field(sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True))
    # Random, made once: how others see this person unless they chose to show their name.
    pseudonym: str = Field(max_length=40)
    public_milestones: bool = False  # my applied / interview / offer milestones appear in the community feed
    community_feed: bool = False  # I see the community's public milestones
    leaderboard: bool = False  # I am counted, under my pseudonym, on the monthly leaderboard
    show_name: bool = False  # my full name instead of the pseudonym, wherever I appear
    show_companies: bool = False  # the company of each public milestone
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class ShareKind(StrEnum):
    resume = "resume"
    job = "job"


class Share(SQLModel, table=True):
    """A link to one resume or job that anyone holding it can open without signing in, until it expires
    or is revoked. Only a hash of its token is kept; the link is shown once, at creation."""

    __tablename__ = "social_shares"
    __table_args__ = (
        Index("ux_social_shares_token_hash", "token_hash", unique=True),
        Index("ix_social_shares_user_created", "user_id", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    kind: ShareKind = Field(max_length=8)
    target_id: uuid.UUID  # the resume or the job
    # A resume share is of the version shared: a new upload (a new created_at) ends it.
    target_version: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    label: str = Field(max_length=200)  # what the owner sees in their list ("Resume: cv.pdf", a job's title)
    token_hash: str = Field(max_length=64)
    token_prefix: str = Field(max_length=8)
    views: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
