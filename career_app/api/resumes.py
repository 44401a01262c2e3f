"""Resume routes: the synchronous Ottobon upload, the asynchronous upload with status, and
signed downloads of the private file."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, File, Request, Response, UploadFile
from fastapi.responses import FileResponse

from career_app.api.deps import RQDep, SeekerUser, SessionDep
from career_app.api.origins import public_base
from career_app.services import documents, resumes, storage
from models.schemas import ResumeDownload, ResumeProcessed, ResumeUploadAccepted, ResumeUploadState

router = APIRouter(prefix="/api/v1", tags=["resumes"])
# A body far over the cap never gets here: career_app.api.limits refuses it before it is read.


def _read(file: UploadFile) -> bytes:
    data = file.file.read(documents.MAX_UPLOAD_BYTES + 1)
    documents.check_size(len(data))
    return data


ResumeFile = Annotated[UploadFile, File(description="PDF or DOCX resume, at most 10 MB",
                                        json_schema_extra={"minLength": 1})]
_UNREADABLE = {400: {"description": "Not a PDF or DOCX resume, or one that cannot be read"}}


@router.post("/users/resume", response_model=ResumeProcessed, responses=_UNREADABLE)
def upload_resume(user: SeekerUser, session: SessionDep, file: ResumeFile) -> ResumeProcessed:
    """Parse, embed and store a resume in this request; replaces the current one once it parsed."""
    resume = resumes.upload_now(session, user, _read(file), file.filename)
    return ResumeProcessed(message="Resume processed successfully", characters_extracted=resume.characters,
                           skills=resume.skills)


@router.post("/resume/upload", response_model=ResumeUploadAccepted, status_code=202, responses=_UNREADABLE)
def upload_resume_async(user: SeekerUser, session: SessionDep, conn: RQDep, file: ResumeFile) -> ResumeUploadAccepted:
    """Check the file, then parse it in a worker; poll /api/v1/resume/{upload_id}/status."""
    upload = resumes.start_upload(session, conn, user, _read(file), file.filename)
    return ResumeUploadAccepted(upload_id=upload.id, status=upload.status)


@router.get("/resume/{upload_id}/status", response_model=ResumeUploadState)
def upload_status(upload_id: str, user: SeekerUser, session: SessionDep) -> ResumeUploadState:
    return ResumeUploadState.model_validate(resumes.upload_status(session, user, upload_id))


@router.get("/users/me/resume", response_model=ResumeDownload, responses={404: {"description": "No resume uploaded"}})
def my_resume_link(request: Request, response: Response, user: SeekerUser, session: SessionDep) -> ResumeDownload:
    """A link to download your current resume, valid for 15 minutes."""
    response.headers["Cache-Control"] = "no-store"
    path, expires = resumes.download_link(session, user)
    resume = resumes.current(session, user.id)
    base = public_base(request.url.scheme, request.headers.get("host"))  # never an unchecked Host
    return ResumeDownload(download_url=base + path, file_name=resume.file_name,
                          expires_at=datetime.fromtimestamp(expires, UTC))


@router.api_route("/files/{token}", methods=["GET", "HEAD"], response_class=FileResponse, include_in_schema=False)
def download(token: str) -> FileResponse:
    signed = storage.open_signed(token)
    return FileResponse(storage.file_path(signed.key), filename=signed.download_name,
                        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
