"""Feedback with screenshots (checked as images, metadata stripped, rate-limited, answered by
notification) and the help centre (search, safe Markdown, drafts for admins only)."""

import io

import pytest
from PIL import Image, PngImagePlugin
from sqlmodel import func, select

from career_app.db import app_redis, session_scope
from models.support import Feedback
from tests.api.conftest import bearer


@pytest.fixture(autouse=True)
def _clear_feedback_rate():
    def clear():
        r = app_redis()
        keys = list(r.scan_iter("feedback:rate:*"))
        if keys:
            r.delete(*keys)
    clear()
    yield
    clear()


@pytest.fixture
def admin(client, make_admin):
    email, password = make_admin()
    token = client.post("/api/v1/auth/login", json={"email": email, "password": password}).json()["access_token"]
    client.cookies.clear()
    return token


def _png_with_metadata() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Secret Person")
    info.add_text("Comment", "GPS 51.5,-0.12")
    buf = io.BytesIO()
    Image.new("RGB", (64, 40), (200, 30, 30)).save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (50, 30), (10, 120, 200))
    exif = image.getexif()
    exif[0x013B] = "Secret Person"  # Artist
    exif[0x010F] = "PhoneMaker"  # Make
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def _count() -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(Feedback)).one()


def _send(client, token=None, files=None, **fields):
    data = {"message": "The salary filter forgets my currency", "category": "bug", "page": "/jobs", **fields}
    return client.post("/api/v1/feedback", data=data, files=files, headers=bearer(token) if token else {})


def test_feedback_with_screenshots_is_stripped_triaged_and_answered(client, register, admin):
    anonymous = _send(client, category="praise", message="Lovely", page="//evil.example/x")
    assert anonymous.status_code == 201, anonymous.text
    assert anonymous.json()["screenshot_url"] is None and anonymous.json()["page"] == ""

    seeker, _ = register("seeker")
    png = _send(client, seeker, files={"screenshot": ("shot.png", _png_with_metadata(), "image/png")})
    assert png.status_code == 201, png.text
    jpeg = _send(client, seeker, category="idea", files={"screenshot": ("shot.jpg", _jpeg_with_exif(), "image/jpeg")})
    assert jpeg.status_code == 201, jpeg.text

    assert client.get("/api/v1/admin/feedback", headers=bearer(seeker)).status_code == 403
    assert client.get(png.json()["screenshot_url"], headers=bearer(seeker)).status_code == 403
    shot = client.get(png.json()["screenshot_url"], headers=bearer(admin))
    assert shot.status_code == 200 and shot.headers["content-type"] == "image/png"
    assert b"Secret Person" not in shot.content and b"GPS" not in shot.content
    image = Image.open(io.BytesIO(shot.content))
    assert image.size == (64, 40) and not image.text and image.getpixel((3, 3)) == (200, 30, 30)
    shot = client.get(jpeg.json()["screenshot_url"], headers=bearer(admin))
    assert shot.headers["content-type"] == "image/jpeg" and b"Secret Person" not in shot.content
    assert not dict(Image.open(io.BytesIO(shot.content)).getexif())

    inbox = client.get("/api/v1/admin/feedback", params={"status": "new", "limit": 100}, headers=bearer(admin)).json()
    ids = [item["id"] for item in inbox["items"]]
    assert png.json()["id"] in ids and anonymous.json()["id"] in ids
    item = next(i for i in inbox["items"] if i["id"] == png.json()["id"])
    assert item["user_email"] and item["category"] == "bug" and item["page"] == "/jobs"

    resp = client.patch(f"/api/v1/admin/feedback/{jpeg.json()['id']}", json={"status": "done"}, headers=bearer(admin))
    assert resp.status_code == 200 and resp.json()["status"] == "done"
    assert client.patch(f"/api/v1/admin/feedback/{jpeg.json()['id']}", json={"status": "lost"},
                        headers=bearer(admin)).status_code == 422

    resp = client.post(f"/api/v1/admin/feedback/{png.json()['id']}/reply",
                       json={"message": "Fixed in the next release, thank you!"}, headers=bearer(admin))
    assert resp.status_code == 200 and resp.json()["status"] == "triaged"
    notes = client.get("/api/v1/notifications", headers=bearer(seeker)).json()
    assert any("Fixed in the next release" in n["message"] for n in notes["items"])
    resp = client.post(f"/api/v1/admin/feedback/{anonymous.json()['id']}/reply", json={"message": "Hi"},
                       headers=bearer(admin))
    assert resp.status_code == 400 and "without signing in" in resp.json()["detail"]


@pytest.mark.parametrize("fields, files, status, words", [
    ({"message": "   "}, None, 400, "message is empty"),
    ({"category": "rant"}, None, 400, "bug, idea, praise, other"),
    ({}, {"screenshot": ("shot.png", b"%PDF-1.7\n" + b"x" * 500, "image/png")}, 400, "PNG or JPEG"),
    ({}, {"screenshot": ("shot.gif", b"GIF89a" + b"\x00" * 100, "image/gif")}, 400, "PNG or JPEG"),
    ({}, {"screenshot": ("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * 1024 * 1024), "image/png")}, 413, "5 MB"),
])
def test_bad_feedback_is_refused_and_nothing_is_stored(client, fields, files, status, words):
    before = _count()
    resp = _send(client, files=files, **fields)
    assert resp.status_code == status, resp.text
    assert words in resp.json()["detail"]
    assert _count() == before


def test_a_pixel_bomb_is_refused_before_decoding(client):
    buf = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buf, "PNG")  # ~50 KB on disk, 400 megapixels
    resp = _send(client, files={"screenshot": ("bomb.png", buf.getvalue(), "image/png")})
    assert resp.status_code == 400 and "dimensions" in resp.json()["detail"]


def test_feedback_is_rate_limited_per_address(client):
    for _ in range(10):
        assert _send(client).status_code == 201
    resp = _send(client)
    assert resp.status_code == 429 and int(resp.headers["retry-after"]) > 0


def test_help_centre_search_and_articles(client):
    listing = client.get("/api/v1/help-articles").json()
    assert listing["total"] >= 12
    assert {"getting-started", "matching", "tracker", "privacy", "coach"} <= set(listing["categories"])
    found = client.get("/api/v1/help-articles", params={"q": "import spreadsheet columns"}).json()
    assert found["items"][0]["slug"] == "tracker-import-format"
    only = client.get("/api/v1/help-articles", params={"category": "getting-started"}).json()
    assert {a["slug"] for a in only["items"]} >= {"getting-started-seekers", "getting-started-providers",
                                                  "getting-started-admins"}
    assert all(a["category"] == "getting-started" for a in only["items"])
    article = client.get("/api/v1/help-articles/matching-explained").json()
    assert article["page"] == "/recommended" and "<h2>Where the score comes from</h2>" in article["html"]
    assert client.get("/api/v1/help-articles/no-such-thing").status_code == 404
    assert client.get("/api/v1/help-articles", params={"q": "x" * 201}).status_code == 422


def test_admins_write_drafts_publish_and_unpublish(client, register, admin):
    seeker, _ = register("seeker")
    body = {"slug": "offline-mode", "title": "Using the app offline", "category": "account",
            "body": "# Offline\n\nIt <script>alert(1)</script> works. [x](javascript:alert(1)) "
                    "<img src=x onerror=alert(1)> [docs](https://example.org)\n"}
    assert client.post("/api/v1/help-articles", json=body, headers=bearer(seeker)).status_code == 403
    resp = client.post("/api/v1/help-articles", json=body, headers=bearer(admin))
    assert resp.status_code == 201, resp.text
    html = resp.json()["html"]
    # Shown as text, never as markup: no script or img element, no javascript: link.
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">docs</a>' in html
    assert client.post("/api/v1/help-articles", json=body, headers=bearer(admin)).status_code == 409
    assert client.post("/api/v1/help-articles", json={**body, "slug": "Bad Slug!"}, headers=bearer(admin)).status_code == 422

    # A draft: only admins see it.
    assert client.get("/api/v1/help-articles/offline-mode").status_code == 404
    assert client.get("/api/v1/help-articles/offline-mode", headers=bearer(seeker)).status_code == 404
    assert client.get("/api/v1/help-articles/offline-mode", headers=bearer(admin)).status_code == 200
    assert "offline-mode" not in [a["slug"] for a in client.get("/api/v1/help-articles", params={"q": "offline"}).json()["items"]]

    resp = client.patch("/api/v1/help-articles/offline-mode", json={"published": True, "title": "Working offline"},
                        headers=bearer(admin))
    assert resp.status_code == 200 and resp.json()["published"] is True
    found = client.get("/api/v1/help-articles", params={"q": "offline"}).json()["items"]
    assert found[0]["slug"] == "offline-mode" and found[0]["title"] == "Working offline"
    assert client.patch("/api/v1/help-articles/offline-mode", json={"title": None},
                        headers=bearer(admin)).status_code == 400
    client.patch("/api/v1/help-articles/offline-mode", json={"published": False}, headers=bearer(admin))
    assert client.get("/api/v1/help-articles/offline-mode").status_code == 404
