"""The seeker's profile: family and level as read from the resume, editable, validated, and what
advice reads (users.seeker_family). GET/PATCH /api/v1/users/me."""

import time

from career_app.db import app_redis, session_scope
from career_app.services import auth, users
from tests import resume_files
from tests.api.conftest import bearer
from tests.api.test_skills_gap import NURSE_LINES

ME = "/api/v1/users/me"

TEACHER_LINES = [
    "MARIA GONZALEZ",
    "SUMMARY",
    "Dedicated fifth-grade teacher with eight years of classroom experience.",
    "Austin, TX",
    "Professional Experience",
    "Grade 5 Teacher, Lincoln Elementary School (2016 - present)",
    "Skills: Lesson Planning, Classroom Management, Differentiated Instruction",
]


def _upload(client, token, lines) -> None:
    resp = client.post("/api/v1/users/resume", headers=bearer(token),
                       files={"file": ("cv.pdf", resume_files.pdf_resume(lines, pages=1), "application/pdf")})
    assert resp.status_code == 200, resp.text


def _family_of(token: str) -> str:
    with session_scope() as session:
        return users.seeker_family(session, auth.user_from_token(session, app_redis(), token))


def test_family_and_level_read_from_the_resume_then_set_by_the_seeker(client, register):
    token, _ = register()
    assert _family_of(token) == "general"  # nothing tells yet
    fresh = client.get(ME, headers=bearer(token)).json()
    assert fresh["family"] is None and fresh["family_in_use"] == "general" and fresh["from_resume"] is None

    _upload(client, token, NURSE_LINES)
    me = client.get(ME, headers=bearer(token)).json()
    assert me["family"] is None and me["seniority"] is None  # nothing stored: read from the resume
    assert me["family_in_use"] == "healthcare" and me["family_label"] == "Nursing and healthcare"
    assert me["seniority_in_use"] == "senior"  # six years
    assert me["from_resume"]["headline"] == "Registered nurse"
    assert me["from_resume"]["full_name"] == "Hannah Whitfield" and me["from_resume"]["family"] == "healthcare"
    assert _family_of(token) == "healthcare"

    saved = client.patch(ME, headers=bearer(token), json={"family": "education", "seniority": "lead",
                                                           "headline": "Clinical Nurse Educator"})
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert (body["family"], body["seniority"], body["headline"]) == ("education", "lead", "Clinical Nurse Educator")
    assert body["family_in_use"] == "education" and body["seniority_in_use"] == "lead"
    assert _family_of(token) == "education"  # what advice reads

    cleared = client.patch(ME, headers=bearer(token), json={"family": "", "seniority": None}).json()
    assert cleared["family"] is None and cleared["seniority"] is None
    assert cleared["family_in_use"] == "healthcare" and cleared["headline"] == "Clinical Nurse Educator"


def test_profile_fields_are_validated(client, register):
    token, _ = register()
    for body, field in (({"family": "astrology"}, "family"), ({"seniority": "guru"}, "seniority"),
                        ({"family": 3}, "family"), ({"nickname": "x"}, "nickname")):
        resp = client.patch(ME, headers=bearer(token), json=body)
        assert resp.status_code == 422, body
        assert resp.json()["detail"][0]["loc"] == ["body", field]
    for headline in ("Summary", "Professional Experience", "test seeker"):  # a heading, or the name
        resp = client.patch(ME, headers=bearer(token), json={"headline": headline})
        assert resp.status_code == 422 and "role line" in resp.json()["detail"][0]["msg"], headline
        assert resp.json()["detail"][0]["loc"] == ["body", "headline"]
    me = client.get(ME, headers=bearer(token)).json()
    assert me["family"] is None and me["seniority"] is None and me["headline"] is None  # nothing half-saved


def test_provider_profile_has_no_resume_reading(client, register):
    provider, _ = register("provider")
    me = client.get(ME, headers=bearer(provider)).json()
    assert me["from_resume"] is None and me["family_in_use"] == "general"


def test_upload_suggests_a_role_line_and_the_field(client, register, worker):
    token, _ = register()
    resp = client.post("/api/v1/resume/upload", headers=bearer(token),
                       files={"file": ("cv.pdf", resume_files.pdf_resume(TEACHER_LINES, pages=1), "application/pdf")})
    assert resp.status_code == 202, resp.text
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = client.get(f"/api/v1/resume/{resp.json()['upload_id']}/status", headers=bearer(token)).json()
        if status["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert status["status"] == "done", status
    hints = status["suggestions"]
    assert hints["full_name"] == "Maria Gonzalez"
    assert hints["headline"] == "Fifth-grade teacher"
    assert hints["family"] == "education" and hints["location"] == "Austin, TX"
    # "Accept" on /resume stores them with the account, where /profile reads them
    client.patch(ME, headers=bearer(token), json={k: hints[k] for k in ("headline", "family", "seniority")})
    me = client.get(ME, headers=bearer(token)).json()
    assert me["headline"] == "Fifth-grade teacher" and me["family"] == "education"
