"""Request/response schemas of personal API tokens."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from models.schemas import NoControl, json_int, no_control_chars

# What a token may do; each REST route and MCP tool names the one it needs (career_app/api/token_scopes.py).
Scope = Literal["jobs:read", "tracker:read", "tracker:write", "applications:read", "applications:write",
                "content:write"]
SCOPES: tuple[str, ...] = Scope.__args__
MAX_TOKEN_DAYS = 365


class ApiTokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=80), AfterValidator(no_control_chars), NoControl]
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=len(SCOPES))]
    expires_in_days: json_int(ge=1, le=MAX_TOKEN_DAYS) = 90


class ApiTokenOut(BaseModel):
    """A token as listed: never its secret."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None = None


class ApiTokenCreated(ApiTokenOut):
    token: str = Field(description="The token itself: shown this once, store it now")
