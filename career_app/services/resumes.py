"""Resumes: parse, embed and store a seeker's resume, synchronously or through an RQ upload.

A new resume replaces the current one only once it parsed: a failed upload leaves no file and
no row behind and the previous resume stays in place."""

import logging
import unicodedata
import uuid
from collections.abc import Callable
from pathlib import PurePath

import redis
from sqlmodel import Session, select

from career_app.services import documents, embeddings, evidence, live, resume_reading, storage, tasks
from career_app.services.errors import NotFound, ServiceError
from career_app.services.skills import taxonomy
from models.base import utcnow
from models.resume import Resume, ResumeUpload, UploadStatus
from models.schemas import CONTROL_RE
from models.user import User

log = logging.getLogger(__name__)


def clean_file_name(name: str | None, extension: str) -> str:
    """The base name only, without control or invisible formatting characters (e.g. right-to-left override)."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = "".join(c for c in CONTROL_RE.sub("", base) if unicodedata.category(c) not in ("Cf", "Cs")).strip()[:200]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem or 'resume'}.{extension}"


def suggestions(text: str, skills: list[str]) -> dict:
    """Profile fields a resume suggests: name, headline (a role line), location, skills, occupational
    family and level (services/resume_reading.py)."""
    return resume_reading.read(text, skills).as_dict()


def _parse(data: bytes) -> tuple[documents.ExtractedDocument, list[str], list[float]]:
    doc = documents.extract(data)
    return doc, taxonomy().extract(doc.text), embeddings.embed(doc.text)


def _replace_current(session: Session, user_id: uuid.UUID, doc: documents.ExtractedDocument, skills: list[str],
                     vector: list[float], data: bytes, file_name: str) -> Resume:
    """Store the file, then swap the row; the old file goes only after the commit."""
    profile = evidence.resume_profile(doc.text)  # skill evidence: lines, phrases and their embeddings
    key = storage.new_key("resumes", user_id, doc.extension)
    storage.save(key, data)
    try:
        resume = session.exec(select(Resume).where(Resume.user_id == user_id).with_for_update()).first()
        old_key = resume.storage_key if resume else None
        if resume is None:
            resume = Resume(user_id=user_id, file_name="", content_type="", storage_key="", size_bytes=0, text="")
        resume.file_name = clean_file_name(file_name, doc.extension)
        resume.content_type = doc.content_type
        resume.storage_key = key
        resume.size_bytes = len(data)
        resume.text = doc.text
        resume.skills = skills
        resume.embedding = vector
        evidence.store_resume_profile(resume, profile)
        resume.created_at = utcnow()
        session.add(resume)
        session.commit()
    except BaseException:
        session.rollback()
        storage.delete(key)
        raise
    storage.delete(old_key)
    from career_app.services import matching  # matching reads resumes: imported here, not at the top

    matching.after_resume_change(session, user_id)  # a new resume re-ranks once, now
    session.refresh(resume)
    return resume


def upload_now(session: Session, user: User, data: bytes, file_name: str | None) -> Resume:
    """The synchronous path: parse, embed and store in this request."""
    doc, skills, vector = _parse(data)
    return _replace_current(session, user.id, doc, skills, vector, data, file_name or "")


def current(session: Session, user_id: uuid.UUID) -> Resume | None:
    return session.exec(select(Resume).where(Resume.user_id == user_id)).first()


def download_link(session: Session, user: User) -> tuple[str, int]:
    resume = current(session, user.id)
    if resume is None:
        raise NotFound("No resume uploaded")
    return storage.signed_path(resume.storage_key, resume.file_name)


# --- asynchronous uploads ------------------------------------------------------------------


def start_upload(session: Session, conn: redis.Redis, user: User, data: bytes, file_name: str | None) -> ResumeUpload:
    """Check size and type now (clear 4xx at once), stage the file privately, parse in a worker."""
    documents.check_size(len(data))
    extension = documents.EXTENSIONS[documents.sniff_type(data)]
    upload = ResumeUpload(user_id=user.id, file_name=clean_file_name(file_name, extension))
    upload.staging_key = storage.new_key("staging", user.id, extension)
    storage.save(upload.staging_key, data)
    try:
        session.add(upload)
        session.commit()
    except BaseException:
        session.rollback()
        storage.delete(upload.staging_key)
        raise
    try:
        tasks.enqueue(conn, "parse_resume", user, str(upload.id))
    except BaseException:  # no worker will ever see it: take it back
        session.delete(upload)
        session.commit()
        storage.delete(upload.staging_key)
        raise
    session.refresh(upload)
    return upload


def upload_status(session: Session, user: User, upload_id: str) -> ResumeUpload:
    try:
        upload = session.get(ResumeUpload, uuid.UUID(upload_id))
    except ValueError:
        upload = None
    if upload is None or upload.user_id != user.id:
        raise NotFound("Upload not found")
    return upload


def _set_progress(session: Session, upload: ResumeUpload, status: UploadStatus, progress: int) -> None:
    upload.status = status
    upload.progress = progress
    session.add(upload)
    session.commit()


def announce_progress(r: redis.Redis, upload: ResumeUpload) -> None:
    """After the commit: the uploader's tabs follow the parsing live (they read the details from the
    upload row). Never fails the parsing: a tab that missed it reloads on resync."""
    try:
        live.publish(r, live.user(upload.user_id), {"type": "resume_upload", "upload_id": str(upload.id),
                                                    "status": upload.status.value, "progress": upload.progress})
    except redis.RedisError as exc:
        log.warning("resume upload event for %s not published: %s", upload.id, exc)


def process_upload(session: Session, upload_id: uuid.UUID, progress: Callable[[float], None] = lambda _: None,
                   r: redis.Redis | None = None) -> ResumeUpload | None:
    """Worker side of `start_upload`. Errors end on the upload row, never as a half-stored resume.
    Returns the finished upload (done or failed), or None when there was nothing to do. With `r`,
    each committed step is announced to the uploader's tabs."""
    upload = session.get(ResumeUpload, upload_id)
    if upload is None or upload.status in (UploadStatus.done, UploadStatus.failed):
        return None

    def step(percent: int) -> None:
        progress(percent)
        if r is not None:
            announce_progress(r, upload)

    key = upload.staging_key
    try:
        _set_progress(session, upload, UploadStatus.processing, 10)
        step(10)
        data = storage.read(key)
        doc = documents.extract(data)
        _set_progress(session, upload, UploadStatus.processing, 40)
        step(40)
        skills = taxonomy().extract(doc.text)
        vector = embeddings.embed(doc.text)
        _set_progress(session, upload, UploadStatus.processing, 75)
        step(75)
        _replace_current(session, upload.user_id, doc, skills, vector, data, upload.file_name)
        upload.characters_extracted = len(doc.text)
        upload.skills = skills
        upload.suggestions = suggestions(doc.text, skills)
        upload.status, upload.progress = UploadStatus.done, 100
    except ServiceError as exc:
        session.rollback()
        upload.status, upload.error = UploadStatus.failed, exc.detail[:500]
    except Exception as exc:  # timeouts and crashes too: the user gets an answer, the worker logs the trace
        session.rollback()
        upload.status, upload.error = UploadStatus.failed, "Could not process this file"
        log.exception("resume upload %s failed", upload_id, exc_info=exc)
    upload.staging_key = None
    upload.finished_at = utcnow()
    session.add(upload)
    session.commit()
    storage.delete(key)
    step(100)
    return upload
