import reflex as rx

from career_app.pages.common import frame
from components.layout import link_button


def not_found() -> rx.Component:
    return frame(
        rx.vstack(
            rx.icon("map-pin-off", size=40, color=rx.color("gray", 9)),
            rx.heading("Page not found", size="7", id="not-found-heading"),
            rx.text("There is nothing at this address. It may have moved, or the link may be mistyped.",
                    color_scheme="gray", align="center"),
            rx.hstack(
                link_button("Go to the home page", size="3", href="/", link_props={"id": "not-found-home"}),
                link_button("Browse jobs", size="3", variant="outline", href="/jobs"),
                spacing="3", wrap="wrap", justify="center",
            ),
            spacing="4", align="center", padding_y="4em", width="100%",
        ),
        max_width="40em",
    )
