"""Requests and responses of the social routes (services/social.py)."""

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from models.schemas import JsonBool
from models.social import ShareKind

Milestone = Literal["applied", "interview", "offer"]


class SocialSettingsOut(BaseModel):
    pseudonym: str = Field(description="How others see you unless show_name is on")
    public_milestones: bool = Field(description="Your applied/interview/offer milestones appear in the community feed")
    community_feed: bool = Field(description="You see the community's public milestones")
    leaderboard: bool = Field(description="You are counted on the monthly leaderboard")
    show_name: bool = Field(description="Your full name instead of the pseudonym")
    show_companies: bool = Field(description="The company of each public milestone")


class SocialSettingsUpdate(BaseModel):
    """Only the choices sent change."""

    public_milestones: JsonBool | None = None
    community_feed: JsonBool | None = None
    leaderboard: JsonBool | None = None
    show_name: JsonBool | None = None
    show_companies: JsonBool | None = None


class OwnMilestone(BaseModel):
    application_id: uuid.UUID
    milestone: Milestone
    company: str
    title: str
    at: datetime
    public: bool = Field(description="Whether others who opted into the community feed see it (without the "
                                     "company unless show_companies)")


class CommunityEvent(BaseModel):
    who: str = Field(description="A pseudonym, or a name its owner chose to show")
    milestone: Milestone
    company: str | None = Field(description="Only when its owner chose to show companies")
    at: datetime


class ShareCreate(BaseModel):
    kind: ShareKind
    job_id: uuid.UUID | None = Field(default=None, description="For kind=job: a listing or one of your tracked jobs")
    expires_in_days: int = Field(default=7, ge=1, le=90)


class ShareOut(BaseModel):
    id: uuid.UUID
    kind: ShareKind
    label: str
    token_prefix: str = Field(description="The start of the link's token, to tell links apart")
    views: int
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    active: bool


class ShareCreated(ShareOut):
    token: str = Field(description="Shown once: only its hash is kept")
    url: str = Field(description="The public page (no sign-in)")
    api_url: str


class SharedResume(BaseModel):
    file_name: str
    skills: list[str]
    text: str


class SharedJob(BaseModel):
    title: str
    company: str | None
    location: str | None
    remote_option: str | None
    description: str
    apply_url: str | None


class SharedView(BaseModel):
    """Exactly what was shared, nothing of its owner's account."""

    kind: ShareKind
    resume: SharedResume | None = None
    job: SharedJob | None = None
    expires_at: datetime
    views: int


class LeaderboardRow(BaseModel):
    rank: int
    who: str
    applications: int = Field(description="Applications sent in the month")
    interviews: int = Field(description="Applications that reached the interview stage in the month")
    you: bool


class Leaderboard(BaseModel):
    month: str = Field(description="YYYY-MM (UTC)")
    starts: date
    rows: list[LeaderboardRow]
    you_opted_in: bool


class ActivityFeed(BaseModel):
    """GET /api/v1/social/activity: the seed's one place for the activity feed, shared resumes/jobs and
    leaderboard stats."""

    milestones: list[OwnMilestone] = Field(description="Your own, newest first")
    community: list[CommunityEvent] = Field(description="Public milestones of others; empty unless community_feed")
    shares: list[ShareOut] = Field(description="Your share links that still work")
    leaderboard: Leaderboard = Field(description="This month's leaderboard")
    settings: SocialSettingsOut
