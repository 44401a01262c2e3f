"""/applications: the seeker's Kanban board of applications (layout only; state/applications.py)."""

import reflex as rx

from career_app.pages.common import frame
from components.forms import choice
from components.kanban import drag_card, drop_column, edge_strips
from components.layout import error_callout, info_callout, loading_block
from state.applications import SORT_LABEL, STATUS_LABEL, STATUSES, ApplicationsState as S

IMPORT_UPLOAD_ID = "import-upload"
FILTER_OPTIONS = {"all": "All statuses", **STATUS_LABEL}
SORT_OPTIONS = {f"{field}:{order}": f"{label} ({'newest' if order == 'desc' else 'oldest'} first)"
                if field in ("updated_at", "created_at", "applied_on") else f"{label} ({'A-Z' if order == 'asc' else 'Z-A'})"
                for field, label in SORT_LABEL.items() for order in ("desc", "asc")}
EXPORT_FORMATS = (("csv", "CSV"), ("xlsx", "XLSX"), ("pdf", "PDF"))  # the formats GET /api/v1/export/applications.{fmt} serves
LABEL_STYLE = {"font_weight": "500", "font_size": "0.9em"}


def _status_select(value, on_change, aria_label, **props) -> rx.Component:
    """A native select: keyboard-usable everywhere (arrows, type-ahead, Enter)."""
    return rx.el.select(*[rx.el.option(label, value=s) for s, label in STATUS_LABEL.items()],
                        value=value, on_change=on_change, aria_label=aria_label,
                        style={"padding": "0.2em 0.3em", "border_radius": "6px", "font_size": "0.85em",
                               "border": "1px solid var(--gray-a7)", "background": "var(--color-surface)"},
                        **props)


# Compact cards and columns: all eight columns fit side by side at 1366 px (narrower screens scroll the board).
CARD_STYLE = {"padding": "0.45em", "border_radius": "8px", "background": "var(--color-panel-solid)",
              "border": "1px solid var(--gray-a5)", "box_shadow": "var(--shadow-1)", "font_size": "0.9em",
              "min_width": "0", "overflow_wrap": "anywhere"}
OPEN_STYLE = {"all": "unset", "cursor": "pointer", "color": "var(--accent-11)", "font_size": "0.9em",
              "line_height": "1.3", "min_width": "0"}
COLUMN_MIN = "9em"  # 8 x 144 px + gaps (1208 px) fit the board of a 1280 px window, and of 1366 px with room
NOWRAP = {"white_space": "nowrap"}  # a date breaks before it, never at its hyphens


def _card(c: rx.Var) -> rx.Component:
    """Plain elements where they do the job (a board shows up to 400 cards at once)."""
    name = c["company"] + " · " + c["title"]
    return drag_card(
        rx.vstack(
            rx.hstack(
                rx.el.input(type="checkbox", checked=S.selected.contains(c["id"]),
                            on_change=S.toggle_selected(c["id"]), aria_label="Select " + name,
                            style={"margin_top": "0.25em", "width": "1em", "height": "1em"}),
                rx.el.button(rx.text(c["company"], weight="bold", as_="span", display="block"),
                             rx.text(c["title"], as_="span", display="block"),
                             type="button", on_click=S.open_drawer(c["id"]), aria_label="Open " + name,
                             class_name="card-open", style=OPEN_STYLE),
                align="start", spacing="2", width="100%",
            ),
            rx.cond(c["applied"] != "",
                    rx.text("Applied ", rx.el.span(c["applied"], style=NOWRAP), size="1", color_scheme="gray")),
            rx.cond(c["next_interview"] != "",
                    rx.text("Interview ", rx.el.span(c["next_interview"], style=NOWRAP), size="1",
                            color_scheme="blue")),
            rx.hstack(
                rx.cond(c["next"] != "",
                        rx.button("→ " + c["next_label"], size="1", variant="soft", class_name="card-advance",
                                  on_click=S.move(c["id"], c["next"]),
                                  aria_label="Move " + name + " to " + c["next_label"])),
                _status_select(c["status"], lambda v: S.move(c["id"], v), "Status of " + name,
                               class_name="card-status", max_width="100%"),
                spacing="1", wrap="wrap", align="center",
            ),
            spacing="1", width="100%",
        ),
        on_press=S.press(c["id"]),
        on_drag_start=S.drag_start(c["id"]),
        on_drag_end=S.drag_end,
        class_name="kanban-card",
        custom_attrs={"data-id": c["id"], "data-status": c["status"]},
        style={**CARD_STYLE, "cursor": "grab", "width": "100%"},
        key=c["id"],
    )


def _column(status: str) -> rx.Component:
    return rx.cond(
        S.shown_statuses.contains(status),
        drop_column(
            rx.vstack(
                rx.hstack(rx.heading(STATUS_LABEL[status], size="2"),
                          rx.badge(S.counts[status], variant="soft", class_name="column-count"),
                          align="center", justify="between", width="100%"),
                rx.foreach(getattr(S, f"cards_{status}"), _card),
                rx.cond(getattr(S, f"cards_{status}").length() == 0,
                        rx.text("Drop a card here", size="1", color_scheme="gray")),
                spacing="2", width="100%",
            ),
            on_drop=S.drop_on(status).prevent_default,
            id=f"column-{status}",
            role="region",
            aria_label=f"{STATUS_LABEL[status]} column",
            style={"min_width": "0", "padding": "0.4em", "border_radius": "10px", "background": "var(--gray-a2)",
                   "border": "1px solid var(--gray-a4)", "min_height": "12em"},
        ),
    )


def _board() -> rx.Component:
    """One grid column per shown status, each at least COLUMN_MIN wide; wider than the window, the board
    scrolls sideways, and while a card is dragged its edge strips scroll it."""
    return rx.box(
        rx.box(
            rx.el.div(*[_column(s) for s in STATUSES],
                      style={"display": "grid", "grid_auto_flow": "column",
                             "grid_auto_columns": f"minmax({COLUMN_MIN}, 1fr)", "gap": "0.5em",
                             "align_items": "start"}),
            id="kanban", width="100%", style={"overflow_x": "auto", "padding_bottom": "0.5em"},
        ),
        rx.cond(S.dragging, edge_strips("kanban")),
        position="relative", width="100%",
    )


def _filters() -> rx.Component:
    return rx.flex(
        rx.form(
            rx.hstack(
                rx.input(name="q", placeholder="Search company, title, notes…", default_value=S.search,
                         aria_label="Search applications", max_length=200, id="applications-search"),
                rx.button("Search", type="submit", variant="soft"),
                spacing="2",
            ),
            on_submit=S.apply_search, reset_on_submit=False,
        ),
        choice(FILTER_OPTIONS, S.status_filter, S.set_status_filter, aria_label="Status filter"),
        choice(SORT_OPTIONS, S.sort + ":" + S.order, S.set_sort, aria_label="Sort"),
        spacing="3", wrap="wrap", align="center", width="100%",
    )


def _export_links() -> rx.Component:
    return rx.hstack(
        rx.text("Export:", size="2", color_scheme="gray"),
        *[rx.link(label, href="/api/v1/export/applications." + fmt + S.export_query, id=f"export-{fmt}",
                  is_external=True, size="2")
          for fmt, label in EXPORT_FORMATS],
        spacing="2", align="center",
    )


def _bulk_bar() -> rx.Component:
    return rx.cond(
        S.selected_count > 0,
        rx.card(
            rx.hstack(
                rx.text(S.selected_count, " selected", weight="medium"),
                rx.text("Move to", size="2"),
                _status_select(S.bulk_target, S.set_bulk_target, "Move the selected applications to",
                               id="bulk-target"),
                rx.button("Move selected", on_click=S.bulk_move, id="bulk-move"),
                rx.button("Clear", variant="soft", on_click=S.clear_selection),
                spacing="3", align="center", wrap="wrap",
            ),
            width="100%",
        ),
    )


def _bulk_results() -> rx.Component:
    return rx.cond(
        S.bulk_results.length() > 0,
        rx.vstack(
            rx.foreach(S.bulk_results, lambda r: rx.hstack(
                rx.icon(rx.cond(r["ok"] == "yes", "check", "x"), size=16),
                rx.text(r["name"], weight="medium", size="2"), rx.text(r["message"], size="2"),
                spacing="2", align="center", key=r["id"])),
            id="bulk-results", spacing="1", width="100%",
        ),
    )


def _undo() -> rx.Component:
    return rx.cond(
        S.undo_id != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("trash-2")),
            rx.callout.text(
                "Deleted ", rx.text.strong(S.undo_label), ". ",
                rx.button("Undo", size="1", on_click=S.undo_delete, id="undo-delete"), " ",
                rx.button("Dismiss", size="1", variant="ghost", on_click=S.dismiss_undo),
            ),
            role="status", width="100%",
        ),
    )


def _field(label: str, name: str, **props) -> rx.Component:
    return rx.vstack(rx.el.label(label, html_for=f"add-{name}", style=LABEL_STYLE),
                     rx.input(id=f"add-{name}", name=name, width="100%", **props), spacing="1", width="100%")


def _add_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Add an application"),
            rx.form(
                rx.vstack(
                    rx.radio_group.root(
                        rx.hstack(
                            rx.el.label(rx.hstack(rx.radio_group.item(value="adhoc"), rx.text("Company and title"),
                                                  spacing="2", align="center")),
                            rx.el.label(rx.hstack(rx.radio_group.item(value="tracked"),
                                                  rx.text("One of my tracked or saved jobs"), spacing="2",
                                                  align="center")),
                            spacing="4", wrap="wrap"),
                        value=S.add_source, on_change=S.set_add_source, aria_label="Application for",
                    ),
                    rx.cond(
                        S.add_source == "tracked",
                        rx.cond(
                            S.tracked_choices.length() > 0,
                            rx.vstack(
                                rx.el.label("Tracked job", html_for="add-job", style=LABEL_STYLE),
                                rx.el.select(rx.foreach(S.tracked_choices, lambda j: rx.el.option(
                                    j["label"], value=j["id"], key=j["id"])), id="add-job", name="tracked_job", value=S.add_job_id,
                                    on_change=S.set_add_job_id, style={"padding": "0.4em", "width": "100%"}),
                                spacing="1", width="100%"),
                            rx.text("You track no jobs yet: save one from the job pages or add it on ",
                                    rx.link("your tracker", href="/tracker"), ".", size="2"),
                        ),
                        rx.grid(_field("Company", "company_name", max_length=200),
                                _field("Job title", "job_title", max_length=200), columns="2", spacing="3",
                                width="100%"),
                    ),
                    rx.grid(_field("Location", "location", required=False, max_length=200),
                            _field("Job URL", "job_url", required=False, placeholder="https://…", max_length=2000),
                            columns="2", spacing="3", width="100%"),
                    rx.vstack(rx.el.label("Status", html_for="add-status", style=LABEL_STYLE),
                              _status_select(S.add_status, S.set_add_status, "Status", id="add-status", name="status_choice"),
                              spacing="1"),
                    rx.vstack(rx.el.label("Notes", html_for="add-notes", style=LABEL_STYLE),
                              rx.text_area(id="add-notes", name="notes", rows="3", width="100%", max_length=10000),
                              spacing="1", width="100%"),
                    error_callout(S.add_error),
                    rx.hstack(rx.dialog.close(rx.button("Cancel", type="button", variant="soft")),
                              rx.button("Add", type="submit", id="add-submit"), spacing="3", justify="end",
                              width="100%"),
                    spacing="3", width="100%",
                ),
                on_submit=S.add, reset_on_submit=False, key=S.form_key,
            ),
            max_width="36em",
        ),
        open=S.add_open, on_open_change=S.set_add_open,
    )


def _drawer() -> rx.Component:
    d = S.detail
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(d["company"], " · ", d["title"]),
            rx.dialog.description(rx.hstack(rx.badge(d["status_label"], id="drawer-status"),
                                            rx.text("Can move to: ", d["allowed"], size="1", color_scheme="gray"),
                                            align="center", spacing="2", wrap="wrap")),
            rx.vstack(
                error_callout(S.drawer_error),
                info_callout(S.drawer_notice),
                rx.hstack(rx.text("Move to", size="2"),
                          _status_select(d["status"], S.drawer_move, "Status", id="drawer-move"),
                          rx.cond(d["applied"] != "", rx.text("Applied ", d["applied"], size="2")),
                          rx.cond(d["location"] != "", rx.text(d["location"], size="2", color_scheme="gray")),
                          rx.cond(d["job_url"] != "", rx.link("Job posting", href=d["job_url"], is_external=True,
                                                              size="2")),
                          spacing="3", align="center", wrap="wrap"),
                rx.heading("Interview rounds", size="3"),
                rx.cond(S.rounds.length() == 0, rx.text("No rounds yet.", size="2", color_scheme="gray"),
                        rx.vstack(rx.foreach(S.rounds, lambda r: rx.box(
                            rx.text(rx.text.strong(r["name"]), " ", r["when"], " · ", r["outcome"], size="2"),
                            rx.cond(r["feedback"] != "", rx.text(r["feedback"], size="1", color_scheme="gray")))),
                            spacing="2", id="drawer-rounds", width="100%")),
                rx.form(
                    rx.vstack(
                        rx.grid(
                            rx.vstack(rx.el.label("Round", html_for="round-name", style=LABEL_STYLE),
                                      rx.input(id="round-name", name="name", required=True, max_length=120,
                                               placeholder="Phone screen", width="100%"), spacing="1", min_width="0"),
                            rx.vstack(rx.el.label("Date and time", html_for="round-when", style=LABEL_STYLE),
                                      rx.input(id="round-when", name="scheduled_at", type="datetime-local", width="100%"),
                                      spacing="1", min_width="0"),
                            rx.vstack(rx.el.label("Outcome", html_for="round-outcome", style=LABEL_STYLE),
                                      rx.el.select(*[rx.el.option(o.capitalize(), value=o)
                                                     for o in ("pending", "passed", "failed")],
                                                   id="round-outcome", name="outcome", default_value="pending",
                                                   style={"padding": "0.4em"}), spacing="1"),
                            # a datetime-local input needs about 13em: it gets its width, not a third of the row
                            # (it overlapped the Outcome select); one field a row on a phone
                            grid_template_columns=rx.breakpoints(initial="1fr", sm="minmax(0, 1fr) 16em auto"),
                            spacing="2", width="100%"),
                        rx.el.label("Feedback", html_for="round-feedback", style=LABEL_STYLE),
                        rx.text_area(id="round-feedback", name="feedback", rows="2", width="100%", max_length=5000),
                        rx.button("Add round", type="submit", size="2", variant="soft", id="add-round"),
                        spacing="2", width="100%"),
                    on_submit=S.add_round, reset_on_submit=True,
                ),
                rx.heading("Notes", size="3"),
                rx.form(
                    rx.vstack(
                        rx.text_area(name="notes", default_value=d["notes"], rows="4", width="100%",
                                     max_length=10000, aria_label="Notes", id="drawer-notes"),
                        rx.button("Save notes", type="submit", size="2", variant="soft", id="save-notes"),
                        spacing="2", width="100%"),
                    on_submit=S.save_notes, reset_on_submit=False, key=S.drawer_key,
                ),
                rx.heading("Timeline", size="3"),
                rx.el.ol(rx.foreach(S.timeline, lambda e: rx.el.li(
                    rx.text(rx.text.span(e["when"], color_scheme="gray"), " ", e["what"], size="2"))),
                    id="drawer-timeline", style={"padding_left": "1.2em", "margin": "0"}),
                rx.hstack(
                    rx.button("Delete", color_scheme="red", variant="soft", on_click=S.delete(d["id"]),
                              id="drawer-delete"),
                    rx.dialog.close(rx.button("Close", variant="soft", id="drawer-close")),
                    justify="between", width="100%"),
                spacing="3", width="100%",
            ),
            max_width="40em", id="drawer",
        ),
        open=S.drawer_open, on_open_change=S.set_drawer_open,
    )


def _summary() -> rx.Component:
    return rx.text(S.import_summary_text, id="import-summary", weight="medium")


def _import_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Import applications"),
            rx.vstack(
                rx.text("1 Upload · 2 Preview · 3 Report", size="1", color_scheme="gray"),
                error_callout(S.import_error),
                rx.cond(
                    S.import_step == "upload",
                    rx.vstack(
                        rx.upload.root(
                            rx.vstack(rx.icon("upload", size=24),
                                      rx.text("Drop a CSV, XLSX or JSON file here, or click to choose (5 MB, "
                                              "10,000 rows at most). Columns such as Company, Title, Status, "
                                              "Date applied, URL, Notes are recognised."),
                                      rx.foreach(rx.selected_files(IMPORT_UPLOAD_ID),
                                                 lambda f: rx.text(f, weight="bold", size="2")),
                                      align="center", spacing="2"),
                            id=IMPORT_UPLOAD_ID, max_files=1,
                            accept={"text/csv": [".csv"], "application/json": [".json"],
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [".xlsx"]},
                            border="1px dashed var(--gray-a8)", padding="1.5em", width="100%", border_radius="8px",
                        ),
                        rx.button("Preview", id="import-preview", loading=S.import_busy,
                                  on_click=S.preview_import(rx.upload_files(upload_id=IMPORT_UPLOAD_ID,
                                                                            on_upload_progress=S.upload_progress))),
                        spacing="3", width="100%"),
                ),
                rx.cond(
                    (S.import_step == "preview") | (S.import_step == "done"),
                    rx.vstack(
                        _summary(),
                        rx.cond(S.import_columns != "", rx.text("Columns read: ", S.import_columns, size="1",
                                                                color_scheme="gray", id="import-columns")),
                        rx.cond(S.import_errors.length() > 0, rx.vstack(
                            rx.heading("Rows refused", size="2"),
                            rx.foreach(S.import_errors, lambda e: rx.text("Row ", e["row"], ": ", e["errors"],
                                                                          size="1", color_scheme="red")),
                            spacing="1", id="import-errors", width="100%")),
                        rx.cond(S.import_duplicates.length() > 0, rx.vstack(
                            rx.heading("Duplicates skipped", size="2"),
                            rx.foreach(S.import_duplicates, lambda d: rx.text("Row ", d["row"], ": ", d["reason"],
                                                                              size="1", color_scheme="gray")),
                            spacing="1", id="import-duplicates", width="100%")),
                        rx.cond((S.import_step == "preview") & (S.import_preview.length() > 0), rx.table.root(
                            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                                           ("Row", "Company", "Title", "Status", "Applied")])),
                            rx.table.body(rx.foreach(S.import_preview, lambda p: rx.table.row(
                                rx.table.cell(p["row"]), rx.table.cell(p["company"]), rx.table.cell(p["title"]),
                                rx.table.cell(p["status"]), rx.table.cell(p["applied"]), key=p["row"]))),
                            size="1", width="100%", id="import-preview-table")),
                        spacing="2", width="100%"),
                ),
                rx.cond(S.import_busy | (S.import_progress > 0),
                        rx.progress(value=S.import_progress, max=100, width="100%", id="import-progress")),
                rx.hstack(
                    rx.cond(S.import_step == "preview",
                            rx.button("Choose another file", variant="soft", on_click=S.open_import)),
                    rx.cond(S.import_step == "preview",
                            rx.button("Import", on_click=S.confirm_import, loading=S.import_busy, id="import-confirm",
                                      disabled=S.import_summary["created"] == 0)),
                    rx.button(rx.cond(S.import_step == "done", "Done", "Cancel"), variant="soft",
                              on_click=S.close_import, id="import-close"),
                    spacing="3", justify="end", width="100%"),
                spacing="3", width="100%",
            ),
            max_width="44em",
        ),
        open=S.import_step != "", on_open_change=lambda _open: S.close_import(),
    )


def applications_page() -> rx.Component:
    return frame(
        rx.cond(
            S.user_role == "seeker",
            rx.vstack(
                rx.flex(
                    rx.heading("Applications", size="7"),
                    rx.badge(S.total, " in all", variant="soft", id="applications-total"),
                    rx.spacer(),
                    rx.button(rx.icon("plus", size=16), "Add application", on_click=S.open_add, id="add-application"),
                    rx.button(rx.icon("upload", size=16), "Import", variant="soft", on_click=S.open_import,
                              id="open-import"),
                    rx.link("Tracked jobs", href="/tracker", size="2"),
                    spacing="3", align="center", wrap="wrap", width="100%",
                ),
                _filters(),
                _export_links(),
                error_callout(S.error),
                info_callout(S.notice),
                _undo(),
                _bulk_bar(),
                _bulk_results(),
                rx.cond(
                    S.loading, loading_block("Loading your applications…"),
                    rx.vstack(
                        rx.cond(
                            S.total == 0,
                            rx.cond(
                                (S.search == "") & (S.status_filter == "all"),
                                info_callout("No applications yet. Add the first one, or import the spreadsheet "
                                             "you already keep."),
                                rx.box(info_callout("No application matches this search or filter."),
                                       id="no-matches", width="100%"),
                            ),
                        ),
                        _board(), width="100%",
                    ),
                ),
                rx.text("Drag a card to another column, or use its buttons and status menu (keyboard: Tab to the "
                        "card's controls). A move the pipeline does not allow is refused with the allowed ones.",
                        size="1", color_scheme="gray"),
                _add_dialog(),
                _drawer(),
                _import_dialog(),
                spacing="4", width="100%",
            ),
            rx.cond(S.signed_in, rx.text("The application tracker is for job seekers."), loading_block()),
        ),
        max_width="100em",
    )
