"""Feedback: anyone sends it (POST /api/v1/feedback, multipart or JSON); admins read and answer it."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError

from career_app.api.deps import AdminCaller, RedisDep, SessionDep, client_address, request_token, viewer
from career_app.services import feedback
from models.support import (AdminFeedbackOut, FeedbackCategory, FeedbackOut, FeedbackPage, FeedbackReply,
                            FeedbackStatus, FeedbackUpdate)

router = APIRouter(prefix="/api/v1", tags=["feedback"])


class FeedbackJson(BaseModel):
    """The same fields as a JSON object (a screenshot needs multipart)."""

    message: str = Field(max_length=feedback.MAX_MESSAGE_CHARS + 100)
    category: str = Field(default="other", max_length=20)
    page: str = Field(default="", max_length=feedback.MAX_PAGE_CHARS + 100)


class FeedbackForm(FeedbackJson):
    """The multipart form's text fields: the same, with a message of at least one character."""

    message: str = Field(min_length=1, max_length=feedback.MAX_MESSAGE_CHARS + 100)


def _form_schema() -> dict:
    schema = FeedbackForm.model_json_schema()
    schema["properties"]["screenshot"] = {"type": "string", "contentMediaType": "application/octet-stream",
                                          "description": "PNG or JPEG, at most 5 MB"}
    return schema


# Both bodies are read by `_fields`, so the document states each one exactly (FastAPI's Form parameters
# could only say "message is optional", which is true of neither).
_BODY = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": _form_schema()},
    "application/json": {"schema": FeedbackJson.model_json_schema()}}}}


def _invalid(exc: ValidationError) -> RequestValidationError:
    return RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)])


async def _fields(request: Request) -> tuple[FeedbackJson, bytes | None]:
    """The message, category and page from a JSON object or a multipart form, and the screenshot's
    bytes (read to one past the limit, so an oversized file is refused without reading all of it)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if kind == "application/json":
            return FeedbackJson.model_validate_json(await request.body()), None
        form = await request.form()
        screenshot = form.get("screenshot")
        data = None
        if screenshot is not None and not isinstance(screenshot, str):
            data = await screenshot.read(feedback.MAX_SCREENSHOT_BYTES + 1) or None
        fields = {k: form[k] for k in ("message", "category", "page") if isinstance(form.get(k), str)}
        return FeedbackForm.model_validate(fields), data
    except ValidationError as exc:
        raise _invalid(exc) from None


@router.post("/feedback", response_model=FeedbackOut, status_code=201,
             responses={400: {"description": "Empty message, unknown category, or not a PNG/JPEG"},
                        413: {"description": "Screenshot over 5 MB"},
                        422: {"description": "No message, or a field too long"}, 429: {"description": "Too much feedback"}},
             openapi_extra=_BODY)
def send_feedback(
    session: SessionDep,
    r: RedisDep,
    address: Annotated[str, Depends(client_address)],
    token: Annotated[str | None, Depends(request_token)],
    body: Annotated[tuple[FeedbackJson, bytes | None], Depends(_fields)],
) -> FeedbackOut:
    """Send feedback, signed in or not: a message, its category (bug, idea, praise, other), the page it
    came from, and an optional screenshot (re-encoded; its metadata is not kept). Multipart form, or a
    JSON object with the same fields but no screenshot."""
    fields, screenshot = body
    return feedback.submit(session, r, viewer(session, r, token), address, message=fields.message,
                           category=fields.category, page=fields.page, screenshot=screenshot)


@router.get("/admin/feedback", response_model=FeedbackPage)
def list_feedback(
    _admin: AdminCaller,
    session: SessionDep,
    status: FeedbackStatus | None = None,
    category: FeedbackCategory | None = None,
    skip: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=feedback.MAX_PAGE_SIZE)] = 20,
) -> FeedbackPage:
    """The feedback inbox, newest first."""
    return feedback.inbox(session, status, category, skip, limit)


@router.patch("/admin/feedback/{feedback_id}", response_model=AdminFeedbackOut)
def update_feedback(feedback_id: uuid.UUID, data: FeedbackUpdate, _admin: AdminCaller,
                    session: SessionDep) -> AdminFeedbackOut:
    """Set the status: new, triaged or done."""
    return feedback.set_status(session, feedback_id, data.status)


@router.post("/admin/feedback/{feedback_id}/reply", response_model=AdminFeedbackOut)
def reply_to_feedback(feedback_id: uuid.UUID, data: FeedbackReply, _admin: AdminCaller, session: SessionDep,
                      r: RedisDep) -> AdminFeedbackOut:
    """Answer the sender by notification."""
    return feedback.reply(session, r, feedback_id, data.message)


@router.get("/admin/feedback/{feedback_id}/screenshot", response_class=Response,
            responses={200: {"content": {"image/png": {}, "image/jpeg": {}}}})
def feedback_screenshot(feedback_id: uuid.UUID, _admin: AdminCaller, session: SessionDep) -> Response:
    shot = feedback.screenshot(session, feedback_id)
    return Response(shot.data, media_type=shot.content_type,
                    headers={"Cache-Control": "private, no-store", "Content-Disposition": "inline"})
