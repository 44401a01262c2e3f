"""Where requests come from: the app's own addresses, cross-site writes with the session cookie, and
the base of the absolute links the app hands out.

The app's own origins are PUBLIC_URL (default http://localhost:$PORT) and, when it is a loopback
address, the same origin under each loopback name (localhost, 127.0.0.1, [::1]); CORS_ORIGINS adds
the other sites allowed to call the API with credentials (settings.allowed_origins).

Cross-site request forgery. The session cookie is SameSite=Lax, which stops other *sites*, not other
origins of the same site (another port on the host, a sibling subdomain): those can still send a form
or a bodiless POST that carries the cookie. So a state-changing request (POST, PUT, PATCH, DELETE)
that carries the session cookie and no Authorization header must come from an allowed origin: its
Origin header, or without one its Referer's origin. Anything else is a 403 before the request reaches
a route. A request with an Authorization header is not judged: a page on another origin cannot add one
without a CORS preflight, which only allowed origins pass. A cookie request with neither Origin nor
Referer is let through: every browser in use sends Origin with every POST, PUT, PATCH and DELETE it
makes for a page, cross-site or not (fetch and forms alike), so such a request was not made by a page
in a browser but by a client that holds the cookie itself (curl, a script) and could send any header
it liked; refusing it would protect nothing. A Referer the browser was told to drop still leaves the
Origin ("null" for a privacy-sensitive context, which is refused).

Links. The Host header is the client's to choose, so absolute links (a resume's download_url, the
Link header of a paged list) and redirects are never built from it. KnownHost, the outermost layer,
leaves a request addressed to one of the app's own origins as it is (a user on http://127.0.0.1:3000
stays there) and readdresses any other to PUBLIC_URL (its Host header and scheme) before anything
reads it, so every URL built from the request downstream (FastAPI's, Starlette's trailing-slash and
static-file redirects, Reflex's) is on the app's own address."""

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from career_app.services.auth import cookie_token
from career_app.settings import loopback_aliases, settings

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CROSS_SITE_DETAIL = "Cross-site request refused: this origin may not use your session cookie"


def origin_of(url: str) -> str | None:
    """scheme://host[:port] of a URL, lower-cased, default ports dropped; None when it has none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def allowed_origins() -> frozenset[str]:
    """Origins whose pages may write with the session cookie: the app's own and CORS_ORIGINS."""
    return frozenset(o for o in map(origin_of, settings.allowed_origins) if o)


def own_origins() -> frozenset[str]:
    """The app's own addresses: PUBLIC_URL and its loopback aliases."""
    return frozenset(o for o in map(origin_of, loopback_aliases(settings.resolved_public_url)) if o)


def public_base(scheme: str, host: str | None) -> str:
    """Where absolute links point: the origin the request was addressed to when it is one of the
    app's own, else PUBLIC_URL. Never an unchecked Host."""
    if host:
        requested = origin_of(f"{scheme}://{host}")
        if requested in own_origins():
            return requested
    return settings.resolved_public_url


def request_origin(headers: Headers) -> str | None:
    """The origin a browser says the request comes from: Origin, else the Referer's origin; "" when
    it sent neither; None when what it sent is not an origin (such as "null")."""
    if (origin := headers.get("origin")) is not None:
        return origin_of(origin)
    if (referer := headers.get("referer")) is not None:
        return origin_of(referer)
    return ""


def _has_session_cookie(headers: Headers) -> bool:
    return any(cookie_token(value) for value in headers.getlist("cookie"))


class SameOriginWrites:
    """Refuses (403) a state-changing request authenticated by the session cookie from an origin that
    is not allowed (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS:
            headers = Headers(scope=scope)
            if "authorization" not in headers and _has_session_cookie(headers):
                origin = request_origin(headers)
                if origin != "" and origin not in allowed_origins():
                    await JSONResponse({"detail": CROSS_SITE_DETAIL}, status_code=403)(scope, receive, send)
                    return
        await self.app(scope, receive, send)


class KnownHost:
    """Readdresses a request whose Host is not one of the app's own origins to PUBLIC_URL (its Host
    header and scheme), so nothing downstream builds a URL from an unchecked Host (module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        public = urlsplit(settings.resolved_public_url)
        self.public_scheme, self.public_host = public.scheme, public.netloc.encode("latin-1")
        self.own = own_origins()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = next((value for name, value in scope["headers"] if name == b"host"), None)
            web_scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
            if host is None or origin_of(f"{web_scheme}://{host.decode('latin-1')}") not in self.own:
                scheme = self.public_scheme if scope["type"] == "http" else self.public_scheme.replace("http", "ws")
                headers = [(name, value) for name, value in scope["headers"] if name != b"host"]
                scope = {**scope, "scheme": scheme, "headers": [(b"host", self.public_host), *headers]}
        await self.app(scope, receive, send)
