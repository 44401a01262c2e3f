"""Request and response shapes of the tracker: seekers' tracked jobs, applications, their timelines and
bulk status changes."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from models.application import ApplicationStatus
from models.job import TrackingStatus
from models.job_schemas import JobOut, OptionalUrl, SkillName, _check_skills, _check_url, _JobFields, _tidy_line
from models.schemas import (HTTP_URL_PATTERN, PLAIN_SPACE_CLASS, JsonPattern, NoControl, no_control_chars,
                            visible_pattern)

# A title: at least 2 characters besides spaces; where it may be left out, blank reads as none.
Title = JsonPattern(visible_pattern(2))
OptionalTitle = JsonPattern(f"{visible_pattern(2)}|^[{PLAIN_SPACE_CLASS}]*$")

MAX_NOTES = 10_000
MAX_BULK_IDS = 500


def _title(value: str | None) -> str | None:
    """A title on one line, at least 2 characters besides spaces."""
    value = _tidy_line(value)
    if value is not None and len(value.replace(" ", "")) < 2:
        raise ValueError("needs at least 2 characters besides spaces")
    return value


def _notes(value: str | None) -> str | None:
    value = no_control_chars(value)
    return value.strip() or None if value is not None else None


# --- tracked jobs ------------------------------------------------------------------------------


class _TrackedFields(_JobFields):
    description_raw: Annotated[str | None, NoControl] = Field(default=None, max_length=20_000)
    skills_required: list[SkillName] | None = Field(default=None, max_length=50, description="The tech stack")
    notes: Annotated[str | None, NoControl] = Field(default=None, max_length=MAX_NOTES)
    source_url: Annotated[str | None, OptionalUrl] = Field(default=None, max_length=2000,
                                                           description="Where you found the job")

    _source = field_validator("source_url")(_check_url)
    _notes = field_validator("notes", "description_raw")(_notes)
    _skills = field_validator("skills_required")(lambda v: None if v is None else _check_skills(v))


class TrackedJobCreate(_TrackedFields):
    """A job a seeker tracks for themself: private, never in the feed, search or recommendations."""

    title: Annotated[str, Title] = Field(min_length=2, max_length=200)
    tracking_status: TrackingStatus = TrackingStatus.saved

    _title = field_validator("title")(_title)


class TrackedJobUpdate(_TrackedFields):
    title: Annotated[str | None, Title] = Field(default=None, min_length=2, max_length=200)
    tracking_status: TrackingStatus | None = None

    _title = field_validator("title")(_title)


class TrackedJobOut(JobOut):
    """A job as its owner sees it; the tracker's fields are set on a seeker's own tracked jobs. A saved
    listing (`listing_id`) shows the listing's current content."""

    notes: str | None = None
    tracking_status: TrackingStatus | None = None
    source_url: str | None = None
    listing_id: uuid.UUID | None = None
    application_id: uuid.UUID | None = Field(default=None, description="Your application on this job, if any")
    application_status: ApplicationStatus | None = None


# --- applications --------------------------------------------------------------------------------


class InterviewRound(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, NoControl] = Field(min_length=1, max_length=120, description="e.g. Phone screen, Onsite 2")
    scheduled_at: datetime | None = None
    outcome: Literal["pending", "passed", "failed"] = "pending"
    feedback: Annotated[str | None, NoControl] = Field(default=None, max_length=5_000)

    _name = field_validator("name")(_tidy_line)
    _feedback = field_validator("feedback")(_notes)


class _ApplicationFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    job_url: Annotated[str | None, OptionalUrl] = Field(default=None, max_length=2000)
    location: Annotated[str | None, NoControl] = Field(default=None, max_length=200)
    applied_on: date | None = None
    interviews: list[InterviewRound] | None = Field(default=None, max_length=30)
    notes: Annotated[str | None, NoControl] = Field(default=None, max_length=MAX_NOTES)
    resume_sent: Annotated[str | None, NoControl] = Field(default=None, max_length=200,
                                                          description="Which resume you sent")
    cover_letter_sent: Annotated[str | None, NoControl] = Field(default=None, max_length=200,
                                                                description="Which cover letter you sent")

    _url = field_validator("job_url")(_check_url)
    _lines = field_validator("location", "resume_sent", "cover_letter_sent")(_tidy_line)
    _notes = field_validator("notes")(_notes)


class ApplicationCreate(_ApplicationFields):
    """On a public listing or one of your tracked jobs (`job_id`), or ad hoc (`company_name` + `job_title`)."""

    job_id: uuid.UUID | None = None
    company_name: Annotated[str | None, NoControl] = Field(default=None, max_length=200)
    job_title: Annotated[str | None, OptionalTitle] = Field(default=None, max_length=200)
    status: ApplicationStatus = ApplicationStatus.saved

    _company = field_validator("company_name")(_tidy_line)
    _title = field_validator("job_title")(_title)

    @model_validator(mode="after")
    def _job_or_names(self):
        if self.job_id is None and not (self.company_name and self.job_title):
            raise ValueError("give job_id, or company_name and job_title")
        return self


class ApplicationUpdate(_ApplicationFields):
    """Only the fields sent change; a new `status` must be an allowed transition."""

    company_name: Annotated[str | None, NoControl] = Field(default=None, max_length=200)
    job_title: Annotated[str | None, OptionalTitle] = Field(default=None, max_length=200)
    status: ApplicationStatus | None = None

    _company = field_validator("company_name")(_tidy_line)
    _title = field_validator("job_title")(_title)


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ApplicationStatus
    note: Annotated[str | None, NoControl] = Field(default=None, max_length=1_000, description="Kept on the timeline")

    _note = field_validator("note")(_notes)


class TimelineEvent(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    from_status: ApplicationStatus | None
    to_status: ApplicationStatus | None
    changes: dict
    at: datetime


class ApplicationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    job_id: uuid.UUID | None
    company_name: str
    job_title: str
    job_url: str | None
    location: str | None
    status: ApplicationStatus
    allowed_statuses: list[ApplicationStatus] = Field(default_factory=list, description="Where it may move next")
    applied_on: date | None
    interviews: list[InterviewRound]
    notes: str | None
    resume_sent: str | None
    cover_letter_sent: str | None
    created_at: datetime
    updated_at: datetime


class ApplicationDetail(ApplicationOut):
    timeline: list[TimelineEvent] = Field(description="Every change, oldest first")


class BoardColumn(BaseModel):
    status: ApplicationStatus
    count: int = Field(description="Every application in the column (matching the search)")
    items: list[ApplicationOut] = Field(description="The first `limit` of them, in the requested order")


class ApplicationList(BaseModel):
    items: list[ApplicationOut] = Field(description="The page (empty with view=board: see columns)")
    total: int
    skip: int
    limit: int
    counts: dict[ApplicationStatus, int] = Field(description="Per status, with the search applied (Kanban column counts)")
    columns: list[BoardColumn] | None = Field(default=None, description="view=board: one column per status")


class Deleted(BaseModel):
    id: uuid.UUID
    deleted_at: datetime
    undo: str = Field(description="POST here to restore it")


class BulkStatusRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_BULK_IDS)
    status: ApplicationStatus
    note: Annotated[str | None, NoControl] = Field(default=None, max_length=1_000)

    _note = field_validator("note")(_notes)


class BulkItemResult(BaseModel):
    id: uuid.UUID
    ok: bool
    status: ApplicationStatus | None = Field(default=None, description="The status after the request (when found)")
    error: str | None = None


class BulkStatusResult(BaseModel):
    updated: int
    failed: int
    results: list[BulkItemResult]


class ImportRowError(BaseModel):
    row: int = Field(description="The row's number in the file (the header is row 1; JSON: the item's position from 1)")
    errors: list[str]


class ImportDuplicate(BaseModel):
    row: int
    company_name: str
    job_title: str
    of_row: int | None = Field(description="The earlier row of the file it repeats; null: an application already tracked")
    reason: str = Field(description="What it duplicates, in words")


class ImportPreviewRow(BaseModel):
    row: int
    company_name: str
    job_title: str
    job_url: str | None = None
    location: str | None = None
    status: ApplicationStatus
    applied_on: date | None = None
    notes: str | None = None
    resume_sent: str | None = None
    cover_letter_sent: str | None = None


class ImportReport(BaseModel):
    dry_run: bool
    rows: int = Field(description="Data rows read")
    created: int = Field(description="Applications created (with dry_run: that would be)")
    duplicates: int = Field(description="Rows skipped: already tracked (same job URL, or company + title) or repeated")
    duplicate_rows: list[ImportDuplicate] = Field(default=[], description="The first 200 duplicates, with what each repeats")
    error_count: int
    errors: list[ImportRowError] = Field(description="The first 200 rows refused, with the reasons")
    preview: list[ImportPreviewRow] = Field(description="The first 20 rows to create")
    columns: dict[str, str] = Field(description="Which field each header of the file filled")


class JobImportRequest(BaseModel):
    """The URL of a job's page to import onto your tracker."""

    model_config = ConfigDict(extra="forbid")

    url: Annotated[str, JsonPattern(HTTP_URL_PATTERN)] = Field(min_length=8, max_length=2000)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if _check_url(value) is None:
            raise ValueError("must be an http(s) URL")
        return value.strip()


# --- insights ------------------------------------------------------------------------------------


class SalaryBin(BaseModel):
    low: int
    high: int
    count: int


class WeekCount(BaseModel):
    week: str  # ISO week, e.g. "2026-W47"
    count: int


class Funnel(BaseModel):
    applied: int
    interviewing: int
    offer: int
    applied_to_interview_rate: float | None
    interview_to_offer_rate: float | None


class TrackerInsights(BaseModel):
    total: int
    by_status: dict[str, int]
    salary_histogram: list[SalaryBin]  # in salary_currency, the currency most salaries are in
    salary_currency: str | None = None
    salaries_in_other_currencies: int = 0  # left out of the histogram (amounts are not converted)
    weekly: list[WeekCount]
    funnel: Funnel
    median_days_in_stage: dict[str, float | None]
