"""Feedback: anyone sends it (POST /api/v1/feedback, multipart or JSON); admins read and answer it."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
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


async def _json_fields(request: Request) -> FeedbackJson | None:
    """A JSON body (career-copilot-api.md's clients send one); None for a form."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        return None
    try:
        return FeedbackJson.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None


@router.post("/feedback", response_model=FeedbackOut, status_code=201,
             responses={400: {"description": "Empty message, unknown category, or not a PNG/JPEG"},
                        413: {"description": "Screenshot over 5 MB"}, 429: {"description": "Too much feedback"}},
             openapi_extra={"requestBody": {"content": {"application/json": {
                 "schema": FeedbackJson.model_json_schema()}}}})
def send_feedback(
    session: SessionDep,
    r: RedisDep,
    address: Annotated[str, Depends(client_address)],
    token: Annotated[str | None, Depends(request_token)],
    as_json: Annotated[FeedbackJson | None, Depends(_json_fields)],
    message: Annotated[str | None, Form(min_length=1, max_length=feedback.MAX_MESSAGE_CHARS + 100)] = None,
    category: Annotated[str, Form(max_length=20)] = "other",
    page: Annotated[str, Form(max_length=feedback.MAX_PAGE_CHARS + 100)] = "",
    # UploadFile, not UploadFile | None: the document then types it a file (binary), never null
    screenshot: Annotated[UploadFile, File(description="PNG or JPEG, at most 5 MB")] = None,
) -> FeedbackOut:
    """Send feedback, signed in or not: a message, its category (bug, idea, praise, other), the page it
    came from, and an optional screenshot (re-encoded; its metadata is not kept). Multipart form, or a
    JSON object with the same fields but no screenshot."""
    if as_json is not None:
        message, category, page = as_json.message, as_json.category, as_json.page
    elif message is None:
        raise RequestValidationError([{"type": "missing", "loc": ("body", "message"), "msg": "Field required",
                                       "input": None}])
    data = screenshot.file.read(feedback.MAX_SCREENSHOT_BYTES + 1) if screenshot is not None else None
    return feedback.submit(session, r, viewer(session, r, token), address, message=message, category=category,
                           page=page, screenshot=data or None)


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
