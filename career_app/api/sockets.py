"""What the API websockets (chat, notifications) share: the caller's token, reading a client's JSON
frame without letting it break the socket, and ending a socket when its session ends.

A session ends when its token is revoked (sign-out), expires, or the account's role, password or
active flag changes (auth.change_account). Each of those publishes `session_ended` on the account's
live topic (services/live.py), which every web process receives; a socket follows that topic from
before its token is verified, re-checks its session on each such event (and after the hub lost Redis
for a moment), and closes with 4401 "Session ended" when it no longer stands. A re-check every
SESSION_RECHECK_SECONDS and a wake-up at the token's expiry are the fallback, not the mechanism."""

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable

import redis
from fastapi import WebSocket

from career_app.api.deps import in_thread_session
from career_app.services import auth, live
from career_app.services.errors import Unauthorized

log = logging.getLogger(__name__)

WS_AUTH_TIMEOUT = 5.0
WS_MAX_FRAME_CHARS = 16_000  # what a websocket reads of one client frame; longer ones are refused
WS_MAX_JSON_DEPTH = 32  # nesting of arrays and objects in a client's JSON frame
WS_DISCONNECTED = object()
CLOSE_SESSION_ENDED = 4401
SESSION_RECHECK_SECONDS = 30.0

_JSON_SPECIAL = re.compile(r'["\\\[\]{}]')


class BadFrame(ValueError):
    """A client frame that is not acceptable JSON; `detail` says why, for the error frame."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def _nesting_exceeds(text: str, limit: int) -> bool:
    """Whether arrays/objects in `text` nest deeper than `limit` (brackets inside strings do not count).
    Linear and without recursion: it runs before json.loads, whose C parser recurses once per level
    and raises RecursionError on a frame such as "[" * 5000."""
    if text.count("[") + text.count("{") <= limit:
        return False  # the common case costs two counts
    depth, in_string, escaped_at = 0, False, -1
    for match in _JSON_SPECIAL.finditer(text):
        at = match.start()
        if at == escaped_at:
            continue
        char = text[at]
        if in_string:
            if char == "\\":
                escaped_at = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def parse_frame(text: str):
    """A client's text frame as JSON: BadFrame when too long, nested deeper than WS_MAX_JSON_DEPTH or
    not JSON. Never raises anything else, so one bad frame costs its sender an error frame, nothing more."""
    if len(text) > WS_MAX_FRAME_CHARS:
        raise BadFrame(f"Frames are at most {WS_MAX_FRAME_CHARS:,} characters")
    if _nesting_exceeds(text, WS_MAX_JSON_DEPTH):
        raise BadFrame(f"JSON nested deeper than {WS_MAX_JSON_DEPTH} levels is not accepted")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadFrame("Invalid JSON") from exc


async def websocket_token(ws: WebSocket):
    """An accepted websocket's token: `?token=`, else the `token` of a first frame `{"type": "auth",
    "token": ...}` sent within WS_AUTH_TIMEOUT seconds. None without one; WS_DISCONNECTED when the
    client left meanwhile."""
    if token := ws.query_params.get("token"):
        return token
    try:
        message = await asyncio.wait_for(ws.receive(), WS_AUTH_TIMEOUT)
    except asyncio.TimeoutError:
        return None
    if message["type"] == "websocket.disconnect":
        return WS_DISCONNECTED
    try:
        frame = parse_frame(message.get("text") or "")
    except BadFrame:
        return None
    if isinstance(frame, dict) and frame.get("type") == "auth" and isinstance(frame.get("token"), str):
        return frame["token"]
    return None


class SessionWatch:
    """Follows the session an open socket belongs to (auth.socket_session claims) and closes the
    socket once it ends. Made before the token is verified, so an end published between the check
    and the end of the socket's life is never missed; `ended` tells the socket's reader to refuse
    frames at once."""

    def __init__(self, r: redis.Redis, session_claims: dict):
        self.r = r
        self.claims = session_claims
        self.ended = False
        self._events = live.hub.subscribe(live.account(session_claims["sub"]))

    def _concerns(self, event: dict) -> bool:
        if event.get("type") != auth.SESSION_ENDED:
            return True  # a resync: events may have been lost, look again
        return bool(event.get("all")) or event.get("jti") == self.claims.get("jti")

    async def still_stands(self) -> bool:
        """Re-check the session now (revocation, account, identity version, expiry)."""
        try:
            await in_thread_session(auth.session_user, self.r, self.claims)
        except Unauthorized:
            self.ended = True
            return False
        return True

    async def run(self, close: Callable[[int, str], Awaitable[None]]) -> None:
        """Until the session ends; then `close(4401, "Session ended")`."""
        try:
            while True:
                timeout = SESSION_RECHECK_SECONDS
                if (exp := self.claims.get("exp")) is not None:
                    timeout = min(timeout, max(float(exp) - time.time(), 0.0) + 0.05)
                try:
                    _topic, event = await asyncio.wait_for(self._events.get(), timeout)
                    if not self._concerns(event):
                        continue
                except asyncio.TimeoutError:
                    pass
                try:
                    if await self.still_stands():
                        continue
                except Exception:  # noqa: BLE001 - database or Redis away: cannot tell now, ask again later
                    log.warning("session re-check failed", exc_info=True)
                    continue
                await close(CLOSE_SESSION_ENDED, "Session ended")
                return
        finally:
            self.close()

    def close(self) -> None:
        self._events.close()
