"""Pieces on many pages: the Feedback button with its dialog and the "?" that opens the page's help
article (both in every page's frame), the external sign-in buttons, and the linked sign-ins card."""

import reflex as rx

from components.forms import choice
from components.layout import error_callout, info_callout
from components.page_capture import capture_button, page_capture
from state.support import CATEGORY_OPTIONS, FeedbackState, LinkedIdentitiesState, OAuthButtonsState

SCREENSHOT_UPLOAD = "feedback-screenshot"


def _feedback_dialog() -> rx.Component:
    S = FeedbackState
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("message-square", size=16), "Feedback", size="2", variant="soft",
                                    id="feedback-button")),
        rx.dialog.content(
            rx.dialog.title("Send feedback"),
            rx.dialog.description("Tell us what went wrong, what you would like, or what you liked. The page you "
                                  "are on is sent with it.", size="2", color_scheme="gray"),
            rx.vstack(
                rx.el.label("Kind", html_for="feedback-category", style={"font_weight": "500", "font_size": "0.9em"}),
                choice({c: c.capitalize() for c in CATEGORY_OPTIONS}, S.feedback_category, S.set_feedback_category,
                       aria_label="Kind of feedback", id="feedback-category"),
                rx.el.label("Message", html_for="feedback-message", style={"font_weight": "500", "font_size": "0.9em"}),
                rx.text_area(value=S.feedback_message, on_change=S.set_feedback_message, id="feedback-message",
                             rows="5", width="100%", placeholder="What happened, or what would help?"),
                capture_button(SCREENSHOT_UPLOAD, id="capture-page"),
                rx.upload.root(
                    rx.vstack(
                        rx.text("Attach a screenshot (PNG or JPEG, 5 MB at most): drop it here or click. "
                                "Its metadata is removed.", size="2"),
                        rx.foreach(rx.selected_files(SCREENSHOT_UPLOAD), lambda f: rx.text(f, weight="bold", size="2")),
                        spacing="1",
                    ),
                    id=SCREENSHOT_UPLOAD,
                    accept={"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"]},
                    max_files=1,
                    border="1px dashed var(--gray-a8)", padding="1em", width="100%", border_radius="8px",
                ),
                error_callout(S.feedback_error),
                rx.cond(S.feedback_sent != "",
                        rx.callout(S.feedback_sent, icon="check", color_scheme="green", width="100%", id="feedback-sent")),
                rx.hstack(
                    rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                    rx.button("Send", id="feedback-send", loading=S.feedback_sending,
                              on_click=[S.send_feedback(rx.upload_files(upload_id=SCREENSHOT_UPLOAD)),
                                        rx.clear_selected_files(SCREENSHOT_UPLOAD)]),
                    justify="end", width="100%",
                ),
                spacing="3", width="100%", margin_top="1em",
            ),
            max_width="32em",
        ),
        open=S.feedback_open,
        on_open_change=S.set_feedback_open,
    )


def support_corner() -> rx.Component:
    """The last row of every page: "?" (this page's help article), the help centre and Feedback. A row
    in the flow rather than a floating button: nothing of the page is ever hidden under it."""
    return rx.hstack(
        rx.link(rx.icon_button(rx.icon("circle-help", size=18), variant="soft", size="2", aria_label="Help for this page",
                               title="Help for this page"),
                href="/help?for=" + rx.State.router.page.path, id="page-help"),
        rx.link("Help centre", href="/help", size="2", id="help-centre-link"),
        _feedback_dialog(),
        page_capture(),
        justify="end", width="100%", spacing="3", align="center", padding_top="1em",
        border_top="1px solid var(--gray-a4)", margin_top="1em",
    )


def oauth_buttons() -> rx.Component:
    S = OAuthButtonsState
    return rx.cond(
        S.oauth_providers.length() > 0,
        rx.vstack(
            rx.separator(size="4"),
            # A full page load (components/navigation.py): the browser must really leave for the API route.
            rx.foreach(S.oauth_providers, lambda p: rx.button(
                "Continue with ", p["label"], variant="outline", size="3", width="100%", type="button",
                on_click=S.go(p["name"]), id="oauth-" + p["name"])),
            spacing="2", width="100%",
        ),
    )


def linked_identities_card() -> rx.Component:
    S = LinkedIdentitiesState
    return rx.card(
        rx.vstack(
            rx.heading("Sign-in methods", size="4"),
            rx.text(rx.cond(S.has_password, "Password: set.", "Password: none (you sign in through a provider)."),
                    size="2"),
            rx.cond(
                S.identities.length() > 0,
                rx.vstack(rx.foreach(S.identities, lambda i: rx.hstack(
                    rx.badge(i["label"], variant="soft"), rx.text(i["email"], size="2"),
                    rx.text("since ", i["since"], size="1", color_scheme="gray"),
                    rx.cond(S.has_password,
                            rx.button("Unlink", size="1", variant="outline", color_scheme="red",
                                      on_click=S.unlink(i["provider"]), id="unlink-" + i["provider"])),
                    align="center", spacing="3", wrap="wrap")), spacing="2", id="linked-identities"),
                rx.text("No Google or single sign-on account linked.", size="2", color_scheme="gray"),
            ),
            error_callout(S.identities_error),
            info_callout(rx.cond(~S.has_password & (S.identities.length() > 0),
                                 "A linked provider can be unlinked while your account has a password.", "")),
            spacing="3", width="100%",
        ),
        width="100%",
    )
