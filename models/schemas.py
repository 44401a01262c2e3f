"""Request/response schemas shared by the REST API and the web UI."""

import re
import uuid
from datetime import datetime
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, field_validator,
                      model_validator)
from pydantic_core import PydanticCustomError

from models.user import Role

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")

T = TypeVar("T")


# C0 controls and DEL, and the bidirectional controls (LRM/RLM/ALM, embeddings, overrides and
# isolates) that make text display in another order than it is stored ("Trojan Source").
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def no_control_chars(value: str | None) -> str | None:
    """PostgreSQL text cannot hold NUL, and no name or address needs control characters."""
    if value is not None and CONTROL_RE.search(value):
        raise ValueError("must not contain control characters or text-direction (bidi) controls")
    if value is not None and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate from a JSON \ud800 escape
            raise ValueError("must be valid Unicode text") from exc
    return value


# The same rules as JSON Schema patterns, so that the OpenAPI document states them (a `\\uXXXX` escape
# reads alike in ECMA-262, which JSON Schema uses, and in Python's re, which generators of test data use).
CONTROL_CLASS = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# What str.split() and str.strip() take for white space (ECMA-262's \s is another set).
SPACE_CLASS = r"\t\n\u000b\u000c\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# The white space of SPACE_CLASS that is not also a control character (a value checked for control
# characters before its surrounding spaces are dropped may only have these around it).
PLAIN_SPACE_CLASS = r"\t\n\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NO_CONTROL_PATTERN = f"^[^{CONTROL_CLASS}]*$"


def visible_pattern(minimum: int = 1) -> str:
    """Text without control characters that has at least `minimum` characters besides white space.
    Written so that a backtracking engine (Python's re, ECMA-262's) matches in linear time: the spaces
    before each of the first `minimum` visible characters and that character are disjoint classes, so
    there is one way to match. (`[^C]*(?:[^CS][^C]*){n,}` says the same but takes exponential time on
    a long text ending in a control character: schemathesis' generator stalled for minutes on it.)"""
    visible = f"[^{CONTROL_CLASS}{SPACE_CLASS}]"
    return f"^(?:[{PLAIN_SPACE_CLASS}]*{visible}){{{minimum}}}[^{CONTROL_CLASS}]*$"


# An http(s) URL as the checks of the schemas read one (_check_url, check_source_url): a scheme, a host, no
# white space or control character inside, white space around it dropped.
HTTP_URL_PATTERN = (f"^[{SPACE_CLASS}]*[Hh][Tt][Tt][Pp][Ss]?://[^{SPACE_CLASS}{CONTROL_CLASS}/?#\\[\\]]+"
                    f"(?:[/?#][^{SPACE_CLASS}{CONTROL_CLASS}]*)?[{SPACE_CLASS}]*$")


class JsonPattern:
    """Annotated metadata that states a validator's rule as a JSON Schema `pattern`: on the string (each
    string of a list; the string branch of an optional one). The validator still does the checking."""

    def __init__(self, pattern: str):
        self.pattern = pattern
        self.forbidden: dict | None = None  # a schema the value must not match (JSON Schema `not`)

    def _apply(self, schema: dict) -> None:
        if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
            schema["pattern"] = self.pattern
            if self.forbidden:
                schema["not"] = self.forbidden
        elif schema.get("type") == "array" and isinstance(schema.get("items"), dict):
            self._apply(schema["items"])
        for branch in schema.get("anyOf", ()):
            self._apply(branch)

    def __get_pydantic_json_schema__(self, core_schema, handler):
        schema = handler(core_schema)
        self._apply(schema)
        return schema


NoControl = JsonPattern(NO_CONTROL_PATTERN)


def _json_number(value):
    """JSON numbers as JSON Schema reads them: never a string or a boolean (pydantic's lax mode takes
    "1" and true for 1); an integer may be written 2.0, as JSON Schema allows."""
    if isinstance(value, (bool, str)):
        raise PydanticCustomError("number_type", "Input should be a number")
    return value


# Body fields of JSON number and boolean types: exactly what the document's types say. The bounds come
# before the check, so that the document states them as minimum and maximum.
def json_int(**bounds):
    return Annotated[int, Field(**bounds), BeforeValidator(_json_number)]


def json_number(**bounds):
    return Annotated[float, Field(allow_inf_nan=False, **bounds), BeforeValidator(_json_number)]


JsonBool = StrictBool
# A query-string text parameter: control characters (NUL above all) are a 422, never a database error.
SafeText = Annotated[str, AfterValidator(no_control_chars), NoControl]


def check_password(value: str) -> str:
    """Any password field: no control characters, and not only spaces (easy to type by mistake)."""
    no_control_chars(value)
    if not value.strip():
        raise ValueError("must not be only spaces")
    return value


def normalise_email(value: str) -> str:
    value = no_control_chars(value).strip().lower()
    if len(value) > 254 or not EMAIL_RE.match(value):
        raise ValueError("must be a valid email address")
    return value


Email = JsonPattern(f"^[{PLAIN_SPACE_CLASS}]*[^@{SPACE_CLASS}{CONTROL_CLASS}]+@[^@{SPACE_CLASS}{CONTROL_CLASS}]+"
                    f"\\.[^@.{SPACE_CLASS}{CONTROL_CLASS}]{{2,}}[{PLAIN_SPACE_CLASS}]*$")
Visible = JsonPattern(visible_pattern(1))


class RegisterRequest(BaseModel):
    email: Annotated[str, Email] = Field(max_length=254)
    password: Annotated[str, Visible] = Field(min_length=8, max_length=128)
    full_name: Annotated[str, Visible] = Field(min_length=1, max_length=120)
    role: Literal["seeker", "provider"] = "seeker"
    username: Annotated[str | None, JsonPattern(f"^[{SPACE_CLASS}]*$|^[{SPACE_CLASS}]*[A-Za-z0-9_.-]{{3,32}}"
                                                f"[{SPACE_CLASS}]*$")] = None

    _email = field_validator("email")(normalise_email)
    _password = field_validator("password")(check_password)

    @field_validator("full_name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        value = " ".join(no_control_chars(value).split())
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("username")
    @classmethod
    def _check_username(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not USERNAME_RE.fullmatch(value) or "@" in value:
            raise ValueError("3-32 letters, digits, '.', '_' or '-'")
        return value


class LoginRequest(BaseModel):
    """Sign in with an email address or a username."""

    email: Annotated[str | None, NoControl] = Field(default=None, max_length=254)
    username: Annotated[str | None, NoControl] = Field(default=None, max_length=254)
    password: Annotated[str, Visible] = Field(min_length=1, max_length=128)

    _identifiers = field_validator("email", "username")(no_control_chars)
    _password = field_validator("password")(check_password)

    @model_validator(mode="after")
    def _one_identifier(self) -> "LoginRequest":
        if not (self.email or self.username):
            raise ValueError("email or username is required")
        return self

    @property
    def identifier(self) -> str:
        return (self.email or self.username or "").strip().lower()


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    username: str | None
    full_name: str
    role: Role
    is_active: bool
    created_at: datetime


class ResumeReadingOut(BaseModel):
    """Profile fields as a resume reads: a headline is a role line, never a heading or the name."""

    full_name: str | None = None
    headline: str | None = None
    location: str | None = None
    skills: list[str] = []
    family: str = "general"
    seniority: str | None = None


class UserProfile(BaseModel):
    """`GET /users/me` in the Ottobon shape."""

    id: uuid.UUID
    email: str
    role: Role
    full_name: str
    headline: str | None = None
    location: str | None = None
    skills: list[str] = []
    family: str | None = Field(default=None, description="The occupational family you set (null: read from "
                                                          "your resume)")
    seniority: str | None = Field(default=None, description="The level you set (null: read from your resume)")
    family_in_use: str = Field(default="general", description="The family advice uses for you: the one you set, "
                                                              "else the one your resume reads as, else general")
    family_label: str = ""
    seniority_in_use: str | None = Field(default=None, description="The level you set, else your resume's")
    from_resume: ResumeReadingOut | None = Field(default=None, description="What your current resume reads as")
    resume_text: str | None = None
    resume_file_url: str | None = None
    resume_file_name: str | None = None


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    user: UserOut


class Message(BaseModel):
    message: str


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    skip: int
    limit: int


class TaskAccepted(BaseModel):
    task_id: str
    status: str
    message: str


class TaskStatus(BaseModel):
    task_id: str
    name: str
    status: Literal["queued", "started", "finished", "failed", "canceled", "deferred", "scheduled", "stopped"]
    progress: float = Field(ge=0, le=100)
    result: dict | list | str | int | float | bool | None = None
    error: str | None = None
    enqueued_at: datetime | None = None
    ended_at: datetime | None = None


class HealthReport(BaseModel):
    status: Literal["ok", "error"]
    database: str
    redis: str


class ServiceInfo(BaseModel):
    status: Literal["ok"]
    service: str
    version: str


class ProfileUpdate(BaseModel):
    """Profile fields a user can change, e.g. by accepting their resume's suggestions."""

    model_config = ConfigDict(extra="forbid")

    full_name: Annotated[str | None, Visible] = Field(default=None, min_length=1, max_length=120)
    headline: Annotated[str | None, NoControl] = Field(default=None, max_length=160)
    location: Annotated[str | None, NoControl] = Field(default=None, max_length=120)
    skills: list[Annotated[str, Field(max_length=60), NoControl]] | None = Field(default=None, max_length=100)
    # Checked by the service against the families and levels it knows; empty or null: read from the resume.
    family: str | None = Field(default=None, max_length=40)
    seniority: str | None = Field(default=None, max_length=16)

    @field_validator("full_name", "headline", "location")
    @classmethod
    def _one_line(cls, value: str | None, info) -> str | None:
        value = None if value is None else " ".join(no_control_chars(value).split())
        if info.field_name == "full_name" and value == "":
            raise ValueError("must not be blank")
        return value

    @field_validator("skills")
    @classmethod
    def _skills(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        if any(len(s) > 60 for s in value):
            raise ValueError("each skill has at most 60 characters")
        return [" ".join(no_control_chars(s).split()) for s in value if s.strip()]


class ResumeProcessed(BaseModel):
    message: str
    characters_extracted: int
    skills: list[str] = []


class ResumeUploadAccepted(BaseModel):
    upload_id: uuid.UUID
    status: str


class ResumeUploadState(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    upload_id: uuid.UUID = Field(validation_alias="id")
    status: Literal["queued", "processing", "done", "failed"]
    progress: int
    file_name: str
    characters_extracted: int | None
    skills: list[str]
    suggestions: dict
    error: str | None
    created_at: datetime
    finished_at: datetime | None


class ResumeDownload(BaseModel):
    download_url: str
    file_name: str
    expires_at: datetime
