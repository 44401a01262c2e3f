"""Request and response shapes of the ingestion routes (sources, runs, triggers, status)."""

import json
import re
import uuid
from datetime import datetime
from urllib.parse import urlsplit

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from models.ingestion import RunStatus, SourceKind
from models.schemas import (HTTP_URL_PATTERN, PLAIN_SPACE_CLASS, SPACE_CLASS, JsonBool, JsonPattern, NoControl,
                            no_control_chars)

SOURCE_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
# Path words of the ingestion routes that a source may not be named after.
RESERVED_NAMES = {"all", "trigger", "runs", "status", "sample-catalogue"}
FILE_NAME_RE = re.compile(r"^(file:)?[A-Za-z0-9_][A-Za-z0-9_.-]{0,120}\.json$")
# The same rules for the OpenAPI document: a name (any case, spaces around it dropped) that is not one of
# the reserved path words, and an http(s) URL or, for a `file` source, a catalogue file of the bundled data.
_RESERVED = "|".join("".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)
                     for word in sorted(RESERVED_NAMES))
SourceName = JsonPattern(f"^[{SPACE_CLASS}]*[A-Za-z0-9][A-Za-z0-9_-]{{0,39}}[{SPACE_CLASS}]*$")
SourceName.forbidden = {"pattern": f"^[{SPACE_CLASS}]*(?:{_RESERVED})[{SPACE_CLASS}]*$"}
SourceUrl = JsonPattern(f"{HTTP_URL_PATTERN.replace(SPACE_CLASS, PLAIN_SPACE_CLASS)}|^[{PLAIN_SPACE_CLASS}]*(?:file:)?"
                        f"[A-Za-z0-9_][A-Za-z0-9_.-]{{0,120}}\\.json[{PLAIN_SPACE_CLASS}]*$")


def check_source_name(value: str) -> str:
    value = value.strip().lower()
    if not SOURCE_NAME_RE.fullmatch(value) or value in RESERVED_NAMES:
        raise ValueError("1-40 lower-case letters, digits, '-' or '_' (not all, trigger, runs or status)")
    return value


def check_schedule(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    from croniter import croniter

    value = " ".join(no_control_chars(value).split())
    if len(value.split()) != 5 or not croniter.is_valid(value):
        raise PydanticCustomError("cron_invalid", "a 5-field cron expression such as '0 */6 * * *' (UTC)")
    return value


def check_source_url(value: str, kind: SourceKind | str | None) -> str:
    value = no_control_chars(value).strip()
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.hostname and not any(c.isspace() for c in value):
        return value
    if FILE_NAME_RE.fullmatch(value):
        if kind == SourceKind.file:
            return value  # a catalogue file in the bundled data folder (never a path elsewhere)
        # Valid by the schema (which cannot relate url to kind): a type of its own (api/contract.py).
        raise PydanticCustomError("source_url_kind", "only a `file` source names a catalogue file; others need an "
                                                     "http(s) URL")
    raise ValueError("must be an http(s) URL (a `file` source may also name a .json file of the bundled catalogue)")


def _check_params(value: dict) -> dict:
    encoded = json.dumps(value)
    if len(encoded) > 10_000:
        raise PydanticCustomError("params_invalid", "parameters are limited to 10,000 characters")
    if "\\u0000" in encoded:  # PostgreSQL's jsonb cannot hold NUL
        raise PydanticCustomError("params_invalid", "parameters must not contain NUL characters")
    return value


class SourceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, SourceName] = Field(max_length=40)
    kind: SourceKind
    url: Annotated[str, SourceUrl] = Field(max_length=2000)
    params: dict = Field(default_factory=dict)
    schedule: Annotated[str | None, NoControl] = Field(default=None, max_length=100,
                                                       description="Cron in UTC, e.g. '0 */6 * * *'")
    enabled: JsonBool = True

    _name = field_validator("name")(check_source_name)
    _schedule = field_validator("schedule")(check_schedule)
    _params = field_validator("params")(_check_params)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str, info) -> str:
        return check_source_url(value, info.data.get("kind"))


class SourceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: SourceKind | None = None
    url: Annotated[str | None, SourceUrl] = Field(default=None, max_length=2000)
    params: dict | None = None
    schedule: Annotated[str | None, NoControl] = Field(default=None, max_length=100)
    enabled: JsonBool | None = None

    _schedule = field_validator("schedule")(check_schedule)
    _params = field_validator("params")(lambda v: None if v is None else _check_params(v))

    @field_validator("url")
    @classmethod
    def _url_shape(cls, value: str | None) -> str | None:
        """An http(s) URL or a catalogue file name (whether the kind takes it is the service's check)."""
        if value is None:
            return None
        try:
            return check_source_url(value, SourceKind.file)
        except ValueError:
            raise ValueError("must be an http(s) URL, or the .json file of a `file` source") from None


class RunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    source: str
    trigger: str
    task_id: str | None
    status: RunStatus
    attempts: int
    total: int | None
    processed: int
    counters: dict[str, int]
    errors: list[dict]
    message: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class SourceOut(BaseModel):
    name: str
    kind: SourceKind
    url: str
    params: dict
    schedule: str | None
    enabled: bool
    next_run_at: datetime | None
    open_postings: int = 0
    last_run: RunOut | None = None
    running: RunOut | None = None


class IngestCounters(BaseModel):
    fetched: int = 0
    new: int = 0
    updated: int = 0
    skipped: int = 0
    errors: int = 0
    dedup_hits: int = 0
    closed: int = 0


class SourceRunResult(BaseModel):
    """`POST /admin/ingest/{source}`: the run's counters once it finished (200), or so far (202)."""

    source: str
    result: IngestCounters
    status: RunStatus
    run_id: uuid.UUID
    task_id: str | None
    errors: list[dict] = []


class IngestAccepted(BaseModel):
    message: str
    status: str = "processing_in_background"
    task_id: str
    sources: list[str]
    run_ids: list[uuid.UUID] = []


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[str] | None = Field(default=None, max_length=100, description="Names; omitted: every enabled source")


class TaskBrief(BaseModel):
    task_id: str
    name: str
    status: str
    args: list = []
    enqueued_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    error: str | None = None


class IngestStatus(BaseModel):
    queues: dict[str, int]
    running: list[TaskBrief]
    failed: list[TaskBrief]
    global_task: TaskBrief | None
    sources: list[SourceOut]
    active_jobs: int
    ingested_jobs: int
    empty_catalogue: bool = Field(description="No active listing at all: offer to load the sample catalogue")
