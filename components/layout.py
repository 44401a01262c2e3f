"""The page frame: top bar with role-aware navigation, and the content column."""

import reflex as rx

# What each role sees in the navigation. Pages still check the role on the server.
NAV_ITEMS: dict[str, list[tuple[str, str]]] = {
    "seeker": [("Dashboard", "/dashboard"), ("Jobs", "/jobs"), ("Profile", "/profile"), ("Resume", "/resume"),
               ("Recommended", "/recommended"), ("Skill gap", "/skills-gap"), ("Applications", "/applications"),
               ("Coach", "/coach"), ("Studio", "/studio"), ("Market", "/market"), ("Social", "/social")],
    "provider": [("Dashboard", "/dashboard"), ("Jobs", "/jobs"), ("Provider console", "/provider")],
    "admin": [("Dashboard", "/dashboard"), ("Jobs", "/jobs"), ("Provider console", "/provider"),
              ("Users", "/admin/users"), ("Enrichment", "/admin/jobs"), ("Ingestion", "/admin/ingestion"),
              ("Live chat", "/admin/chat"), ("Feedback", "/admin/feedback")],
}


def _nav_links(role: rx.Var) -> rx.Component:
    return rx.match(
        role,
        *[
            (name, rx.flex(*[rx.link(label, href=href, weight="medium") for label, href in items],
                           column_gap="1em", row_gap="0.3em", wrap="wrap"))
            for name, items in NAV_ITEMS.items()
        ],
        rx.fragment(),
    )


def navbar(*, signed_in: rx.Var, user_name: rx.Var, role: rx.Var, on_sign_out,
           bell: rx.Component | None = None) -> rx.Component:
    """One row on wide screens; on a phone the links take a row of their own under the logo and account.
    `bell` (the notifications link) shows beside the account of a signed-in user."""
    account = rx.cond(
        signed_in,
        rx.hstack(
            bell or rx.fragment(),
            rx.badge(role, variant="soft", display=rx.breakpoints(initial="none", sm="inline-flex")),
            rx.text(user_name, size="2", id="nav-user-name", display=rx.breakpoints(initial="none", xs="block")),
            rx.button("Sign out", on_click=on_sign_out, variant="outline", size="2", id="sign-out"),
            align="center",
            spacing="3",
        ),
        rx.hstack(
            rx.link(rx.button("Sign in", variant="outline", size="2"), href="/signin"),
            rx.link(rx.button("Create account", size="2"), href="/signup"),
            spacing="2",
        ),
    )
    return rx.el.nav(
        rx.flex(
            rx.link(
                rx.hstack(rx.icon("compass", size=22), rx.heading("Career Copilot", size="5"),
                          align="center", spacing="2"),
                href="/",
                underline="none",
                color="inherit",
                aria_label="Career Copilot home",
            ),
            rx.cond(signed_in, rx.box(_nav_links(role), order=rx.breakpoints(initial="3", md="2"),
                                      width=rx.breakpoints(initial="100%", md="auto"))),
            rx.box(account, margin_left="auto", order=rx.breakpoints(initial="2", md="3")),
            align="center",
            wrap="wrap",
            column_gap="1.25em",
            row_gap="0.6em",
            width="100%",
        ),
        style={"padding_x": rx.breakpoints(initial="1em", sm="1.5em"), "padding_y": "0.8em",
               "border_bottom": "1px solid var(--gray-a5)", "width": "100%"},
    )


def page_frame(nav: rx.Component, *children: rx.Component, hydrated: rx.Var, max_width: str = "72em") -> rx.Component:
    """`hydrated` marks when the page's state has arrived over the websocket (data-hydrated)."""
    return rx.box(
        nav,
        rx.el.main(
            rx.vstack(*children, spacing="5", width="100%"),
            custom_attrs={"data-hydrated": hydrated},
            style={"max_width": max_width, "margin_x": "auto", "padding": rx.breakpoints(initial="1em", sm="1.5em"),
                   "width": "100%"},
        ),
        min_height="100vh",
    )


def loading_block(label: str = "Loading…") -> rx.Component:
    return rx.center(rx.hstack(rx.spinner(), rx.text(label, color_scheme="gray")), padding="4em", width="100%")


def error_callout(message: rx.Var) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle_alert", color_scheme="red", role="alert", width="100%"),
    )


def info_callout(message: rx.Var) -> rx.Component:
    return rx.cond(message != "", rx.callout(message, icon="info", width="100%"))


def link_callout(message, link_text: str, href: str, **props) -> rx.Component:
    """An info callout whose text ends with a link. Both stay inline in the callout's <p>: a block
    (a stack) inside it is invalid HTML, and the browser's repair breaks hydration (React #418)."""
    return rx.callout.root(
        rx.callout.icon(rx.icon("info")),
        rx.callout.text(message, " ", rx.link(link_text, href=href, weight="medium")),
        width="100%",
        **props,
    )
