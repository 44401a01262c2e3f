"""A seeker's connected mailbox (IMAP) and what its messages propose for their applications."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, ForeignKey, Index, LargeBinary, Text
from sqlmodel import Field, SQLModel

from models.base import utcnow


class MailKind(StrEnum):
    confirmation = "confirmation"
    rejection = "rejection"
    interview = "interview"
    offer = "offer"
    outreach = "outreach"
    other = "other"


class MailboxState(StrEnum):
    new = "new"            # never read yet
    ok = "ok"
    syncing = "syncing"
    auth_failed = "auth_failed"
    unreachable = "unreachable"  # refused, timed out, TLS failure
    error = "error"


class Mailbox(SQLModel, table=True):
    __tablename__ = "mailboxes"
    __table_args__ = (Index("ix_mailboxes_user", "user_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    host: str = Field(max_length=253)
    port: int
    tls: bool = True
    username: str = Field(max_length=254)
    # The app password, Fernet-encrypted (services/mailbox/crypto.py); never returned by any API.
    secret: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    folder: str = Field(default="INBOX", max_length=200)
    auto_apply: bool = False
    # Resumable: the next read asks for UIDs above last_uid, while the folder's UIDVALIDITY holds.
    uidvalidity: int | None = None
    last_uid: int = 0
    state: MailboxState = Field(default=MailboxState.new, max_length=16)
    state_detail: str | None = Field(default=None, max_length=300)
    checked_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class ProposalState(StrEnum):
    pending = "pending"
    accepted = "accepted"
    dismissed = "dismissed"
    applied = "applied"  # applied automatically (auto_apply)
    noted = "noted"      # nothing to change (no application matched, or kind other)


class MailProposal(SQLModel, table=True):
    """What one kept message says: the extracted facts and its subject only, never the body."""

    __tablename__ = "mail_proposals"
    __table_args__ = (
        Index("uq_mail_proposals_message", "mailbox_id", "uidvalidity", "uid", unique=True),
        Index("ix_mail_proposals_user_state", "user_id", "state"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    mailbox_id: uuid.UUID = Field(sa_column=Column(ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False))
    application_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(ForeignKey("applications.id", ondelete="SET NULL")))
    uidvalidity: int
    uid: int
    kind: MailKind = Field(max_length=16)
    sender_domain: str = Field(max_length=253)
    subject: str = Field(sa_column=Column(Text, nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    interview_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    state: ProposalState = Field(default=ProposalState.pending, max_length=12)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
