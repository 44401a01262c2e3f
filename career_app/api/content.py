"""Content studio routes: generate a cover letter, a tailored resume or an email (RQ task, the text
streams to the owner live), list and read documents with their versions, save an edit as a new
version, diff two versions, restore one, export DOCX/PDF, delete. Seekers only; every document is
its owner's alone (another user's id answers 404).

Every route follows the request-handling pattern (career_app/api/deps.py): the remembered caller,
then one thread hop that owns its database session."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from career_app.api.deps import RQDep, SeekerCaller, in_thread_session
from career_app.services import content
from models.content import ContentType
from models.content_schemas import (ContentDeleted, ContentDetail, ContentDiff, ContentList, GenerateRequest,
                                    VersionCreate, VersionOut)
from models.schemas import TaskAccepted

router = APIRouter(tags=["content"])
BASE = "/api/v1/content"
MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}


@router.post(BASE + "/generate", response_model=TaskAccepted, status_code=202, responses={
    404: {"description": "No such job you may see"}, 422: {"description": "No resume uploaded yet (type resume_missing)"}})
async def generate(data: GenerateRequest, conn: RQDep, user: SeekerCaller) -> TaskAccepted:
    """Write a document from your resume and a job (`job_id`) or a typed company and role. The task
    streams the text to you live (`content_delta` events) and ends with `content_id`."""
    task_id = await in_thread_session(lambda s: content.start(s, conn, user, data))
    return TaskAccepted(task_id=task_id, status="queued", message="Writing started")


@router.get(BASE, response_model=ContentList)
async def list_content(
    user: SeekerCaller,
    type: ContentType | None = None,
    job_id: uuid.UUID | None = None,
    skip: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=content.MAX_PAGE_SIZE)] = 20,
) -> ContentList:
    """Your documents, most recently changed first; by type and job."""
    return await in_thread_session(lambda s: content.list_for(s, user, type, job_id, skip, limit))


@router.get(BASE + "/{content_id}", response_model=ContentDetail)
async def get_content(content_id: str, user: SeekerCaller) -> ContentDetail:
    """One document with all its versions (each with its unsupported claims)."""
    return await in_thread_session(content.get, user, content_id)


@router.post(BASE + "/{content_id}/versions", response_model=VersionOut, status_code=201)
async def add_version(content_id: str, data: VersionCreate, user: SeekerCaller) -> VersionOut:
    """Save an edit: a new version, checked for unsupported claims like a generated one."""
    return await in_thread_session(content.add_version, user, content_id, data.text)


@router.get(BASE + "/{content_id}/diff", response_model=ContentDiff)
async def diff(content_id: str, user: SeekerCaller,
               from_: Annotated[int, Query(alias="from", ge=1, le=100_000)],
               to: Annotated[int, Query(ge=1, le=100_000)]) -> ContentDiff:
    """Word-level differences between two versions (equal / insert / delete / replace ops)."""
    return await in_thread_session(content.diff, user, content_id, from_, to)


@router.post(BASE + "/{content_id}/restore/{version}", response_model=VersionOut, status_code=201)
async def restore(content_id: str, version: Annotated[int, Path(ge=1, le=100_000)], user: SeekerCaller) -> VersionOut:
    """An older version's text becomes the newest version."""
    return await in_thread_session(content.restore, user, content_id, version)


@router.get(BASE + "/{content_id}/export.{fmt}", response_class=Response,
            responses={200: {"content": {m: {} for m in MEDIA.values()}}})
async def export(content_id: str, fmt: Literal["docx", "pdf"], user: SeekerCaller) -> Response:
    """The newest version as a DOCX or PDF file."""
    make = content.export_pdf if fmt == "pdf" else content.export_docx
    body, name = await in_thread_session(make, user, content_id)
    return Response(body, media_type=MEDIA[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                          "Cache-Control": "no-store"})


@router.delete(BASE + "/{content_id}", response_model=ContentDeleted)
async def delete(content_id: str, user: SeekerCaller) -> ContentDeleted:
    await in_thread_session(content.delete, user, content_id)
    return ContentDeleted(id=uuid.UUID(content_id))
