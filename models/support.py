"""Sign-in through external identity providers, in-product feedback, and the help centre."""

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field as PField
from sqlalchemy import Column, DateTime, ForeignKey, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow
from models.schemas import JsonBool


def _when(nullable: bool = False, **kwargs) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable, **kwargs)


# --- identities from OpenID Connect providers -------------------------------------------------


class LinkedIdentity(SQLModel, table=True):
    """An account at an identity provider (its `sub`) that signs one of our users in."""

    __tablename__ = "linked_identities"
    __table_args__ = (
        UniqueConstraint("provider", "subject", name="uq_linked_identities_subject"),
        UniqueConstraint("user_id", "provider", name="uq_linked_identities_user_provider"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    provider: str = Field(max_length=20)  # "google" or "oidc"
    subject: str = Field(max_length=255)
    email: str = Field(max_length=254)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_when())
    last_used_at: datetime | None = Field(default=None, sa_column=_when(True))


class OAuthProviderOut(BaseModel):
    name: str
    label: str
    login_url: str


class LinkedIdentityOut(BaseModel):
    provider: str
    label: str
    email: str
    created_at: datetime
    last_used_at: datetime | None


class IdentitiesOut(BaseModel):
    identities: list[LinkedIdentityOut]
    has_password: bool


# --- feedback -------------------------------------------------------------------------------


class FeedbackCategory(StrEnum):
    bug = "bug"
    idea = "idea"
    praise = "praise"
    other = "other"


class FeedbackStatus(StrEnum):
    new = "new"
    triaged = "triaged"
    done = "done"


class Feedback(SQLModel, table=True):
    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_status_created", "status", "created_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    # None: sent without signing in (such feedback cannot be answered).
    user_id: uuid.UUID | None = Field(default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL")))
    category: FeedbackCategory = Field(max_length=10)
    message: str = Field(sa_column=Column(Text, nullable=False))
    page: str = Field(default="", max_length=300)
    status: FeedbackStatus = Field(default=FeedbackStatus.new, max_length=10)
    has_screenshot: bool = False
    reply: str | None = Field(default=None, sa_column=Column(Text))
    replied_at: datetime | None = Field(default=None, sa_column=_when(True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_when())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_when())


class FeedbackScreenshot(SQLModel, table=True):
    """Kept apart from the feedback row so that lists never load image bytes."""

    __tablename__ = "feedback_screenshots"

    feedback_id: uuid.UUID = Field(sa_column=Column(ForeignKey("feedback.id", ondelete="CASCADE"), primary_key=True))
    content_type: str = Field(max_length=20)  # image/png or image/jpeg, as re-encoded here
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    width: int
    height: int


class FeedbackOut(BaseModel):
    id: uuid.UUID
    category: FeedbackCategory
    message: str
    page: str
    status: FeedbackStatus
    created_at: datetime
    screenshot_url: str | None = None


class AdminFeedbackOut(FeedbackOut):
    user_id: uuid.UUID | None
    user_email: str | None
    reply: str | None
    replied_at: datetime | None


class FeedbackPage(BaseModel):
    items: list[AdminFeedbackOut]
    total: int
    skip: int
    limit: int


class FeedbackUpdate(BaseModel):
    status: FeedbackStatus


class FeedbackReply(BaseModel):
    message: str = PField(min_length=1, max_length=4000)


# --- help centre ----------------------------------------------------------------------------


class HelpArticle(SQLModel, table=True):
    __tablename__ = "help_articles"
    __table_args__ = (Index("ix_help_articles_page", "page"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    slug: str = Field(max_length=80, sa_column_kwargs={"unique": True})
    title: str = Field(max_length=160)
    category: str = Field(max_length=40)
    summary: str = Field(default="", max_length=300)
    body: str = Field(sa_column=Column(Text, nullable=False))  # Markdown
    # The app page this article explains ("/tracker"): its "?" opens the article.
    page: str | None = Field(default=None, max_length=120)
    published: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_column=_when())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_when())


SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class HelpArticleIn(BaseModel):
    slug: str = PField(min_length=2, max_length=80, pattern=SLUG_PATTERN)
    title: str = PField(min_length=2, max_length=160)
    category: str = PField(min_length=2, max_length=40, pattern=r"^[a-z0-9-]+$")
    summary: str = PField(default="", max_length=300)
    body: str = PField(min_length=1, max_length=50_000)
    page: str | None = PField(default=None, max_length=120, pattern=r"^/[a-z0-9/_-]*$")
    published: JsonBool = False


class HelpArticleUpdate(BaseModel):
    title: str | None = PField(default=None, min_length=2, max_length=160)
    category: str | None = PField(default=None, min_length=2, max_length=40, pattern=r"^[a-z0-9-]+$")
    summary: str | None = PField(default=None, max_length=300)
    body: str | None = PField(default=None, min_length=1, max_length=50_000)
    page: str | None = PField(default=None, max_length=120, pattern=r"^/[a-z0-9/_-]*$")
    published: JsonBool | None = None


class HelpArticleSummary(BaseModel):
    slug: str
    title: str
    category: str
    summary: str
    page: str | None
    published: bool
    updated_at: datetime


class HelpArticleOut(HelpArticleSummary):
    body: str
    html: str  # the Markdown rendered and sanitized


class HelpArticleList(BaseModel):
    items: list[HelpArticleSummary]
    total: int
    categories: list[str]
