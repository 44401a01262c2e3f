"""Request and response shapes of notifications (REST, websocket events and the settings form)."""

import re
import uuid
from datetime import datetime
from functools import cache
from typing import Any, Self
from zoneinfo import available_timezones

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from models.notification import Category, Priority
from models.schemas import JsonBool, json_number

MAX_MARK_IDS = 500
HH_MM_PATTERN = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"
_HH_MM = re.compile(HH_MM_PATTERN)


@cache
def time_zones() -> frozenset[str]:
    """Every IANA time zone name this machine knows (a scan of tzdata: done once)."""
    return frozenset(available_timezones())


class NotificationOut(BaseModel):
    id: uuid.UUID
    type: str = Field(description='What happened, e.g. "job_match_digest", "resume_parsed", "admin_joined_chat"')
    category: Category
    priority: Priority
    title: str
    message: str
    data: dict[str, Any] = Field(default_factory=dict, description="Details for the client (ids, counts, ...)")
    action_url: str | None = Field(default=None, description="Where the notification leads in the web app")
    created_at: datetime
    read_at: datetime | None = None
    expires_at: datetime | None = None
    read: bool = False


class NotificationPage(BaseModel):
    items: list[NotificationOut]
    total: int = Field(description="Notifications matching the filter (expired ones are never counted)")
    unread_count: int = Field(description="All your unread notifications, whatever the filter")
    skip: int
    limit: int


class MarkReadRequest(BaseModel):
    """Either `ids` (your own notifications; unknown or other people's ids are ignored) or `all: true`."""

    ids: list[uuid.UUID] | None = Field(default=None, max_length=MAX_MARK_IDS)
    all: JsonBool = False

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if self.all == bool(self.ids):
            raise ValueError('send either a non-empty "ids" list or "all": true')
        return self


class MarkReadResult(BaseModel):
    marked: int = Field(description="How many of your unread notifications this marked read")
    unread_count: int


class NotificationSettingsOut(BaseModel):
    muted_categories: list[Category] = Field(description="Categories for which nothing is stored or sent")
    in_app: bool = Field(description="Push notifications live to the app and websockets")
    email: bool = Field(description="Also send each notification by email")
    email_available: bool = Field(description="Whether this server is configured to send email (SMTP_URL)")
    quiet_start: str | None = Field(description='"HH:MM" in time_zone: from then, notifications are stored, not pushed')
    quiet_end: str | None = Field(description='"HH:MM" in time_zone: live pushes resume')
    time_zone: str = Field(description='IANA name, e.g. "Europe/Lisbon"')
    match_threshold: float = Field(description="Job matches at or above this calibrated score are announced "
                                               "(at most one digest an hour)")
    updated_at: datetime | None = None


class NotificationSettingsUpdate(BaseModel):
    """Only the fields sent change. Quiet hours are set (or cleared with nulls) as a pair."""

    muted_categories: list[Category] | None = Field(default=None, max_length=len(Category))
    in_app: JsonBool | None = None
    email: JsonBool | None = None
    quiet_start: str | None = Field(default=None, pattern=HH_MM_PATTERN,
                                    description='"HH:MM" (24 h), or null to clear quiet hours')
    quiet_end: str | None = Field(default=None, pattern=HH_MM_PATTERN,
                                  description='"HH:MM" (24 h), or null to clear quiet hours')
    # The zones are this machine's tz database: the schema states their shape, the check their names.
    time_zone: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_+/-]+$",
                                  description='An IANA time zone name, e.g. "Europe/Lisbon"')
    match_threshold: json_number(ge=0, le=1) | None = None

    @field_validator("quiet_start", "quiet_end")
    @classmethod
    def _clock_time(cls, value: str | None) -> str | None:
        if value is not None and not _HH_MM.fullmatch(value):
            raise ValueError('must be a 24-hour "HH:MM" time such as "22:00"')
        return value

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None and value not in time_zones():
            raise PydanticCustomError("time_zone_unknown", 'must be an IANA time zone name such as "Europe/Lisbon" or "UTC"')
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        sent = self.model_fields_set
        for name in ("muted_categories", "in_app", "email", "time_zone", "match_threshold"):
            if name in sent and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        if ("quiet_start" in sent) != ("quiet_end" in sent):
            raise ValueError("quiet_start and quiet_end are set together")
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise ValueError("quiet_start and quiet_end are both times, or both null to clear quiet hours")
        if self.quiet_start is not None and self.quiet_start == self.quiet_end:
            raise ValueError("quiet_start and quiet_end must differ")
        return self

    def changes(self) -> dict[str, Any]:
        """The fields the client sent, ready to apply (muted categories once each, in enum order)."""
        values = {name: getattr(self, name) for name in self.model_fields_set}
        if values.get("muted_categories") is not None:
            muted = set(values["muted_categories"])
            values["muted_categories"] = [c.value for c in Category if c in muted]
        return values


class SocketToken(BaseModel):
    token: str = Field(description="Valid once, for the notifications websocket only (REST refuses it)")
    expires_in: int = Field(description="Seconds left to open the websocket with it")
    websocket_path: str = "/api/v1/ws/notifications"
