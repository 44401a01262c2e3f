"""The profile page's personal API tokens: create (the secret shown once in this tab), list, revoke.
Thin: every rule is in services/api_tokens.py."""

import reflex as rx
from pydantic import ValidationError

from career_app import db
from career_app.services import api_tokens
from career_app.services.errors import ServiceError
from models.api_token_schemas import SCOPES, ApiTokenCreate
from state.auth import AuthState
from state.common import in_session


def _rows(session, user) -> list[dict]:
    return [{"id": str(t.id), "name": t.name, "prefix": t.prefix, "scopes": ", ".join(t.scopes),
             "expires": t.expires_at.strftime("%Y-%m-%d"),
             "last_used": t.last_used_at.strftime("%Y-%m-%d %H:%M UTC") if t.last_used_at else "never"}
            for t in api_tokens.list_for(session, user)]


class TokensState(AuthState):
    tokens: list[dict[str, str]] = []
    scope_names: list[str] = list(SCOPES)
    new_secret: str = ""  # shown once, gone on the next load
    token_error: str = ""

    @rx.event
    async def load_tokens(self):
        user = await self._verified_user()
        if user is None:
            return
        self.new_secret, self.token_error = "", ""
        self.tokens = await in_session(_rows, user)

    @rx.event
    async def create_token(self, form: dict):
        user = await self._verified_user()
        if user is None:
            return
        self.token_error, self.new_secret = "", ""
        scopes = [name for name in SCOPES if form.get(f"scope:{name}") in ("on", True, "true")]
        try:
            data = ApiTokenCreate(name=str(form.get("name") or "").strip(), scopes=scopes,
                                  expires_in_days=int(form.get("expires_in_days") or 90))
        except (ValidationError, ValueError) as exc:
            errors = exc.errors() if isinstance(exc, ValidationError) else [{"loc": ["expires_in_days"], "msg": str(exc)}]
            self.token_error = "; ".join(f"{e['loc'][0] if e.get('loc') else 'form'}: {e['msg']}" for e in errors)
            return
        try:
            created = await in_session(api_tokens.create, user, data)
        except ServiceError as exc:
            self.token_error = exc.detail
            return
        self.new_secret = created.token
        self.tokens = await in_session(_rows, user)

    @rx.event
    async def revoke_token(self, token_id: str):
        user = await self._verified_user()
        if user is None:
            return
        try:
            await in_session(lambda s: api_tokens.revoke(s, db.app_redis(), user, token_id))
        except ServiceError as exc:
            self.token_error = exc.detail
        self.new_secret = ""
        self.tokens = await in_session(_rows, user)
