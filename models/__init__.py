"""SQLModel tables, enums and request/response schemas shared by every layer."""

from models.job import Job, JobStatus, Visibility
from models.resume import Resume, ResumeUpload, UploadStatus
from models.user import Role, User

__all__ = ["Job", "JobStatus", "Resume", "ResumeUpload", "Role", "UploadStatus", "User", "Visibility"]
