"""The page frame: top bar with role-aware navigation, and the content column."""

import reflex as rx

# What each role sees in the navigation. Pages still check the role on the server.
NAV_ITEMS: dict[str, list[tuple[str, str]]] = {
    "seeker": [("Dashboard", "/dashboard"), ("Jobs", "/jobs"), ("Resume", "/resume"), ("Recommended", "/recommended"),
               ("Skill gap", "/skills-gap")],
    "provider": [("Dashboard", "/dashboard"), ("Jobs", "/jobs"), ("Provider console", "/provider")],
    "admin": [("Dashboard", "/dashboard"), ("Jobs", "/jobs"), ("Provider console", "/provider"),
              ("Users", "/admin/users"), ("Enrichment", "/admin/jobs")],
}


def _nav_links(role: rx.Var) -> rx.Component:
    return rx.match(
        role,
        *[
            (name, rx.hstack(*[rx.link(label, href=href, weight="medium") for label, href in items], spacing="4"))
            for name, items in NAV_ITEMS.items()
        ],
        rx.fragment(),
    )


def navbar(*, signed_in: rx.Var, user_name: rx.Var, role: rx.Var, on_sign_out) -> rx.Component:
    return rx.el.nav(
        rx.hstack(
            rx.link(
                rx.hstack(rx.icon("compass", size=22), rx.heading("Career Copilot", size="5"), align="center"),
                href="/",
                underline="none",
                color="inherit",
            ),
            rx.cond(signed_in, _nav_links(role)),
            rx.spacer(),
            rx.cond(
                signed_in,
                rx.hstack(
                    rx.badge(role, variant="soft"),
                    rx.text(user_name, size="2", id="nav-user-name"),
                    rx.button("Sign out", on_click=on_sign_out, variant="outline", size="2", id="sign-out"),
                    align="center",
                    spacing="3",
                ),
                rx.hstack(
                    rx.link(rx.button("Sign in", variant="outline", size="2"), href="/signin"),
                    rx.link(rx.button("Create account", size="2"), href="/signup"),
                    spacing="2",
                ),
            ),
            align="center",
            spacing="5",
            width="100%",
        ),
        style={"padding_x": "1.5em", "padding_y": "0.8em", "border_bottom": "1px solid var(--gray-a5)",
               "width": "100%"},
    )


def page_frame(nav: rx.Component, *children: rx.Component, hydrated: rx.Var, max_width: str = "72em") -> rx.Component:
    """`hydrated` marks when the page's state has arrived over the websocket (data-hydrated)."""
    return rx.box(
        nav,
        rx.el.main(
            rx.vstack(*children, spacing="5", width="100%"),
            custom_attrs={"data-hydrated": hydrated},
            style={"max_width": max_width, "margin_x": "auto", "padding": "1.5em", "width": "100%"},
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
