"""/help: search the help centre (admins also write articles); /help/<slug>: one article (admins edit,
publish and unpublish it)."""

import reflex as rx

from career_app.pages.common import frame
from components.forms import labeled_input
from components.layout import error_callout, loading_block
from state.support import HelpArticleState, HelpState


# The article's HTML comes without classes; the theme resets lists and headings, so style them here.
ARTICLE_STYLE = {
    "& p": {"margin": "0 0 0.8em"},
    "& ul": {"padding_left": "1.5em", "margin": "0 0 0.8em", "list_style_type": "disc"},
    "& ol": {"padding_left": "1.5em", "margin": "0 0 0.8em", "list_style_type": "decimal"},
    "& li": {"margin": "0.2em 0"},
    "& h1, & h2, & h3": {"font_weight": "700", "margin": "1.2em 0 0.4em", "line_height": "1.3"},
    "& h2": {"font_size": "1.3em"},
    "& h3": {"font_size": "1.1em"},
    "& pre": {"background": "var(--gray-a3)", "padding": "0.8em", "border_radius": "6px", "overflow_x": "auto"},
    "& code": {"font_family": "var(--code-font-family, monospace)", "font_size": "0.92em"},
    "& table": {"border_collapse": "collapse", "margin": "0 0 1em", "display": "block", "overflow_x": "auto"},
    "& th, & td": {"border": "1px solid var(--gray-a6)", "padding": "0.3em 0.6em", "text_align": "left"},
    "& a": {"color": "var(--accent-11)", "text_decoration": "underline"},
}


def _result(item) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.link(item["title"], href="/help/" + item["slug"], weight="medium", size="4"),
                      rx.badge(item["category"], variant="soft"),
                      rx.cond(item["state"] != "", rx.badge(item["state"], color_scheme="amber")),
                      align="center", spacing="2", wrap="wrap"),
            rx.text(item["summary"], size="2", color_scheme="gray"),
            spacing="1",
        ),
        width="100%",
    )


def _new_article() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("New article (draft)", size="4"),
                rx.hstack(labeled_input("Slug", "slug", placeholder="how-to-do-x"),
                          labeled_input("Category", "category", placeholder="account"), width="100%"),
                labeled_input("Title", "title"),
                labeled_input("Summary", "summary", required=False),
                rx.el.label("Body (Markdown)", html_for="new-body", style={"font_weight": "500", "font_size": "0.9em"}),
                rx.text_area(name="body", id="new-body", rows="8", width="100%", required=True),
                error_callout(HelpState.new_error),
                rx.button("Create draft", type="submit", id="create-article"),
                spacing="3", width="100%",
            ),
            on_submit=HelpState.create_article, reset_on_submit=False,
        ),
        width="100%",
    )


def help_page() -> rx.Component:
    S = HelpState
    return frame(
        rx.heading("Help centre", size="7"),
        rx.form(
            rx.hstack(
                rx.input(name="q", default_value=S.help_query, placeholder="Search the help centre", id="help-search",
                         aria_label="Search the help centre", width="100%", size="3"),
                rx.button("Search", type="submit", size="3"),
                width="100%",
            ),
            on_submit=S.search, width="100%",
        ),
        rx.hstack(
            rx.text("Category", size="2"),
            rx.select(S.category_choices, value=S.help_category, on_change=S.set_help_category,
                      aria_label="Category", id="help-category"),
            rx.text(S.help_total, " article(s)", size="2", color_scheme="gray", id="help-total"),
            align="center", spacing="3",
        ),
        rx.cond(S.help_loading, loading_block(),
                rx.vstack(rx.foreach(S.help_items, _result), spacing="2", width="100%", id="help-results")),
        rx.cond(S.is_admin, _new_article()),
        max_width="52em",
    )


def _editor() -> rx.Component:
    A = HelpArticleState.article
    return rx.form(
        rx.vstack(
            labeled_input("Title", "title", default_value=A["title"]),
            rx.hstack(labeled_input("Category", "category", default_value=A["category"]),
                      labeled_input("Page it explains", "page", required=False, default_value=A["page"],
                                    hint="A route such as /tracker: its “?” opens this article"), width="100%"),
            labeled_input("Summary", "summary", required=False, default_value=A["summary"]),
            rx.el.label("Body (Markdown)", html_for="edit-body", style={"font_weight": "500", "font_size": "0.9em"}),
            rx.text_area(name="body", id="edit-body", default_value=A["body"], rows="16", width="100%"),
            rx.hstack(rx.button("Save", type="submit", id="save-article"),
                      rx.button("Cancel", variant="soft", color_scheme="gray", type="button",
                                on_click=HelpArticleState.set_editing(False))),
            spacing="3", width="100%",
        ),
        on_submit=HelpArticleState.save, reset_on_submit=False, key=HelpArticleState.edit_key,
    )


def help_article_page() -> rx.Component:
    S = HelpArticleState
    return frame(
        rx.link("← Help centre", href="/help", size="2"),
        rx.cond(
            S.article_missing,
            rx.vstack(rx.heading("No such article", size="6"),
                      rx.text("It may have been unpublished. Search the help centre instead."), id="help-missing"),
            rx.cond(
                S.article.contains("slug"),
                rx.vstack(
                    rx.hstack(rx.badge(S.article["category"], variant="soft"),
                              rx.cond(~S.article_published, rx.badge("draft", color_scheme="amber", id="draft-badge")),
                              rx.text("Updated ", S.article["updated"], size="1", color_scheme="gray"),
                              align="center", spacing="2"),
                    rx.heading(S.article["title"], size="7", id="article-title"),
                    rx.cond(S.can_edit, rx.hstack(
                        rx.button("Edit", variant="soft", on_click=S.set_editing(True), id="edit-article"),
                        rx.button(rx.cond(S.article_published, "Unpublish", "Publish"), variant="outline",
                                  on_click=S.toggle_published, id="toggle-published"),
                        spacing="2")),
                    error_callout(S.edit_error),
                    rx.cond(S.editing, _editor(),
                            rx.box(rx.html(S.article_html), class_name="help-article", id="article-body", width="100%",
                                   style=ARTICLE_STYLE)),
                    spacing="3", width="100%",
                ),
                loading_block(),
            ),
        ),
        max_width="48em",
    )
