import reflex as rx

from career_app.pages.common import frame
from components.chat import composer, message_list, status_badge
from components.clock import elapsed
from components.forms import choice
from components.layout import error_callout, info_callout, loading_block
from state.admin_chat import STATUS_FILTERS, AdminChatState
from state.coach import STATUS_LABEL


def _session_item(row: rx.Var) -> rx.Component:
    active = row["id"] == AdminChatState.active_id
    return rx.button(
        rx.vstack(
            rx.hstack(
                rx.text(row["seeker"], weight="medium", size="2", trim="both", class_name="chat-seeker"),
                rx.spacer(),
                rx.cond(row["unread"] != "0",
                        rx.badge(row["unread"], " new", color_scheme="red", size="1", class_name="chat-unread")),
                rx.badge(row["status_label"], size="1", class_name="chat-row-status",
                         color_scheme=rx.match(row["status"], ("human", "green"), ("closed", "gray"), "indigo")),
                width="100%", align="center",
            ),
            rx.text(rx.cond(row["job"] != "", row["job"], row["title"]), size="1", weight="medium", trim="both"),
            rx.text(row["preview"], size="1", color_scheme="gray", trim="both", class_name="chat-preview"),
            rx.cond(row["waiting_since"] != "",
                    rx.text("Waiting ", elapsed(row["waiting_since"].to(str)), size="1", color_scheme="amber",
                            class_name="chat-waiting")),
            rx.cond(row["holder"] != "", rx.text("Held by ", row["holder"], size="1", color_scheme="green")),
            align="start", spacing="1", width="100%",
        ),
        on_click=AdminChatState.open(row["id"]),
        variant=rx.cond(active, "soft", "ghost"),
        aria_current=rx.cond(active, "true", "false"),
        width="100%", height="auto", padding="0.5em",
        class_name="admin-chat-session",
        key=row["id"],
    )


def _actions() -> rx.Component:
    return rx.hstack(
        rx.cond(AdminChatState.can_take_over,
                rx.button("Take over", on_click=AdminChatState.take_over, loading=AdminChatState.acting,
                          size="2", id="take-over")),
        rx.cond(AdminChatState.can_release,
                rx.button("Release to AI", on_click=AdminChatState.release, loading=AdminChatState.acting,
                          variant="soft", size="2", id="release")),
        rx.cond(AdminChatState.status != "closed",
                rx.button("Close", on_click=AdminChatState.close_session, variant="outline", size="2",
                          id="close-conversation")),
        spacing="2",
    )


def _pane() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.heading(AdminChatState.active_seeker, size="5", id="admin-chat-seeker"),
                rx.text(rx.cond(AdminChatState.active_job != "", "About " + AdminChatState.active_job,
                                AdminChatState.active_title), size="2", color_scheme="gray"),
                spacing="1",
            ),
            rx.spacer(),
            status_badge(rx.match(AdminChatState.status, *STATUS_LABEL.items(), ""), AdminChatState.status),
            width="100%", align="center", wrap="wrap",
        ),
        _actions(),
        rx.cond(AdminChatState.holder == "another admin",
                info_callout("Another admin holds this conversation; you can read it live.")),
        rx.cond(AdminChatState.status == "active_ai",
                rx.text("The AI coach answers this conversation. Replying takes it over.", size="1",
                        color_scheme="gray")),
        message_list(AdminChatState.messages, AdminChatState.streaming, "admin"),
        composer(AdminChatState.send, AdminChatState.draft, AdminChatState.set_draft, AdminChatState.sending,
                 AdminChatState.can_reply, "Reply to " + AdminChatState.active_seeker + "…"),
        width="100%", spacing="3", id="admin-chat-pane",
    )


def _list() -> rx.Component:
    return rx.cond(
        AdminChatState.sessions.length() == 0,
        rx.text(rx.cond(AdminChatState.status_filter == "all", "No conversations yet.",
                        "No conversations with this status."), color_scheme="gray", id="admin-chat-empty"),
        rx.vstack(rx.foreach(AdminChatState.sessions, _session_item), spacing="1", width="100%",
                  id="admin-chat-sessions", aria_label="Conversations"),
    )


def admin_chat() -> rx.Component:
    return frame(
        rx.hstack(
            rx.heading("Live chat", size="7"),
            rx.spacer(),
            rx.text(AdminChatState.list_label, size="2", color_scheme="gray", id="admin-chat-count"),
            choice(STATUS_FILTERS, AdminChatState.status_filter, AdminChatState.set_status_filter,
                   aria_label="Filter conversations by status"),
            width="100%", align="center", wrap="wrap", spacing="3",
            on_unmount=AdminChatState.leave,
        ),
        error_callout(AdminChatState.error),
        rx.cond(
            AdminChatState.loading,
            loading_block("Loading conversations…"),
            rx.grid(
                _list(),
                rx.cond(AdminChatState.active_id != "", _pane(),
                        rx.text("Choose a conversation to read it live.", color_scheme="gray")),
                columns=rx.breakpoints(initial="1", md="20em 1fr"), spacing="4", width="100%",
            ),
        ),
    )
