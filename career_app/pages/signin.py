import reflex as rx

from career_app.pages.common import frame
from components.forms import labeled_input, submit_button
from components.layout import error_callout, info_callout
from career_app.pages.support_widgets import oauth_buttons
from state.auth import SignInState


def signin() -> rx.Component:
    return frame(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading("Sign in", size="6"),
                    info_callout(SignInState.notice),
                    error_callout(SignInState.error),
                    labeled_input("Email or username", "identifier", auto_complete="username"),
                    labeled_input("Password", "password", type_="password", auto_complete="current-password"),
                    submit_button("Sign in", SignInState.loading),
                    oauth_buttons(),
                    rx.text("New here? ", rx.link("Create an account", href="/signup"), size="2"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=SignInState.submit,
                id="signin-form",
            ),
            width="100%",
            size="3",
        ),
        max_width="28em",
    )
