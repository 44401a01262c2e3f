"""Ottobon's surface at the site root: `GET /` answers the service JSON to a client that asks for
`application/json` (a browser, asking for HTML, still gets the landing page), and `/docs` and `/redoc`
lead to the API documentation (/api/docs, /api/redoc). Clients of ottobon-jobs-api.md use
`http://HOST/api/v1` as their base URL, so the same names under it lead there too."""

from fastapi import APIRouter
from fastapi.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from career_app.api.health import SERVICE_NAME, VERSION
from models.schemas import ServiceInfo

router = APIRouter(include_in_schema=False)


@router.get("/docs")
@router.get("/api/v1/docs")
async def docs() -> RedirectResponse:
    return RedirectResponse("/api/docs", status_code=308)


@router.get("/redoc")
@router.get("/api/v1/redoc")
async def redoc() -> RedirectResponse:
    return RedirectResponse("/api/redoc", status_code=308)


@router.get("/api/v1/openapi.json")
async def openapi_spec() -> RedirectResponse:
    return RedirectResponse("/api/openapi.json", status_code=308)


@router.get("/api/v1", response_model=ServiceInfo)
async def service_root() -> ServiceInfo:
    """Ottobon's `GET /` at the base URL without its trailing slash (/api/v1/ answers the same)."""
    return ServiceInfo(status="ok", service=SERVICE_NAME, version=VERSION)


def _quality(accept: str, *types: str) -> tuple[float, int]:
    """(q, how specifically it was named: 2 exact, 1 type/*, 0 */*) the Accept header gives the best of
    `types`; the most specific range naming a type sets its q."""
    best = (-1.0, -1)
    for exact in types:
        major = exact.split("/")[0] + "/*"
        found, specificity = 0.0, -1
        for part in accept.split(","):
            media, *params = [p.strip() for p in part.split(";")]
            rank = 2 if media.lower() == exact else 1 if media.lower() == major else 0 if media == "*/*" else -1
            if rank < specificity or rank < 0:
                continue
            q = 1.0
            for param in params:
                name, _, value = param.partition("=")
                if name.strip().lower() == "q":
                    try:
                        q = max(0.0, min(1.0, float(value)))
                    except ValueError:
                        q = 0.0
            found, specificity = q, rank
        best = max(best, (found, specificity))
    return best


def wants_json(accept: str | None) -> bool:
    """The client prefers JSON to HTML: a higher q for application/json than for text/html, or the same q
    with JSON named more specifically (a browser names text/html; */* alone is no preference)."""
    if not accept:
        return False
    accept = accept[:1000]
    json_q = _quality(accept, "application/json")
    return json_q[0] > 0 and json_q > _quality(accept, "text/html", "application/xhtml+xml")


class JsonAtRoot:
    """`GET /` (and HEAD) for a JSON client: the service JSON of /api/v1/; anything else goes on."""

    def __init__(self, app: ASGIApp):
        self.app = app
        self.body = ServiceInfo(status="ok", service=SERVICE_NAME, version=VERSION).model_dump_json().encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        accept = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"accept"), None)
        if not wants_json(accept):
            async def vary(message) -> None:  # a cache must not hand the page to a JSON client
                if message["type"] == "http.response.start":
                    message = {**message, "headers": [*message.get("headers", []), (b"vary", b"Accept")]}
                await send(message)

            await self.app(scope, receive, vary)
            return
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(self.body)).encode()),
            (b"cache-control", b"no-store"), (b"vary", b"Accept")]})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else self.body})
