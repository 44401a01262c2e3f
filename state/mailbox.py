"""The profile page's mailbox card: connect an IMAP account, its status, read now, automatic
updates, remove; the proposals its mail made, to accept or dismiss. Thin: the rules are in
services/mailbox."""

import reflex as rx
from pydantic import ValidationError

from career_app import db
from career_app.services import mailbox
from career_app.services.errors import ServiceError
from models.mailbox_schemas import MailboxConnect
from models.user import Role
from state.auth import AuthState
from state.common import in_session

STATE_LABELS = {"new": "Not read yet", "ok": "Connected", "syncing": "Reading…", "auth_failed": "Sign-in refused",
                "unreachable": "Server unreachable", "error": "Error"}


def _view(session, user) -> dict:
    boxes = [{"id": str(b.id), "title": f"{b.username} on {b.host}:{b.port}", "state": b.state.value,
              "label": STATE_LABELS[b.state.value], "detail": b.state_detail or "",
              "checked": b.checked_at.strftime("%Y-%m-%d %H:%M UTC") if b.checked_at else "never",
              "auto": "on" if b.auto_apply else "off"}
             for b in mailbox.list_mailboxes(session, user)]
    pending = [{"id": str(p.id), "summary": p.summary, "subject": p.subject}
               for p in mailbox.proposals(session, user)]
    return {"boxes": boxes, "pending": pending}


class MailboxCardState(AuthState):
    boxes: list[dict[str, str]] = []
    pending: list[dict[str, str]] = []
    mail_error: str = ""
    mail_notice: str = ""

    async def _refresh(self, user) -> None:
        data = await in_session(_view, user)
        self.boxes, self.pending = data["boxes"], data["pending"]

    @rx.event
    async def load_mailboxes(self):
        user = await self._verified_user(Role.seeker)
        if user is None:
            return
        self.mail_error, self.mail_notice = "", ""
        await self._refresh(user)

    @rx.event
    async def connect(self, form: dict):
        user = await self._verified_user(Role.seeker)
        if user is None:
            return
        self.mail_error, self.mail_notice = "", ""
        try:
            data = MailboxConnect(host=str(form.get("host") or "").strip(), port=int(form.get("port") or 993),
                                  tls=form.get("tls") in ("on", True, "true"),
                                  username=str(form.get("username") or "").strip(),
                                  password=str(form.get("password") or ""),
                                  folder=str(form.get("folder") or "INBOX").strip() or "INBOX")
        except (ValidationError, ValueError) as exc:
            errors = exc.errors() if isinstance(exc, ValidationError) else [{"loc": ["port"], "msg": "must be a number"}]
            self.mail_error = "; ".join(f"{e['loc'][0] if e.get('loc') else 'form'}: {e['msg']}" for e in errors)
            return

        def create(session):
            out = mailbox.connect(session, user, data)
            mailbox.start_sync(session, db.rq_redis(), user, str(out.id))

        try:
            await in_session(create)
        except ServiceError as exc:
            self.mail_error = exc.detail
            return
        self.mail_notice = "Mailbox connected; the first read has started."
        await self._refresh(user)

    async def _act(self, action, notice: str = ""):
        user = await self._verified_user(Role.seeker)
        if user is None:
            return
        self.mail_error, self.mail_notice = "", ""
        try:
            await in_session(lambda s: action(s, user))
            self.mail_notice = notice
        except ServiceError as exc:
            self.mail_error = exc.detail
        await self._refresh(user)

    @rx.event
    async def sync_now(self, mailbox_id: str):
        await self._act(lambda s, u: mailbox.start_sync(s, db.rq_redis(), u, mailbox_id), "Reading new messages…")

    @rx.event
    async def toggle_auto(self, mailbox_id: str, on: bool):
        await self._act(lambda s, u: mailbox.set_auto_apply(s, u, mailbox_id, on))

    @rx.event
    async def remove(self, mailbox_id: str):
        await self._act(lambda s, u: mailbox.remove(s, u, mailbox_id), "Mailbox removed with its credentials.")

    @rx.event
    async def accept(self, proposal_id: str):
        await self._act(lambda s, u: mailbox.accept(s, db.app_redis(), u, proposal_id), "Application updated.")

    @rx.event
    async def dismiss(self, proposal_id: str):
        await self._act(lambda s, u: mailbox.dismiss(s, u, proposal_id))
