import reflex as rx

from career_app.pages.common import frame
from components.forms import labeled_input, submit_button
from components.layout import error_callout
from state.auth import SignUpState


def signup() -> rx.Component:
    return frame(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading("Create your account", size="6"),
                    error_callout(SignUpState.error),
                    rx.vstack(
                        rx.text("I am…", weight="medium", size="2", id="role-label"),
                        rx.radio_group.root(
                            rx.hstack(
                                rx.radio_group.item(value="seeker", id="role-seeker"),
                                rx.el.label("looking for a job", html_for="role-seeker"),
                                rx.radio_group.item(value="provider", id="role-provider"),
                                rx.el.label("hiring", html_for="role-provider"),
                                spacing="2",
                                align="center",
                            ),
                            value=SignUpState.role_choice,
                            on_change=SignUpState.set_role_choice,
                            aria_labelledby="role-label",
                        ),
                        spacing="1",
                    ),
                    labeled_input("Full name", "full_name", auto_complete="name"),
                    labeled_input("Email", "email", type_="email", auto_complete="email"),
                    labeled_input("Password", "password", type_="password", auto_complete="new-password",
                                  min_length=8, hint="At least 8 characters."),
                    labeled_input("Confirm password", "confirm_password", type_="password",
                                  auto_complete="new-password", min_length=8),
                    submit_button("Create account", SignUpState.loading),
                    rx.text("Already registered? ", rx.link("Sign in", href="/signin"), size="2"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=SignUpState.submit,
                id="signup-form",
            ),
            width="100%",
            size="3",
        ),
        max_width="30em",
    )
