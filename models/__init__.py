"""SQLModel tables, enums and request/response schemas shared by every layer."""

from models.application import Application, ApplicationEvent, ApplicationStatus
from models.content import ContentDocument, ContentVersion
from models.chat import ChatMessage, ChatRole, ChatSession, ChatStatus
from models.chat_desk import CannedReply, ChatAudit, ChatNote, ChatRating
from models.job import Job, JobStatus, Visibility
from models.notification import Category, Notification, NotificationSettings, Priority
from models.resume import Resume, ResumeUpload, UploadStatus
from models.social import Share, SocialSettings
from models.support import Feedback, FeedbackScreenshot, HelpArticle, LinkedIdentity
from models.user import Role, User

__all__ = ["Application", "ApplicationEvent", "ApplicationStatus", "CannedReply", "Category", "ChatAudit", "ChatMessage",
           "ChatNote", "ChatRating", "ChatRole", "ChatSession", "ChatStatus", "ContentDocument", "ContentVersion",
           "Feedback", "FeedbackScreenshot", "HelpArticle", "LinkedIdentity", "Notification", "NotificationSettings",
           "Priority", "Job", "JobStatus", "Resume", "ResumeUpload", "Role", "Share", "SocialSettings", "UploadStatus",
           "User", "Visibility"]
