"""Request and response schemas of the content studio."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AliasChoices, BaseModel, Field, field_validator, model_validator

from models.content import ContentType, EmailKind, Length, Tone, VersionSource
from models.schemas import SafeText, Visible

MAX_INSTRUCTIONS = 1000
MAX_TEXT = 50_000


class GenerateRequest(BaseModel):
    type: ContentType
    job_id: uuid.UUID | None = None
    company: SafeText | None = Field(default=None, max_length=200)
    role: SafeText | None = Field(default=None, max_length=200)
    tone: Tone
    length: Length
    email_kind: EmailKind | None = None
    # `prompt`: the name career-copilot-api.md gives this control ("prompt/tone controls")
    instructions: SafeText | None = Field(default=None, max_length=MAX_INSTRUCTIONS,
                                          validation_alias=AliasChoices("instructions", "prompt"))

    @model_validator(mode="after")
    def _complete(self) -> "GenerateRequest":
        if self.type == ContentType.email_template and self.email_kind is None:
            raise ValueError("email_kind is required for an email_template")
        if self.type != ContentType.email_template and self.email_kind is not None:
            raise ValueError("email_kind is only for an email_template")
        if self.job_id is None and not ((self.company or "").strip() and (self.role or "").strip()):
            raise ValueError("give a job_id, or a company and a role")
        return self


class UnsupportedClaim(BaseModel):
    text: str
    kind: str
    sentence: str
    start: int
    end: int


class StructureItem(BaseModel):
    section: str
    text: str
    source_index: int | None = None


class VersionOut(BaseModel):
    number: int
    text: str
    unsupported_claims: list[UnsupportedClaim]
    structure: list[StructureItem] = []
    source: VersionSource
    restored_from: int | None = None
    created_at: datetime


class ContentOut(BaseModel):
    id: uuid.UUID
    type: ContentType
    job_id: uuid.UUID | None
    company: str
    role: str
    tone: Tone
    length: Length
    email_kind: EmailKind | None
    title: str
    generated_by: str
    latest_version: int
    unsupported_count: int = 0
    created_at: datetime
    updated_at: datetime


class ContentDetail(ContentOut):
    versions: list[VersionOut]


class ContentList(BaseModel):
    items: list[ContentOut]
    total: int
    skip: int
    limit: int


class VersionCreate(BaseModel):
    text: Annotated[SafeText, Visible] = Field(min_length=1, max_length=MAX_TEXT)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


class DiffOp(BaseModel):
    op: Literal["equal", "insert", "delete", "replace"]
    from_text: str
    to_text: str


class ContentDiff(BaseModel):
    from_version: int
    to_version: int
    ops: list[DiffOp]
    added_words: int
    removed_words: int


class ContentDeleted(BaseModel):
    id: uuid.UUID
    deleted: bool = True
