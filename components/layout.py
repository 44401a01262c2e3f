"""The page frame: top bar with role-aware navigation, and the content column."""

import reflex as rx

# What each role sees in the navigation, in order: (label, path). Adding a page to the navigation
# is one entry here; the wide header and the phone menu both read this list. Pages still check the
# role on the server.
NAV_ITEMS: dict[str, list[tuple[str, str]]] = {
    "seeker": [("Dashboard", "/dashboard"), ("Jobs", "/jobs"), ("Profile", "/profile"), ("Resume", "/resume"),
               ("Recommended", "/recommended"), ("Skill gap", "/skills-gap"), ("Applications", "/applications"),
               ("Tracked jobs", "/tracker"), ("Coach", "/coach"), ("Studio", "/studio"), ("Market", "/market"),
               ("Social", "/social")],
    "provider": [("Dashboard", "/dashboard"), ("Jobs", "/jobs"), ("Provider console", "/provider")],
    "admin": [("Admin", "/admin"), ("Dashboard", "/dashboard"), ("Jobs", "/jobs"), ("Provider console", "/provider"),
              ("Users", "/admin/users"), ("Enrichment", "/admin/jobs"), ("Ingestion", "/admin/ingestion"),
              ("Live chat", "/admin/chat"), ("Feedback", "/admin/feedback")],
}
# Below this breakpoint (1280 px) the links fold into a menu: a phone, a tablet or a narrow window
# would need two or three rows for them.
WIDE = "lg"


def _by_role(role: rx.Var, make) -> rx.Component:
    return rx.match(role, *[(name, make(items)) for name, items in NAV_ITEMS.items()], rx.fragment())


def _nav_links(role: rx.Var) -> rx.Component:
    return _by_role(role, lambda items: rx.flex(
        *[rx.link(label, href=href, weight="medium") for label, href in items],
        column_gap="1em", row_gap="0.3em", wrap="wrap", id="nav-links"))


def _nav_menu(role: rx.Var, on_sign_out) -> rx.Component:
    """The phone's navigation: one button opening the same links (and Sign out) as a menu."""
    return rx.menu.root(
        rx.menu.trigger(rx.icon_button(rx.icon("menu", size=20), variant="soft", size="2", aria_label="Menu",
                                       id="nav-menu")),
        rx.menu.content(
            _by_role(role, lambda items: rx.fragment(
                # a plain anchor: Radix's menu item slots onto one element, which rx.link is not
                *[rx.menu.item(rx.el.a(label, href=href, style={"text_decoration": "none"}), as_child=True)
                  for label, href in items])),
            rx.menu.separator(),
            rx.menu.item("Sign out", on_click=on_sign_out, id="menu-sign-out"),
        ),
    )


def link_button(*children, href: str, link_props: dict | None = None, **button_props) -> rx.Component:
    """A link that looks like a button: one element, one Tab stop (a link wrapping a button is two)."""
    return rx.button(rx.link(*children, href=href, color="inherit", underline="none", **(link_props or {})),
                     as_child=True, **button_props)


def navbar(*, signed_in: rx.Var, user_name: rx.Var, role: rx.Var, on_sign_out,
           bell: rx.Component | None = None) -> rx.Component:
    """One row: the logo, the links (wide screens) and the account; on a phone the links and Sign out
    are in a menu, so the header keeps one row. `bell` (the notifications link) shows beside the
    account of a signed-in user."""
    phone_only = {"display": rx.breakpoints(initial="flex", **{WIDE: "none"})}
    account = rx.cond(
        signed_in,
        rx.hstack(
            bell or rx.fragment(),
            # the role and name only where the row has room beside the links (they are on the dashboard)
            rx.badge(role, variant="soft", display=rx.breakpoints(initial="none", sm="inline-flex", lg="none",
                                                                   xl="inline-flex")),
            rx.text(user_name, size="2", id="nav-user-name",
                    display=rx.breakpoints(initial="none", sm="block", lg="none", xl="block")),
            rx.button("Sign out", on_click=on_sign_out, variant="outline", size="2", id="sign-out",
                      display=rx.breakpoints(initial="none", sm="inline-flex")),
            rx.box(_nav_menu(role, on_sign_out), **phone_only),
            align="center",
            spacing="3",
        ),
        rx.hstack(
            link_button("Sign in", href="/signin", variant="outline", size="2"),
            # on a phone the header keeps one row: the sign-in page leads to creating an account
            link_button("Create account", href="/signup", size="2",
                        display=rx.breakpoints(initial="none", xs="inline-flex")),
            spacing="2",
        ),
    )
    return rx.el.nav(
        rx.flex(
            rx.link(
                rx.hstack(rx.icon("compass", size=22), rx.heading("Career Copilot", size=rx.breakpoints(initial="4", sm="5"),
                                                                  white_space="nowrap"),
                          align="center", spacing="2"),
                href="/",
                underline="none",
                color="inherit",
                aria_label="Career Copilot home",
            ),
            # the links take the room between logo and account, wrapping inside it when a role has many
            rx.cond(signed_in, rx.box(_nav_links(role), flex="1", min_width="0",
                                      display=rx.breakpoints(initial="none", **{WIDE: "block"}))),
            rx.box(account, margin_left="auto"),
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
