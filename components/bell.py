"""The notification bell of the header: a link to /notifications with the unread count."""

import reflex as rx


def bell(badge: rx.Var, on_mount) -> rx.Component:
    """`badge` is the unread count as text ("" for none); `on_mount` starts following the count live."""
    return rx.link(
        rx.box(
            rx.icon("bell", size=20),
            rx.cond(
                badge != "",
                rx.badge(badge, color_scheme="red", variant="solid", radius="full", size="1", id="notification-count",
                         style={"position": "absolute", "top": "-0.55em", "right": "-0.75em", "padding": "0 0.4em"}),
            ),
            position="relative", display="flex",
        ),
        href="/notifications",
        id="notification-bell",
        aria_label=rx.cond(badge != "", "Notifications, " + badge + " unread", "Notifications"),
        color="inherit",
        on_mount=on_mount,
    )
