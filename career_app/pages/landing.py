import reflex as rx

from career_app.pages.common import frame
from components.layout import link_button
from state.auth import AuthState

# Only what the app does today.
FEATURES = [
    ("file-text", "Resume to matches", "Upload a PDF or DOCX resume and get jobs ranked by meaning, not keywords."),
    ("target", "Honest skill gaps", "See which skills a job asks for that you have not shown yet, and how to learn them."),
    ("clipboard-list", "Ready for each job", "Every listing comes with a resume guide and interview questions."),
    ("kanban", "Application tracker", "Track every application on a Kanban board, import your spreadsheet, and "
     "see your funnel from applied to offer."),
    ("messages-square", "A career coach that knows the job", "Chat with an AI coach about a job, your gap and "
     "your interviews; a person from the team can step in live."),
    ("pen-line", "Letters that never invent", "Cover letters, tailored resumes and emails written from your real "
     "resume, with any unsupported claim flagged."),
    ("search", "Open job feed", "Search active listings by keywords, location, salary, skills and remote work."),
    ("building-2", "For employers", "Post jobs and let AI write the resume guide and interview prep for them; "
     "admins ingest postings from career sites and job boards."),
    ("server", "Self-hostable", "One app on PostgreSQL and Redis, with a documented REST API."),
]


def _feature(icon: str, title: str, text: str) -> rx.Component:
    return rx.card(
        rx.vstack(rx.icon(icon, size=26), rx.heading(title, size="4"), rx.text(text, color_scheme="gray"),
                  spacing="2"),
        width="100%",
    )


def _hero_buttons(*buttons: tuple[str, str, str]) -> rx.Component:
    return rx.flex(
        *[link_button(label, size="3", variant=variant, href=href) for label, href, variant in buttons],
        spacing="3", wrap="wrap",
    )


def landing() -> rx.Component:
    return frame(
        rx.vstack(
            rx.heading("Your whole job search, in one place", size=rx.breakpoints(initial="7", sm="8")),
            rx.text("Career Copilot matches you to jobs by meaning, shows which skills you are missing, and "
                    "prepares you for each job with a resume guide and interview questions.",
                    size="4", color_scheme="gray"),
            rx.cond(
                AuthState.signed_in,
                _hero_buttons(("Go to your dashboard", "/dashboard", "solid"), ("Browse jobs", "/jobs", "outline")),
                _hero_buttons(("Create a free account", "/signup", "solid"), ("Browse jobs", "/jobs", "outline"),
                              ("Sign in", "/signin", "ghost")),
            ),
            spacing="4",
            padding_y=rx.breakpoints(initial="1.5em", sm="3em"),
        ),
        rx.grid(*[_feature(*f) for f in FEATURES], columns=rx.breakpoints(initial="1", sm="2", md="3"),
                spacing="4", width="100%"),
    )
