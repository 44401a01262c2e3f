import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, Index, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, SQLModel

from models.base import empty_list, utcnow


class Role(StrEnum):
    seeker = "seeker"
    provider = "provider"
    admin = "admin"


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (
        Index("uq_users_email_lower", func.lower(Column("email")), unique=True),
        Index("uq_users_username_lower", func.lower(Column("username")), unique=True),
        Index("ix_users_created_at", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(max_length=254)
    username: str | None = Field(default=None, max_length=32)
    full_name: str = Field(max_length=120)
    # None for accounts that can only sign in through an external identity provider.
    password_hash: str | None = Field(default=None, max_length=255)
    role: Role = Field(sa_column=Column(SAEnum(Role, name="user_role"), nullable=False))
    is_active: bool = Field(default=True)
    # Carried in every token (`ver`): a change of role, password or active flag bumps it
    # (services/auth.change_account), so every token issued before stops working at once.
    token_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    last_login_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    # Profile details a seeker can fill from their resume's suggestions.
    headline: str | None = Field(default=None, max_length=160)
    location: str | None = Field(default=None, max_length=120)
    skills: list[str] = Field(default_factory=empty_list, sa_column=Column(JSONB, nullable=False, server_default="[]"))
    # What the seeker says of themself (None: read from the resume): an occupational family of
    # services/families.py and a level of services/seniority.LEVELS, both checked by services/users.py.
    family: str | None = Field(default=None, max_length=40)
    seniority: str | None = Field(default=None, max_length=16)
