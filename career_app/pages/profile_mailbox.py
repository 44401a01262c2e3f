"""The profile page's mailbox card: connect over IMAP, each mailbox's status, and the proposals."""

import reflex as rx

from state.mailbox import MailboxCardState as M


def _box(box: rx.Var) -> rx.Component:
    return rx.box(rx.vstack(
        rx.hstack(rx.text(box["title"], weight="medium"),
                  rx.badge(box["label"], color_scheme=rx.match(box["state"], ("ok", "green"), ("new", "gray"),
                                                               ("syncing", "blue"), "red")), align="center"),
        rx.text(box["detail"], size="2", color_scheme="gray"),
        rx.text("Last read: ", box["checked"], " · automatic updates ", box["auto"], size="1", color_scheme="gray"),
        rx.hstack(
            rx.button("Read now", size="1", variant="soft", on_click=M.sync_now(box["id"])),
            rx.button(rx.cond(box["auto"] == "on", "Ask me first", "Update automatically"), size="1", variant="soft",
                      on_click=M.toggle_auto(box["id"], box["auto"] != "on")),
            rx.button("Remove", size="1", color_scheme="red", variant="soft", on_click=M.remove(box["id"])),
            spacing="2"),
        spacing="1"), key=box["id"], padding_y="0.5em", width="100%")


def _proposal(p: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.vstack(rx.text(p["summary"], weight="medium", size="2"), rx.text(p["subject"], size="1", color_scheme="gray"),
                  spacing="0"),
        rx.spacer(),
        rx.button("Accept", size="1", on_click=M.accept(p["id"])),
        rx.button("Dismiss", size="1", variant="soft", color_scheme="gray", on_click=M.dismiss(p["id"])),
        key=p["id"], width="100%", align="center")


def mailbox_card() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Application status from your mailbox", size="4"),
        rx.text("Connect your mailbox over IMAP with an app password (Gmail, Fastmail, Outlook and self-hosted mail "
                "all offer one). Only mail from application systems and the companies you track is read; only the "
                "subject and what it says (confirmation, rejection, interview, offer) are kept.",
                color_scheme="gray", size="2"),
        rx.foreach(M.boxes, _box),
        rx.cond(M.pending.length() > 0, rx.vstack(rx.heading("Proposed changes", size="3"),
                                                  rx.foreach(M.pending, _proposal), width="100%", id="mail-proposals")),
        rx.form(rx.grid(
            rx.input(name="host", aria_label="IMAP server", placeholder="IMAP server, e.g. imap.fastmail.com", required=True, max_length=253),
            rx.input(name="port", aria_label="Port", type="number", default_value="993", min=1, max=65535),
            rx.input(name="username", aria_label="User name", placeholder="User name (your address)", required=True, max_length=254),
            rx.input(name="password", aria_label="App password", type="password", placeholder="App password", required=True, max_length=512,
                     auto_complete="off"),
            rx.input(name="folder", aria_label="Folder", default_value="INBOX", max_length=200),
            rx.el.label(rx.checkbox(name="tls", default_checked=True), rx.text("TLS", size="2"),
                        style={"display": "flex", "gap": "0.3em", "align_items": "center"}),
            rx.button("Connect mailbox", type="submit", id="connect-mailbox"),
            columns=rx.breakpoints(initial="1", sm="2"), spacing="2", width="100%"),
            on_submit=M.connect, reset_on_submit=True, id="mailbox-form", aria_label="Connect a mailbox"),
        rx.cond(M.mail_error != "", rx.callout(M.mail_error, color_scheme="red", id="mailbox-error")),
        rx.cond(M.mail_notice != "", rx.text(M.mail_notice, color_scheme="green", size="2", id="mailbox-notice")),
        spacing="3", width="100%"), width="100%")
