import reflex as rx

from career_app.pages.common import frame
from components.layout import error_callout, loading_block
from state.dashboard import DashboardState

ROLE_INTRO = {
    "seeker": "Upload your resume to get matched to jobs, then see your recommendations and your skill gap.",
    "provider": "Post jobs and follow their AI enrichment from your provider console.",
    "admin": "Manage users and follow job enrichment from the admin pages.",
}


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
                rx.grid(_profile_card(), _export_card(), columns=rx.breakpoints(initial="1", md="2"), spacing="4",
                        width="100%"),
                spacing="4",
                width="100%",
            ),
            loading_block(),
        )
    )
