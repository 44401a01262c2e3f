"""Security headers on every HTTP response, the web pages included.

build_api() registers this on the FastAPI app that Reflex's api_transformer wraps around the whole
backend: in production single-port mode the compiled pages are a mount *inside* that app, so the
HTML of every page passes through here, not only /api responses.

The Content-Security-Policy of a page, and why each source is there (checked against the Reflex
0.10 production build, `.web/build/client/*.html`):

- script-src 'self' + the sha256 of each inline <script> of that very page. The prerendered
  pages carry inline scripts (the colour-mode switch, React Router's context and route imports,
  React's streaming helpers) that differ from page to page and from build to build, so the
  hashes are computed from the HTML being sent. No 'unsafe-inline'. No 'unsafe-eval' either:
  Reflex only evals the string of rx.call_script/rx.call_function sent by the backend, and
  the app does not use those (see components/navigation.py).
- style-src 'self' 'unsafe-inline': Emotion (Reflex's `style=`) writes <style> elements at
  run time and the prerendered pages carry them inline, Radix Themes sets style attributes,
  and the toast and chart libraries add their own. None of them takes a nonce here.
- img-src 'self' data: blob: (icons and images the components build in the browser);
  font-src 'self' data: (the theme's fonts are bundled or system fonts).
- connect-src 'self' plus ws:/wss: for the host the page was loaded from: the state websocket
  (/_event) always goes to the page's own host (Reflex swaps a localhost backend URL for the
  page's host); 'self' covers it in CSP3 browsers, the explicit ws/wss in older ones.
- object-src 'none', base-uri 'self', form-action 'self', frame-ancestors 'none'.

Swagger UI (/api/docs) and ReDoc (/api/redoc) load their code and styles from jsDelivr (and
ReDoc its fonts from Google); those two paths also allow these CDNs.

JSON responses get `default-src 'none'; frame-ancestors 'none'`. Other files (scripts, styles,
downloads) get no CSP: it would not apply to them, and a strict one can break the browser's
built-in PDF viewer on a resume download.

HSTS is sent only when the public URL is https (settings.resolved_public_url).
"""

import asyncio
import base64
import hashlib
import logging
import re
import zlib
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from career_app.settings import settings

log = logging.getLogger(__name__)

HSTS = "max-age=31536000"
DOCS_PATHS = ("/api/docs", "/api/redoc")
DOCS_SOURCES = {
    "script-src": ["https://cdn.jsdelivr.net"],
    "style-src": ["https://cdn.jsdelivr.net", "https://fonts.googleapis.com"],
    "font-src": ["https://fonts.gstatic.com"],
    "img-src": ["https://fastapi.tiangolo.com", "https://cdn.redoc.ly"],
    "worker-src": ["blob:"],
}
JSON_POLICY = "default-src 'none'; frame-ancestors 'none'"
EXPOSED_HEADERS = "X-Next-Cursor, Link, Retry-After, Content-Disposition, Location"

_INLINE_SCRIPT = re.compile(rb"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.S | re.I)
_SAFE_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$")


def inline_script_hashes(html: bytes) -> list[str]:
    """CSP sources for each inline script of the page, hashed as the browser hashes them."""
    bodies = {body for body in _INLINE_SCRIPT.findall(html) if body.strip()}
    return sorted(f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'" for body in bodies)


def page_policy(script_sources: list[str], host: str = "", docs: bool = False) -> str:
    connect = ["'self'"]
    if host and _SAFE_HOST.match(host):
        connect += [f"ws://{host}", f"wss://{host}"]
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_sources],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": connect,
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    if docs:
        for name, sources in DOCS_SOURCES.items():
            directives[name] = [*directives[name], *sources]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def common_headers(https: bool) -> list[tuple[str, str]]:
    """The headers every response gets (a JSON one adds JSON_POLICY as its CSP)."""
    # A script on an allowed origin (CORS_ORIGINS) may read only the safelisted response headers
    # unless named here: the next page's cursor, when to retry, a download's file name, a new
    # resource's address. Reflex's CORS middleware names none.
    headers = [("access-control-expose-headers", EXPOSED_HEADERS), ("x-content-type-options", "nosniff"),
               ("x-frame-options", "DENY"), ("referrer-policy", "strict-origin-when-cross-origin")]
    return headers + [("strict-transport-security", HSTS)] if https else headers


def _decoded(body: bytes, encoding: str) -> bytes | None:
    """The HTML text of a (possibly pre-compressed) page; None for an encoding we cannot read."""
    if encoding in ("", "identity"):
        return body
    if encoding == "gzip":
        return zlib.decompress(body, 16 + zlib.MAX_WBITS)
    return None


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, public_url: str | None = None) -> None:
        self.app = app
        self.https = (public_url or settings.resolved_public_url).startswith("https://")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: Message | None = None  # an HTML response's start, sent once its body is known
        chunks: list[bytes] = []

        async def send_with_headers(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                self._common(headers)
                content_type = headers.get("content-type", "")
                if content_type.startswith("text/html") and "content-security-policy" not in headers:
                    held = message
                    return
                if content_type.startswith("application/json"):
                    headers.setdefault("content-security-policy", JSON_POLICY)
                await send(message)
                return
            if held is None:
                await send(message)
                return
            if message["type"] == "http.response.pathsend":  # a zero-copy file response (granian)
                chunks.append(await asyncio.to_thread(Path(message["path"]).read_bytes))
            else:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
            body = b"".join(chunks)
            MutableHeaders(scope=held)["content-security-policy"] = self._page_csp(scope, held, body)
            await send(held)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, send_with_headers)

    def _common(self, headers: MutableHeaders) -> None:
        for name, value in common_headers(self.https):
            headers.setdefault(name, value)

    @staticmethod
    def _page_csp(scope: Scope, start: Message, body: bytes) -> str:
        headers = MutableHeaders(scope=start)
        html = _decoded(body, headers.get("content-encoding", "").strip().lower())
        if html is None:
            log.warning("Cannot read %s HTML to hash its scripts: allowing inline scripts on %s",
                        headers.get("content-encoding"), scope.get("path"))
            scripts = ["'unsafe-inline'"]
        else:
            scripts = inline_script_hashes(html)
        host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), "")
        docs = any(scope.get("path", "").startswith(p) for p in DOCS_PATHS)
        return page_policy(scripts, host, docs)
