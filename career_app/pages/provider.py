import reflex as rx

from career_app.pages.common import frame
from components.forms import choice, labeled_input
from components.job_status import enrichment_progress
from components.layout import error_callout, info_callout, loading_block
from state.common import EMPLOYMENT_LABEL, REMOTE_LABEL
from state.provider import ProviderState


def _choice(label: str, aria_label: str, options: dict[str, str], value: rx.Var, on_change) -> rx.Component:
    return rx.vstack(rx.text(label, size="2", weight="medium"),
                     choice(options, value, on_change, aria_label=aria_label, width="100%"),
                     spacing="1", width="100%")


def _post_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(rx.cond(ProviderState.editing_id != "", "Edit job", "Post a job"), size="4"),
                rx.vstack(
                    rx.el.label("Title", html_for="job-title", style={"font_weight": "500", "font_size": "0.9em"}),
                    rx.input(id="job-title", name="title", required=True, min_length=3, max_length=200, width="100%",
                             default_value=ProviderState.draft["title"]),
                    spacing="1", width="100%"),
                rx.grid(labeled_input("Company", "company_name", required=False, default_value=ProviderState.draft["company_name"]),
                        labeled_input("Location", "location", required=False, default_value=ProviderState.draft["location"]), columns="2", spacing="3",
                        width="100%"),
                rx.vstack(
                    rx.el.label("Description", html_for="job-description",
                                style={"font_weight": "500", "font_size": "0.9em"}),
                    rx.text_area(id="job-description", name="description_raw", required=True, min_length=20,
                                 rows="8", width="100%", default_value=ProviderState.draft["description_raw"]),
                    spacing="1", width="100%"),
                labeled_input("Skills (comma separated)", "skills", required=False, placeholder="Python, SQL",
                              default_value=ProviderState.draft["skills"]),
                rx.grid(labeled_input("Salary from", "salary_min", type_="number", required=False,
                                      default_value=ProviderState.draft["salary_min"]),
                        labeled_input("Salary to", "salary_max", type_="number", required=False,
                                      default_value=ProviderState.draft["salary_max"]),
                        labeled_input("Currency", "salary_currency", required=False, placeholder="EUR",
                                      default_value=ProviderState.draft["salary_currency"]),
                        columns="3", spacing="3", width="100%"),
                rx.grid(
                    _choice("Work place", "Work place", REMOTE_LABEL, ProviderState.remote_option,
                            ProviderState.set_remote_option),
                    _choice("Employment", "Employment type", EMPLOYMENT_LABEL, ProviderState.employment_type,
                            ProviderState.set_employment_type),
                    columns="2", spacing="3", width="100%"),
                labeled_input("Apply URL", "external_apply_url", required=False, placeholder="https://…",
                              default_value=ProviderState.draft["external_apply_url"]),
                error_callout(ProviderState.form_error),
                info_callout(ProviderState.form_notice),
                rx.cond(ProviderState.posted_notice != "",
                        rx.callout.root(
                            rx.callout.icon(rx.icon("circle-check")),
                            rx.callout.text(ProviderState.posted_notice, " ",
                                            # a plain anchor: on a phone the list is below the form
                                            rx.el.a("See it in your jobs", href="#your-jobs",
                                                    style={"font_weight": "500", "color": "var(--accent-11)"})),
                            color_scheme="green", role="status", width="100%", id="posted-notice")),
                rx.hstack(
                    rx.button(rx.cond(ProviderState.editing_id != "", "Save changes", "Post job"), type="submit",
                              loading=ProviderState.posting, id="post-job"),
                    rx.cond(ProviderState.editing_id != "",
                            rx.button("Cancel", type="button", variant="soft", on_click=ProviderState.cancel_edit)),
                    spacing="2",
                ),
                spacing="3", width="100%",
            ),
            on_submit=ProviderState.post_job,
            reset_on_submit=False,
            key=ProviderState.form_key,  # a new key re-mounts the inputs with the draft's values
        ),
        width="100%",
    )


def _job_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row["title"], href="/jobs/" + row["id"].to(str))),
        rx.table.cell(rx.vstack(
            rx.hstack(rx.badge(row["status"], color_scheme=row["color"].to(str), class_name="job-status"),
                      rx.cond(row["generated_by"] == "offline", rx.badge("offline AI", variant="outline")),
                      align="center"),
            enrichment_progress(row),
            spacing="1")),
        rx.table.cell(rx.text(row["error"], size="1", color_scheme="red")),
        rx.table.cell(row["created"]),
        rx.table.cell(rx.hstack(
            rx.button("Edit", size="1", variant="soft", on_click=ProviderState.start_edit(row["id"])),
            rx.cond((row["status"] == "enrich_failed") | (row["stalled"] != ""),
                    rx.button("Retry", size="1", on_click=ProviderState.retry(row["id"]))),
            rx.cond(row["status"] == "active",
                    rx.button("Close", size="1", variant="soft", on_click=ProviderState.close(row["id"]))),
            rx.cond(row["status"] == "closed",
                    rx.button("Reopen", size="1", variant="soft", on_click=ProviderState.reopen(row["id"]))),
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(rx.button("Delete", size="1", color_scheme="red", variant="soft")),
                rx.alert_dialog.content(
                    rx.alert_dialog.title("Delete this job?"),
                    rx.alert_dialog.description("It disappears from the feed and cannot be restored."),
                    rx.hstack(rx.alert_dialog.cancel(rx.button("Cancel", variant="soft")),
                              rx.alert_dialog.action(rx.button("Delete", color_scheme="red",
                                                               on_click=ProviderState.delete(row["id"]))),
                              spacing="3", justify="end"),
                ),
            ),
            spacing="2")),
        key=row["id"],
    )


def _job_table() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Your jobs", size="4", id="your-jobs", style={"scroll_margin_top": "1em"}),
            error_callout(ProviderState.list_error),
            rx.cond(
                ProviderState.rows.length() == 0,
                rx.text("You have not posted any jobs yet.", color_scheme="gray"),
                rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                                   ("Title", "Status", "Error", "Posted", "")])),
                    rx.table.body(rx.foreach(ProviderState.rows, _job_row)),
                    width="100%", id="provider-jobs",
                ),
            ),
            rx.hstack(rx.button("Previous", size="1", variant="soft", on_click=ProviderState.prev_page),
                      rx.text(ProviderState.page_label, size="1"),
                      rx.button("Next", size="1", variant="soft", on_click=ProviderState.next_page), align="center"),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def provider_console() -> rx.Component:
    return frame(
        rx.cond(
            (ProviderState.user_role == "provider") | (ProviderState.user_role == "admin"),
            rx.vstack(rx.heading("Provider console", size="7"),
                      # side by side on a wide screen: the list stays in view while posting
                      rx.grid(_post_form(), _job_table(), columns=rx.breakpoints(initial="1", lg="2"), spacing="4",
                              width="100%", align_items="start"),
                      spacing="4", width="100%"),
            rx.cond(ProviderState.signed_in, rx.text("The provider console is for job providers."), loading_block()),
        ),
        max_width="90em",
    )
