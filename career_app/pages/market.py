"""/market: listings per week, salary bands per currency, top skills, remote share, top companies."""

import reflex as rx

from career_app.pages.common import frame
from components.layout import error_callout, info_callout, loading_block
from state.market import MarketState


def _filters() -> rx.Component:
    return rx.hstack(
        rx.vstack(rx.text("Field", size="1"),
                  rx.select.root(rx.select.trigger(aria_label="Occupational family", id="market-family", width="16em"),
                                 rx.select.content(rx.foreach(MarketState.family_options,
                                                              lambda o: rx.select.item(o[1], value=o[0]))),
                                 value=MarketState.family, on_change=MarketState.set_family_filter),
                  spacing="1"),
        rx.form(rx.hstack(rx.vstack(rx.el.label("Country", html_for="market-country", style={"font_size": "0.8em"}),
                                    rx.input(id="market-country", name="country", placeholder="Ireland or IE",
                                             default_value=MarketState.country, width="12em"), spacing="1"),
                          rx.button("Show", type="submit", id="market-apply"), align="end", spacing="2"),
                on_submit=MarketState.apply_filters, width="auto"),
        rx.vstack(rx.text("Work mode", size="1"),
                  rx.select.root(rx.select.trigger(aria_label="Work mode", id="market-remote", width="12em"),
                                 rx.select.content(rx.select.item("Any", value="any"),
                                                   rx.select.item("Remote only", value="remote"),
                                                   rx.select.item("On-site and hybrid", value="onsite")),
                                 value=MarketState.remote, on_change=MarketState.set_remote_filter),
                  spacing="1"),
        align="end", spacing="4", wrap="wrap",
    )


def _stat(label: str, value) -> rx.Component:
    return rx.card(rx.vstack(rx.text(label, size="1", color_scheme="gray"), rx.heading(value, size="6"), spacing="1"))


def _weeks_chart() -> rx.Component:
    return rx.card(
        rx.heading("New listings per week", size="4"),
        rx.recharts.bar_chart(
            rx.recharts.bar(data_key="listings", fill="var(--indigo-9)", name="Listings", is_animation_active=False),
            rx.recharts.x_axis(data_key="week"), rx.recharts.y_axis(allow_decimals=False),
            rx.recharts.graphing_tooltip(),
            data=MarketState.weeks, width="100%", height=240),
        id="market-weeks", width="100%")


def _skills_chart() -> rx.Component:
    return rx.card(
        rx.heading("Skills asked for (share of listings, %)", size="4"),
        rx.recharts.bar_chart(
            rx.recharts.bar(data_key="share", fill="var(--teal-9)", name="% of listings", bar_size=22,
                            is_animation_active=False),
            rx.recharts.x_axis(type_="number", domain=[0, 100]),
            rx.recharts.y_axis(data_key="skill", type_="category", width=140),
            rx.recharts.graphing_tooltip(),
            data=MarketState.skills, layout="vertical", width="100%", height=360),
        id="market-skills", width="100%")


def _bands() -> rx.Component:
    return rx.card(
        rx.heading("Salary bands (yearly, each in its own currency)", size="4"),
        rx.text("The 25th, 50th and 75th percentile of the middle of each posted range; currencies are never "
                "converted or mixed.", size="1", color_scheme="gray"),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                           ("Currency", "Postings", "25th", "Median", "75th", "")])),
            rx.table.body(rx.foreach(MarketState.bands, lambda b: rx.table.row(
                rx.table.cell(b["currency"]), rx.table.cell(b["count"]), rx.table.cell(b["p25"]),
                rx.table.cell(b["p50"]), rx.table.cell(b["p75"]), rx.table.cell(rx.text(b["note"], size="1")),
                key=b["currency"]))),
            id="market-bands", width="100%"),
        width="100%")


def _companies() -> rx.Component:
    return rx.card(
        rx.heading("Hiring most", size="4"),
        rx.vstack(rx.foreach(MarketState.companies, lambda c: rx.hstack(
            rx.text(c["company"]), rx.spacer(), rx.badge(c["listings"]), width="100%", key=c["company"])),
            id="market-companies", width="100%", spacing="1"),
        width="100%")


def market_page() -> rx.Component:
    return frame(rx.vstack(
        rx.heading("Job market", size="7"),
        rx.text("From the active listings in our catalogue; refreshed whenever a listing changes.", color_scheme="gray"),
        _filters(),
        error_callout(MarketState.error),
        rx.cond(MarketState.loading, loading_block("Reading the market…"), rx.vstack(
            rx.hstack(_stat("Active listings", MarketState.listings),
                      _stat("Remote", rx.cond(MarketState.remote_share == "", "—", MarketState.remote_share)),
                      rx.text(MarketState.place, color_scheme="gray"), align="center", spacing="4", wrap="wrap",
                      id="market-summary"),
            rx.cond(MarketState.listings == 0, info_callout("No active listings match these filters yet.")),
            _weeks_chart(),
            rx.grid(_skills_chart(), rx.vstack(_bands(), _companies(), width="100%"), columns=rx.breakpoints(
                initial="1", md="2"), spacing="4", width="100%"),
            spacing="4", width="100%")),
        spacing="4", width="100%"))
