"""Resume uploads: both API paths, signed downloads, and every kind of bad file."""

import time
from pathlib import Path

import pytest

from tests import resume_files
from tests.api.conftest import bearer

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _upload(client, token, data: bytes, name="resume.pdf", path="/api/v1/users/resume", ctype=PDF):
    return client.post(path, headers=bearer(token), files={"file": (name, data, ctype)})


def _private_files(data_dir: Path) -> set[str]:
    root = data_dir / "private"
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _staged_for(client, token: str, data_dir: Path) -> set[str]:
    """This account's files waiting in staging/ (other tests' queued uploads may wait there too)."""
    me = client.get("/api/v1/auth/me", headers=bearer(token)).json()["id"]
    return {f for f in _private_files(data_dir) if f.startswith(f"staging/{me}")}


def test_sync_upload_profile_and_signed_download(client, register):
    token, _ = register()
    pdf = resume_files.pdf_resume()
    resp = _upload(client, token, pdf, name="../../etc/My Resume.pdf")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["message"] == "Resume processed successfully"
    assert body["characters_extracted"] > 200
    assert {"Python", "FastAPI", "PostgreSQL", "Kubernetes"} <= set(body["skills"])

    me = client.get("/api/v1/users/me", headers=bearer(token)).json()
    assert "Jordan Rivera" in me["resume_text"] and me["resume_file_name"] == "My Resume.pdf"

    link = client.get("/api/v1/users/me/resume", headers=bearer(token))
    assert link.status_code == 200 and link.headers["cache-control"] == "no-store"
    url = link.json()["download_url"]
    file = client.get(url)
    assert file.status_code == 200 and file.content == pdf
    assert file.headers["cache-control"] == "no-store"
    assert file.headers["content-disposition"].startswith("attachment") and "My%20Resume.pdf" in file.headers["content-disposition"]

    token_part = url.rsplit("/", 1)[1]
    forged = token_part[:-3] + ("AAA" if not token_part.endswith("AAA") else "BBB")
    assert client.get(url.replace(token_part, forged)).status_code == 403
    assert client.get("/api/v1/files/not-a-token").status_code == 403


def test_expired_link_is_refused(client, register, monkeypatch):
    from career_app.services import storage

    token, _ = register()
    assert _upload(client, token, resume_files.pdf_resume()).status_code == 200
    from career_app.db import app_redis, session_scope
    from career_app.services import auth, resumes

    with session_scope() as session:
        user = auth.user_from_token(session, app_redis(), token)
        resume = resumes.current(session, user.id)
        path, _ = storage.signed_path(resume.storage_key, resume.file_name, minutes=1)
    assert client.get(path).status_code == 200
    monkeypatch.setattr(time, "time", lambda: 10**11)
    assert client.get(path).status_code == 403


def test_docx_with_tables_replaces_previous_resume(client, register, data_dir):
    token, _ = register()
    assert _upload(client, token, resume_files.pdf_resume()).status_code == 200
    before = _private_files(data_dir)
    resp = _upload(client, token, resume_files.docx_resume(with_table=True), name="cv.docx", ctype=DOCX)
    assert resp.status_code == 200, resp.text
    after = _private_files(data_dir)
    assert len(after) == len(before)  # the old file went, the new one came
    assert client.get("/api/v1/users/me", headers=bearer(token)).json()["resume_file_name"] == "cv.docx"


@pytest.mark.parametrize(("maker", "status", "words"), [
    (resume_files.disguised_text, 400, "Unsupported file type"),
    (resume_files.image_only_pdf, 400, "scanned"),
    (resume_files.corrupt_pdf, 400, ""),
    (resume_files.encrypted_pdf, 400, "encrypted"),
    (resume_files.docx_zip_bomb, 400, ""),
    (resume_files.oversized_pdf, 413, "10 MB"),
])
def test_bad_files_are_refused_and_leave_nothing(client, register, data_dir, maker, status, words):
    token, _ = register()
    good = resume_files.pdf_resume()
    assert _upload(client, token, good).status_code == 200
    files_before = _private_files(data_dir)
    text_before = client.get("/api/v1/users/me", headers=bearer(token)).json()["resume_text"]
    for path in ("/api/v1/users/resume", "/api/v1/resume/upload"):
        resp = _upload(client, token, maker(), name="resume.pdf", path=path)
        if path.endswith("upload") and resp.status_code == 202:  # content problems surface in the worker
            continue
        assert resp.status_code == status, resp.text
        assert words.lower() in resp.json()["detail"].lower()
    stored = {f for f in _private_files(data_dir) if f.startswith("resumes/")}
    assert stored == {f for f in files_before if f.startswith("resumes/")}  # (async uploads wait in staging/)
    assert client.get("/api/v1/users/me", headers=bearer(token)).json()["resume_text"] == text_before


def test_missing_file_is_422_and_roles_are_checked(client, register):
    seeker, _ = register()
    assert client.post("/api/v1/users/resume", headers=bearer(seeker)).status_code == 422
    assert client.get("/api/v1/users/me/resume", headers=bearer(seeker)).status_code == 404
    provider, _ = register("provider")
    assert _upload(client, provider, resume_files.pdf_resume()).status_code == 403
    assert client.post("/api/v1/users/resume", files={"file": ("r.pdf", b"%PDF-", PDF)}).status_code == 401


def _wait_upload(client, token, upload_id, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/resume/{upload_id}/status", headers=bearer(token)).json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.2)
    raise AssertionError(f"upload {upload_id} still {body}")


def test_async_upload_parses_in_worker_with_suggestions(client, register, worker, data_dir):
    token, _ = register()
    lines = ["Morgan Lee", "Data Engineer", "Berlin, Germany", "morgan@example.com",
             *resume_files.RESUME_LINES[1:]]
    resp = _upload(client, token, resume_files.pdf_resume(lines), path="/api/v1/resume/upload")
    assert resp.status_code == 202, resp.text
    assert resp.json()["status"] == "queued"
    status = _wait_upload(client, token, resp.json()["upload_id"])
    assert status["status"] == "done" and status["progress"] == 100, status
    assert status["characters_extracted"] > 200
    assert status["suggestions"]["full_name"] == "Morgan Lee"
    assert status["suggestions"]["headline"] == "Data Engineer"
    assert status["suggestions"]["location"] == "Berlin, Germany"
    assert "Python" in status["skills"]
    assert not _staged_for(client, token, data_dir)

    accepted = client.patch("/api/v1/users/me", headers=bearer(token), json={
        "full_name": "Morgan Lee", "headline": "Data Engineer", "skills": ["python", "postgres"]})
    assert accepted.status_code == 200
    assert accepted.json()["skills"] == ["Python", "PostgreSQL"] and accepted.json()["full_name"] == "Morgan Lee"

    other, _ = register()
    assert client.get(f"/api/v1/resume/{resp.json()['upload_id']}/status", headers=bearer(other)).status_code == 404


def test_async_upload_of_image_only_file_fails_cleanly(client, register, worker, data_dir):
    token, _ = register()
    resp = _upload(client, token, resume_files.image_only_pdf(), path="/api/v1/resume/upload")
    assert resp.status_code == 202
    status = _wait_upload(client, token, resp.json()["upload_id"])
    assert status["status"] == "failed" and "scanned" in status["error"]
    assert client.get("/api/v1/users/me/resume", headers=bearer(token)).status_code == 404
    assert not _staged_for(client, token, data_dir)
