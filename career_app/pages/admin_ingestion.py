import reflex as rx

from career_app.pages.common import frame
from components.layout import error_callout, info_callout
from state.admin_ingestion import AdminIngestionState as S


def _last_run(row: rx.Var) -> rx.Component:
    return rx.cond(
        row["last_status"] != "",
        rx.vstack(
            rx.hstack(rx.badge(row["last_status"], color_scheme=row["last_color"].to(str), class_name="last-status"),
                      rx.text(row["last_finished"], size="1", color_scheme="gray"), align="center", spacing="2"),
            rx.text(row["last_counters"], size="1", class_name="last-counters"),
            spacing="1",
        ),
        rx.text("never", size="1", color_scheme="gray"),
    )


def _bar(row: rx.Var) -> rx.Component:
    """Postings processed of the run's total (the row's values are text: Radix's Progress wants a number)."""
    return rx.box(
        rx.box(width=row["percent"].to(str) + "%", height="100%", background="var(--accent-9)",
               border_radius="inherit", transition="width 0.4s"),
        custom_attrs={"role": "progressbar", "aria-valuemin": "0", "aria-valuemax": "100",
                      "aria-valuenow": row["percent"], "aria-label": "Progress of " + row["name"].to(str)},
        class_name="run-bar", height="6px", width="100%", background="var(--gray-a4)", border_radius="999px",
        overflow="hidden",
    )


def _progress(row: rx.Var) -> rx.Component:
    return rx.cond(
        row["run_id"] != "",
        rx.vstack(
            rx.hstack(rx.badge(row["run_status"], color_scheme="blue", class_name="run-status"),
                      rx.text(row["progress"], size="1", class_name="run-progress"), align="center", spacing="2"),
            _bar(row),
            rx.text(row["run_counters"], size="1", class_name="run-counters"),
            spacing="1", width="100%", min_width="12em",
        ),
    )


def _source_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(row["name"], weight="medium"),
                                rx.text(row["open_postings"], " open postings", size="1", color_scheme="gray"),
                                spacing="0")),
        rx.table.cell(rx.code(row["kind"])),
        rx.table.cell(rx.switch(checked=row["enabled"] != "",
                                on_change=lambda checked: S.set_enabled(row["name"], checked),
                                aria_label="Enabled " + row["name"].to(str), class_name="source-enabled")),
        rx.table.cell(rx.vstack(rx.code(rx.cond(row["schedule"] != "", row["schedule"], "by hand")),
                                rx.text(rx.cond(row["next_run"] != "", "next " + row["next_run"].to(str), ""),
                                        size="1", color_scheme="gray", class_name="next-run"),
                                spacing="1")),
        rx.table.cell(_last_run(row)),
        rx.table.cell(_progress(row)),
        rx.table.cell(rx.button("Run", size="1", variant="soft", on_click=S.run_source(row["name"]),
                                disabled=row["run_id"] != "", aria_label="Run " + row["name"].to(str))),
        key=row["name"],
        id="source-" + row["name"].to(str),
    )


def _run_row(run: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(run["source"], weight="medium")),
        rx.table.cell(rx.badge(run["status"], color_scheme=run["color"].to(str), class_name="log-status")),
        rx.table.cell(rx.text(run["trigger"], size="1")),
        rx.table.cell(rx.vstack(rx.text(run["started"], size="1"),
                                rx.text(run["finished"], size="1", color_scheme="gray"), spacing="0")),
        rx.table.cell(rx.vstack(
            rx.text(run["counters"], size="1", class_name="log-counters"),
            rx.cond(run["message"] != "", rx.text(run["message"], size="1", color_scheme="gray")),
            rx.cond(run["errors"] != "",
                    rx.text(run["errors"], size="1", color_scheme="red", white_space="pre-wrap",
                            class_name="log-errors")),
            rx.cond(run["more_errors"] != "0",
                    rx.text("+ ", run["more_errors"], " more errors (GET /api/v1/admin/ingest/runs/", run["id"], ")",
                            size="1", color_scheme="gray")),
            spacing="1", max_width="36em")),
        rx.table.cell(rx.cond(run["retry"] != "",
                              rx.button("Retry", size="1", variant="outline", on_click=S.retry_run(run["id"])))),
        key=run["id"],
    )


def _sample_card() -> rx.Component:
    return rx.cond(
        S.empty_catalogue,
        rx.callout.root(
            rx.callout.icon(rx.icon("info")),
            rx.callout.text("No job is listed yet. The sample catalogue (320 postings written for this project) "
                            "goes through the real pipeline: normalized, deduplicated, enriched and embedded."),
            rx.button("Load the sample catalogue", on_click=S.load_sample, id="load-sample", width="fit-content"),
            width="100%",
        ),
    )


def admin_ingestion() -> rx.Component:
    return frame(
        rx.hstack(
            rx.heading("Job ingestion", size="7", on_unmount=S.leave),
            rx.button("Run all enabled sources", on_click=S.run_all, id="run-all", margin_left="auto"),
            align="center", width="100%",
        ),
        rx.cond(S.global_task != "",
                rx.text("A global run is in progress (task ", S.global_task, ").", size="2", id="global-run")),
        error_callout(S.error),
        info_callout(S.notice),
        _sample_card(),
        rx.heading("Sources", size="5"),
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(c) for c in (
                    "Source", "Kind", "Enabled", "Schedule (UTC)", "Last run", "Progress", "")])),
                rx.table.body(rx.foreach(S.sources, _source_row)),
                width="100%", id="sources",
            ),
            overflow_x="auto", width="100%",
        ),
        rx.heading("Run log", size="5"),
        rx.cond(
            S.runs_total == 0,
            rx.text("No run yet.", color_scheme="gray", id="no-runs"),
            rx.box(
                rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(c) for c in (
                        "Source", "Status", "Trigger", "Started / finished", "Counters and first errors", "")])),
                    rx.table.body(rx.foreach(S.runs, _run_row)),
                    width="100%", id="run-log",
                ),
                overflow_x="auto", width="100%",
            ),
        ),
        rx.hstack(rx.button("Previous", variant="outline", on_click=S.prev_runs),
                  rx.text(S.runs_label, size="2"),
                  rx.button("Next", variant="outline", on_click=S.next_runs), align="center"),
    )
