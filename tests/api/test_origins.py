"""Where requests come from: a state-changing request authenticated by the session cookie must come
from one of the app's own origins (or CORS_ORIGINS), and links and redirects are built from the
configured address, never from the Host header the client chose.

The test app runs without PUBLIC_URL on the default port: its own origins are http://localhost:3000,
http://127.0.0.1:3000 and http://[::1]:3000."""

import uuid

import pytest

from career_app.api.origins import CROSS_SITE_DETAIL
from career_app.db import app_redis, session_scope
from career_app.services import jobs
from career_app.settings import settings
from models.job import Job, JobStatus, Visibility
from tests import resume_files
from tests.api.conftest import bearer

OWN = "http://localhost:3000"
assert settings.resolved_public_url == OWN, "these tests assume PUBLIC_URL unset and PORT 3000"


@pytest.fixture
def signed_in(client, register):
    """A seeker signed in through the browser's cookie only (no Authorization header)."""
    token, _ = register()
    client.cookies.set("cc_session", token)
    yield token
    client.cookies.clear()


def _rename(client, name: str, **headers):
    return client.patch("/api/v1/users/me", json={"full_name": name}, headers=headers)


def _name(client, token) -> str:
    return client.get("/api/v1/users/me", headers=bearer(token)).json()["full_name"]


CROSS = [{"Origin": "http://evil.example"},
         {"Origin": "http://localhost:8080"},  # same site (SameSite=Lax lets it through), another origin
         {"Origin": "https://localhost:3000"},  # another scheme is another origin
         {"Origin": "http://localhost:3000.evil.example"},
         {"Origin": "null"},  # a sandboxed or privacy-sensitive context
         {"Referer": "http://evil.example/page.html"},  # no Origin: the Referer's origin decides
         {"Origin": "http://evil.example", "Referer": f"{OWN}/dashboard"}]  # Origin wins


@pytest.mark.parametrize("headers", CROSS)
def test_cookie_writes_from_another_origin_are_refused(client, signed_in, headers):
    resp = _rename(client, "Renamed cross-site", **headers)
    assert resp.status_code == 403 and resp.json() == {"detail": CROSS_SITE_DETAIL}
    assert _name(client, signed_in) != "Renamed cross-site"
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 403
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200, "reads are not judged; the session stands"


def test_the_issues_two_writes_are_refused_cross_origin(client, signed_in):
    evil = {"Origin": "http://evil.example"}
    save = client.post(f"/api/v1/jobs/{uuid.uuid4()}/save", headers=evil)
    assert save.status_code == 403
    imported = client.post("/api/v1/import/applications", headers=evil, params={"dry_run": "false"},
                           files={"file": ("apps.csv", b"Company,Title\nEvil Corp,Mule\n")})
    assert imported.status_code == 403
    assert client.get("/api/v1/applications", headers=bearer(signed_in)).json()["total"] == 0
    # From the app's own page the same requests reach their routes.
    own = {"Origin": OWN}
    assert client.post(f"/api/v1/jobs/{uuid.uuid4()}/save", headers=own).status_code == 404
    imported = client.post("/api/v1/import/applications", headers=own, params={"dry_run": "true"},
                           files={"file": ("apps.csv", b"Company,Title\nAcme,Welder\n")})
    assert imported.status_code == 200 and imported.json()["rows"] == 1


def test_cookie_writes_from_the_apps_own_origins_or_without_browser_headers_pass_and_no_others(client, signed_in):
    for headers in ({"Origin": OWN}, {"Origin": "http://127.0.0.1:3000"}, {"Origin": "http://[::1]:3000"},
                    {"Referer": f"{OWN}/dashboard?tab=1"}, {}):
        name = f"Renamed at home {uuid.uuid4().hex[:6]}"
        assert _rename(client, name, **headers).status_code == 200, headers
        assert _name(client, signed_in) == name
    assert _rename(client, "Renamed away", Origin="http://evil.example").status_code == 403


def test_cors_origins_may_write_with_the_cookie(client, signed_in, monkeypatch):
    partner = {"Origin": "https://partner.example"}
    assert _rename(client, "Partner", **partner).status_code == 403
    monkeypatch.setattr(settings, "cors_origins", "https://partner.example")
    assert _rename(client, "Partner", **partner).status_code == 200


def test_bearer_requests_are_not_judged_by_origin_cookie_ones_are(client, register):
    token, _ = register()
    evil = {"Origin": "http://evil.example"}
    resp = client.patch("/api/v1/users/me", json={"full_name": "Script"}, headers={**bearer(token), **evil})
    assert resp.status_code == 200 and _name(client, token) == "Script"
    # Without any session cookie there is nothing to forge: the route answers as usual.
    assert client.post("/api/v1/notifications/mark-read", json={"all": True}, headers=evil).status_code == 401
    # The same write carried by the cookie is refused.
    client.cookies.set("cc_session", token)
    try:
        assert client.patch("/api/v1/users/me", json={"full_name": "Forged"}, headers=evil).status_code == 403
    finally:
        client.cookies.clear()
    assert _name(client, token) == "Script"


# --- links and redirects ---------------------------------------------------------------------------------


def _active_job(owner_id) -> str:
    with session_scope() as session:
        job = Job(owner_id=owner_id, title=f"Linked job {uuid.uuid4().hex[:6]}", description_raw="x" * 40,
                  skills_required=["SQL"], skills=["SQL"], status=JobStatus.active, visibility=Visibility.public,
                  remote_option="remote")
        session.add(job)
        session.commit()
        jobs.invalidate(app_redis())
        return str(job.id)


def test_download_links_use_the_configured_address_not_the_host_header(client, register):
    token, _ = register()
    upload = client.post("/api/v1/users/resume", headers=bearer(token),
                         files={"file": ("cv.pdf", resume_files.pdf_resume(), "application/pdf")})
    assert upload.status_code == 200, upload.text

    def link(host: str) -> str:
        resp = client.get("/api/v1/users/me/resume", headers={**bearer(token), "Host": host})
        assert resp.status_code == 200, resp.text
        return resp.json()["download_url"]

    assert link("evil.example").startswith(f"{OWN}/api/v1/files/")
    assert link("localhost").startswith(f"{OWN}/api/v1/files/"), "another port is another address"
    assert link("127.0.0.1:3000").startswith("http://127.0.0.1:3000/api/v1/files/"), "a loopback alias is kept"
    assert link("[::1]:3000").startswith("http://[::1]:3000/api/v1/files/")
    assert client.get(link("evil.example")).status_code == 200


def test_paging_links_and_redirects_ignore_a_foreign_host(client, register):
    provider, _ = register("provider")
    owner = client.get("/api/v1/auth/me", headers=bearer(provider)).json()["id"]
    _active_job(owner), _active_job(owner)
    feed = client.get("/api/v1/jobs/feed", params={"limit": 1}, headers={"Host": "evil.example"})
    assert feed.status_code == 200 and feed.headers["Link"].startswith(f"<{OWN}/api/v1/jobs/feed?")
    assert "evil.example" not in feed.headers["Link"]
    feed = client.get("/api/v1/jobs/feed", params={"limit": 1}, headers={"Host": "127.0.0.1:3000"})
    assert feed.headers["Link"].startswith("<http://127.0.0.1:3000/api/v1/jobs/feed?")

    moved = client.get("/health/", headers={"Host": "evil.example"}, follow_redirects=False)
    assert moved.status_code in (301, 302, 307, 308) and moved.headers["location"] == f"{OWN}/health"
    moved = client.get("/health/", headers={"Host": "127.0.0.1:3000"}, follow_redirects=False)
    assert moved.headers["location"] == "http://127.0.0.1:3000/health"
