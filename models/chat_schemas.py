"""Request and response shapes of the coach chat (REST and websocket)."""

import uuid
from datetime import datetime

from typing import Annotated

from pydantic import BaseModel, Field, field_validator

from models.chat import ChatRole, ChatStatus
from models.schemas import CONTROL_CLASS, SPACE_CLASS, JsonPattern, json_number

MAX_MESSAGE_CHARS = 4000


class ChatSessionCreate(BaseModel):
    job_id: uuid.UUID | None = Field(default=None, description="A job the conversation is about")


class ChatSessionOut(BaseModel):
    id: uuid.UUID
    user_id: uuid.UUID
    status: ChatStatus
    created_at: datetime
    job_id: uuid.UUID | None
    admin_id: uuid.UUID | None = None
    title: str = ""
    last_message_at: datetime | None = None
    last_message_preview: str = ""
    waiting_since: datetime | None = None
    unread_for_admin: int = 0
    seeker_name: str = ""
    job_title: str = ""
    assignee_id: uuid.UUID | None = Field(default=None, description="The admin holding the conversation")
    assignee_name: str = ""
    requested_at: datetime | None = Field(default=None, description="When the seeker asked for a person")
    first_response_at: datetime | None = None
    rating_requested: bool = Field(default=False, description="The seeker is asked to rate the advisor")
    last_seeker_message: str = Field(default="", description="The seeker's latest message (first 200 characters)")


class ChatMessageOut(BaseModel):
    id: int
    session_id: uuid.UUID
    role: ChatRole
    content: str
    author_id: uuid.UUID | None
    created_at: datetime
    interrupted: bool = False
    generated_by: str | None = None
    author_name: str = Field(default="", description='"AI coach", the advisor\'s display name or the seeker\'s')


class ChatMessageIn(BaseModel):
    content: Annotated[str, JsonPattern(f"[^{CONTROL_CLASS}{SPACE_CLASS}]")] = Field(
        min_length=1, max_length=MAX_MESSAGE_CHARS, description="Control characters are dropped; something must remain")

    @field_validator("content")
    @classmethod
    def _something_left(cls, value: str) -> str:
        from models.schemas import CONTROL_RE

        if not CONTROL_RE.sub("", value).strip():
            raise ValueError("must hold some text besides spaces and control characters")
        return value


class SessionRef(BaseModel):
    session_id: uuid.UUID


class TakeoverOut(BaseModel):
    message: str
    session_id: uuid.UUID


class QueueState(BaseModel):
    """A seeker's place among the conversations waiting for a person."""
    session_id: uuid.UUID
    status: ChatStatus
    position: int | None = Field(description="1 = next; None when not waiting")
    waiting: int = Field(description="Conversations waiting in all")
    estimated_wait_seconds: int | None = None
    advisors_online: int = 0


class QueueEntry(BaseModel):
    session: ChatSessionOut
    position: int
    waited_seconds: int


class TransferIn(BaseModel):
    admin_id: uuid.UUID


class NoteIn(BaseModel):
    content: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)


class NoteOut(BaseModel):
    id: int
    session_id: uuid.UUID
    author_id: uuid.UUID | None
    author_name: str
    content: str
    created_at: datetime


class CannedIn(BaseModel):
    shortcut: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9][a-z0-9_-]*$",
                          description="Typed after / in the reply box: lowercase letters, digits, - and _")
    content: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)


class CannedOut(CannedIn):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime


class RatingIn(BaseModel):
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=1000)


class RatingOut(BaseModel):
    session_id: uuid.UUID
    admin_id: uuid.UUID | None
    score: int
    comment: str
    created_at: datetime


class AdminRatings(BaseModel):
    admin_id: uuid.UUID
    admin_name: str
    average: float
    count: int
    last_comments: list[str]


class AuditOut(BaseModel):
    id: int
    action: str
    actor_id: uuid.UUID | None
    actor_name: str
    detail: dict
    created_at: datetime


class HeartbeatIn(BaseModel):
    idle_seconds: json_number(ge=0, le=365 * 24 * 3600) = Field(
        default=0, description="Seconds since the admin last used the app (away from 120)")


class AdvisorPresence(BaseModel):
    online: int = Field(description="Advisors online (not away)")
    away: int = 0
    advisors: list[dict] = Field(default_factory=list, description="admins only: id, name, state")
