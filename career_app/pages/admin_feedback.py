"""/admin/feedback: the feedback inbox (status new / triaged / done), screenshots, replies by notification."""

import reflex as rx

from career_app.pages.common import frame
from components.layout import error_callout, info_callout
from state.support import AdminFeedbackState


def _item(item) -> rx.Component:
    S = AdminFeedbackState
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(item["category"], variant="soft"),
                rx.badge(item["status"], color_scheme=item["color"]),
                rx.text(item["from"], size="2", weight="medium"),
                rx.text(item["when"], " · page ", rx.code(item["page"]), size="1", color_scheme="gray"),
                align="center", spacing="2", wrap="wrap",
            ),
            rx.text(item["message"], white_space="pre-wrap"),
            rx.cond(item["screenshot"] != "",
                    rx.link(rx.image(src=item["screenshot"], alt="Screenshot sent with this feedback", max_width="100%",
                                     max_height="18em", border="1px solid var(--gray-a6)", border_radius="6px"),
                            href=item["screenshot"], is_external=True)),
            rx.cond(item["reply"] != "", rx.text("Replied: ", item["reply"], size="2", color_scheme="green")),
            rx.hstack(
                rx.foreach(["new", "triaged", "done"], lambda status: rx.button(
                    status.capitalize(), size="1", variant=rx.cond(item["status"] == status, "solid", "outline"),
                    on_click=S.change_status(item["id"], status))),
                spacing="2",
            ),
            rx.cond(item["can_reply"] != "",
                    rx.form(rx.hstack(
                        rx.el.input(type="hidden", name="feedback_id", value=item["id"]),
                        rx.input(name="reply", placeholder="Reply (sent as a notification)", width="100%",
                                 aria_label="Reply", required=True),
                        rx.button("Reply", type="submit"), width="100%"),
                        on_submit=S.send_reply, reset_on_submit=True, width="100%"),
                    rx.text("Sent without signing in: no reply possible.", size="1", color_scheme="gray")),
            spacing="2", width="100%",
        ),
        width="100%", class_name="feedback-item",
    )


def admin_feedback() -> rx.Component:
    S = AdminFeedbackState
    return frame(
        rx.heading("Feedback", size="7"),
        rx.hstack(
            rx.text("Status", size="2"),
            rx.select(["new", "triaged", "done", "all"], value=S.fb_status, on_change=S.set_fb_status,
                      aria_label="Status", id="feedback-status-filter"),
            rx.text(S.fb_total, " item(s)", size="2", color_scheme="gray", id="feedback-total"),
            align="center", spacing="3",
        ),
        error_callout(S.fb_error),
        info_callout(S.fb_notice),
        rx.vstack(rx.foreach(S.fb_items, _item), spacing="3", width="100%", id="feedback-inbox"),
    )
