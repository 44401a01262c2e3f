"""Request and response shapes of the coach chat (REST and websocket)."""

import uuid
from datetime import datetime

from typing import Annotated

from pydantic import BaseModel, Field, field_validator

from models.chat import ChatRole, ChatStatus
from models.schemas import CONTROL_CLASS, SPACE_CLASS, JsonPattern

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


class ChatMessageOut(BaseModel):
    id: int
    session_id: uuid.UUID
    role: ChatRole
    content: str
    author_id: uuid.UUID | None
    created_at: datetime
    interrupted: bool = False
    generated_by: str | None = None


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
