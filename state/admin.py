"""Admin pages. Every handler re-checks the admin role; the page guard only hides UI."""

import asyncio

import reflex as rx

from career_app import db
from career_app.services import users
from models.user import Role
from state.auth import AuthState
from state.common import page_label, pages_for

PAGE_SIZE = 20


class AdminUsersState(AuthState):
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 0
    query: str = ""
    role_filter: str = "all"
    loading: bool = False
    error: str = ""

    @rx.var
    def page_count(self) -> int:
        return pages_for(self.total, PAGE_SIZE)

    @rx.var
    def page_label(self) -> str:
        return page_label(self.page, self.total, PAGE_SIZE, "user")

    async def _reload(self):
        if await self._verified_user(Role.admin) is None:
            self.rows, self.total = [], 0
            self.error = "Admin access required"
            return
        self.loading, self.error = True, ""
        role = None if self.role_filter == "all" else Role(self.role_filter)

        def fetch():
            with db.session_scope() as session:
                return users.list_users(session, skip=self.page * PAGE_SIZE, limit=PAGE_SIZE,
                                        role=role, query=self.query)

        result = await asyncio.to_thread(fetch)
        self.total = result.total
        self.rows = [
            {
                "id": str(u.id),
                "full_name": u.full_name,
                "email": u.email,
                "role": u.role.value,
                "status": "active" if u.is_active else "disabled",
                "created_at": u.created_at.strftime("%Y-%m-%d %H:%M"),
            }
            for u in result.items
        ]
        self.loading = False

    @rx.event
    async def load(self):
        self.page = 0
        await self._reload()

    @rx.event
    async def search(self, form: dict):
        self.query = str(form.get("query", ""))[:100]
        self.page = 0
        await self._reload()

    @rx.event
    async def set_role_filter(self, value: str):
        self.role_filter = value if value in ("all", *Role.__members__) else "all"
        self.page = 0
        await self._reload()

    @rx.event
    async def next_page(self):
        if self.page + 1 < self.page_count:
            self.page += 1
            await self._reload()

    @rx.event
    async def prev_page(self):
        if self.page > 0:
            self.page -= 1
            await self._reload()
