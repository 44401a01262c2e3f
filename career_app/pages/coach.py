import reflex as rx

from career_app.pages.common import frame
from components.chat import composer, message_list, rating_form, status_badge, typing_line
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


def _desk() -> rx.Component:
    """Asking for a person: whether an advisor is online, the button, then the place in the queue."""
    online = rx.text(rx.cond(CoachState.advisors_online > 0, "● An advisor is online",
                             "○ No advisor is online right now; you can still ask"),
                     size="1", color_scheme=rx.cond(CoachState.advisors_online > 0, "green", "gray"),
                     id="advisor-presence")
    return rx.hstack(
        rx.cond(CoachState.can_request_human,
                rx.button("Ask for a person", on_click=CoachState.request_human, variant="soft", size="1",
                          id="request-human")),
        rx.cond(CoachState.queue_position > 0,
                rx.text("You are number ", CoachState.queue_position, " in the queue (", CoachState.queue_wait, ")",
                        size="2", weight="medium", id="queue-position")),
        rx.cond(CoachState.status != "human", online),
        spacing="3", align="center", wrap="wrap", width="100%",
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
        _desk(),
        message_list(CoachState.messages, CoachState.streaming, "user"),
        typing_line(CoachState.typing),
        rx.cond(CoachState.rating_requested,
                rating_form(CoachState.rating_score, CoachState.set_rating_score, CoachState.rating_comment,
                            CoachState.set_rating_comment, CoachState.rate)),
        rx.cond(CoachState.rating_done, rx.text("Thank you for rating your advisor.", size="2", color_scheme="green",
                                                id="csat-thanks")),
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
