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


def _count(value: rx.Var, words: str, **props) -> rx.Component:
    return rx.text(rx.text.strong(value), " ", words, size="2", **props)


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
                      _count(S.chats_waiting, "waiting for an answer",
                             color_scheme=rx.cond(S.chats_waiting > 0, "amber", "gray")),
                      _count(S.chats_with_admin, "held by an admin")),
                _card("Enrichment", "/admin/jobs", "Review enrichment", "admin-home-enrichment",
                      _count(S.jobs["enrich_failed"], "listings failed enrichment",
                             color_scheme=rx.cond(S.jobs["enrich_failed"] > 0, "red", "gray")),
                      _count(S.jobs["processing"], "being enriched")),
                _card("Jobs and ingestion", "/admin/ingestion", "Open ingestion", "admin-home-ingestion",
                      _count(S.live_jobs, "live listings"),
                      _count(S.queued, "tasks queued"),
                      _count(S.failed_tasks, "failed tasks",
                             color_scheme=rx.cond(S.failed_tasks > 0, "red", "gray"))),
                _card("Users", "/admin/users", "Manage users", "admin-home-users",
                      _count(S.users["seeker"], "seekers"), _count(S.users["provider"], "providers"),
                      _count(S.users["admin"], "admins")),
                columns=rx.breakpoints(initial="1", sm="2", lg="4"), spacing="4", width="100%",
            ),
            rx.cond(S.error == "", loading_block()),
        ),
    )
