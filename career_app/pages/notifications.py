import reflex as rx

from career_app.pages.common import frame
from components.layout import error_callout, info_callout, loading_block
from state.notifications import NotificationsState


def _item(note: rx.Var) -> rx.Component:
    unread = note["read"] == ""
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.cond(unread, rx.badge("New", color_scheme="indigo", size="1")),
                    rx.cond(note["urgent"] != "", rx.badge("Important", color_scheme="red", size="1")),
                    rx.text(note["title"], weight=rx.cond(unread, "bold", "regular"), size="3",
                            class_name="notification-title"),
                    align="center", spacing="2", wrap="wrap",
                ),
                rx.text(note["message"], size="2"),
                rx.text(note["category"], " · ", note["when"], size="1", color_scheme="gray"),
                align="start", spacing="1", width="100%",
            ),
            rx.vstack(
                rx.cond(note["url"] != "",
                        rx.link("Open", href=note["url"].to(str), on_click=NotificationsState.mark_read(note["id"]),
                                weight="medium", size="2")),
                rx.cond(unread, rx.button("Mark read", size="1", variant="soft",
                                          on_click=NotificationsState.mark_read(note["id"]),
                                          aria_label="Mark “" + note["title"] + "” read")),
                align="end", spacing="2", flex_shrink="0",
            ),
            width="100%", align="start",
        ),
        class_name="notification",
        custom_attrs={"data-read": rx.cond(unread, "false", "true")},
        style={"background": rx.cond(unread, "var(--indigo-a2)", "transparent")},
        width="100%",
        key=note["id"],
    )


def _feed() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Notifications", size="7"),
            rx.badge(NotificationsState.unread, " unread", size="2", id="notifications-unread"),
            rx.spacer(),
            rx.el.label(
                rx.hstack(rx.checkbox(checked=NotificationsState.unread_only,
                                      on_change=NotificationsState.set_unread_only),
                          rx.text("Unread only", size="2"), align="center", spacing="2"),
            ),
            rx.button("Mark all read", on_click=NotificationsState.mark_all_read, variant="outline",
                      disabled=NotificationsState.unread == 0, id="mark-all-read"),
            width="100%", align="center", wrap="wrap", spacing="3",
        ),
        error_callout(NotificationsState.error),
        rx.cond(
            NotificationsState.loading,
            loading_block("Loading your notifications…"),
            rx.cond(
                NotificationsState.items.length() == 0,
                info_callout(rx.cond(NotificationsState.unread_only, "No unread notifications.",
                                     "No notifications yet. We will tell you here when something needs you.")),
                rx.vstack(rx.foreach(NotificationsState.items, _item), spacing="2", width="100%",
                          id="notifications-list"),
            ),
        ),
        rx.hstack(
            rx.button("Previous", on_click=NotificationsState.prev_page, disabled=NotificationsState.page == 0,
                      variant="outline"),
            rx.text(NotificationsState.page_label, size="2"),
            rx.button("Next", on_click=NotificationsState.next_page, disabled=~NotificationsState.has_next,
                      variant="outline"),
            align="center", spacing="3",
        ),
        spacing="4", width="100%",
    )


def _switch(label, checked: rx.Var, on_change, key=None, **props) -> rx.Component:
    """A switch named by its label; held in the state, so it is not a form field."""
    return rx.el.label(
        rx.hstack(rx.switch(checked=checked, on_change=on_change, **props), rx.text(label, size="2"),
                  align="center", spacing="2"),
        **({"key": key} if key is not None else {}),
    )


def _time_field(label: str, name: str, value: rx.Var) -> rx.Component:
    field_id = f"field-{name}"
    return rx.vstack(
        rx.el.label(label, html_for=field_id, style={"font_weight": "500", "font_size": "0.9em"}),
        rx.input(id=field_id, name=name, type="time", default_value=value,
                 disabled=~NotificationsState.quiet_enabled),
        spacing="1",
    )


def _settings() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Settings", size="4"),
                rx.el.fieldset(
                    rx.el.legend("Notify me about", style={"font_weight": "500", "margin_bottom": "0.5em"}),
                    rx.vstack(
                        rx.foreach(NotificationsState.category_rows, lambda c: _switch(
                            c["label"], c["on"] == "yes", lambda on: NotificationsState.set_category(c["value"], on),
                            key=c["value"])),
                        spacing="2",
                    ),
                    style={"border": "none", "padding": "0", "margin": "0"},
                ),
                _switch("Show notifications live in the app", NotificationsState.in_app, NotificationsState.set_in_app),
                _switch("Also send them by email", NotificationsState.email, NotificationsState.set_email,
                        disabled=~NotificationsState.email_available),
                rx.cond(~NotificationsState.email_available,
                        rx.text("Email is not set up on this server.", size="1", color_scheme="gray")),
                _switch("Quiet hours (stored, not shown live)", NotificationsState.quiet_enabled,
                        NotificationsState.set_quiet_enabled),
                rx.hstack(
                    _time_field("From", "quiet_start", NotificationsState.quiet_start),
                    _time_field("To", "quiet_end", NotificationsState.quiet_end),
                    spacing="3", wrap="wrap",
                ),
                rx.vstack(
                    rx.el.label("Time zone", html_for="field-time_zone",
                                style={"font_weight": "500", "font_size": "0.9em"}),
                    rx.input(id="field-time_zone", name="time_zone", default_value=NotificationsState.time_zone,
                             max_length=64, placeholder="Europe/Lisbon", auto_complete="off"),
                    rx.text("An IANA name such as Europe/Lisbon or America/New_York; quiet hours use it.", size="1",
                            color_scheme="gray"),
                    spacing="1",
                ),
                error_callout(NotificationsState.settings_error),
                info_callout(NotificationsState.settings_notice),
                rx.button("Save settings", type="submit", loading=NotificationsState.saving, id="save-settings"),
                spacing="3", width="100%",
            ),
            key=NotificationsState.settings_key,
            on_submit=NotificationsState.save_settings,
            reset_on_submit=False,
        ),
        width="100%",
    )


def notifications_page() -> rx.Component:
    return frame(
        rx.grid(
            _feed(),
            rx.cond(NotificationsState.loading, rx.fragment(), _settings()),
            columns=rx.breakpoints(initial="1", md="1fr 20em"), spacing="5", width="100%",
        ),
    )
