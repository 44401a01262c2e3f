"""SQLModel tables, enums and request/response schemas shared by every layer."""

from models.user import Role, User

__all__ = ["Role", "User"]
