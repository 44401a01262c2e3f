"""The MCP server driven by the official SDK's client over streamable HTTP (a real uvicorn server on
loopback) and stdio (`python -m career_app.mcp`): the REST API's scopes and errors, revocation at once."""

import json
import sys
import threading
import time
from contextlib import asynccontextmanager

import httpx
import pytest
import uvicorn
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from career_app.api.app import build_api
from tests.api.conftest import bearer
from tests.api.test_api_tokens import make_token
from tests.conftest import ROOT, free_port, run_async


@pytest.fixture(scope="module")
def http_url():
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(build_api(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def seeker(client, register):
    """A seeker with one application, a read-only token and a read-write one."""
    jwt, _ = register()
    app = client.post("/api/v1/applications", json={"company_name": "Acme", "job_title": "Nurse"}, headers=bearer(jwt))
    assert app.status_code == 201
    reader = make_token(client, jwt, ["applications:read", "jobs:read"], name="reader")
    writer = make_token(client, jwt, ["applications:read", "applications:write"], name="writer")
    return {"jwt": jwt, "app_id": app.json()["id"], "reader": reader, "writer": writer}


@asynccontextmanager
async def _http(url: str, token: str):
    async with httpx.AsyncClient(headers=bearer(token), timeout=30) as http:
        async with streamable_http_client(f"{url}/mcp", http_client=http) as streams:
            yield streams


def _stdio(service_env: dict, token: str):
    env = {**service_env, "CAREER_COPILOT_TOKEN": token}
    return stdio_client(StdioServerParameters(command=sys.executable, args=["-m", "career_app.mcp"], env=env,
                                              cwd=str(ROOT)))


@asynccontextmanager
async def _session(transport):
    async with transport as streams:
        async with ClientSession(streams[0], streams[1]) as session:
            await session.initialize()
            yield session


def _text(result) -> str:
    return " ".join(getattr(part, "text", "") for part in result.content)


def _json(result):
    assert not result.isError, _text(result)
    return json.loads(_text(result))


async def _scenario(client, seeker, open_reader, open_writer):
    app_id = seeker["app_id"]
    async with _session(open_reader()) as reader:
        names = {tool.name for tool in (await reader.list_tools()).tools}
        assert {"search_jobs", "job_details", "match_job", "recommendations", "skills_gap", "list_applications",
                "create_application", "update_application", "change_application_status", "tracked_jobs",
                "draft_cover_letter"} <= names
        listed = await reader.call_tool("list_applications", {})
        assert [item["id"] for item in _json(listed)["items"]] == [app_id]
        refused = await reader.call_tool("change_application_status", {"application_id": app_id, "status": "applied"})
        assert refused.isError and "403: This token does not have the applications:write scope" in _text(refused)
        created = await reader.call_tool("create_application", {"application": {"company_name": "Mercy Hospital", "job_title": "Staff Nurse"}})
        assert created.isError and "403" in _text(created)
        tracked = await reader.call_tool("tracked_jobs", {})  # tracker:read is not among its scopes
        assert tracked.isError and "403" in _text(tracked)
        profile = await reader.read_resource("careercopilot://profile")
        assert '"full_name"' in profile.contents[0].text
    async with _session(open_writer()) as writer:
        missing = await writer.call_tool("get_application", {"application_id": "00000000-0000-0000-0000-000000000000"})
        assert missing.isError and "404: Application not found" in _text(missing)  # the REST route's error
        bad = await writer.call_tool("change_application_status", {"application_id": app_id, "status": "offer"})
        assert bad.isError and ("409: " in _text(bad) or "422: " in _text(bad)), _text(bad)
        moved = await writer.call_tool("change_application_status",
                                       {"application_id": app_id, "status": "applied", "note": "via MCP"})
        assert _json(moved)["status"] == "applied"
        rest = client.get(f"/api/v1/applications/{app_id}", headers=bearer(seeker["jwt"])).json()
        assert rest["status"] == "applied" and rest["timeline"][-1]["changes"] == {"note": "via MCP"}
    # Revoked: the SDK client's very next request with it is refused (401).
    assert client.delete(f"/api/v1/users/me/tokens/{seeker['writer']['id']}",
                         headers=bearer(seeker["jwt"])).status_code == 204
    with pytest.raises(Exception) as refused:
        async with _session(open_writer()) as writer:
            await writer.call_tool("list_applications", {})
    assert "401 Unauthorized" in _messages(refused.value)


def _messages(exc: BaseException) -> str:
    """Every message in an exception and the groups inside it (the SDK client raises from a task group)."""
    inner = getattr(exc, "exceptions", ())
    return " ".join([str(exc), *(_messages(e) for e in inner)])


def test_streamable_http(client, seeker, http_url):
    run_async(_scenario(client, seeker, lambda: _http(http_url, seeker["reader"]["token"]),
                        lambda: _http(http_url, seeker["writer"]["token"])))
    # No token, a sign-in JWT or garbage: 401 before any MCP exchange.
    revoked = seeker["writer"]["token"]  # revoked by the scenario
    for headers in ({}, bearer(seeker["jwt"]), bearer("nonsense"), bearer(revoked), bearer("ccp_" + "x" * 43)):
        resp = httpx.post(f"{http_url}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, headers=headers)
        assert resp.status_code == 401 and resp.headers["www-authenticate"] == "Bearer"
    assert httpx.post(f"{http_url}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                      headers=bearer(revoked)).json() == {"detail": "Invalid or revoked token"}


def test_stdio(client, seeker, service_env):
    """One process (each start costs seconds): a read-only token cannot change an application; revoked, refused."""

    async def scenario():
        async with _session(_stdio(service_env, seeker["reader"]["token"])) as reader:
            assert [item["id"] for item in _json(await reader.call_tool("list_applications", {}))["items"]] == [
                seeker["app_id"]]
            refused = await reader.call_tool("change_application_status",
                                             {"application_id": seeker["app_id"], "status": "applied"})
            assert refused.isError and "403: This token does not have the applications:write scope" in _text(refused)
            assert client.delete(f"/api/v1/users/me/tokens/{seeker['reader']['id']}",
                                 headers=bearer(seeker["jwt"])).status_code == 204
            after = await reader.call_tool("list_applications", {})
            assert after.isError and "401: Invalid or revoked token" in _text(after)

    run_async(scenario())
    status = client.get(f"/api/v1/applications/{seeker['app_id']}", headers=bearer(seeker["jwt"])).json()["status"]
    assert status == "saved"
