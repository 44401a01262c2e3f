import reflex as rx

from career_app.pages.common import frame
from components.chat import composer, message_list, status_badge
from components.layout import error_callout, info_callout, loading_block
from state.coach import STATUS_LABEL, CoachState


def _session_item(row: rx.Var) -> rx.Component:
    return rx.button(
        rx.vstack(
            rx.hstack(rx.text(row["title"], weight="medium", size="2", trim="both"), rx.spacer(),
                      rx.badge(row["status_label"], size="1"), width="100%"),
            rx.text(row["preview"], size="1", color_scheme="gray", trim="both"),
            align="start", spacing="1", width="100%",
        ),
        on_click=CoachState.open(row["id"]),
        variant=rx.cond(row["id"] == CoachState.active_id, "soft", "ghost"),
        width="100%", height="auto", padding="0.5em",
        class_name="chat-session",
        key=row["id"],
    )


def _pane() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(CoachState.active_title, size="5"),
            rx.spacer(),
            status_badge(rx.match(CoachState.status, *STATUS_LABEL.items(), ""), CoachState.status),
            rx.cond(CoachState.status != "closed",
                    rx.button("Close", on_click=CoachState.close_session, variant="outline", size="1")),
            width="100%", align="center",
        ),
        rx.cond(CoachState.banner != "", rx.callout(CoachState.banner, icon="user", id="chat-banner", width="100%")),
        message_list(CoachState.messages, CoachState.streaming, "user"),
        composer(CoachState.send, CoachState.draft, CoachState.set_draft, CoachState.sending, CoachState.can_send,
                 "Ask about a job, your resume, interviews…"),
        width="100%", spacing="3",
    )


def coach_page() -> rx.Component:
    return frame(
        rx.hstack(rx.heading("Career coach", size="7"), rx.spacer(),
                  rx.button("New conversation", on_click=CoachState.new_session, id="new-conversation"),
                  width="100%", align="center"),
        error_callout(CoachState.error),
        rx.cond(
            CoachState.loading,
            loading_block("Loading your conversations…"),
            rx.cond(
                CoachState.sessions.length() == 0,
                info_callout("No conversations yet. Start one, or open a job and choose “Ask the coach about this job”."),
                rx.grid(
                    rx.vstack(rx.foreach(CoachState.sessions, _session_item), spacing="1", width="100%",
                              id="chat-sessions"),
                    rx.cond(CoachState.active_id != "", _pane()),
                    columns=rx.breakpoints(initial="1", md="16em 1fr"), spacing="4", width="100%",
                ),
            ),
        ),
    )
