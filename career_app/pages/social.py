"""/social: your milestones, what others may see (every choice off by default), share links and the
monthly leaderboard; /s/[token]: the public page of one share link."""

import reflex as rx

from career_app.pages.common import frame
from components.layout import error_callout, info_callout, loading_block
from state.social import SharedState, SocialState

CHOICE_TEXT = [
    ("public_milestones", "Show my milestones (applied, interview, offer) in the community feed"),
    ("community_feed", "Show me the community's public milestones"),
    ("leaderboard", "Count me on the monthly leaderboard"),
    ("show_name", "Show my name instead of my pseudonym"),
    ("show_companies", "Show the companies of my public milestones"),
]


def _choices() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("What others see", size="4"),
        rx.text("Everything is private until you turn it on. Others see you as ",
                rx.cond(SocialState.pseudonym == "", "a random pseudonym",
                        rx.code(SocialState.pseudonym, id="social-pseudonym")),
                " unless you choose to show your name.", size="2"),
        *[rx.el.label(rx.hstack(rx.switch(checked=SocialState.choices[name], id=f"choice-{name}",
                                          on_change=lambda v, n=name: SocialState.toggle(n, v)),
                                rx.text(text, size="2"), align="center", spacing="2"))
          for name, text in CHOICE_TEXT],
        spacing="2"), width="100%")


def _milestones() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Your milestones", size="4"),
        rx.cond(SocialState.milestones.length() == 0,
                rx.text("None yet: they come from your applications on the tracker.", size="2"),
                rx.vstack(rx.foreach(SocialState.milestones, lambda m: rx.hstack(
                    rx.badge(m["what"]), rx.text(m["title"], " · ", m["company"], size="2"), rx.spacer(),
                    rx.badge(m["public"], color_scheme=rx.cond(m["public"] == "public", "green", "gray"), size="1"),
                    rx.text(m["when"], size="1", color_scheme="gray"), width="100%", key=m["id"])),
                    id="social-milestones", width="100%", spacing="1")),
        rx.cond(SocialState.choices["community_feed"], rx.vstack(
            rx.heading("Community", size="3"),
            rx.cond(SocialState.community.length() == 0, rx.text("Nothing public yet.", size="2"),
                    rx.vstack(rx.foreach(SocialState.community, lambda e: rx.hstack(
                        rx.text(e["who"], weight="medium", size="2"), rx.badge(e["what"]),
                        rx.text(e["company"], size="2"), rx.spacer(), rx.text(e["when"], size="1", color_scheme="gray"),
                        width="100%", key=e["id"])), id="social-community", width="100%", spacing="1")),
            width="100%")),
        width="100%"), width="100%")


def _shares() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Share links", size="4"),
        rx.text("Anyone with a link sees only what it shares, without signing in, until it expires or you revoke "
                "it. A link is shown once.", size="2"),
        rx.hstack(
            rx.select.root(rx.select.trigger(placeholder="A job from your tracker", id="share-job", width="18em"),
                           rx.select.content(rx.foreach(SocialState.jobs, lambda j: rx.select.item(j[1], value=j[0]))),
                           value=SocialState.share_job, on_change=SocialState.set_share_job),
            rx.button("Share job", on_click=SocialState.share_selected_job, id="share-job-button"),
            rx.button("Share my resume", on_click=SocialState.share_resume, variant="outline", id="share-resume"),
            rx.select.root(rx.select.trigger(aria_label="Expires after", width="9em"),
                           rx.select.content(*[rx.select.item(f"{d} days", value=str(d)) for d in (1, 7, 30, 90)]),
                           value=SocialState.share_days, on_change=SocialState.set_share_days),
            spacing="2", wrap="wrap", align="center"),
        rx.cond(SocialState.new_link != "", rx.callout(
            rx.vstack(rx.text("Your link (copy it now):", size="2"),
                      rx.code(SocialState.new_link, id="share-new-link", style={"word_break": "break-all"})),
            color_scheme="green", width="100%")),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                           ("Shared", "Link starts", "Views", "Expires", "")])),
            rx.table.body(rx.foreach(SocialState.shares, lambda s: rx.table.row(
                rx.table.cell(s["label"]), rx.table.cell(rx.code(s["prefix"])), rx.table.cell(s["views"]),
                rx.table.cell(s["expires"]),
                rx.table.cell(rx.cond(s["active"] == "yes",
                                      rx.button("Revoke", size="1", color_scheme="red", variant="soft",
                                                on_click=SocialState.revoke(s["id"])),
                                      rx.badge("ended", color_scheme="gray"))),
                key=s["id"]))),
            id="social-shares", width="100%"),
        width="100%"), width="100%")


def _leaderboard() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Leaderboard · ", SocialState.month, size="4"),
        rx.text("Applications sent and interviews won this month, by those who opted in; pseudonyms, never "
                "companies.", size="2"),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                           ("#", "Who", "Applications", "Interviews")])),
            rx.table.body(rx.foreach(SocialState.board, lambda r: rx.table.row(
                rx.table.cell(r["rank"]), rx.table.cell(r["who"], " ", rx.cond(r["you"] != "", rx.badge("you"))),
                rx.table.cell(r["applications"]), rx.table.cell(r["interviews"]), key=r["rank"] + r["who"]))),
            id="social-leaderboard", width="100%"),
        rx.cond(SocialState.board.length() == 0, rx.text("Nobody has opted in with activity this month yet.", size="2")),
        width="100%"), width="100%")


def social_page() -> rx.Component:
    return frame(rx.vstack(
        rx.heading("Social", size="7"),
        error_callout(SocialState.error),
        rx.cond(SocialState.loading, loading_block("Loading…"), rx.vstack(
            _choices(), _shares(), _milestones(), _leaderboard(), spacing="4", width="100%")),
        spacing="4", width="100%"))


def shared_page() -> rx.Component:
    return frame(rx.vstack(
        rx.cond(SharedState.loading, loading_block("Opening the link…"), rx.cond(
            SharedState.found,
            rx.vstack(
                rx.heading(SharedState.title, size="7", id="shared-title"),
                rx.text(SharedState.subtitle, color_scheme="gray"),
                rx.cond(SharedState.skills.length() > 0, rx.flex(
                    rx.foreach(SharedState.skills, lambda s: rx.badge(s, key=s)), wrap="wrap", spacing="1")),
                rx.card(rx.text(SharedState.body, white_space="pre-wrap", size="2"), id="shared-body", width="100%"),
                rx.cond(SharedState.apply_url != "", rx.link("Apply on the employer's site", href=SharedState.apply_url,
                                                             is_external=True, rel="noopener noreferrer nofollow")),
                rx.text("Shared with you until ", SharedState.expires, ".", size="1", color_scheme="gray"),
                spacing="3", width="100%"),
            info_callout("This link does not exist or is no longer shared."))),
        width="100%"), max_width="56em")
