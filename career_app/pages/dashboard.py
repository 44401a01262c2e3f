import reflex as rx

from career_app.pages.common import frame
from components.layout import error_callout, link_button, loading_block
from state.dashboard import DashboardState

ROLE_INTRO = {
    "seeker": "Get matched to jobs, see your recommendations and your skill gap, track your applications on a "
              "Kanban board, ask the career coach, and write cover letters in the studio.",
    "provider": "Post jobs and follow their AI enrichment from your provider console.",
    "admin": "Manage users, ingest jobs from career sites and job boards, follow enrichment, and answer seekers' "
             "chats live.",
}


def _admin_card() -> rx.Component:
    """On an empty instance, the way to a first catalogue (the admin pages themselves are in the navigation)."""
    return rx.box(
        rx.text("Chats waiting for an answer, failed listings and queues are on the ",
                rx.link("admin home", href="/admin", weight="medium", id="admin-home-link"), ".", size="2"),
        rx.cond(
            DashboardState.empty_catalogue,
            rx.callout(
                rx.hstack(rx.text("No job is live yet. Load the bundled sample catalogue (320 postings) to try the "
                                  "platform."),
                          link_button("Load the sample catalogue", size="2", href="/admin/ingestion"),
                          wrap="wrap", spacing="3", align="center"),
                icon="info", width="100%", id="empty-catalogue"),
        ),
        width="100%", on_mount=DashboardState.load_admin,
    )


def _profile_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Your account", size="4"),
            rx.data_list.root(
                rx.data_list.item(rx.data_list.label("Name"), rx.data_list.value(DashboardState.user_name)),
                rx.data_list.item(rx.data_list.label("Email"), rx.data_list.value(DashboardState.user_email)),
                rx.data_list.item(rx.data_list.label("Role"),
                                  rx.data_list.value(rx.badge(DashboardState.user_role, id="dashboard-role"))),
            ),
            spacing="3",
        ),
        width="100%",
    )


def _export_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Your data", size="4"),
            rx.text("Download everything Career Copilot stores about you as JSON. It is prepared in the background.",
                    color_scheme="gray", size="2"),
            rx.hstack(
                rx.button("Prepare export", on_click=DashboardState.start_export, loading=DashboardState.export_running,
                          id="start-export"),
                rx.cond(
                    DashboardState.export_status == "finished",
                    rx.button("Download JSON", on_click=DashboardState.download_export, variant="soft",
                              id="download-export"),
                ),
            ),
            rx.cond(
                DashboardState.export_status != "",
                rx.vstack(
                    rx.progress(value=DashboardState.export_progress.to(int), max=100, width="100%"),
                    rx.text("Status: ", DashboardState.export_status, size="1", id="export-status"),
                    width="100%",
                ),
            ),
            error_callout(DashboardState.export_error),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _chart(title: str | rx.Var, data: rx.Var, x_key: str, chart_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(title, weight="medium", size="2"),
        rx.recharts.bar_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
            rx.recharts.x_axis(data_key=x_key),
            rx.recharts.y_axis(allow_decimals=False),
            rx.recharts.graphing_tooltip(),
            rx.recharts.bar(data_key="count", fill="var(--accent-9)", name="Applications", is_animation_active=False),
            data=data, height=200, width="100%",
        ),
        id=chart_id, width="100%", spacing="1",
    )


def _next_steps() -> rx.Component:
    """Seekers: where they stand with their resume, and the pages that follow from it."""
    return rx.box(
        rx.cond(
            ~DashboardState.insights_loaded, rx.fragment(),
            rx.cond(
                DashboardState.resume_name == "",
                rx.callout.root(
                    rx.callout.icon(rx.icon("file-up")),
                    rx.callout.text("Start with your resume: ", rx.link("upload it", href="/resume", weight="medium"),
                                    " to get matched to jobs and see your skill gap."),
                    width="100%"),
                rx.card(rx.flex(
                    rx.hstack(rx.icon("file-check", size=16),
                              rx.text("Your resume: ", rx.text.strong(DashboardState.resume_name), " (",
                                      DashboardState.resume_skills_found, ")", size="2"),
                              align="center", spacing="2"),
                    rx.spacer(),
                    # named apart from the navigation's "Recommended", "Skill gap" and "Resume"
                    rx.link("Jobs matched to you", href="/recommended", size="2", weight="medium"),
                    rx.link("What to learn next", href="/skills-gap", size="2", weight="medium"),
                    rx.link("Upload a newer file", href="/resume", size="2"),
                    column_gap="1.2em", row_gap="0.4em", wrap="wrap", align="center", width="100%"),
                    width="100%"),
            ),
        ),
        id="dashboard-resume", width="100%",
    )


def _tracker_card() -> rx.Component:
    """Seekers: the application tracker in charts (empty state until there is something to show)."""
    return rx.card(
        rx.vstack(
            rx.hstack(rx.heading("Your applications", size="4"), rx.spacer(),
                      rx.link("Open the board", href="/applications", size="2"), width="100%", align="center"),
            rx.cond(
                ~DashboardState.insights_loaded, loading_block("Loading your tracker…"),
                rx.cond(
                    DashboardState.tracker_total == 0,
                    rx.text("No applications tracked yet. Add them on the ", rx.link("board", href="/applications"),
                            " or import the spreadsheet you keep; your funnel, weekly activity and salary range "
                            "show here.", color_scheme="gray", size="2", id="tracker-empty"),
                    rx.vstack(
                        rx.text(DashboardState.funnel_rates,
                                size="2", color_scheme="gray", id="tracker-summary"),
                        rx.grid(
                            _chart("Funnel", DashboardState.funnel_rows, "stage", "chart-funnel"),
                            _chart("Applied per week", DashboardState.weekly_rows, "week", "chart-weekly"),
                            rx.cond(DashboardState.salary_rows.length() > 0,
                                    _chart(DashboardState.salary_title, DashboardState.salary_rows, "range",
                                           "chart-salary"),
                                    rx.text("No salaries known for these jobs yet.", size="2", color_scheme="gray")),
                            columns=rx.breakpoints(initial="1", md="3"), spacing="4", width="100%"),
                        width="100%"),
                ),
            ),
            spacing="3", width="100%",
        ),
        width="100%", on_mount=DashboardState.load_insights,
    )


def dashboard() -> rx.Component:
    return frame(
        rx.cond(
            DashboardState.signed_in,
            rx.vstack(
                rx.cond(DashboardState.denied_notice != "",
                         rx.callout(DashboardState.denied_notice, icon="shield_alert", color_scheme="amber",
                                    role="status", width="100%", id="denied-notice")),
                rx.heading("Welcome, ", DashboardState.user_name, size="7", id="dashboard-heading"),
                rx.text(rx.match(DashboardState.user_role, *ROLE_INTRO.items(), ""), color_scheme="gray"),
                rx.cond(DashboardState.user_role == "seeker", rx.fragment(_next_steps(), _tracker_card())),
                rx.cond(DashboardState.user_role == "admin", _admin_card()),
                rx.grid(_profile_card(), _export_card(), columns=rx.breakpoints(initial="1", md="2"), spacing="4",
                        width="100%"),
                spacing="4",
                width="100%",
            ),
            loading_block(),
        )
    )
