"""Coach chat: conversations over REST, admin takeover/release/reply, and the chat websocket.

Every route follows the request-handling pattern (career_app/api/deps.py): identity from the
remembered caller, then one thread hop that owns its database session. A seeker's message that the
AI should answer starts the coach's streaming reply in this process (services/coach.py)."""

import asyncio
import contextlib
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, WebSocket, WebSocketDisconnect

from career_app import db
from career_app.api.deps import AdminCaller, Caller, RedisDep, in_thread_session
from career_app.api.sockets import (CLOSE_SESSION_ENDED, WS_DISCONNECTED, WS_MAX_FRAME_CHARS, BadFrame, SessionWatch,
                                    parse_frame, websocket_token)
from career_app.services import auth, chat, coach, live, presence
from career_app.services.errors import ServiceError, TooManyRequests, Unauthorized
from models.chat import ChatStatus
from models.chat_schemas import ChatMessageIn, ChatMessageOut, ChatSessionCreate, ChatSessionOut, SessionRef, TakeoverOut
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
                        limit: Limit = 20) -> Page[ChatSessionOut]:
    """Your conversations, most recent first; admins see every conversation (filter by status)."""
    rows, total = await in_thread_session(lambda s: chat.list_sessions(s, user, status, skip, limit))
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
            "messages": [m.model_dump(mode="json") for m in history]}


def _content(frame: str) -> str:
    """A text frame is a message: plain text, or `{"type": "message", "content": ...}`."""
    if frame.lstrip().startswith(("{", "[")):
        try:
            data = parse_frame(frame)
        except BadFrame as exc:
            raise ServiceError(exc.detail) from exc
        if not isinstance(data, dict) or data.get("type") != "message":
            raise ServiceError('Send plain text or {"type": "message", "content": "..."}')
        return data.get("content")
    return frame


class SessionEnded(Exception):
    """The socket's session ended before a frame was stored: the frame is refused."""


async def _handle(ws: WebSocket, r, watch: SessionWatch, session_id: str, frame: str) -> None:
    if len(frame) > WS_MAX_FRAME_CHARS:
        raise ServiceError(f"Frames are at most {WS_MAX_FRAME_CHARS:,} characters")
    content = _content(frame)

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
        await ws.send_json({"type": "queued", "note": chat.QUEUED_NOTE, "message": message})


async def _forward(ws: WebSocket, subscription: live.Subscription, user: User, session_id: str) -> None:
    """Every event of the conversation to this socket; a closed conversation ends it."""
    while True:
        _topic, event = await subscription.get()
        if event.get("type") == "resync":
            code, out, history = await in_thread_session(_open, user, session_id)
            if code:
                await ws.close(code)
                return
            await ws.send_json(_replay(out, history))
            continue
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
    `{"type": "message", "content"}`; `__ping__` gets `__pong__`. Receives `user_message`, `ai_delta`
    chunks then `ai_reply`, `queued`, `admin_takeover`, `admin_message`, `admin_release`,
    `session_closed`, and `error` for bad input. Close codes: 4401 no/invalid token, 4403 not
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
    subscription = live.hub.subscribe(live.conv(session_id))  # before the replay: nothing falls in between
    await live.hub.connected()
    connection = uuid.uuid4().hex

    async def close(code: int, reason: str) -> None:
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await ws.close(code, reason)

    helpers = [asyncio.create_task(_forward(ws, subscription, user, session_id)),
               asyncio.create_task(watch.run(close))]
    if user.id == out.user_id:
        helpers.append(asyncio.create_task(_keep_present(r, user, connection)))
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
                await _handle(ws, r, watch, session_id, text)
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
