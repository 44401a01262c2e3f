"""The profile page's personal API tokens card: a form, the secret shown once, the list with revoke buttons."""

import reflex as rx

from state.api_tokens import TokensState as T


def _row(token: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(token["name"]), rx.table.cell(rx.code(token["prefix"] + "…")),
        rx.table.cell(token["scopes"]), rx.table.cell(token["expires"]), rx.table.cell(token["last_used"]),
        rx.table.cell(rx.button("Revoke", size="1", color_scheme="red", variant="soft",
                                on_click=T.revoke_token(token["id"]), aria_label="Revoke " + token["name"])),
        key=token["id"],
    )


def tokens_card() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Personal API tokens", size="4"),
        rx.text("For scripts and AI assistants (REST API and MCP server). A token can do only what its scopes "
                "allow; it never opens the web app or admin pages.", color_scheme="gray", size="2"),
        rx.form(rx.vstack(
            rx.input(name="name", placeholder="Token name, e.g. Claude Desktop", max_length=80, required=True,
                     id="token-name", width="100%", aria_label="Token name"),
            rx.flex(rx.foreach(T.scope_names, lambda name: rx.el.label(
                rx.checkbox(name="scope:" + name), rx.text(name, size="2"),
                style={"display": "flex", "gap": "0.3em", "align_items": "center"})), wrap="wrap", spacing="3"),
            rx.hstack(rx.text("Expires in (days)", size="2"),
                      rx.input(name="expires_in_days", type="number", min=1, max=365, default_value="90",
                               width="6em", id="token-days", aria_label="Expires in (days)"),
                      rx.button("Create token", type="submit", id="create-token"), align="center", spacing="3"),
            spacing="3", width="100%"),
            on_submit=T.create_token, reset_on_submit=True, id="token-form", aria_label="New API token"),
        rx.cond(T.token_error != "", rx.callout(T.token_error, color_scheme="red", id="token-error")),
        rx.cond(T.new_secret != "", rx.callout(rx.vstack(
            rx.text("Copy your token now: it will not be shown again."),
            rx.code(T.new_secret, id="new-token", style={"word_break": "break-all"})), color_scheme="green")),
        rx.cond(T.tokens.length() > 0, rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                           ("Name", "Token", "Scopes", "Expires", "Last used", "")])),
            rx.table.body(rx.foreach(T.tokens, _row)), width="100%", id="token-list")),
        spacing="3", width="100%"), width="100%")
