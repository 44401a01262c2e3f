import reflex as rx

from career_app.pages.common import frame
from components.chat import composer, desk_keys, message_list, status_badge, typing_line, wait_clock
from components.clock import elapsed
from components.forms import choice
from components.layout import error_callout, loading_block
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
                         color_scheme=rx.match(row["status"], ("human", "green"), ("closed", "gray"),
                                               ("waiting_human", "amber"), "indigo")),
                width="100%", align="center",
            ),
            rx.text(rx.cond(row["job"] != "", row["job"], row["title"]), size="1", weight="medium", trim="both"),
            rx.text(row["preview"], size="1", color_scheme="gray", trim="both", class_name="chat-preview"),
            rx.cond(row["group"] == "queue",
                    rx.hstack(rx.badge(row["group_label"], size="1", variant="outline", class_name="chat-group"),
                              rx.text(wait_clock(row["requested_at"].to(str), AdminChatState.sla_amber,
                                                 AdminChatState.sla_red), size="1", class_name="chat-queue-wait"),
                              spacing="2", align="center"),
                    rx.cond(row["waiting_since"] != "",
                            rx.text("Waiting ", elapsed(row["waiting_since"].to(str)), size="1",
                                    color_scheme="amber", class_name="chat-waiting"))),
            rx.cond(row["holder"] != "", rx.hstack(
                rx.cond(row["group"] == "mine", rx.badge(row["group_label"], size="1", variant="outline",
                                                         color_scheme="green", class_name="chat-group")),
                rx.text("Held by ", rx.cond(row["holder"] == "you", "you", row["holder_name"]), size="1",
                        color_scheme="green", class_name="chat-holder"), spacing="2", align="center")),
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
        rx.cond(AdminChatState.can_release & (AdminChatState.advisors.length() > 0), rx.select.root(
            rx.select.trigger(placeholder="Transfer to…", aria_label="Transfer to", id="transfer"),
            rx.select.content(rx.foreach(AdminChatState.advisors,
                                         lambda a: rx.select.item(a["name"], value=a["id"], key=a["id"]))),
            value="", on_change=AdminChatState.transfer_to, size="2",
        )),
        rx.button(rx.cond(AdminChatState.show_audit, "Hide audit", "Audit"), on_click=AdminChatState.toggle_audit,
                  variant="ghost", size="2", id="show-audit"),
        rx.link("Transcript", href="/api/v1/chat/sessions/" + AdminChatState.active_id + "/transcript",
                is_external=True, size="2"),
        spacing="2", align="center",
    )


def _notes() -> rx.Component:
    """Internal notes: admins only (their own table and topic; never shown to the seeker)."""
    return rx.card(rx.vstack(
        rx.text("Internal notes (never shown to the seeker)", size="1", weight="medium", color_scheme="amber"),
        rx.foreach(AdminChatState.notes, lambda n: rx.text(
            rx.text.strong(n["author"]), " ", n["time"], ": ", n["content"], size="1", class_name="chat-note",
            key=n["id"])),
        rx.hstack(
            rx.input(value=AdminChatState.note_draft, on_change=AdminChatState.set_note_draft,
                     placeholder="Add an internal note…", id="note-input", width="100%", size="1", max_length=4000),
            rx.button("Add note", on_click=AdminChatState.add_note, size="1", variant="soft", id="add-note"),
            width="100%",
        ),
        spacing="1", width="100%",
    ), width="100%", style={"background": "var(--amber-a2)"})


def _audit() -> rx.Component:
    return rx.cond(AdminChatState.show_audit, rx.vstack(
        rx.foreach(AdminChatState.audit, lambda a: rx.text(
            a["when"], " · ", rx.text.strong(a["action"]), " · ", a["who"],
            rx.cond(a["detail"] != "", " · " + a["detail"], ""), size="1", class_name="audit-row", key=a["id"])),
        spacing="1", width="100%", id="audit-list",
    ))


def _canned_matches() -> rx.Component:
    return rx.cond(AdminChatState.canned_matches.length() > 0, rx.hstack(
        rx.foreach(AdminChatState.canned_matches, lambda c: rx.button(
            "/" + c["shortcut"], on_click=AdminChatState.use_canned(c["id"]), size="1", variant="soft",
            type="button", class_name="canned-option", title=c["content"], key=c["id"])),
        spacing="1", wrap="wrap", margin_top="0.3em",
    ))


def _ratings() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(rx.button("Ratings", variant="ghost", size="1", on_click=AdminChatState.load_ratings,
                                     id="show-ratings")),
        rx.popover.content(rx.vstack(
            rx.text("How seekers rated their advisors (1-5)", size="1", color_scheme="gray"),
            rx.cond(AdminChatState.ratings.length() == 0, rx.text("No ratings yet.", size="1")),
            rx.foreach(AdminChatState.ratings, lambda r: rx.box(
                rx.text(rx.text.strong(r["name"]), " ", r["average"], " average over ", r["count"], size="1"),
                rx.text(r["comments"], size="1", color_scheme="gray"), class_name="rating-row", key=r["id"])),
            spacing="2", width="24em", id="ratings-list",
        )),
    )


def _canned_manager() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(rx.button("Canned replies", variant="ghost", size="1", id="canned-manage")),
        rx.popover.content(rx.vstack(
            rx.text("Type / in the reply box to insert one.", size="1", color_scheme="gray"),
            rx.foreach(AdminChatState.canned, lambda c: rx.text(rx.text.strong("/" + c["shortcut"]), " ", c["content"],
                                                                 size="1", key=c["id"])),
            rx.input(value=AdminChatState.canned_shortcut, on_change=AdminChatState.set_canned_shortcut,
                     placeholder="shortcut", id="canned-shortcut", size="1"),
            rx.text_area(value=AdminChatState.canned_content, on_change=AdminChatState.set_canned_content,
                         placeholder="The reply", id="canned-content", size="1"),
            rx.button("Save canned reply", on_click=AdminChatState.add_canned, size="1", id="canned-save"),
            spacing="2", width="22em",
        )),
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
                rx.callout(AdminChatState.holder_name + " holds this conversation; you can read it live.",
                           icon="info", id="held-by-other", width="100%")),
        _audit(),
        rx.cond(AdminChatState.status == "active_ai",
                rx.text("The AI coach answers this conversation. Replying takes it over.", size="1",
                        color_scheme="gray")),
        message_list(AdminChatState.messages, AdminChatState.streaming, "admin"),
        typing_line(AdminChatState.typing),
        composer(AdminChatState.send, AdminChatState.draft, AdminChatState.set_draft, AdminChatState.sending,
                 AdminChatState.can_reply, "Reply to " + AdminChatState.active_seeker + "… (/ for canned replies)",
                 _canned_matches()),
        _notes(),
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
            rx.text(AdminChatState.waiting_count, " waiting", size="2", weight="medium", id="admin-chat-waiting"),
            rx.text(AdminChatState.list_label, size="2", color_scheme="gray", id="admin-chat-count"),
            rx.button("Next waiting (n)", on_click=AdminChatState.next_waiting, size="1", variant="soft",
                      id="next-waiting"),
            _canned_manager(),
            _ratings(),
            rx.badge(rx.cond(AdminChatState.presence_state == "online", "You are online", "You are away"),
                     color_scheme=rx.cond(AdminChatState.presence_state == "online", "green", "gray"),
                     id="my-presence"),
            choice(STATUS_FILTERS, AdminChatState.status_filter, AdminChatState.set_status_filter,
                   aria_label="Filter conversations by status"),
            width="100%", align="center", wrap="wrap", spacing="3",
            on_unmount=AdminChatState.leave,
        ),
        error_callout(AdminChatState.error),
        rx.text("Keys: t take over · r release · n next waiting", size="1", color_scheme="gray"),
        desk_keys(),
        rx.button("beat", on_click=AdminChatState.beat, id="presence-beat", display="none"),
        rx.button("away", on_click=AdminChatState.beat_away, id="presence-away", display="none"),
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
