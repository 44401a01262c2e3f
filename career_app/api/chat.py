"""Coach chat: conversations over REST, admin takeover/release/reply, and the chat websocket.

Every route follows the request-handling pattern (career_app/api/deps.py): identity from the
remembered caller, then one thread hop that owns its database session. A seeker's message that the
AI should answer starts the coach's streaming reply in this process (services/coach.py)."""

import asyncio
import contextlib
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, WebSocket, WebSocketDisconnect
from fastapi.responses import PlainTextResponse

from career_app import db
from career_app.api.deps import AdminCaller, Caller, RedisDep, in_thread_session
from career_app.api.sockets import (CLOSE_SESSION_ENDED, WS_DISCONNECTED, WS_MAX_FRAME_CHARS, BadFrame, SessionWatch,
                                    parse_frame, websocket_token)
from career_app.services import auth, chat, coach, desk, live, presence
from career_app.services.errors import ServiceError, TooManyRequests, Unauthorized
from models.chat import ChatStatus
from models.chat_schemas import (AdminRatings, AdvisorPresence, AuditOut, CannedIn, CannedOut, ChatMessageIn,
                                 ChatMessageOut, ChatSessionCreate, ChatSessionOut, HeartbeatIn, NoteIn, NoteOut,
                                 QueueEntry, QueueState, RatingIn, RatingOut, SessionRef, TakeoverOut, TransferIn)
from models.schemas import Page
from models.user import Role, User

router = APIRouter(tags=["chat"])
Skip = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=chat.MAX_PAGE_SIZE)]
_CLOSED = {409: {"description": "The conversation is closed"}}
_HELD = {409: {"description": "The conversation is closed, or held by another admin / not by a human"}}


@router.post("/api/v1/chat/sessions", response_model=ChatSessionOut, responses={
    403: {"description": "Seekers only"}, 404: {"description": "The job is not one you may see"}})
async def create_session(r: RedisDep, user: Caller, data: ChatSessionCreate | None = None) -> ChatSessionOut:
    """Start a conversation with the coach (seekers), optionally about one job."""
    job_id = data.job_id if data else None
    return await in_thread_session(lambda s: chat.create_session(s, r, user, job_id))


@router.get("/api/v1/chat/sessions", response_model=Page[ChatSessionOut])
async def list_sessions(user: Caller, status: ChatStatus | None = None, skip: Skip = 0,
                        limit: Limit = 20, mine: bool = False) -> Page[ChatSessionOut]:
    """Your conversations, most recent first; admins see every conversation (filter by status, or
    `mine=true`: those the calling admin holds)."""
    assignee = user.id if mine and user.role == Role.admin else None
    rows, total = await in_thread_session(lambda s: chat.list_sessions(s, user, status, skip, limit, assignee))
    return Page[ChatSessionOut](items=rows, total=total, skip=skip, limit=limit)


@router.get("/api/v1/chat/sessions/{session_id}", response_model=ChatSessionOut)
async def get_session(session_id: str, user: Caller) -> ChatSessionOut:
    return await in_thread_session(lambda s: chat.describe(s, chat.get_visible(s, user, session_id)))


@router.get("/api/v1/chat/sessions/{session_id}/messages", response_model=Page[ChatMessageOut])
async def list_messages(session_id: str, user: Caller, skip: Skip = 0,
                        limit: Annotated[int, Query(ge=1, le=chat.MAX_PAGE_SIZE)] = 50,
                        order: Literal["oldest", "newest"] = "oldest") -> Page[ChatMessageOut]:
    """The conversation's messages, oldest first (or newest first with `order=newest`)."""
    rows, total = await in_thread_session(
        lambda s: chat.messages(s, user, session_id, skip, limit, newest_first=order == "newest"))
    return Page[ChatMessageOut](items=rows, total=total, skip=skip, limit=limit)


@router.post("/api/v1/chat/sessions/{session_id}/messages", response_model=ChatMessageOut, responses={
    403: {"description": "Only the seeker writes here (admins reply from the admin chat)"}, **_CLOSED,
    429: {"description": "Too many messages a minute"}})
async def send_message(session_id: str, data: ChatMessageIn, r: RedisDep, user: Caller) -> ChatMessageOut:
    """The seeker's message. The coach's reply streams on the websocket and lands in the messages."""
    message, answer = await in_thread_session(lambda s: chat.post_user_message(s, r, user, session_id, data.content))
    if answer:
        coach.start_reply(message["session_id"])
    return ChatMessageOut.model_validate(message)


@router.post("/api/v1/chat/sessions/{session_id}/close", response_model=ChatSessionOut, responses=_CLOSED)
async def close_session(session_id: str, r: RedisDep, user: Caller) -> ChatSessionOut:
    return await in_thread_session(lambda s: chat.close(s, r, user, session_id))


@router.post("/api/v1/chat/sessions/{session_id}/request-human", response_model=QueueState, responses={
    403: {"description": "Only the seeker asks for a person"}, **_CLOSED})
async def request_human(session_id: str, r: RedisDep, user: Caller) -> QueueState:
    """Ask for a person: the conversation joins the queue (status `waiting_human`); the AI keeps
    answering until an advisor takes over. Returns the place in the queue and an estimated wait;
    `queue_update` events on the websocket keep them current."""
    return await in_thread_session(lambda s: (chat.request_human(s, r, user, session_id),
                                              desk.queue_state(s, r, user, session_id))[1])


@router.get("/api/v1/chat/sessions/{session_id}/queue", response_model=QueueState)
async def queue_state(session_id: str, r: RedisDep, user: Caller) -> QueueState:
    return await in_thread_session(lambda s: desk.queue_state(s, r, user, session_id))


@router.post("/api/v1/chat/sessions/{session_id}/rating", response_model=RatingOut, status_code=201, responses={
    403: {"description": "Only the seeker rates their conversation"},
    409: {"description": "There is no advisor conversation to rate"}})
async def rate(session_id: str, data: RatingIn, r: RedisDep, user: Caller) -> RatingOut:
    """“How did the advisor do?”: 1-5 and a comment, once after each human conversation was released or
    closed (409 when there is nothing to rate)."""
    return await in_thread_session(lambda s: desk.rate(s, r, user, session_id, data.score, data.comment))


@router.get("/api/v1/chat/sessions/{session_id}/transcript", response_class=PlainTextResponse,
            responses={200: {"content": {"text/plain": {}}}})
async def transcript(session_id: str, user: Caller) -> PlainTextResponse:
    """The conversation as text, without internal notes (the seeker's own, or any for an admin)."""
    text = await in_thread_session(lambda s: desk.transcript(s, user, session_id))
    return PlainTextResponse(text, headers={"Content-Disposition": f'inline; filename="chat-{session_id}.txt"'})


@router.get("/api/v1/chat/advisors", response_model=AdvisorPresence)
async def advisors(r: RedisDep, user: Caller) -> AdvisorPresence:
    """Whether an advisor is online before asking for one; admins also see who."""
    rows = await asyncio.to_thread(presence.advisors, r)
    return AdvisorPresence(**presence.counts(rows), advisors=rows if user.role == Role.admin else [])


@router.post("/api/v1/admin/chat/presence", response_model=AdvisorPresence, tags=["admin"])
async def heartbeat(data: HeartbeatIn, r: RedisDep, admin: AdminCaller) -> AdvisorPresence:
    """An advisor's heartbeat (every 30 s): online, or away once idle for 2 minutes; offline without one."""
    await asyncio.to_thread(presence.heartbeat, r, admin.id, admin.full_name, data.idle_seconds)
    rows = await asyncio.to_thread(presence.advisors, r)
    return AdvisorPresence(**presence.counts(rows), advisors=rows)


@router.get("/api/v1/admin/chat/queue", response_model=list[QueueEntry], tags=["admin"])
async def admin_queue(admin: AdminCaller, limit: Limit = 50) -> list[QueueEntry]:
    """Conversations waiting for a person, oldest request first, with how long each has waited."""
    return await in_thread_session(lambda s: desk.queue(s, admin, limit))


@router.post("/api/v1/admin/chat/{session_id}/takeover", response_model=ChatSessionOut, tags=["admin"],
             responses=_HELD)
async def admin_takeover(session_id: str, r: RedisDep, admin: AdminCaller) -> ChatSessionOut:
    """Take the conversation (from the AI or the queue): it is assigned to you. When another admin got
    it first: 409 naming who holds it."""
    return await in_thread_session(lambda s: chat.takeover(s, r, admin, session_id))


@router.post("/api/v1/admin/chat/{session_id}/release", response_model=ChatSessionOut, tags=["admin"],
             responses=_HELD)
async def admin_release(session_id: str, r: RedisDep, admin: AdminCaller) -> ChatSessionOut:
    """Hand the conversation back to the AI coach, which answers the seeker's last unanswered message."""
    out = await in_thread_session(lambda s: chat.release(s, r, admin, session_id))
    coach.answer_pending(out.id)
    return out


@router.post("/api/v1/admin/chat/{session_id}/transfer", response_model=ChatSessionOut, tags=["admin"], responses={
    400: {"description": "Not an active admin, or you already hold it"},
    409: {"description": "Only a conversation you hold can be transferred"}})
async def admin_transfer(session_id: str, data: TransferIn, r: RedisDep, admin: AdminCaller) -> ChatSessionOut:
    """Hand a conversation you hold to another admin."""
    return await in_thread_session(lambda s: chat.transfer(s, r, admin, session_id, data.admin_id))


@router.post("/api/v1/admin/chat/{session_id}/notes", response_model=NoteOut, status_code=201, tags=["admin"])
async def add_note(session_id: str, data: NoteIn, r: RedisDep, admin: AdminCaller) -> NoteOut:
    """An internal note on the conversation: admins only, never shown to the seeker anywhere."""
    return await in_thread_session(lambda s: desk.add_note(s, r, admin, session_id, data.content))


@router.get("/api/v1/admin/chat/{session_id}/notes", response_model=list[NoteOut], tags=["admin"])
async def list_notes(session_id: str, admin: AdminCaller) -> list[NoteOut]:
    return await in_thread_session(lambda s: desk.notes(s, admin, session_id))


@router.get("/api/v1/admin/chat/{session_id}/audit", response_model=list[AuditOut], tags=["admin"])
async def audit_trail(session_id: str, admin: AdminCaller) -> list[AuditOut]:
    """Requested, taken over, transferred, released (by whom, idle or by hand), notes added, rated: who and when."""
    return await in_thread_session(lambda s: desk.audit_trail(s, admin, session_id))


@router.get("/api/v1/admin/chat/ratings", response_model=list[AdminRatings], tags=["admin"])
async def ratings(admin: AdminCaller) -> list[AdminRatings]:
    """CSAT per advisor: the average, the count and the last comments."""
    return await in_thread_session(lambda s: desk.ratings_by_admin(s, admin))


@router.get("/api/v1/admin/canned-replies", response_model=list[CannedOut], tags=["admin"])
async def canned_list(admin: AdminCaller) -> list[CannedOut]:
    return await in_thread_session(lambda s: desk.canned_list(s, admin))


@router.post("/api/v1/admin/canned-replies", response_model=CannedOut, status_code=201, tags=["admin"],
             responses={409: {"description": "The shortcut exists already, or there are as many replies as allowed"}})
async def canned_create(data: CannedIn, admin: AdminCaller) -> CannedOut:
    """A reusable reply, inserted by typing /shortcut in the reply box."""
    return await in_thread_session(lambda s: desk.canned_create(s, admin, data.shortcut, data.content))


@router.put("/api/v1/admin/canned-replies/{canned_id}", response_model=CannedOut, tags=["admin"],
            responses={409: {"description": "Another reply has this shortcut"}})
async def canned_update(canned_id: str, data: CannedIn, admin: AdminCaller) -> CannedOut:
    return await in_thread_session(lambda s: desk.canned_update(s, admin, canned_id, data.shortcut, data.content))


@router.delete("/api/v1/admin/canned-replies/{canned_id}", status_code=204, tags=["admin"])
async def canned_delete(canned_id: str, admin: AdminCaller) -> Response:
    await in_thread_session(lambda s: desk.canned_delete(s, admin, canned_id))
    return Response(status_code=204)


@router.post("/api/v1/admin/takeover", response_model=TakeoverOut, tags=["admin"],
             responses={404: {"description": "No such conversation"}, **_HELD})
async def takeover(data: SessionRef, r: RedisDep, admin: AdminCaller) -> TakeoverOut:
    """Take a conversation over from the AI: a reply being streamed stops, the seeker is told."""
    await in_thread_session(lambda s: chat.takeover(s, r, admin, data.session_id))
    return TakeoverOut(message="Takeover successful", session_id=data.session_id)


@router.post("/api/v1/admin/release", response_model=TakeoverOut, tags=["admin"],
             responses={404: {"description": "No such conversation"}, **_HELD})
async def release(data: SessionRef, r: RedisDep, admin: AdminCaller) -> TakeoverOut:
    """Hand the conversation back to the AI coach."""
    await in_thread_session(lambda s: chat.release(s, r, admin, data.session_id))
    coach.answer_pending(data.session_id)
    return TakeoverOut(message="Release successful", session_id=data.session_id)


@router.post("/api/v1/admin/chat/{session_id}/messages", response_model=ChatMessageOut, tags=["admin"],
             responses=_HELD)
async def admin_message(session_id: str, data: ChatMessageIn, r: RedisDep, admin: AdminCaller) -> ChatMessageOut:
    """An admin's reply (taking the conversation over first if the AI holds it)."""
    message = await in_thread_session(lambda s: chat.post_admin_message(s, r, admin, session_id, data.content))
    return ChatMessageOut.model_validate(message)


# --- websocket ----------------------------------------------------------------------------------------

PRESENCE_REFRESH = 30.0
CLOSE_UNAUTHORIZED, CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_GONE = 4401, 4403, 4404, 4410


async def socket_user(ws: WebSocket, r) -> tuple[User, SessionWatch] | None:
    """The caller of an accepted websocket (sockets.websocket_token) and the watch that closes the
    socket when their session ends; None, and the socket closed with 4401, without a valid token.
    The token is verified afresh (not from the identity cache): a socket outlives a request."""
    token = await websocket_token(ws)
    if token is WS_DISCONNECTED:
        return None
    watch = None
    try:
        if not token:
            raise Unauthorized("Not authenticated")
        claims = auth.decode_token(token)
        watch = SessionWatch(r, claims)  # before the check: an end published meanwhile is not missed
        await live.hub.connected()
        return await in_thread_session(auth.user_from_token, r, token), watch
    except Unauthorized:
        if watch is not None:
            watch.close()
        await ws.close(CLOSE_UNAUTHORIZED, "Not authenticated")
        return None


def _open(session, user: User, session_id: str) -> tuple[int, ChatSessionOut | None, list[ChatMessageOut]]:
    chat_row = chat._load(session, session_id)
    if chat_row is None:
        return CLOSE_NOT_FOUND, None, []
    if not chat.can_view(chat_row, user):
        return CLOSE_FORBIDDEN, None, []
    if chat_row.status == ChatStatus.closed:
        return CLOSE_GONE, None, []
    out, history = chat.replay(session, user, session_id)
    return 0, out, history


def _replay(out: ChatSessionOut, history: list[ChatMessageOut]) -> dict:
    return {"type": "history_replay", "session_status": out.status.value, "session": out.model_dump(mode="json"),
            # `timestamp`: the name ottobon-jobs-api.md gives the time (the same as created_at)
            "messages": [{**m.model_dump(mode="json"), "timestamp": m.created_at.isoformat()} for m in history]}


CONTROL_FRAMES = ("typing", "heartbeat")


def _frame(frame: str) -> tuple[str, object]:
    """A text frame: plain text or `{"type": "message", "content": ...}` is a message; `{"type":
    "typing"}` and (advisors) `{"type": "heartbeat", "idle_seconds": n}` are control frames."""
    if frame.lstrip().startswith(("{", "[")):
        try:
            data = parse_frame(frame)
        except BadFrame as exc:
            raise ServiceError(exc.detail) from exc
        kind = data.get("type") if isinstance(data, dict) else None
        if kind in CONTROL_FRAMES:
            return kind, data
        if kind != "message":
            raise ServiceError('Send plain text, {"type": "message", "content": "..."} or {"type": "typing"}')
        return "message", data.get("content")
    return "message", frame


class SessionEnded(Exception):
    """The socket's session ended before a frame was stored: the frame is refused."""


# A socket's typing frames are passed on at most this often: the indicator lasts 5 s, so a refresh every
# 2 s keeps it lit, and a client typing every second costs half the fan-out.
TYPING_EVERY = 2.0


class _Control:
    """Typing and heartbeats of one socket: ephemeral, published straight to Redis, never stored."""

    def __init__(self, r, user: User, session_id: str):
        self.r, self.user, self.session_id, self.last_typing = r, user, session_id, 0.0
        self.role = "admin" if user.role == Role.admin else "seeker"

    async def handle(self, kind: str, data: dict) -> None:
        now = asyncio.get_running_loop().time()
        if kind == "typing":
            if now - self.last_typing >= TYPING_EVERY:
                self.last_typing = now
                await live.apublish(live.conv(self.session_id), presence.typing_event(self.role, self.user.full_name))
        elif self.role == "admin":  # a heartbeat: only advisors have presence
            idle = data.get("idle_seconds", 0)
            idle = float(idle) if isinstance(idle, (int, float)) and not isinstance(idle, bool) else 0.0
            await asyncio.to_thread(presence.heartbeat, self.r, self.user.id, self.user.full_name, max(0.0, idle))


async def _handle(ws: WebSocket, r, watch: SessionWatch, session_id: str, frame: str, control: _Control) -> None:
    if len(frame) > WS_MAX_FRAME_CHARS:
        raise ServiceError(f"Frames are at most {WS_MAX_FRAME_CHARS:,} characters")
    kind, content = _frame(frame)
    if watch.ended:
        raise SessionEnded
    if kind != "message":
        await control.handle(kind, content)
        return

    def store(s):
        # The session is re-checked in the thread that stores the message, against Redis and the
        # database themselves: a frame sent after a sign-out or a role change is never stored.
        try:
            user = auth.session_user(s, r, watch.claims)
        except Unauthorized as exc:
            raise SessionEnded from exc
        if user.role == Role.admin:
            return chat.post_admin_message(s, r, user, session_id, content), False, None
        message, answer = chat.post_user_message(s, r, user, session_id, content)
        return message, answer, user

    if watch.ended:
        raise SessionEnded
    message, answer, seeker = await in_thread_session(store)
    if seeker is None:
        return
    if answer:
        coach.start_reply(session_id)
    else:
        # `message` is the text (ottobon-jobs-api.md); the stored message is `stored`
        await ws.send_json({"type": "queued", "message": chat.QUEUED_NOTE, "note": chat.QUEUED_NOTE, "stored": message})


async def _forward(ws: WebSocket, subscription: live.Subscription, user: User, session_id: str) -> None:
    """Every event of the conversation to this socket (but its own side's typing); a closed
    conversation ends it."""
    own_role = "admin" if user.role == Role.admin else "seeker"
    while True:
        topic, event = await subscription.get()
        if event.get("type") == "typing" and event.get("role") == own_role:
            continue
        if event.get("type") == "resync":
            code, out, history = await in_thread_session(_open, user, session_id)
            if code:
                await ws.close(code)
                return
            await ws.send_json(_replay(out, history))
            continue
        if topic == live.ADVISORS:  # seekers learn whether an advisor is online, not who
            event = {k: v for k, v in event.items() if k not in ("name", "admin_id")}
        await ws.send_json(event)
        if event.get("type") == "session_closed":
            await ws.close(CLOSE_GONE, "The conversation is closed")
            return


async def _keep_present(r, user: User, connection: str) -> None:
    while True:
        await asyncio.to_thread(presence.mark, r, user.id, connection)
        await asyncio.sleep(PRESENCE_REFRESH)


@router.websocket("/api/v1/ws/chat/{session_id}")
async def chat_socket(ws: WebSocket, session_id: str) -> None:
    """The live conversation. On connect: `history_replay` (last 10 messages). Send plain text or
    `{"type": "message", "content"}`; `{"type": "typing"}` while typing; advisors may send
    `{"type": "heartbeat", "idle_seconds": n}`; `__ping__` gets `__pong__`. Receives `user_message`,
    `ai_delta` chunks then `ai_reply`, `queued`, `human_requested`, `queue_update` (place and estimated
    wait), `admin_takeover`, `admin_transfer`, `admin_message`, `admin_release`, `typing` (role,
    name, expires_in: clear it then, or on that side's next message), `advisor_presence` (seekers),
    `note_added` (admins only), `session_closed`, and `error` for bad input. Close codes: 4401 no/invalid token, 4403 not
    yours, 4404 unknown conversation, 4410 closed conversation; 4401 "Session ended" as soon as the
    token's session ends (sign-out, expiry, a change of the account's role, password or active flag),
    and a frame sent after that is not stored."""
    await ws.accept()
    r = db.app_redis()
    caller_and_watch = await socket_user(ws, r)
    if caller_and_watch is None:
        return
    user, watch = caller_and_watch
    code, out, history = await in_thread_session(_open, user, session_id)
    if code:
        watch.close()
        await ws.close(code)
        return
    session_id = str(out.id)
    # Before the replay: nothing falls in between. Seekers also follow advisors' presence; admins the
    # conversation's internal notes (a topic no seeker's socket ever follows).
    extra = live.notes(session_id) if user.role == Role.admin else live.ADVISORS
    subscription = live.hub.subscribe(live.conv(session_id), extra)
    await live.hub.connected()
    connection = uuid.uuid4().hex

    async def close(code: int, reason: str) -> None:
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await ws.close(code, reason)

    helpers = [asyncio.create_task(_forward(ws, subscription, user, session_id)),
               asyncio.create_task(watch.run(close))]
    if user.id == out.user_id:
        helpers.append(asyncio.create_task(_keep_present(r, user, connection)))
    elif user.role == Role.admin:
        await asyncio.to_thread(presence.heartbeat, r, user.id, user.full_name, 0.0)
    control = _Control(r, user, session_id)
    try:
        await ws.send_json(_replay(out, history))
        coach.resume_if_unanswered(out.status, history[-1].role if history else None, session_id)
        while True:
            frame = await ws.receive()
            if frame["type"] == "websocket.disconnect":
                break
            text = frame.get("text")
            if text is None:
                await ws.send_json({"type": "error", "detail": "Binary frames are not accepted; send text"})
                continue
            if text == "__ping__":
                await ws.send_text("__pong__")
                continue
            try:
                await _handle(ws, r, watch, session_id, text, control)
            except SessionEnded:
                await close(CLOSE_SESSION_ENDED, "Session ended")
                break
            except TooManyRequests as exc:
                await ws.send_json({"type": "error", "detail": exc.detail, "retry_after": exc.retry_after})
            except ServiceError as exc:
                await ws.send_json({"type": "error", "detail": exc.detail})
    except (WebSocketDisconnect, RuntimeError):
        pass  # the client went away (or the socket was closed by _forward or the session watch)
    finally:
        subscription.close()
        watch.close()
        for task in helpers:
            task.cancel()
        if user.id == out.user_id:
            await asyncio.to_thread(presence.clear, r, user.id, connection)
