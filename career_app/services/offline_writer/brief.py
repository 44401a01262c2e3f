"""What the offline writer is given and what it returns."""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Match:
    requirement: str  # in the job's words
    evidence: str  # the resume line that shows it


@dataclass(frozen=True)
class Applied:
    """The seeker's application for this job, as the tracker holds it."""
    status: str  # applied, interviewing, offer, ... (never "saved": a saved job is not an application)
    applied_on: date | None
    interviewed_on: date | None = None  # the latest interview round that has taken place


@dataclass
class Brief:
    company: str
    role: str
    resume_text: str
    matched: list[Match]  # strongest first
    missing: list[str]
    tone: str = "formal"
    length: str = "medium"
    email_kind: str | None = None
    has_job: bool = True  # False: only a typed company and role, no posting to quote
    signer: str | None = None  # the account's full name: signs when the resume has no name line
    application: Applied | None = None  # None: no application for this job in the tracker
    job_text: str = ""  # the posting, for telling ordinary words from names


@dataclass
class Written:
    title: str
    text: str
    structure: list[dict] = field(default_factory=list)  # tailoring: {"section", "text", "source_index"}; notes


def long_date(day: date) -> str:
    """"3 March 2025": the same in every country, no ordinal to get wrong."""
    return f"{day.day} {day:%B %Y}"


def note(text: str) -> dict:
    """A remark for the seeker, kept with the version beside the text (never inside it)."""
    return {"section": "note", "text": text, "source_index": None}
