"""Keyset (cursor) pagination of the feed, search and recommendations; search scopes."""

import base64
import uuid

from sqlmodel import select

from career_app.db import app_redis, session_scope
from career_app.services import jobs
from models.job import Job, JobStatus, Visibility
from tests.api.conftest import bearer
from tests.api.test_matching import _job, _store, _user, seeker_with_known_resume  # noqa: F401 (fixture)


def _active_public_ids() -> set[str]:
    with session_scope() as session:
        return {str(i) for i in session.exec(select(Job.id).where(
            Job.status == JobStatus.active, Job.visibility == Visibility.public)).all()}


def _walk_feed(client, limit: int, during=None) -> list[str]:
    seen, cursor, pages = [], None, 0
    while True:
        resp = client.get("/api/v1/jobs/feed", params={"limit": limit, **({"cursor": cursor} if cursor else {})})
        assert resp.status_code == 200, resp.text
        assert isinstance(resp.json(), list)  # the Ottobon shape: a plain list
        seen += [item["id"] for item in resp.json()]
        pages += 1
        if during:
            during(pages)
        cursor = resp.headers.get("X-Next-Cursor")
        if cursor is None:
            assert "Link" not in resp.headers
            return seen
        assert 'rel="next"' in resp.headers["Link"] and f"cursor={cursor}" in resp.headers["Link"]
        assert len(resp.json()) == limit


def test_feed_cursor_walk_sees_every_job_once_while_jobs_are_added(client, register):
    provider, _ = register("provider")
    owner = _user(provider).id
    for _ in range(12):
        _job(owner, 0.5)
    before = _active_public_ids()
    added = []

    def add_jobs(page: int) -> None:  # two new listings (newest of all) after every page read
        added.extend(_job(owner, 0.5) for _ in range(2))

    seen = _walk_feed(client, 5, add_jobs)
    assert len(seen) == len(set(seen)), "a listing came twice"
    assert before <= set(seen), "a listing present from the start was skipped"
    assert not set(seen) & set(added)  # newer than the first page: a new walk shows them first
    fresh = client.get("/api/v1/jobs/feed", params={"limit": 2}).json()
    assert {item["id"] for item in fresh} <= set(added)

    # offset still works and agrees with the cursor walk on a quiet catalogue
    by_cursor = _walk_feed(client, 7)
    by_offset = []
    for skip in range(0, len(by_cursor), 7):
        by_offset += [i["id"] for i in client.get("/api/v1/jobs/feed", params={"skip": skip, "limit": 7}).json()]
    assert by_offset == by_cursor


def test_feed_cursor_pages_are_cached_until_jobs_change(client, register):
    provider, _ = register("provider")
    owner = _user(provider).id
    for _ in range(3):
        _job(owner, 0.5)
    first = client.get("/api/v1/jobs/feed", params={"limit": 2})
    cursor = first.headers["X-Next-Cursor"]
    second = client.get("/api/v1/jobs/feed", params={"limit": 2, "cursor": cursor})
    entries = len(jobs._public_json._entries)
    again = client.get("/api/v1/jobs/feed", params={"limit": 2, "cursor": cursor, "skip": 40})  # skip ignored
    assert again.content == second.content and again.headers.get("X-Next-Cursor") == second.headers.get("X-Next-Cursor")
    assert len(jobs._public_json._entries) == entries  # served from the same cache entry
    newest = _job(owner, 0.5)
    top = client.get("/api/v1/jobs/feed", params={"limit": 2}).json()
    assert top[0]["id"] == newest  # the version moved: not the stale page


def test_tampered_or_foreign_cursors_are_422(client, register):
    provider, _ = register("provider")
    owner = _user(provider).id
    for _ in range(3):
        _job(owner, 0.5)
    cursor = client.get("/api/v1/jobs/feed", params={"limit": 1}).headers["X-Next-Cursor"]
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[-5] ^= 1  # one bit of the sort key changed
    tampered = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    for bad in (tampered, "not-a-cursor", "", "A" * 40, cursor[:-3]):
        resp = client.get("/api/v1/jobs/feed", params={"cursor": bad})
        assert resp.status_code == 422, (bad, resp.text)
        assert "cursor" in str(resp.json()["detail"]).lower()
    # a feed cursor is not a search cursor, and one search's cursor is not another's
    assert client.get("/api/v1/jobs/search", params={"cursor": cursor}).status_code == 422
    s_cursor = client.get("/api/v1/jobs/search", params={"limit": 1}).json()["next_cursor"]
    assert s_cursor
    assert client.get("/api/v1/jobs/search", params={"cursor": s_cursor}).status_code == 200
    assert client.get("/api/v1/jobs/search", params={"cursor": s_cursor, "remote_only": True}).status_code == 422
    assert client.get("/api/v1/jobs/feed", params={"cursor": s_cursor}).status_code == 422


def test_search_cursor_walk_with_rank_matches_offset(client, register):
    provider, _ = register("provider")
    word = "zq" + uuid.uuid4().hex[:8]
    owner = _user(provider).id
    for k in range(7):  # ranks differ by how often the word occurs; some tie
        _store(Job(owner_id=owner, title=f"Engineer {word}" + (f" {word}" * (k % 3)), company_name="Acme",
                   description_raw=f"Build things with {word}. " * (1 + k % 2) + "Work on services and tools.",
                   skills_required=["Python"], skills=["Python"], status=JobStatus.active,
                   visibility=Visibility.public))
    full = client.get("/api/v1/jobs/search", params={"q": word, "limit": 50}).json()
    assert full["total"] == 7 and full["next_cursor"] is None
    walked, cursor = [], None
    while True:
        page = client.get("/api/v1/jobs/search", params={"q": word, "limit": 3, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        walked += [i["id"] for i in page.json()["items"]]
        assert page.json()["total"] == 7
        if not (cursor := page.json()["next_cursor"]):
            break
    assert walked == [i["id"] for i in full["items"]]
    # Every page of the walk shared one count, kept until the listings change...
    r = app_redis()
    kind = jobs._search_kind(jobs._search_params(q=word), "listings")
    assert r.get(f"jobs:search-count:{jobs.cache_version(r)}:{kind}") == "7"
    _store(Job(owner_id=owner, title=f"Engineer {word}", description_raw=f"More {word}.", skills_required=["Python"],
               skills=["Python"], status=JobStatus.active, visibility=Visibility.public))
    # ...and a new listing is counted at once.
    assert client.get("/api/v1/jobs/search", params={"q": word, "limit": 3}).json()["total"] == 8


def test_search_scope_mine_and_all_never_another_users_private_jobs(client, register):
    me, _ = register()
    other, _ = register()
    provider, _ = register("provider")
    word = "yq" + uuid.uuid4().hex[:8]

    def tracked(token: str, title: str) -> str:
        resp = client.post("/api/v1/jobs", headers=bearer(token),
                           json={"title": title, "company_name": "Tracked Co", "description_raw": f"About {word}."})
        assert resp.status_code == 201, resp.text
        return resp.json()["id"]

    mine = tracked(me, f"My tracked {word}")
    theirs = tracked(other, f"Their tracked {word}")
    listing = _job(_user(provider).id, 0.5)
    with session_scope() as session:
        job = session.get(Job, uuid.UUID(listing))
        job.title = f"Public listing {word}"
        session.commit()
    jobs.invalidate(app_redis())

    def ids(**params):
        resp = client.get("/api/v1/jobs/search", params={"q": word, **params}, headers=bearer(me))
        assert resp.status_code == 200, resp.text
        return {i["id"] for i in resp.json()["items"]}

    assert ids() == {listing}  # default: listings, unchanged
    assert ids(scope="listings") == {listing}
    assert ids(scope="mine") == {mine}
    assert ids(scope="all") == {mine, listing}
    assert theirs not in ids(scope="all") | ids(scope="mine")
    anon = client.get("/api/v1/jobs/search", params={"q": word, "scope": "mine"})
    assert anon.status_code == 401
    assert client.get("/api/v1/jobs/search", params={"scope": "everyone"}, headers=bearer(me)).status_code == 422
    # cursors walk the caller's scope too
    first = client.get("/api/v1/jobs/search", params={"q": word, "scope": "all", "limit": 1}, headers=bearer(me)).json()
    nxt = client.get("/api/v1/jobs/search", params={"q": word, "scope": "all", "limit": 1,
                                                  "cursor": first["next_cursor"]}, headers=bearer(me)).json()
    assert {first["items"][0]["id"], nxt["items"][0]["id"]} == {mine, listing} and nxt["next_cursor"] is None


def test_recommendation_cursor_pages_follow_the_ranked_list(client, register, seeker_with_known_resume):  # noqa: F811
    token, _ = seeker_with_known_resume
    provider, _ = register("provider")
    owner = _user(provider).id
    made = [_job(owner, cosine) for cosine in (0.95, 0.9, 0.85, 0.8, 0.75)]
    try:
        _walk_recommendations(client, token)
    finally:  # near the known resume: closed, so later tests' own jobs stay first
        with session_scope() as session:
            for job_id in made:
                session.get(Job, uuid.UUID(job_id)).status = JobStatus.closed
            session.commit()
        jobs.invalidate(app_redis())


def _walk_recommendations(client, token: str) -> None:
    for route, read in (("/api/v1/jobs/recommendations", lambda r: (r.json()["recommendations"], r.json()["next_cursor"])),
                        ("/api/v1/recommendations/jobs", lambda r: (r.json(), r.headers.get("X-Next-Cursor")))):
        full, _ = read(client.get(route, params={"limit": 50}, headers=bearer(token)))
        walked, cursor = [], None
        while True:
            resp = client.get(route, params={"limit": 2, **({"cursor": cursor} if cursor else {})}, headers=bearer(token))
            assert resp.status_code == 200, resp.text
            items, cursor = read(resp)
            walked += [i["job_id"] for i in items]
            if not cursor:
                break
        assert walked == [i["job_id"] for i in full] and len(walked) >= 5
        scores = [i["match_score"] for i in full]
        assert scores == sorted(scores, reverse=True)
        assert client.get(route, params={"cursor": "x" + (cursor or "abc")}, headers=bearer(token)).status_code == 422
