"""Chat pieces shared by the seeker's coach page and the admin chat dashboard: no state, no services."""

import reflex as rx

ROLE_COLOR = {"user": "indigo", "assistant": "gray", "admin": "green", "system": "amber"}


def bubble(m: rx.Var, mine_role: str) -> rx.Component:
    """One message; `mine_role` is the role shown on the right (the viewer's own messages)."""
    mine = m["role"] == mine_role
    return rx.box(
        rx.cond(
            m["role"] == "system",
            rx.text(m["content"], size="1", color_scheme="amber", align="center", width="100%"),
            rx.box(
                rx.hstack(
                    rx.text(m["author"], weight="medium", size="1"),
                    rx.text(m["time"], size="1", color_scheme="gray"),
                    rx.cond(m["badge"] != "", rx.badge(m["badge"], size="1", color_scheme="gray")),
                    rx.cond(m["interrupted"] != "", rx.badge("interrupted", size="1", color_scheme="orange")),
                    spacing="2",
                ),
                rx.text(m["content"], size="2", white_space="pre-wrap"),
                class_name="chat-bubble",
                custom_attrs={"data-role": m["role"]},
                style={"background": rx.cond(mine, "var(--indigo-a3)", "var(--gray-a3)"), "padding": "0.5em 0.8em",
                       "border_radius": "10px", "max_width": "85%", "margin_left": rx.cond(mine, "auto", "0")},
            ),
        ),
        width="100%",
        key=m["id"],
    )


def message_list(messages: rx.Var, streaming: rx.Var, mine_role: str) -> rx.Component:
    # The outer box lays out in reverse, so its scroll position stays at the newest message.
    return rx.box(rx.vstack(
        rx.foreach(messages, lambda m: bubble(m, mine_role)),
        rx.cond(
            streaming != "",
            rx.box(rx.text("Coach", weight="medium", size="1"),
                   rx.text(streaming, size="2", white_space="pre-wrap"),
                   id="chat-streaming", aria_live="polite",
                   style={"background": "var(--gray-a3)", "padding": "0.5em 0.8em", "border_radius": "10px",
                          "max_width": "85%"}),
        ),
        id="chat-messages",
        role="log",
        aria_live="polite",
        spacing="2",
        width="100%",
    ), style={"max_height": "60vh", "overflow_y": "auto", "padding": "0.5em", "border": "1px solid var(--gray-a5)",
              "border_radius": "8px", "min_height": "12em", "display": "flex", "flex_direction": "column-reverse"},
        width="100%")


def composer(on_submit, draft: rx.Var, set_draft, sending: rx.Var, enabled: rx.Var, placeholder: str) -> rx.Component:
    """A one-line message form: Enter sends, the field stays usable while replies stream."""
    return rx.form(
        rx.hstack(
            rx.input(name="message", id="chat-input", value=draft, on_change=set_draft, placeholder=placeholder,
                     aria_label="Message", max_length=4000, disabled=~enabled, width="100%", size="3",
                     auto_complete="off"),
            rx.button("Send", type="submit", loading=sending, disabled=~enabled, size="3", id="chat-send"),
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
        width="100%",
    )


def status_badge(label: rx.Var, status: rx.Var) -> rx.Component:
    return rx.badge(label, color_scheme=rx.match(status, ("human", "green"), ("closed", "gray"), "indigo"),
                    id="chat-status")
