"""/admin: the admin's home. What waits for an admin (chats, failed enrichments, queues), in counts,
each card leading to the page that handles it."""

import reflex as rx

from career_app.pages.common import frame
from components.layout import error_callout, loading_block
from state.admin_home import AdminHomeState as S


def _card(title: str, href: str, link_text: str, card_id: str, *lines: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4"),
            *lines,
            rx.link(link_text, " →", href=href, weight="medium", size="2"),
            spacing="2", height="100%",
        ),
        id=card_id, width="100%",
    )


def _count(key: str, **props) -> rx.Component:
    return rx.text(S.words[key], size="2", **props)


def admin_home() -> rx.Component:
    return frame(
        rx.flex(rx.heading("Admin", size="7"), rx.spacer(),
                rx.button(rx.icon("refresh-cw", size=14), "Refresh", variant="soft", size="2", on_click=S.load),
                align="center", width="100%"),
        error_callout(S.error),
        rx.cond(
            S.loaded,
            rx.grid(
                _card("Live chat", "/admin/chat", "Open live chat", "admin-home-chat",
                      _count("waiting", color_scheme=rx.cond(S.chats_waiting > 0, "amber", "gray"),
                             weight=rx.cond(S.chats_waiting > 0, "bold", "regular")),
                      _count("held")),
                _card("Enrichment", "/admin/jobs", "Review enrichment", "admin-home-enrichment",
                      _count("failed", color_scheme=rx.cond(S.jobs["enrich_failed"] > 0, "red", "gray"),
                             weight=rx.cond(S.jobs["enrich_failed"] > 0, "bold", "regular")),
                      _count("processing")),
                _card("Jobs and ingestion", "/admin/ingestion", "Open ingestion", "admin-home-ingestion",
                      _count("live"), _count("queued"),
                      _count("failed_tasks", color_scheme=rx.cond(S.failed_tasks > 0, "red", "gray"))),
                _card("Users", "/admin/users", "Manage users", "admin-home-users",
                      _count("seeker"), _count("provider"), _count("admin")),
                columns=rx.breakpoints(initial="1", sm="2", lg="4"), spacing="4", width="100%",
            ),
            rx.cond(S.error == "", loading_block()),
        ),
    )
