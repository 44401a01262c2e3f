import reflex as rx

from career_app.pages.common import frame
from state.auth import AuthState

FEATURES = [
    ("file-text", "Resume to matches", "Upload a PDF or DOCX resume and get jobs ranked by meaning, not keywords."),
    ("target", "Honest skill gaps", "See which skills a job asks for that you have not shown yet, and how to learn them."),
    ("kanban", "Application tracking", "Follow every application on a board, import and export your history."),
    ("message-circle", "AI career coach", "Prepare interviews and cover letters with a coach a human can join."),
    ("building-2", "For employers", "Post jobs and let AI write the resume guide and interview prep for them."),
    ("server", "Self-hostable", "One app on PostgreSQL and Redis, with a documented REST API."),
]


def _feature(icon: str, title: str, text: str) -> rx.Component:
    return rx.card(
        rx.vstack(rx.icon(icon, size=26), rx.heading(title, size="4"), rx.text(text, color_scheme="gray"),
                  spacing="2"),
        width="100%",
    )


def landing() -> rx.Component:
    return frame(
        rx.vstack(
            rx.heading("Your whole job search, in one place", size="8"),
            rx.text("Career Copilot matches you to jobs by meaning, shows what you are missing, and helps you "
                    "apply and prepare.", size="4", color_scheme="gray"),
            rx.cond(
                AuthState.signed_in,
                rx.hstack(
                    rx.link(rx.button("Go to your dashboard", size="3"), href="/dashboard"),
                    rx.link(rx.button("Browse jobs", size="3", variant="outline"), href="/jobs"),
                ),
                rx.hstack(
                    rx.link(rx.button("Create a free account", size="3"), href="/signup"),
                    rx.link(rx.button("Browse jobs", size="3", variant="outline"), href="/jobs"),
                    rx.link(rx.button("Sign in", size="3", variant="ghost"), href="/signin"),
                ),
            ),
            spacing="4",
            padding_y="3em",
        ),
        rx.grid(*[_feature(*f) for f in FEATURES], columns=rx.breakpoints(initial="1", sm="2", md="3"),
                spacing="4", width="100%"),
    )
