"""Application tracker routes: applications (list, Kanban board, create, change, status transitions,
soft delete with undo, timeline) and bulk status changes. Seekers only; every application is its
owner's alone (another user's id answers 404).

Every route follows the request-handling pattern (career_app/api/deps.py): the remembered caller,
then one thread hop that owns its database session."""

import json
from typing import Annotated, Literal

import anyio.to_thread
from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.exceptions import RequestValidationError

from career_app.api.deps import RedisDep, SeekerCaller, in_thread_session
from career_app.services import applications
from career_app.services.errors import InvalidInput
from models.application import ApplicationStatus
from models.application_schemas import (ApplicationCreate, ApplicationDetail, ApplicationList, ApplicationOut,
                                        ApplicationUpdate, BulkStatusRequest, BulkStatusResult, Deleted, ImportReport,
                                        StatusChange)
from models.schemas import SafeText

router = APIRouter(tags=["applications"])
BASE = "/api/v1/applications"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Sort = Literal["updated_at", "created_at", "applied_on", "company_name", "job_title", "status"]
Order = Literal["asc", "desc"]


@router.get(BASE, response_model=ApplicationList)
async def list_applications(
    user: SeekerCaller,
    status: Annotated[list[ApplicationStatus] | None, Query(max_length=8, description="Repeat for several")] = None,
    q: Annotated[SafeText | None, Query(max_length=200, description="Words in the company, title, location or notes")] = None,
    sort: Sort = "updated_at",
    order: Order = "desc",
    view: Annotated[Literal["list", "board"], Query(description="board: one column per status (Kanban)")] = "list",
    skip: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=applications.MAX_PAGE_SIZE, description="Per page, or per column")] = 20,
) -> ApplicationList:
    """Your applications: a page, or with view=board a Kanban board; `counts` per status either way."""
    return await in_thread_session(lambda s: applications.list_for(
        s, user, statuses=status, q=q, sort=sort, order=order, skip=skip, limit=limit, board=view == "board"))


_TRANSITION = {409: {"description": "Not an allowed status transition (the allowed ones are named)"}}


@router.post(BASE, response_model=ApplicationOut, status_code=201,
             responses={404: {"description": "No such job you may see"}})
async def create_application(data: ApplicationCreate, r: RedisDep, user: SeekerCaller) -> ApplicationOut:
    """On a public listing or one of your tracked jobs (`job_id`), or ad hoc (company + title)."""
    return await in_thread_session(lambda s: applications.to_out(applications.create(s, r, user, data)))


@router.get(BASE + "/{application_id}", response_model=ApplicationDetail)
async def get_application(application_id: str, user: SeekerCaller) -> ApplicationDetail:
    """One application with its timeline."""
    return await in_thread_session(applications.get, user, application_id)


@router.patch(BASE + "/{application_id}", response_model=ApplicationOut, responses=_TRANSITION)
async def update_application(application_id: str, data: ApplicationUpdate, r: RedisDep, user: SeekerCaller) -> ApplicationOut:
    """Change the fields sent (a new status must be an allowed transition: 409 naming those otherwise)."""
    return await in_thread_session(
        lambda s: applications.to_out(applications.update(s, r, user, application_id, data)))


@router.post(BASE + "/{application_id}/status", response_model=ApplicationOut, responses=_TRANSITION)
async def change_status(application_id: str, data: StatusChange, r: RedisDep, user: SeekerCaller) -> ApplicationOut:
    """Move along the pipeline: saved -> applied -> interviewing -> offer -> accepted/declined; rejected
    or withdrawn from any open state. Anything else is a 409 naming the allowed moves."""
    return await in_thread_session(lambda s: applications.to_out(
        applications.change_status(s, r, user, application_id, data.status, data.note)))


@router.delete(BASE + "/{application_id}", response_model=Deleted)
async def delete_application(application_id: str, r: RedisDep, user: SeekerCaller) -> Deleted:
    """Soft delete: gone from every list until restored through `undo`."""
    app = await in_thread_session(applications.delete, user, application_id, r)
    return Deleted(id=app.id, deleted_at=app.deleted_at, undo=f"{BASE}/{app.id}/restore")


@router.post(BASE + "/{application_id}/restore", response_model=ApplicationOut)
async def restore_application(application_id: str, r: RedisDep, user: SeekerCaller) -> ApplicationOut:
    """Undo a delete."""
    return await in_thread_session(lambda s: applications.to_out(applications.restore(s, user, application_id, r)))


@router.post("/api/v1/bulk_operations/applications/status", response_model=BulkStatusResult)
async def bulk_status(data: BulkStatusRequest, r: RedisDep, user: SeekerCaller) -> BulkStatusResult:
    """Move many applications (up to 500) to one status: a result per id, each all or nothing; ids that
    are unknown, deleted or someone else's are reported and never changed."""
    return await in_thread_session(applications.bulk_status, r, user, data.ids, data.status, data.note)


@router.get("/api/v1/export/applications.{fmt}", response_class=Response,
            responses={200: {"content": {"text/csv": {}, XLSX: {}, "application/pdf": {}}, "description": "The file"}})
async def export_applications(
    fmt: Literal["csv", "xlsx", "pdf"], user: SeekerCaller,
    status: Annotated[list[ApplicationStatus] | None, Query(max_length=8)] = None,
    q: Annotated[SafeText | None, Query(max_length=200)] = None,
    sort: Sort = "updated_at", order: Order = "desc",
) -> Response:
    """Your applications with the list's filters (up to 10,000) as CSV, XLSX or a PDF report (summary,
    a chart of counts by status, the table); CSV/XLSX cells that would run as a spreadsheet formula
    (starting with =, +, -, @) are neutralised. Importing a CSV/XLSX back creates no duplicates."""
    read = applications.report_rows if fmt == "pdf" else applications.export_rows
    rows = await in_thread_session(lambda s: read(s, user, statuses=status, q=q, sort=sort, order=order))
    write = {"csv": applications.to_csv, "xlsx": applications.to_xlsx, "pdf": applications.to_pdf}[fmt]
    body = await anyio.to_thread.run_sync(write, rows)
    media = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX, "pdf": "application/pdf"}[fmt]
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="applications.{fmt}"',
                             "Cache-Control": "no-store"})


def _is_json(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip().lower() == "application/json"


@router.post("/api/v1/import/applications", response_model=ImportReport, openapi_extra={"requestBody": {"content": {
    "application/json": {"schema": {"description": 'A JSON list of rows, or {"applications": [...]} (at most 1 MB); '
                                                   'a multipart body without a file is refused',
                                    "oneOf": [{"type": "array", "items": {"type": "object"}}, {"type": "object"}]}}}}},
             responses={400: {"description": "The file or the mapping cannot be read as applications"}})
async def import_applications(
    request: Request, r: RedisDep, user: SeekerCaller,
    file: Annotated[UploadFile, File(description="CSV, JSON or XLSX (by content), at most 5 MB and 10,000 rows",
                                     json_schema_extra={"minLength": 1})] = None,  # or the JSON rows as the body
    dry_run: Annotated[bool, Query(description="Only check and preview; store nothing")] = False,
    mapping: Annotated[str | None, Form(max_length=4_000, description='JSON {"Their header": "field"}',
                                        json_schema_extra={"contentMediaType": "application/json"})] = None,
) -> ImportReport:
    """Import applications: headers matched by common names (Company, Title, Status, Date applied, URL,
    Notes, ...) or your `mapping`; each row on its own, refused rows listed with their numbers;
    duplicates (same job URL, or company + title, already tracked or repeated) skipped. A multipart
    `file`, or the JSON rows as the request body."""
    if file is None and not _is_json(request):
        raise RequestValidationError([{"type": "file_missing", "loc": ("body", "file"), "input": None,
                                       "msg": "A multipart body needs a file (or send the rows as a JSON body)"}])
    try:
        fields = json.loads(mapping) if mapping else None
    except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested past the parser's depth
        fields = None
    if mapping and not (isinstance(fields, dict) and all(isinstance(v, str) for v in fields.values())):
        raise InvalidInput('mapping must be a JSON object {"Their header": "field"}')
    if file is None:  # career-copilot-api.md's "CSV/JSON ingestion": the rows sent as the body
        data, name = await request.body(), "applications.json"
    else:
        data, name = await file.read(applications.MAX_IMPORT_BYTES + 1), file.filename
    return await in_thread_session(lambda s: applications.import_file(s, user, data, name, dry_run=dry_run,
                                                                      mapping=fields, r=r))
