"""Security headers on what the production single-port server sends: the pages (plain and
pre-compressed), the API, the docs; HSTS only behind an https public URL."""

import asyncio
import base64
import hashlib
import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from career_app.api.security_headers import SecurityHeadersMiddleware


def _policy(response: httpx.Response) -> dict[str, list[str]]:
    directives = [d.split() for d in response.headers["content-security-policy"].split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


def _inline_script_hashes(html: str) -> set[str]:
    bodies = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
    return {f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'" for b in bodies if b.strip()}


def _common_headers(response: httpx.Response) -> None:
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "strict-transport-security" not in response.headers  # the test server's public URL is http


@pytest.mark.parametrize("path", ["/", "/jobs", "/signin", "/skills-gap", "/nope"])
@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_pages_carry_a_policy_that_allows_exactly_their_inline_scripts(app_url, path, encoding):
    response = httpx.get(f"{app_url}{path}", headers={"Accept-Encoding": encoding}, follow_redirects=True)
    assert response.status_code == (404 if path == "/nope" else 200)
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers.get("content-encoding", "identity") == encoding  # the pre-compressed copy is read too
    _common_headers(response)
    policy = _policy(response)
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "'self'" in policy["connect-src"]
    scripts = set(policy["script-src"])
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    inline = _inline_script_hashes(response.text)
    assert inline, "a prerendered Reflex page has inline scripts"
    assert scripts == {"'self'", *inline}


def test_api_and_files_carry_headers(app_url):
    api = httpx.get(f"{app_url}/api/v1/")
    _common_headers(api)
    assert api.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"

    # A script on an allowed origin can read the next page's cursor and when to retry.
    feed = httpx.get(f"{app_url}/api/v1/jobs/feed", params={"limit": 1}, headers={"Origin": app_url})
    assert feed.headers["access-control-allow-origin"] == app_url
    exposed = {h.strip() for h in feed.headers["access-control-expose-headers"].split(",")}
    assert {"X-Next-Cursor", "Link", "Retry-After"} <= exposed

    icon = httpx.get(f"{app_url}/favicon.ico")
    assert icon.status_code == 200 and icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    _common_headers(icon)

    docs = httpx.get(f"{app_url}/api/docs")  # Swagger UI comes from a CDN: allowed on the docs only
    policy = _policy(docs)
    assert "https://cdn.jsdelivr.net" in policy["script-src"]
    assert _inline_script_hashes(docs.text) <= set(policy["script-src"])
    assert "https://cdn.jsdelivr.net" not in _policy(httpx.get(f"{app_url}/"))["script-src"]


@pytest.mark.parametrize("public_url, hsts", [("https://jobs.example.com", True), ("http://localhost:3000", False)])
def test_hsts_only_behind_https(public_url, hsts):
    async def page(_request):
        return HTMLResponse("<html><body><script>1</script></body></html>")

    app = SecurityHeadersMiddleware(Starlette(routes=[Route("/", page)]), public_url=public_url)
    with TestClient(app) as client:
        response = client.get("/")
    assert ("strict-transport-security" in response.headers) is hsts
    assert _policy(response)["script-src"] == ["'self'", _inline_script_hashes("<script>1</script>").pop()]


def test_zero_copy_file_responses_are_hashed_too(tmp_path):
    """granian sends static files with the ASGI pathsend extension: the page is read to hash it."""
    html = tmp_path / "index.html"
    html.write_bytes(b"<html><script>window.x = 1</script></html>")

    async def file_app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html; charset=utf-8")]})
        await send({"type": "http.response.pathsend", "path": str(html)})

    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "method": "GET", "path": "/", "headers": [(b"host", b"localhost:3000")]}
    middleware = SecurityHeadersMiddleware(file_app, public_url="http://localhost:3000")
    with ThreadPoolExecutor(1) as pool:  # the session's Playwright already runs an event loop in this thread
        pool.submit(asyncio.run, middleware(scope, receive, send)).result()
    start, body = sent
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    assert body == {"type": "http.response.body", "body": html.read_bytes()}
    policy = dict((d.split()[0], d.split()[1:]) for d in headers["content-security-policy"].split("; "))
    assert policy["script-src"] == ["'self'", *_inline_script_hashes(html.read_text())]
    assert policy["connect-src"] == ["'self'", "ws://localhost:3000", "wss://localhost:3000"]
