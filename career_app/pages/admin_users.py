import reflex as rx

from career_app.pages.common import frame
from components.forms import choice
from components.layout import error_callout, loading_block
from state.admin import AdminUsersState

COLUMNS = ("Name", "Email", "Role", "Status", "Joined")


def _row(user: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(user["full_name"]),
        rx.table.cell(user["email"]),
        rx.table.cell(rx.badge(user["role"])),
        rx.table.cell(user["status"]),
        rx.table.cell(user["created_at"]),
        key=user["id"],
    )


def _filters() -> rx.Component:
    return rx.hstack(
        rx.form(
            rx.hstack(
                rx.input(name="query", placeholder="Search name or email", max_length=100, aria_label="Search users"),
                rx.button("Search", type="submit", variant="soft"),
            ),
            on_submit=AdminUsersState.search,
        ),
        choice(["all", "seeker", "provider", "admin"], AdminUsersState.role_filter, AdminUsersState.set_role_filter,
               aria_label="Filter by role"),
        spacing="3",
        wrap="wrap",
    )


def _pager() -> rx.Component:
    return rx.hstack(
        rx.button("Previous", on_click=AdminUsersState.prev_page, disabled=AdminUsersState.page == 0,
                  variant="outline"),
        rx.text(AdminUsersState.page_label, size="2", id="users-page-label"),
        rx.button("Next", on_click=AdminUsersState.next_page,
                  disabled=AdminUsersState.page + 1 >= AdminUsersState.page_count, variant="outline"),
        align="center",
        spacing="3",
    )


def admin_users() -> rx.Component:
    return frame(
        rx.heading("Users", size="7"),
        error_callout(AdminUsersState.error),
        _filters(),
        rx.cond(
            AdminUsersState.loading & (AdminUsersState.total == 0),
            loading_block(),
            rx.cond(
                AdminUsersState.rows.length() == 0,
                rx.text("No users match these filters.", color_scheme="gray"),
                rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(c) for c in COLUMNS])),
                    rx.table.body(rx.foreach(AdminUsersState.rows, _row)),
                    width="100%",
                    id="users-table",
                ),
            ),
        ),
        _pager(),
    )
