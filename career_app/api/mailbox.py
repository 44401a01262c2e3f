"""The seeker's connected mailboxes and what their messages propose: connect (the password goes in,
never comes out), list the cards, switch automatic updates, read now, remove; list, accept and
dismiss proposals. The web session or a sign-in JWT only (personal tokens are refused here)."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from career_app.api.deps import RedisDep, RQDep, SeekerCaller, in_thread_session
from career_app.services import mailbox
from models.mailbox import ProposalState
from models.mailbox_schemas import MailboxConnect, MailboxOut, MailboxSettings, ProposalOut
from models.schemas import TaskAccepted

router = APIRouter(prefix="/api/v1/mailboxes", tags=["mailbox"])


@router.get("", response_model=list[MailboxOut])
async def list_mailboxes(user: SeekerCaller) -> list[MailboxOut]:
    return await in_thread_session(mailbox.list_mailboxes, user)


@router.post("", response_model=MailboxOut, status_code=201,
             responses={409: {"description": "As many mailboxes as allowed already"}})
async def connect(data: MailboxConnect, conn: RQDep, user: SeekerCaller) -> MailboxOut:
    """Connect an IMAP mailbox (an app password, encrypted at rest); the first read starts at once."""

    def create(session):
        out = mailbox.connect(session, user, data)
        mailbox.start_sync(session, conn, user, str(out.id))
        return out

    return await in_thread_session(create)


@router.patch("/{mailbox_id}", response_model=MailboxOut)
async def change(mailbox_id: str, data: MailboxSettings, user: SeekerCaller) -> MailboxOut:
    """Turn automatic updates on or off."""
    return await in_thread_session(mailbox.set_auto_apply, user, mailbox_id, data.auto_apply)


@router.delete("/{mailbox_id}", status_code=204)
async def remove(mailbox_id: str, user: SeekerCaller) -> Response:
    """Remove the mailbox and its stored credentials at once."""
    await in_thread_session(mailbox.remove, user, mailbox_id)
    return Response(status_code=204)


@router.post("/{mailbox_id}/sync", response_model=TaskAccepted, status_code=202)
async def sync_now(mailbox_id: str, conn: RQDep, user: SeekerCaller) -> TaskAccepted:
    task_id = await in_thread_session(lambda s: mailbox.start_sync(s, conn, user, mailbox_id))
    return TaskAccepted(task_id=task_id, status="queued", message="Reading new messages")


@router.get("/proposals", response_model=list[ProposalOut])
async def list_proposals(user: SeekerCaller,
                         state: Annotated[ProposalState | None, Query()] = ProposalState.pending) -> list[ProposalOut]:
    """What your mail says about your applications, newest email first (pending ones by default)."""
    return await in_thread_session(lambda s: mailbox.proposals(s, user, state))


@router.post("/proposals/{proposal_id}/accept", response_model=ProposalOut, responses={
    409: {"description": "Decided already, the application is gone, or it cannot move so"}})
async def accept(proposal_id: str, r: RedisDep, user: SeekerCaller) -> ProposalOut:
    """Apply the change to the application (the tracker's transition rule; 409 if it cannot move)."""
    return await in_thread_session(lambda s: mailbox.accept(s, r, user, proposal_id))


@router.post("/proposals/{proposal_id}/dismiss", status_code=204,
             responses={409: {"description": "Decided already"}})
async def dismiss(proposal_id: str, user: SeekerCaller) -> Response:
    await in_thread_session(mailbox.dismiss, user, proposal_id)
    return Response(status_code=204)
