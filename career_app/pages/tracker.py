"""/tracker: the seeker's own tracked jobs (layout only; state/tracker.py)."""

import reflex as rx

from career_app.pages.common import frame
from components.forms import choice, labeled_input
from components.layout import error_callout, info_callout, loading_block
from state.jobs import JobPageState
from state.tracker import TRACKING_LABEL, TrackerSaveState, TrackerState as T


def _form_dialog() -> rx.Component:
    d = T.draft
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(T.editing_id != "", "Edit tracked job", "Track a job")),
            rx.form(
                rx.vstack(
                    labeled_input("Title", "title", min_length=2, default_value=d["title"]),
                    rx.grid(labeled_input("Company", "company_name", required=False, default_value=d["company_name"]),
                            labeled_input("Location", "location", required=False, default_value=d["location"]),
                            columns="2", spacing="3", width="100%"),
                    rx.grid(labeled_input("Salary from", "salary_min", type_="number", required=False,
                                          default_value=d["salary_min"]),
                            labeled_input("Salary to", "salary_max", type_="number", required=False,
                                          default_value=d["salary_max"]),
                            labeled_input("Currency", "salary_currency", required=False, placeholder="EUR",
                                          default_value=d["salary_currency"]),
                            columns="3", spacing="3", width="100%"),
                    labeled_input("Application URL", "external_apply_url", required=False, placeholder="https://…",
                                  default_value=d["external_apply_url"]),
                    rx.vstack(rx.el.label("Notes", html_for="tracker-notes",
                                          style={"font_weight": "500", "font_size": "0.9em"}),
                              rx.text_area(id="tracker-notes", name="notes", rows="3", width="100%",
                                           default_value=d["notes"], max_length=10000), spacing="1", width="100%"),
                    rx.hstack(rx.text("Status", size="2", weight="medium"),
                              choice(TRACKING_LABEL, T.tracking_status, T.set_tracking_status,
                                     aria_label="Tracking status"), align="center", spacing="3"),
                    error_callout(T.form_error),
                    rx.hstack(rx.dialog.close(rx.button("Cancel", type="button", variant="soft")),
                              rx.button("Save", type="submit", id="tracker-save"), justify="end", spacing="3",
                              width="100%"),
                    spacing="3", width="100%",
                ),
                on_submit=T.save, reset_on_submit=False, key=T.form_key,
            ),
            max_width="36em",
        ),
        open=T.form_open, on_open_change=T.set_form_open,
    )


def _import_url() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Import from URL", size="3"),
                rx.text("Paste a job posting's address: its title, company, location, salary and description are "
                        "read from the page (schema.org JobPosting, or its title and description).", size="2",
                        color_scheme="gray"),
                rx.hstack(
                    rx.input(name="url", type="url", placeholder="https://…", required=True, width="100%",
                             aria_label="Job posting URL", id="import-url", max_length=2000),
                    rx.button("Import", type="submit", loading=T.importing, id="import-url-submit"),
                    width="100%", spacing="2"),
                error_callout(T.import_url_error),
                spacing="2", width="100%",
            ),
            on_submit=T.import_url, reset_on_submit=True,
        ),
        width="100%",
    )


def _row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(
            rx.cond(r["saved_listing"] != "", rx.link(r["title"], href="/jobs/" + r["saved_listing"], weight="medium"),
                    rx.text(r["title"], weight="medium")),
            rx.cond(r["url"] != "", rx.link("posting", href=r["url"], is_external=True, size="1")),
            spacing="0")),
        rx.table.cell(r["company"]),
        rx.table.cell(r["location"]),
        rx.table.cell(r["salary"]),
        rx.table.cell(rx.hstack(
            # with an application, its status (it moves with the board); the tracking status otherwise
            rx.cond(r["application"] != "",
                    rx.badge(r["application"], color_scheme="green", variant="soft", class_name="application-status",
                             title="Your application's status"),
                    rx.badge(r["tracking"], variant="soft")),
            rx.cond(r["saved_listing"] != "", rx.badge("listing", variant="outline")),
            spacing="1")),
        rx.table.cell(r["added"]),
        rx.table.cell(rx.hstack(
            rx.cond(r["application_id"] != "",
                    rx.button("Open application", size="1", variant="soft", class_name="open-application",
                              on_click=rx.redirect("/applications?open=" + r["application_id"]),
                              aria_label="Open the application for " + r["title"]),
                    rx.button("Apply", size="1", on_click=T.apply(r["id"]), class_name="apply",
                              aria_label="Apply to " + r["title"])),
            rx.cond(r["saved_listing"] == "",
                    rx.button("Edit", size="1", variant="soft", on_click=T.start_edit(r["id"]),
                              aria_label="Edit " + r["title"])),
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(rx.button("Delete", size="1", color_scheme="red", variant="soft",
                                                  aria_label="Delete " + r["title"])),
                rx.alert_dialog.content(
                    rx.alert_dialog.title("Remove this job from your tracker?"),
                    rx.alert_dialog.description("Applications made on it stay on your board."),
                    rx.hstack(rx.alert_dialog.cancel(rx.button("Cancel", variant="soft")),
                              rx.alert_dialog.action(rx.button("Delete", color_scheme="red",
                                                               on_click=T.delete(r["id"]))),
                              spacing="3", justify="end"),
                ),
            ),
            spacing="2")),
        key=r["id"],
    )


def _table() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.cond(
                T.rows.length() == 0,
                info_callout("No tracked jobs yet. Add one, import it from its URL, or use “Save to tracker” on a "
                             "job's page."),
                rx.box(rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                                   ("Job", "Company", "Location", "Salary", "Status", "Added", "")])),
                    rx.table.body(rx.foreach(T.rows, _row)),
                    width="100%", id="tracked-jobs"), width="100%", style={"overflow_x": "auto"}),
            ),
            rx.hstack(rx.button("Previous", size="1", variant="soft", on_click=T.prev_page, disabled=T.page == 0),
                      rx.text(T.page_label, size="1"),
                      rx.button("Next", size="1", variant="soft", on_click=T.next_page, disabled=~T.has_next),
                      align="center", spacing="3"),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def tracker_page() -> rx.Component:
    return frame(
        rx.cond(
            T.user_role == "seeker",
            rx.vstack(
                rx.flex(rx.heading("Tracked jobs", size="7"), rx.spacer(),
                        rx.button(rx.icon("plus", size=16), "Track a job", on_click=T.start_add, id="track-job"),
                        rx.link("Applications board", href="/applications", size="2"),
                        spacing="3", align="center", wrap="wrap", width="100%"),
                error_callout(T.error),
                info_callout(T.notice),
                _import_url(),
                rx.cond(T.loading, loading_block("Loading your tracked jobs…"), _table()),
                _form_dialog(),
                spacing="4", width="100%",
            ),
            rx.cond(T.signed_in, rx.text("The job tracker is for job seekers."), loading_block()),
        )
    )


def save_to_tracker() -> rx.Component:
    """The public job page's button (seekers): save the listing to the tracker once; then a link to it."""
    return rx.fragment(
        rx.cond(
            TrackerSaveState.saved_entry != "",
            rx.link(rx.button(rx.icon("check", size=16), "On your tracker", variant="soft", color_scheme="green"),
                    href="/tracker", id="on-tracker"),
            rx.button(rx.icon("bookmark-plus", size=16), "Save to tracker", variant="soft",
                      on_click=TrackerSaveState.save, id="save-to-tracker"),
        ),
        rx.cond(TrackerSaveState.save_error != "", rx.text(TrackerSaveState.save_error, color_scheme="red", size="2")),
        rx.box(on_mount=TrackerSaveState.check, display="none", key=JobPageState.job["id"].to(str)),
    )
