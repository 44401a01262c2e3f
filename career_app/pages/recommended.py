import reflex as rx

from career_app.pages.common import frame
from components.layout import error_callout, link_callout, loading_block
from state.recommendations import EnhancedState, RecommendationsState, SkillsGapState


def _need_resume(error: rx.Var) -> rx.Component:
    return rx.cond(error != "", link_callout(error, "Upload your resume", "/resume", id="recommendations-error"))


def _rec_card(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.link(rx.heading(row["title"], size="4"), href="/jobs/" + row["id"].to(str)),
                rx.text(row["byline"], size="2", color_scheme="gray", class_name="byline"),
                rx.text("You have: ", row["matched"], size="1"),
                rx.cond(row["missing"] != "", rx.text("To learn: ", row["missing"], size="1", color_scheme="amber")),
                rx.cond(row["seniority"] != "", rx.text(row["seniority"], size="1", color_scheme="gray")),
                spacing="1",
            ),
            rx.spacer(),
            rx.vstack(rx.heading(row["score"], "%", size="6"), rx.text("match", size="1", color_scheme="gray"),
                      align="center", spacing="0"),
            width="100%", align="center",
        ),
        width="100%",
        class_name="recommendation",
    )


def _reason(text: rx.Var) -> rx.Component:
    return rx.cond(text != "", rx.el.li(text, class_name="reason"))


def _banded_card(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.badge(row["band"], color_scheme=row["color"], size="2", class_name="band", min_width="4.5em"),
            rx.vstack(
                rx.link(rx.text(row["title"], weight="bold"), href="/jobs/" + row["id"].to(str)),
                rx.text(row["byline"], size="1", color_scheme="gray", class_name="byline"),
                rx.el.ul(_reason(row["reason0"]), _reason(row["reason1"]), _reason(row["reason2"]),
                         style={"padding_left": "1.2em", "font_size": "0.85em"}),
                spacing="1",
            ),
            align="start", width="100%",
        ),
        width="100%", key=row["id"], class_name="banded",
    )


def _enhanced_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Enhanced recommendations", size="4"),
                rx.spacer(),
                rx.button("Rank my top 50", on_click=EnhancedState.run, loading=EnhancedState.running,
                          id="run-enhanced"),
                width="100%", align="center",
            ),
            rx.text("Your 50 nearest jobs sorted into Great, Good, Fair and Poor, missing must-haves weighing "
                    "twice as much as nice-to-haves, with the reasons.", size="2", color_scheme="gray"),
            rx.cond(EnhancedState.running, rx.vstack(
                rx.text("Ranking… ", EnhancedState.progress, "%", size="2"),
                rx.progress(value=EnhancedState.progress.to(int), max=100, width="100%"),
                width="100%", id="enhanced-progress")),
            rx.cond(EnhancedState.error != "", rx.text(EnhancedState.error, color_scheme="red", id="enhanced-error")),
            rx.cond(EnhancedState.items.length() > 0, rx.vstack(
                rx.text(EnhancedState.generated_by, size="1", color_scheme="gray", id="enhanced-by"),
                rx.foreach(EnhancedState.items, _banded_card),
                spacing="2", width="100%", id="enhanced-list")),
            spacing="3", width="100%",
        ),
        width="100%", on_mount=EnhancedState.load,
    )


def recommended_page() -> rx.Component:
    return frame(
        rx.heading("Recommended for you", size="7"),
        rx.text("Active jobs closest in meaning to your resume, ranked by match score.", color_scheme="gray"),
        _need_resume(RecommendationsState.error),
        rx.cond(
            RecommendationsState.loading,
            loading_block("Finding jobs for you…"),
            rx.cond((RecommendationsState.rows.length() == 0) & (RecommendationsState.error == ""),
                    rx.text("No active jobs yet. Check back soon.", color_scheme="gray"),
                    rx.vstack(rx.foreach(RecommendationsState.rows, _rec_card), spacing="3", width="100%")),
        ),
        _enhanced_section(),
    )


def _missing_skill(m: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(m["skill"], weight="medium"),
        rx.text(m["jobs"], " (", m["share"], ")", size="2", color_scheme="gray"),
        rx.spacer(),
        rx.cond(m["url"] != "", rx.link(m["title"], href=m["url"], is_external=True, size="2",
                                        class_name="learn-link")),
        width="100%", key=m["skill"], class_name="missing-skill", wrap="wrap",
    )


def _family_choice(option: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.checkbox(checked=SkillsGapState.picked.contains(option["name"]),
                        on_change=lambda checked: SkillsGapState.pick(option["name"], checked),
                        custom_attrs={"data-family": option["name"]}),
            rx.text(option["label"], size="2"),
            align="center", spacing="2",
        ),
        key=option["name"],
    )


def _family_picker() -> rx.Component:
    return rx.cond(
        SkillsGapState.choosing,
        rx.card(
            rx.el.fieldset(
                rx.el.legend(rx.text("Compare with listings in these fields", weight="medium")),
                rx.grid(rx.foreach(SkillsGapState.family_options, _family_choice),
                        columns=rx.breakpoints(initial="1", sm="2", md="3"), spacing="2", width="100%",
                        padding_y="0.75em"),
                rx.hstack(
                    rx.button("Compare", on_click=SkillsGapState.apply_families, id="apply-fields"),
                    rx.button("Use my profile's field", on_click=SkillsGapState.use_profile_families,
                              variant="soft", id="profile-fields"),
                    rx.button("Cancel", on_click=SkillsGapState.toggle_choosing, variant="ghost"),
                    spacing="3", wrap="wrap",
                ),
                style={"border": "none", "padding": 0, "margin": 0},
            ),
            width="100%", id="field-picker",
        ),
    )


def _demand_chart() -> rx.Component:
    """Horizontal bars: the skill names read across, wide enough not to wrap, and the legend sits under
    the axis, clear of them (above the plot, a first name wrapped on two lines reached into it)."""
    return rx.recharts.bar_chart(
        rx.recharts.legend(vertical_align="bottom", align="right", height=32),
        rx.recharts.x_axis(type_="number", allow_decimals=False),
        rx.recharts.y_axis(data_key="skill", type_="category", width=230, interval=0),
        rx.recharts.tooltip(),
        rx.recharts.bar(data_key="have", name="You have it", stack_id="a", fill="var(--green-9)"),
        rx.recharts.bar(data_key="missing", name="Missing", stack_id="a", fill="var(--amber-9)"),
        data=SkillsGapState.chart, layout="vertical", width="100%", height=SkillsGapState.chart_height,
        margin={"top": 4, "right": 16, "bottom": 4, "left": 4}, bar_category_gap="20%",
    )


def skills_gap_page() -> rx.Component:
    return frame(
        rx.heading("Your skill gap", size="7"),
        rx.hstack(
            rx.text("Compared with active listings in ", rx.text.strong(SkillsGapState.market, id="market-fields"),
                    ".", color_scheme="gray"),
            rx.button("Change field", on_click=SkillsGapState.toggle_choosing, variant="soft", size="1",
                      id="change-fields", aria_expanded=SkillsGapState.choosing.to(str)),
            align="center", wrap="wrap", spacing="3",
        ),
        _family_picker(),
        error_callout(SkillsGapState.error),
        rx.cond(
            SkillsGapState.loading,
            loading_block(),
            rx.vstack(
                rx.hstack(
                    rx.card(rx.vstack(rx.text("Market coverage", size="2", color_scheme="gray"),
                                      rx.heading(SkillsGapState.coverage, "%", size="8", id="coverage"),
                                      rx.progress(value=SkillsGapState.coverage.to(int), max=100, width="12em"))),
                    rx.card(rx.vstack(rx.text("Active jobs analysed", size="2", color_scheme="gray"),
                                      rx.heading(SkillsGapState.active_jobs, size="8", id="active-jobs"))),
                    spacing="4", wrap="wrap",
                ),
                rx.cond(SkillsGapState.your_skills.length() == 0,
                        link_callout("We do not know your skills yet.", "Upload your resume or add skills",
                                     "/resume")),
                rx.card(
                    rx.vstack(
                        rx.heading("Most demanded skills", size="4"),
                        rx.text("Must-haves of these listings; how many ask for each.", size="2",
                                color_scheme="gray"),
                        _demand_chart(),
                        width="100%",
                    ),
                    width="100%", id="skills-chart",
                ),
                rx.card(
                    rx.vstack(
                        rx.heading("Skills to learn next", size="4"),
                        rx.cond(
                            SkillsGapState.missing.length() == 0,
                            rx.text(rx.cond(SkillsGapState.active_jobs == 0,
                                            "There are no active jobs in this field to compare your skills with "
                                            "yet.",
                                            "Nothing to learn next: you have every skill that these jobs ask "
                                            "for most."),
                                    color_scheme="gray", id="nothing-to-learn"),
                            rx.vstack(rx.foreach(SkillsGapState.missing, _missing_skill), spacing="2",
                                      width="100%", id="learn-next"),
                        ),
                        spacing="2", width="100%",
                    ),
                    width="100%",
                ),
                spacing="4", width="100%",
            ),
        ),
    )
