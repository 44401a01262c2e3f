import reflex as rx

from career_app.pages.common import frame
from components.forms import choice
from components.job_status import enrichment_progress
from components.layout import error_callout, info_callout
from state.admin_jobs import STATUS_LABELS, AdminJobsState


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row["title"], href="/jobs/" + row["id"].to(str))),
        rx.table.cell(row["company"]),
        rx.table.cell(rx.vstack(rx.badge(row["status"], color_scheme=row["color"].to(str), class_name="job-status"),
                                enrichment_progress(row), spacing="1")),
        rx.table.cell(rx.text(row["error"], size="1", color_scheme="red", class_name="enrich-error")),
        rx.table.cell(row["created"]),
        rx.table.cell(rx.cond((row["status"] == "enrich_failed") | (row["stalled"] != ""),
                              rx.button("Retry", size="1", on_click=AdminJobsState.retry(row["id"])))),
        key=row["id"],
    )


def _reenrich_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Re-enrich listings", size="4"),
            rx.text("Runs enrichment again for every listing missing a resume guide, interview prep or embedding, "
                    "in small batches with a pause between them.", size="2", color_scheme="gray"),
            rx.button("Start re-enrichment", on_click=AdminJobsState.start_reenrich,
                      loading=AdminJobsState.task_running, id="start-reenrich"),
            rx.cond(AdminJobsState.task_status != "",
                    rx.vstack(rx.progress(value=AdminJobsState.task_progress.to(int), max=100, width="100%"),
                              rx.text("Status: ", AdminJobsState.task_status, size="1", id="reenrich-status"),
                              width="100%")),
            info_callout(AdminJobsState.task_summary),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def admin_jobs() -> rx.Component:
    return frame(
        rx.heading("Enrichment", size="7", on_unmount=AdminJobsState.leave),
        rx.text("Listings as the AI enrichment left them: retry the ones that failed, or enrich them all again.",
                color_scheme="gray", size="2"),
        _reenrich_card(),
        error_callout(AdminJobsState.error),
        rx.hstack(rx.text("Show", size="2"),
                  choice(STATUS_LABELS, AdminJobsState.status_filter, AdminJobsState.set_status_filter,
                         aria_label="Show listings", id="enrichment-filter"),
                  align="center", spacing="2"),
        rx.cond(
            AdminJobsState.rows.length() == 0,
            rx.text("No listings here.", color_scheme="gray", id="admin-jobs-empty"),
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(c) for c in
                                               ("Title", "Company", "Status", "Error", "Posted", "")])),
                rx.table.body(rx.foreach(AdminJobsState.rows, _row)),
                width="100%", id="admin-jobs",
            ),
        ),
        rx.hstack(rx.button("Previous", variant="outline", on_click=AdminJobsState.prev_page),
                  rx.text(AdminJobsState.page_label, size="2"),
                  rx.button("Next", variant="outline", on_click=AdminJobsState.next_page), align="center"),
    )
