"""Request and response shapes of the jobs, matching and recommendation routes."""

import uuid
from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from models.job import MAX_SALARY, PAY_PERIODS, EmploymentType, JobStatus, RemoteOption
from models.schemas import (HTTP_URL_PATTERN, SPACE_CLASS, JsonPattern, NoControl, json_int, json_number, no_control_chars,
                            visible_pattern)

# What a URL field takes: an http(s) URL, or nothing (blank reads as none).
OptionalUrl = JsonPattern(f"{HTTP_URL_PATTERN}|^[{SPACE_CLASS}]*$")
# A skill: at most 60 characters (blank ones are dropped).
SkillName = Annotated[str, Field(max_length=60), NoControl]



def _tidy_line(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(no_control_chars(value).split())
    return value or None


def _check_url(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    parsed = urlparse(value)
    no_control_chars(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or any(c.isspace() for c in value):
        raise ValueError("must be an http(s) URL")
    return value


def _check_skills(value: list[str]) -> list[str]:
    cleaned = []
    for item in value:
        item = " ".join(no_control_chars(str(item)).split())
        if not item:
            continue
        if len(item) > 60:
            raise ValueError("each skill has at most 60 characters")
        cleaned.append(item)
    return cleaned


class _JobFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=20_000)

    company_name: Annotated[str | None, NoControl] = Field(default=None, max_length=200)
    location: Annotated[str | None, NoControl] = Field(default=None, max_length=200)
    salary_min: json_int(ge=0, le=MAX_SALARY) | None = None
    salary_max: json_int(ge=0, le=MAX_SALARY) | None = None
    salary_currency: str | None = Field(default=None, pattern=r"^[A-Za-z]{3}$")
    remote_option: RemoteOption | None = None
    employment_type: EmploymentType | None = None
    external_apply_url: Annotated[str | None, OptionalUrl] = Field(default=None, max_length=2000)

    _lines = field_validator("company_name", "location", mode="after")(_tidy_line)
    _url = field_validator("external_apply_url")(_check_url)

    @field_validator("salary_currency")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else None

    @model_validator(mode="after")
    def _salary_order(self):
        if self.salary_min is not None and self.salary_max is not None and self.salary_min > self.salary_max:
            # A rule across two fields, which no schema states: a type of its own (api/contract.py).
            raise PydanticCustomError("salary_order", "salary_min must not exceed salary_max")
        return self


_MIN_LENGTH = {"title": 3, "description_raw": 20}


def _check_text(value: str | None, info) -> str | None:
    """Title on one line; both at least their minimum once surrounding spaces are trimmed."""
    if value is None:
        return None
    value = no_control_chars(value).strip()
    if info.field_name == "title":
        value = " ".join(value.split())
    if len("".join(value.split())) < _MIN_LENGTH[info.field_name]:
        raise ValueError(f"needs at least {_MIN_LENGTH[info.field_name]} characters besides spaces")
    return value


class JobCreate(_JobFields):
    title: Annotated[str, JsonPattern(visible_pattern(3))] = Field(min_length=3, max_length=200)
    description_raw: Annotated[str, JsonPattern(visible_pattern(20))] = Field(min_length=20, max_length=20_000)
    skills_required: list[SkillName] = Field(default_factory=list, max_length=50)

    _skills = field_validator("skills_required")(_check_skills)
    _text = field_validator("title", "description_raw")(_check_text)


class JobUpdate(_JobFields):
    """Every field optional; changing the title, description or skills re-runs enrichment."""

    title: Annotated[str | None, JsonPattern(visible_pattern(3))] = Field(default=None, min_length=3, max_length=200)
    description_raw: Annotated[str | None, JsonPattern(visible_pattern(20))] = Field(default=None, min_length=20,
                                                                                      max_length=20_000)
    skills_required: list[SkillName] | None = Field(default=None, max_length=50)
    status: Literal["active", "closed"] | None = None

    _skills = field_validator("skills_required")(lambda v: None if v is None else _check_skills(v))
    _text = field_validator("title", "description_raw")(_check_text)


class JobAccepted(BaseModel):
    id: uuid.UUID
    message: str


PayPeriod = Literal["year", "month", "week", "day", "hour"]


def posted_amount(yearly: int | None, period: str | None) -> float | None:
    """A yearly amount in the period it was posted in: exact to the cent for hourly and daily pay, to the
    unit for weekly and monthly (the yearly figure was rounded to the unit from the posted one)."""
    if yearly is None:
        return None
    factor = PAY_PERIODS.get(period or "year", 1)
    return round(yearly / factor, 2) if factor >= PAY_PERIODS["day"] else float(round(yearly / factor))


class JobFeedItem(BaseModel):
    """Light items for lists: no description, no guides."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    skills_required: list[str]
    status: JobStatus
    created_at: datetime
    company_name: str | None
    external_apply_url: str | None
    location: str | None = None
    remote_option: RemoteOption | None = None
    employment_type: EmploymentType | None = None
    salary_min: int | None = Field(default=None, description="Yearly, in salary_currency (posted pay annualised)")
    salary_max: int | None = Field(default=None, description="Yearly, in salary_currency (posted pay annualised)")
    salary_currency: str | None = None
    salary_period: PayPeriod | None = Field(
        default=None, description="The period the salary was posted per (hour, day, week, month, year); null: year")

    @computed_field(description="The minimum as posted, per salary_period")
    @property
    def salary_posted_min(self) -> float | None:
        return posted_amount(self.salary_min, self.salary_period)

    @computed_field(description="The maximum as posted, per salary_period")
    @property
    def salary_posted_max(self) -> float | None:
        return posted_amount(self.salary_max, self.salary_period)


class SalaryEstimate(BaseModel):
    """Where a job posts no salary: the middle of the posted yearly ranges of similar listings (same
    occupational family, country and currency), never converted; none when too few post one."""

    min: int | None = Field(description="Yearly; null when there are too few similar listings")
    max: int | None = Field(description="Yearly; null when there are too few similar listings")
    currency: str | None = Field(description="The currency of the job's country (or its own), never another")
    period: Literal["year"] = "year"
    based_on: int = Field(description="Similar listings with a posted salary the estimate is made from")
    needed: int = Field(description="The fewest listings an estimate is made from")
    country: str | None = Field(description="ISO 3166-1 alpha-2 code, read from the job's location")
    country_name: str | None = None
    family: str = Field(description="The occupational family compared")
    family_label: str
    note: str = Field(description="One sentence for people: what the estimate is based on, or why there is none")


class JobOut(JobFeedItem):
    """A whole job: the four pillars (description, skills, resume guide, interview prep) and enrichment state."""

    description_raw: str
    skills: list[str]
    resume_guide_generated: dict | None
    prep_guide_generated: dict | None
    salary_estimate: SalaryEstimate | None = Field(
        default=None, description="Only when the job posts no salary (a posted one is never second-guessed)")
    generated_by: str | None
    enrich_error: str | None
    enriched_at: datetime | None
    updated_at: datetime
    visibility: str
    source: str
    enrichment_stalled: bool = Field(
        default=False, description="Enrichment made no progress for ENRICH_STALL_SECONDS: the owner may retry")


class JobSearchPage(BaseModel):
    items: list[JobFeedItem]
    total: int
    skip: int
    limit: int
    cached: bool = False
    salary_currency: str | None = Field(
        default=None, description="The currency salary_min/salary_max were read in (set when one was given)")
    rates_as_of: str | None = Field(
        default=None, description="Date of the reference rates salaries in other currencies were converted at")
    rates_source: str | None = None
    next_cursor: str | None = Field(default=None, description="Pass as ?cursor= for the next page; null at the end")


class SkillEvidence(BaseModel):
    """A requirement of the job that the resume shows, and the resume line that shows it."""

    requirement: str = Field(description="The requirement in the job's own words")
    evidence: str = Field(description="The resume line (or profile skills) that shows it")
    matched_by: Literal["skill", "meaning"] = Field(
        description="skill: the same skill by name or alias; meaning: a resume line close in meaning")
    skill: str | None = Field(default=None, description="The canonical skill, when matched by name")
    similarity: float | None = Field(default=None, description="Cosine of requirement and line, when matched by meaning")


SeniorityFit = Literal["under", "fit", "over"]


class MatchResult(BaseModel):
    job_id: uuid.UUID
    similarity_score: float = Field(description="Calibrated 0-1 score; under the gap threshold means a gap")
    raw_similarity: float = Field(description="Cosine similarity of the resume and job embeddings")
    skill_coverage: float = Field(description="Share of the job's requirements the resume shows")
    gap_detected: bool
    threshold: float
    matched_skills: list[str] = Field(description="Requirements the resume shows, in the job's words")
    missing_skills: list[str] = Field(description="Requirements it does not show, each once, in the job's words")
    missing_must_haves: list[str] = Field(
        default_factory=list, description="The missing requirements the job asks for by name: any one makes a gap")
    skill_evidence: list[SkillEvidence] = Field(default_factory=list)
    seniority_fit: SeniorityFit = Field(
        default="fit", description="The seeker's level against the job's: under (two or more rungs below), fit, over")
    resume_level: str | None = None
    job_level: str | None = None
    resume_years: float | None = None
    job_years: float | None = Field(default=None, description="Years of experience the job asks for")
    gap_explanation: str
    learning_recommendations: list["LearningLink"]


class LearningLink(BaseModel):
    skill: str
    url: str
    title: str


class JobRecommendation(BaseModel):
    job_id: uuid.UUID
    title: str
    company_name: str | None
    location: str | None
    remote: bool
    remote_option: RemoteOption | None
    match_score: float
    raw_similarity: float
    skills: list[str]
    matched_skills: list[str]
    missing_skills: list[str]
    seniority_fit: SeniorityFit = "fit"
    created_at: datetime


class RecommendationList(BaseModel):
    """`GET /jobs/recommendations` in Career Copilot's shape."""

    recommendations: list[JobRecommendation]
    total: int
    based_on: Literal["resume"] = "resume"
    next_cursor: str | None = Field(default=None, description="Pass as ?cursor= for the next page; null at the end")


class SkillDemand(BaseModel):
    skill: str
    job_count: int
    share: float = Field(description="Share of active listings asking for the skill, 0-1")
    learning: LearningLink | None = None


class SkillsGapReport(BaseModel):
    your_skills: list[str]
    coverage_percent: float
    top_market_skills: list[SkillDemand] = Field(description="The most asked-for must-haves of the listings of "
                                                             "`families`, most first")
    covered_skills: list[str]
    missing_skills: list[SkillDemand] = Field(description="Skills to learn next: those listings' must-haves you "
                                                          "lack, most asked-for first, with a link to learn each")
    active_jobs: int = Field(description="Active listings of `families`")
    families: list[str] = Field(default_factory=list, description="The occupational families whose listings "
                                                                  "make the market")
    family_labels: list[str] = Field(default_factory=list)


class ReenrichRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    batch_size: json_int(ge=1, le=100) | None = None
    pause_seconds: json_number(ge=0, le=600) | None = None


MatchResult.model_rebuild()
