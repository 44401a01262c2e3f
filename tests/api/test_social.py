"""Social through the REST API: private by default; milestones reach the community feed and the
leaderboard only after their owner opts in, under a pseudonym, without companies unless chosen;
share links open exactly what was shared without sign-in, count views, and are gone once revoked,
expired or replaced."""

import uuid
from datetime import timedelta

from sqlmodel import select

from career_app.db import session_scope
from models.base import utcnow
from models.social import Share
from tests.api.conftest import bearer
from tests.resume_files import pdf_resume


def _apply(client, token, company, title, reach=("applied",)):
    resp = client.post("/api/v1/applications", headers=bearer(token),
                       json={"company_name": company, "job_title": title, "status": "saved"})
    assert resp.status_code == 201, resp.text
    app_id = resp.json()["id"]
    for status in reach:
        assert client.post(f"/api/v1/applications/{app_id}/status", headers=bearer(token),
                           json={"status": status}).status_code == 200
    return app_id


def test_private_until_chosen_then_pseudonymous(client, register):
    alice, alice_body = register("seeker", full_name="Alice Secretname")
    bob, _ = register("seeker")
    _apply(client, alice, "Zebra Hospital", "Staff Nurse", ("applied", "interviewing", "offer"))
    _apply(client, alice, "Yak Clinic", "Ward Nurse", ("applied",))

    own = client.get("/api/v1/social/activity", headers=bearer(alice)).json()
    assert [m["milestone"] for m in own["milestones"]] == ["applied", "offer", "interview", "applied"]
    assert all(not m["public"] for m in own["milestones"])  # nothing public by default
    assert not any(own["settings"][k] for k in ("public_milestones", "community_feed", "leaderboard", "show_name"))
    assert own["settings"]["pseudonym"] == "" and own["shares"] == [] and not own["leaderboard"]["you_opted_in"]

    assert client.patch("/api/v1/social/settings", headers=bearer(bob), json={"community_feed": True}).status_code == 200
    feed = client.get("/api/v1/social/activity", headers=bearer(bob)).json()
    assert "Alice" not in str(feed["community"]) and "Zebra" not in str(feed["community"])
    board = client.get("/api/v1/social/leaderboard", headers=bearer(bob)).json()
    assert "Alice" not in str(board)

    # Alice makes her milestones public and joins the leaderboard: a pseudonym, no companies.
    mine = client.patch("/api/v1/social/settings", headers=bearer(alice),
                        json={"public_milestones": True, "leaderboard": True}).json()
    pseudonym = mine["pseudonym"]
    assert pseudonym.startswith("Seeker-") and "Alice" not in pseudonym
    community = client.get("/api/v1/social/activity", headers=bearer(bob)).json()["community"]
    hers = [e for e in community if e["who"] == pseudonym]
    assert len(hers) == 4 and all(e["company"] is None for e in hers)
    assert "Secretname" not in str(community) and "Zebra" not in str(community)
    board = client.get("/api/v1/social/leaderboard", headers=bearer(bob)).json()
    row = next(r for r in board["rows"] if r["who"] == pseudonym)
    assert (row["applications"], row["interviews"], row["you"]) == (2, 1, False)
    assert not board["you_opted_in"] and "Zebra" not in str(board)

    # Chosen: her name and companies show.
    client.patch("/api/v1/social/settings", headers=bearer(alice), json={"show_name": True, "show_companies": True})
    community = client.get("/api/v1/social/activity", headers=bearer(bob)).json()["community"]
    assert {"who": "Alice Secretname", "milestone": "offer", "company": "Zebra Hospital"} in [
        {k: e[k] for k in ("who", "milestone", "company")} for e in community]
    assert client.get("/api/v1/social/activity", headers=bearer(alice)).json()["milestones"][0]["public"] is True

    # Another month has nothing; a bad month is 422; signed out is 401.
    assert client.get("/api/v1/social/leaderboard", params={"month": "2001-01"}, headers=bearer(bob)).json()["rows"] == []
    for month in ("2026-13", "1999-12", "2026-1"):
        resp = client.get("/api/v1/social/leaderboard", params={"month": month}, headers=bearer(bob))
        assert resp.status_code == 422 and resp.json()["detail"][0]["loc"] == ["query", "month"], resp.text
    assert client.get("/api/v1/social/activity").status_code == 401


def test_share_links(client, register):
    seeker, _ = register("seeker")
    other, _ = register("seeker")
    tracked = client.post("/api/v1/jobs", headers=bearer(seeker), json={
        "title": "Night Nurse", "company_name": "Quiet Ward Trust", "description_raw": "Nights on a calm ward.",
        "location": "Cork, Ireland"})
    assert tracked.status_code == 201, tracked.text
    job_id = tracked.json()["id"]

    # Nobody shares what they cannot see; a bad body is 422.
    assert client.post("/api/v1/social/shares", headers=bearer(other),
                       json={"kind": "job", "job_id": job_id}).status_code == 404
    assert client.post("/api/v1/social/shares", headers=bearer(seeker), json={"kind": "job"}).status_code == 422
    assert client.post("/api/v1/social/shares", headers=bearer(seeker),
                       json={"kind": "job", "job_id": job_id, "expires_in_days": 365}).status_code == 422
    assert client.post("/api/v1/social/shares", headers=bearer(seeker), json={"kind": "resume"}).status_code == 404

    made = client.post("/api/v1/social/shares", headers=bearer(seeker), json={"kind": "job", "job_id": job_id})
    assert made.status_code == 201, made.text
    share = made.json()
    assert len(share["token"]) >= 40 and share["url"].endswith("/s/" + share["token"])
    with session_scope() as session:  # only the hash is kept
        row = session.exec(select(Share).where(Share.id == share["id"])).one()
        assert share["token"] not in (row.token_hash, row.label)

    client.cookies.clear()
    seen = client.get(f"/api/v1/social/shared/{share['token']}")  # no sign-in
    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert body["job"]["title"] == "Night Nurse" and body["resume"] is None and body["views"] == 1
    assert "email" not in seen.text and "owner" not in seen.text
    assert client.get(f"/api/v1/social/shared/{share['token']}").json()["views"] == 2
    assert client.get(f"/api/v1/social/shared/{share['token'][:-1]}x").status_code == 404
    listed = client.get("/api/v1/social/shares", headers=bearer(seeker)).json()
    assert listed[0]["views"] == 2 and listed[0]["active"] and "token" not in listed[0]
    assert [s["id"] for s in client.get("/api/v1/social/activity", headers=bearer(seeker)).json()["shares"]] == [share["id"]]

    # Revoked: gone at once; only its owner can revoke.
    assert client.delete(f"/api/v1/social/shares/{share['id']}", headers=bearer(other)).status_code == 404
    assert client.delete(f"/api/v1/social/shares/{share['id']}", headers=bearer(seeker)).json()["active"] is False
    assert client.get(f"/api/v1/social/shared/{share['token']}").status_code == 404
    assert client.get("/api/v1/social/activity", headers=bearer(seeker)).json()["shares"] == []

    # Expired: gone.
    late = client.post("/api/v1/social/shares", headers=bearer(seeker), json={"kind": "job", "job_id": job_id}).json()
    with session_scope() as session:
        row = session.get(Share, uuid.UUID(late["id"]))
        row.expires_at = utcnow() - timedelta(seconds=1)
        session.add(row)
        session.commit()
    assert client.get(f"/api/v1/social/shared/{late['token']}").status_code == 404

    # A resume: the version shared; a new upload ends the link.
    short = ["Sam Sharer", "Harbour pilot with ten years of night watches.", "Skills: Navigation, Radar, First Aid"]
    files = {"file": ("cv.pdf", pdf_resume(short, pages=1), "application/pdf")}  # short: quick to embed
    assert client.post("/api/v1/users/resume", headers=bearer(seeker), files=files).status_code == 200
    cv = client.post("/api/v1/social/shares", headers=bearer(seeker), json={"kind": "resume"}).json()
    shown = client.get(f"/api/v1/social/shared/{cv['token']}").json()
    assert shown["resume"]["file_name"] == "cv.pdf" and shown["resume"]["text"] and shown["job"] is None
    assert client.post("/api/v1/users/resume", headers=bearer(seeker), files=files).status_code == 200
    assert client.get(f"/api/v1/social/shared/{cv['token']}").status_code == 404
