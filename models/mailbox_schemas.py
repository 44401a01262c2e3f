"""Request/response schemas of the mailbox connection and its proposals. The password goes in, never out."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr

from models.mailbox import MailboxState, MailKind, ProposalState
from models.schemas import JsonBool, NoControl, no_control_chars

Line = Annotated[str, AfterValidator(no_control_chars), NoControl]


class MailboxConnect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: Annotated[str, Field(min_length=1, max_length=253, pattern=r"^[A-Za-z0-9.-]+$")]
    port: Annotated[int, Field(ge=1, le=65535)] = 993
    tls: JsonBool = True
    username: Annotated[Line, Field(min_length=1, max_length=254)]
    password: Annotated[SecretStr, Field(min_length=1, max_length=512)]
    folder: Annotated[Line, Field(min_length=1, max_length=200)] = "INBOX"
    auto_apply: JsonBool = False


class MailboxSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    auto_apply: JsonBool


class MailboxOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    host: str
    port: int
    tls: bool
    username: str
    folder: str
    auto_apply: JsonBool
    state: MailboxState
    state_detail: str | None = None
    checked_at: datetime | None = None
    last_uid: int


class ProposalOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    application_id: uuid.UUID | None
    kind: MailKind
    sender_domain: str
    subject: str
    sent_at: datetime | None
    interview_at: datetime | None
    state: ProposalState
    summary: str = Field(description='e.g. "Rejected by Acme — from the email of 3 Dec 2026"')


class SyncResult(BaseModel):
    state: MailboxState
    detail: str | None = None
    seen: int = 0
    kept: int = 0
