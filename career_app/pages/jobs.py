"""The public job feed with filters, and one job's page with its four pillars and the match panel."""

import reflex as rx

from career_app.pages.common import frame
from career_app.services import salary
from components.layout import error_callout, link_button, loading_block
from career_app.pages.tracker import save_to_tracker
from state.jobs import JobFeedState, JobPageState


def _filters() -> rx.Component:
    def field(name, label, placeholder="", width="100%", type_="text"):
        return rx.vstack(rx.el.label(label, html_for=f"filter-{name}", style={"font_size": "0.85em"}),
                         rx.input(id=f"filter-{name}", name=name, placeholder=placeholder, type=type_, width=width),
                         spacing="1", width="100%")

    return rx.form(
        rx.grid(
            field("q", "Keywords", "python, data, nurse…"),
            field("location", "Location", "Berlin"),
            field("company", "Company"),
            field("skills", "Skills (comma separated)", "Python, SQL"),
            rx.vstack(rx.el.label("Minimum yearly salary", html_for="filter-salary_min", style={"font_size": "0.85em"}),
                      rx.hstack(rx.input(id="filter-salary_min", name="salary_min", placeholder="50000", type="number",
                                         width="100%"),
                                rx.select.root(
                                    rx.select.trigger(aria_label="Salary currency", id="filter-salary-currency",
                                                      width="7em"),
                                    rx.select.content(*[rx.select.item(code, value=code)
                                                        for code in salary.currencies()]),
                                    value=JobFeedState.salary_currency, on_change=JobFeedState.set_salary_currency),
                                spacing="2", width="100%"),
                      spacing="1", width="100%"),
            rx.vstack(rx.el.label("Posted", style={"font_size": "0.85em"}),
                      rx.select.root(rx.select.trigger(aria_label="Posted within", width="100%"),
                                     rx.select.content(rx.select.item("Any time", value="any"),
                                                       rx.select.item("Last 24 hours", value="1"),
                                                       rx.select.item("Last 7 days", value="7"),
                                                       rx.select.item("Last 30 days", value="30")),
                                     value=JobFeedState.posted_within, on_change=JobFeedState.set_posted_within),
                      spacing="1", width="100%"),
            columns=rx.breakpoints(initial="1", sm="2", md="3"), spacing="3", width="100%",
        ),
        rx.hstack(
            rx.checkbox("Remote only", checked=JobFeedState.remote_only, on_change=JobFeedState.set_remote_only,
                        id="filter-remote"),
            rx.el.label(rx.hstack(rx.switch(checked=JobFeedState.include_unsalaried,
                                            on_change=JobFeedState.set_include_unsalaried, id="filter-unsalaried"),
                                  rx.text("Include jobs without a salary", size="2"), spacing="2", align="center")),
            rx.spacer(),
            rx.button("Search", type="submit", id="filter-submit", loading=JobFeedState.loading),
            width="100%", align="center", padding_top="0.75em", wrap="wrap",
        ),
        rx.text(JobFeedState.rates_note, size="1", color_scheme="gray", id="salary-rates-note"),
        on_submit=JobFeedState.apply_filters,
        width="100%",
    )


def _job_card(row: rx.Var) -> rx.Component:
    return rx.link(
        rx.card(
            rx.vstack(
                rx.hstack(rx.heading(row["title"], size="4"), rx.spacer(),
                          rx.cond(row["remote"] != "", rx.badge(row["remote"], color_scheme="green")), width="100%"),
                rx.text(row["byline"], color_scheme="gray", size="2", class_name="byline"),
                rx.cond(row["salary"] != "", rx.text(row["salary"], size="2")),
                rx.text(row["skills"], size="1", color_scheme="gray"),
                rx.text("Posted ", row["posted"], size="1", color_scheme="gray"),
                spacing="1", width="100%",
            ),
            width="100%",
        ),
        href="/jobs/" + row["id"].to(str), underline="none", color="inherit", width="100%",
        class_name="job-card",
    )


def _page_link(label: str, href: rx.Var, link_id: str) -> rx.Component:
    """A page of the feed is its own address (?page=N): a full page load, which opens at the top and
    leaves the place in the history for back and reload."""
    return rx.cond(href != "",
                   rx.button(rx.el.a(label, href=href, id=link_id), as_child=True, variant="soft"),
                   rx.button(label, variant="soft", disabled=True))


def jobs_feed() -> rx.Component:
    return frame(
        rx.heading("Jobs", size="7"),
        rx.card(_filters(), width="100%"),
        error_callout(JobFeedState.error),
        rx.cond(
            JobFeedState.loading & (JobFeedState.rows.length() == 0),
            loading_block("Loading jobs…"),
            rx.cond(
                JobFeedState.rows.length() == 0,
                rx.center(rx.text("No jobs match these filters yet.", color_scheme="gray"), padding="3em",
                          width="100%"),
                rx.vstack(rx.foreach(JobFeedState.rows, _job_card), spacing="3", width="100%", id="job-list"),
            ),
        ),
        rx.hstack(
            _page_link("Previous", JobFeedState.prev_href, "feed-prev"),
            rx.text(JobFeedState.page_label, size="2", color_scheme="gray", id="feed-page-label"),
            _page_link("Next", JobFeedState.next_href, "feed-next"),
            align="center", spacing="3",
        ),
    )


def _pillar_tabs() -> rx.Component:
    return rx.tabs.root(
        # on a phone the tabs scroll sideways rather than being cut off ("Interv...")
        rx.tabs.list(
            *[rx.tabs.trigger(label, value=value, flex_shrink="0") for label, value in
              (("Description", "description"), ("Skills", "skills"), ("Resume guide", "guide"),
               ("Interview prep", "prep"))],
            style={"overflow_x": "auto", "overflow_y": "hidden", "flex_wrap": "nowrap", "scrollbar_width": "thin"},
            id="job-tabs",
        ),
        rx.tabs.content(rx.text(JobPageState.job["description"], white_space="pre-wrap", padding_top="1em"),
                        value="description"),
        rx.tabs.content(
            rx.flex(rx.foreach(JobPageState.skills, lambda s: rx.badge(s, size="2", variant="soft")),
                    wrap="wrap", spacing="2", padding_top="1em", id="job-skills"),
            value="skills"),
        rx.tabs.content(
            rx.cond(JobPageState.job["family"] != "",
                    rx.text("Written for ", JobPageState.job["family_label"], " roles", size="1", color_scheme="gray",
                            padding_top="1em", id="guides-family")),
            rx.el.ol(rx.foreach(JobPageState.resume_guide, lambda b: rx.el.li(b, style={"margin_bottom": "0.5em"})),
                     style={"padding_top": "1em", "padding_left": "1.5em"}, id="resume-guide"),
            value="guide"),
        rx.tabs.content(
            rx.vstack(rx.foreach(JobPageState.questions, lambda q: rx.card(
                rx.vstack(rx.text(q["question"], weight="bold"), rx.text(q["strategy"], size="2", color_scheme="gray"),
                          spacing="1"), width="100%")), spacing="2", padding_top="1em", width="100%", id="prep"),
            value="prep"),
        default_value="description",
        width="100%",
    )


def _evidence_row(e: rx.Var) -> rx.Component:
    return rx.el.li(rx.text(rx.text.strong(e["requirement"]), " — “", e["evidence"], "” ",
                            rx.text.span("(", e["how"], ")", color_scheme="gray"), size="2"),
                    key=e["requirement"], class_name="evidence")


def _gap_row(g: rx.Var) -> rx.Component:
    return rx.box(
        rx.text(rx.text.strong(g["requirement"]), ": ", g["guide"], size="2"),
        rx.text("Be ready for: ", rx.text.em(g["question"]), size="2"),
        rx.text(g["strategy"], size="1", color_scheme="gray"),
        key=g["requirement"], class_name="gap-advice",
    )


def _match_details() -> rx.Component:
    """Skill evidence, missing skills in the job's words, seniority, and the banded reasons (if run)."""
    return rx.vstack(
        rx.cond(JobPageState.evidence.length() > 0, rx.vstack(
            rx.text("Shown on your resume", weight="bold", size="2"),
            rx.el.ul(rx.foreach(JobPageState.evidence, _evidence_row), style={"padding_left": "1.2em"}),
            spacing="1", id="match-evidence")),
        rx.cond(JobPageState.missing_skills.length() > 0, rx.vstack(
            rx.text("Missing", weight="bold", size="2"),
            rx.flex(rx.foreach(JobPageState.missing_skills, lambda m: rx.badge(m, color_scheme="amber", variant="soft")),
                    wrap="wrap", spacing="1"),
            spacing="1", id="match-missing")),
        rx.cond(JobPageState.gap_advice.length() > 0, rx.vstack(
            rx.text("How to address what is missing", weight="bold", size="2"),
            rx.foreach(JobPageState.gap_advice, _gap_row),
            spacing="2", id="match-gap-advice")),
        rx.cond(JobPageState.seniority.contains("text"),
                rx.text(JobPageState.seniority["text"], size="2", id="match-seniority")),
        rx.cond(JobPageState.band.contains("band"), rx.vstack(
            rx.hstack(rx.badge(JobPageState.band["band"], size="2"),
                      rx.text("in your enhanced recommendations, by ", JobPageState.band["by"], size="1",
                              color_scheme="gray")),
            rx.foreach(JobPageState.band_reasons, lambda r: rx.text("• ", r, size="2")),
            spacing="1", id="match-band")),
        spacing="2", width="100%",
    )


def _match_panel() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Your match", size="4"),
            rx.cond(JobPageState.match_loading, rx.hstack(rx.spinner(), rx.text("Comparing with your resume…"))),
            rx.cond(
                JobPageState.match_error != "",
                rx.vstack(rx.text(JobPageState.match_error, color_scheme="red", id="match-error"),
                          rx.link("Upload your resume", href="/resume"), spacing="1"),
            ),
            rx.cond(
                JobPageState.match.contains("score"),
                rx.vstack(
                    rx.hstack(rx.heading(JobPageState.match["score"], size="8", id="match-score"),
                              rx.cond(JobPageState.match["gap"] == "yes",
                                      rx.badge(JobPageState.match["verdict"], color_scheme="amber", size="2",
                                               id="match-gap"),
                                      rx.badge("Strong fit", color_scheme="green", size="2", id="match-gap")),
                              align="center", spacing="3"),
                    rx.progress(value=JobPageState.match_percent, max=100, width="100%"),
                    rx.text("Skill coverage ", JobPageState.match["coverage"], "% · semantic similarity ",
                            JobPageState.match["raw"], " · gap under ", JobPageState.match["threshold"], "%",
                            size="1", color_scheme="gray"),
                    rx.text(JobPageState.match["explanation"], size="2", id="gap-explanation"),
                    _match_details(),
                    rx.cond(JobPageState.learning.length() > 0, rx.vstack(
                        rx.text("Learn next", weight="bold", size="2"),
                        rx.foreach(JobPageState.learning, lambda l: rx.link(l["skill"], href=l["url"],
                                                                            is_external=True, size="2")),
                        spacing="1")),
                    spacing="2", width="100%",
                ),
            ),
            spacing="3", width="100%",
        ),
        width="100%",
        id="match-panel",
    )


def job_page() -> rx.Component:
    return frame(
        rx.cond(
            ~JobPageState.loaded,
            loading_block(),
            rx.cond(
                JobPageState.found,
                rx.vstack(
                    rx.link("← All jobs", href="/jobs", size="2"),
                    rx.heading(JobPageState.job["title"], size="7", id="job-title"),
                    rx.hstack(
                        rx.text(JobPageState.job["company"], weight="medium"),
                        rx.text(JobPageState.job["location"], color_scheme="gray"),
                        rx.cond(JobPageState.job["remote"] != "", rx.badge(JobPageState.job["remote"])),
                        rx.badge(JobPageState.job["status"], variant="outline", id="job-status"),
                        spacing="3", align="center", wrap="wrap",
                    ),
                    rx.cond(JobPageState.job["salary"] != "",
                            rx.text("Salary: ", JobPageState.job["salary"], id="job-salary"),
                            rx.cond(JobPageState.job["estimate"] != "",
                                    rx.text(JobPageState.job["estimate"], size="2", color_scheme="gray",
                                            id="salary-estimate"),
                                    rx.cond(JobPageState.job["estimate_note"] != "",
                                            rx.text(JobPageState.job["estimate_note"], size="2", color_scheme="gray",
                                                    id="salary-estimate")))),
                    rx.cond(JobPageState.job["status"] != "active",
                            rx.callout("Only you (and admins) can see this job: it is not live. Processing jobs go "
                                       "live when AI enrichment finishes; see the provider console for errors.",
                                       icon="eye_off", color_scheme="amber", size="1", id="not-live-notice")),
                    rx.cond(JobPageState.guides_replaced,
                            rx.callout("The AI model's resume guide and interview prep did not fit this job's field ("
                                       + JobPageState.job["family_label"].to(str) + "), so the built-in offline "
                                       "generator wrote these from the posting and the advice for that field.",
                                       icon="info", size="1", id="guides-replaced-notice")),
                    rx.cond(JobPageState.is_offline,
                            rx.callout("Guides on this page were made by the built-in offline generator (no AI model "
                                       "is configured), from the posting and the skills taxonomy.",
                                       icon="info", size="1", id="offline-notice")),
                    rx.hstack(
                        rx.cond(JobPageState.job["apply_url"] != "",
                                link_button("Apply on the company site", href=JobPageState.job["apply_url"],
                                            link_props={"is_external": True})),
                        rx.cond(JobPageState.can_match,
                                link_button("Ask the coach about this job", variant="soft",
                                            href="/coach?job=" + JobPageState.job["id"].to(str),
                                            link_props={"id": "ask-coach"})),
                        rx.cond(JobPageState.can_match,
                                link_button("Write a cover letter", variant="soft",
                                            href="/studio?job=" + JobPageState.job["id"].to(str),
                                            link_props={"id": "write-cover-letter"})),
                        rx.cond(JobPageState.can_match, save_to_tracker()),
                        spacing="3", wrap="wrap",
                    ),
                    rx.grid(
                        rx.box(_pillar_tabs(), grid_column=rx.breakpoints(initial="span 1", md="span 2")),
                        rx.cond(JobPageState.can_match, _match_panel(),
                                rx.cond(~JobPageState.signed_in,
                                        rx.card(rx.text("Sign in as a job seeker to see how well you match."),
                                                rx.link("Sign in", href="/signin"), width="100%"))),
                        columns=rx.breakpoints(initial="1", md="3"), spacing="4", width="100%",
                    ),
                    spacing="3", width="100%",
                ),
                rx.center(rx.vstack(rx.heading("Job not found", size="6"),
                                    rx.text("It may have been closed or removed."),
                                    rx.link("Browse all jobs", href="/jobs"), align="center"),
                          padding="4em", width="100%"),
            ),
        )
    )
