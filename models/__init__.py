"""SQLModel tables, enums and request/response schemas shared by every layer."""

from models.application import Application, ApplicationEvent, ApplicationStatus
from models.content import ContentDocument, ContentVersion
from models.chat import ChatMessage, ChatRole, ChatSession, ChatStatus
from models.chat_desk import CannedReply, ChatAudit, ChatNote, ChatRating
from models.job import Job, JobStatus, Visibility
from models.notification import Category, Notification, NotificationSettings, Priority
from models.resume import Resume, ResumeUpload, UploadStatus
from models.user import Role, User

__all__ = ["Application", "ApplicationEvent", "ApplicationStatus", "CannedReply", "ChatAudit", "ChatNote", "ChatRating", "Category", "ChatMessage", "ChatRole", "ChatSession", "ChatStatus", "ContentDocument", "ContentVersion", "Notification",
           "NotificationSettings", "Priority", "Job", "JobStatus", "Resume", "ResumeUpload", "Role", "UploadStatus", "User", "Visibility"]
