"""Request body caps, enforced before anything parses the body.

A pure ASGI middleware: a declared Content-Length over the cap is refused at once, and a body
sent without one (chunked) is counted as it streams in; reading stops as soon as it passes the
cap. It wraps the Reflex app mounted behind the API too, so its upload endpoint is capped as well."""

import json

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from career_app.services.documents import MAX_UPLOAD_BYTES

MAX_BODY_BYTES = 1024 * 1024
# A multipart upload is one file of at most MAX_UPLOAD_BYTES plus its boundaries and form fields.
MAX_MULTIPART_BODY_BYTES = MAX_UPLOAD_BYTES + 64 * 1024
# Routes that need more than the caps above: path prefix -> cap in bytes (none so far).
LARGER_BODY_LIMITS: dict[str, int] = {}


def body_limit(path: str, content_type: str) -> int:
    for prefix, limit in LARGER_BODY_LIMITS.items():
        if path.startswith(prefix):
            return limit
    if content_type.lower().startswith("multipart/form-data"):
        return MAX_MULTIPART_BODY_BYTES
    return MAX_BODY_BYTES


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"Request body is larger than {limit // (1024 * 1024)} MB"}).encode()
    await send({
        "type": "http.response.start",
        "status": 413,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close")],
    })
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = body_limit(scope["path"], headers.get("content-type", ""))
        try:
            declared = int(headers.get("content-length", ""))
        except ValueError:
            declared = None  # absent (chunked) or malformed: counting below still applies
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return

        received = 0
        cut_off = False  # the body passed the cap: the app only sees a disconnect from then on
        refused = False  # our 413 went out
        app_started = False

        async def counting_receive() -> Message:
            nonlocal received, cut_off, refused
            if cut_off:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    cut_off = True
                    if not app_started:
                        await _refuse(send, limit)
                        refused = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal app_started
            if refused:
                return  # whatever the app answers to the cut-off body, the 413 already went out
            if message["type"] == "http.response.start":
                app_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not refused:
                raise
            # The app failed on the cut-off body after the 413 was sent: nothing more to say.
