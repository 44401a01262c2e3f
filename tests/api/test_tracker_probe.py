"""Probes of the application tracker as a newcomer from a spreadsheet and as an attacker: ownership
on every route, odd input that must be a clear 4xx (never a 500), spreadsheet exports as people
really save them, the timeline under concurrent moves, and URL import against hostile pages."""

import csv
import io
import json
import re
import socket
import threading
import time
import uuid
import zipfile

import pytest
from openpyxl import Workbook
from sqlmodel import Session, select

from career_app import db
from career_app.services import applications, job_import, tracker_insights
from career_app.services.errors import Unprocessable
from career_app.settings import settings
from models.application import Application, ApplicationEvent, ApplicationStatus
from models.user import User
from tests.api.conftest import bearer

APPS = "/api/v1/applications"
BULK = "/api/v1/bulk_operations/applications/status"
IMPORT = "/api/v1/import/applications"


def add(client, token, **body) -> dict:
    body = {"company_name": "Initech", "job_title": f"Analyst {uuid.uuid4().hex[:8]}", **body}
    resp = client.post(APPS, headers=bearer(token), json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()


def upload(client, token, data: bytes, name="apps.csv", **params):
    return client.post(IMPORT, headers=bearer(token), params=params, files={"file": (name, data, "text/csv")})


def test_every_route_refuses_anonymous_providers_and_other_seekers(client, register):
    owner, _ = register("seeker")
    other, _ = register("seeker")
    provider, _ = register("provider")
    app = add(client, owner)
    gone = add(client, owner)
    assert client.delete(f"{APPS}/{gone['id']}", headers=bearer(owner)).status_code == 200
    routes = [("get", f"{APPS}/{app['id']}", None), ("patch", f"{APPS}/{app['id']}", {"notes": "x"}),
              ("post", f"{APPS}/{app['id']}/status", {"status": "applied"}), ("delete", f"{APPS}/{app['id']}", None),
              ("post", f"{APPS}/{gone['id']}/restore", None)]
    for method, url, body in routes:
        kwargs = {"json": body} if body is not None else {}
        assert getattr(client, method)(url, **kwargs).status_code == 401, url
        assert getattr(client, method)(url, headers=bearer(provider), **kwargs).status_code == 403, url
        assert getattr(client, method)(url, headers=bearer(other), **kwargs).status_code == 404, url
    for url in (APPS, "/api/v1/export/applications.csv", "/api/v1/jobs/insights"):
        assert client.get(url, headers=bearer(provider)).status_code == 403, url
        assert client.get(url).status_code == 401, url
    assert client.get(APPS, headers=bearer(other)).json()["total"] == 0
    assert b"Initech" not in client.get("/api/v1/export/applications.csv", headers=bearer(other)).content
    # a soft-deleted id answers like an unknown one everywhere but restore
    for method, url, body in routes[:3]:
        kwargs = {"json": body} if body is not None else {}
        assert getattr(client, method)(url.replace(app["id"], gone["id"]), headers=bearer(owner),
                                       **kwargs).status_code == 404
    unchanged = client.get(f"{APPS}/{app['id']}", headers=bearer(owner)).json()
    assert unchanged["status"] == "saved" and unchanged["notes"] is None


def test_foreign_job_ids_in_create_and_bulk_are_not_applied(client, register):
    owner, _ = register("seeker")
    other, _ = register("seeker")
    theirs = client.post("/api/v1/jobs", headers=bearer(other), json={"title": "Their private job",
                                                                       "company_name": "Secret Co"})
    assert theirs.status_code == 201
    resp = client.post(APPS, headers=bearer(owner), json={"job_id": theirs.json()["id"]})
    assert resp.status_code == 404 and "Secret Co" not in resp.text
    their_app = add(client, other)
    mine = add(client, owner)
    resp = client.post(BULK, headers=bearer(owner), json={"ids": [their_app["id"], mine["id"], str(uuid.uuid4())],
                                                          "status": "applied"})
    assert resp.status_code == 200
    results = {r["id"]: r for r in resp.json()["results"]}
    assert results[mine["id"]]["ok"] and not results[their_app["id"]]["ok"]
    assert results[their_app["id"]]["status"] is None  # nothing about their application leaks
    assert client.get(f"{APPS}/{their_app['id']}", headers=bearer(other)).json()["status"] == "saved"


@pytest.mark.parametrize("query", ["skip=-1", "limit=0", "limit=101", "skip=99999999999999999999", "sort=password",
                                   "order=sideways", "view=graph", "status=hired", "q=%00", "limit=abc"])
def test_odd_list_parameters_are_422(client, register, query):
    seeker, _ = register("seeker")
    assert client.get(f"{APPS}?{query}", headers=bearer(seeker)).status_code == 422


def test_odd_bodies_are_clear_4xx_and_write_nothing(client, register):
    seeker, _ = register("seeker")
    app = add(client, seeker)
    h = bearer(seeker)
    bad = [{"applied_on": "2025-02-30"}, {"applied_on": "yesterday"}, {"notes": "a\x00b"}, {"notes": "x" * 10_001},
           {"company_name": "\u202eevil"}, {"job_url": "javascript:alert(1)"}, {"status": "hired"},
           {"interviews": [{"name": "R1", "scheduled_at": "not a time"}]}, {"is_admin": True},
           {"user_id": str(uuid.uuid4())}]
    for body in bad:
        assert client.patch(f"{APPS}/{app['id']}", headers=h, json=body).status_code == 422, body
    deep = "[" * 50_000 + "]" * 50_000
    for url in (APPS, f"{APPS}/{app['id']}/status", BULK):
        resp = client.post(url, headers={**h, "Content-Type": "application/json"}, content=deep)
        assert resp.status_code in (400, 422), (url, resp.status_code)
    resp = client.post(APPS, headers={**h, "Content-Type": "text/plain"}, content=b"company_name=x")
    assert resp.status_code == 422
    detail = client.get(f"{APPS}/{app['id']}", headers=h).json()
    assert [e["kind"] for e in detail["timeline"]] == ["created"] and detail["notes"] is None


def test_far_dates_do_not_break_insights_or_the_board(client, register):
    seeker, _ = register("seeker")
    for day in ("9999-12-31", "0001-01-01"):
        resp = client.post(APPS, headers=bearer(seeker), json={"company_name": "Far", "job_title": f"Date {day}",
                                                               "status": "applied", "applied_on": day})
        assert resp.status_code in (201, 422), resp.text
    assert client.get("/api/v1/jobs/insights", headers=bearer(seeker)).status_code == 200
    assert client.get(f"{APPS}?view=board&sort=applied_on", headers=bearer(seeker)).status_code == 200
    assert tracker_insights.weekly([__import__("datetime").date(9999, 12, 31)])[-1].week == "9999-W52"


def test_import_mapping_and_json_nesting_bombs_are_4xx(client, register):
    seeker, _ = register("seeker")
    resp = client.post(IMPORT, headers=bearer(seeker), data={"mapping": "[" * 3_900},
                       files={"file": ("a.csv", b"Company,Title\nA,B\n", "text/csv")})
    assert resp.status_code in (400, 422), resp.text
    resp = upload(client, seeker, b"[" * 200_000 + b"]" * 200_000, "a.json")
    assert resp.status_code in (400, 422), resp.text
    resp = upload(client, seeker, json.dumps([{"Company": {"deep": [[[1]]]}, "Title": ["x", None]}]).encode(), "a.json")
    assert resp.status_code == 200, resp.text


def test_import_csv_as_spreadsheets_save_it(client, register):
    """Excel in many locales saves ';'-separated CSV, in Windows-1252 or UTF-16; a note may hold
    a line break inside quotes; a status like 'Interview' or 'Offer' is what people type."""
    seeker, _ = register("seeker")
    semicolons = "\ufeffCompany;Job title;Status;Notes\r\nGlobex;Engineer;Applied;\"two\nlines; here\"\r\n"
    resp = upload(client, seeker, semicolons.encode())
    assert resp.status_code == 200, resp.text
    assert resp.json()["created"] == 1 and resp.json()["error_count"] == 0
    cp1252 = "Company,Title,Status\r\nSociété Générale,Développeur,interview\r\n".encode("cp1252")
    resp = upload(client, seeker, cp1252)
    assert resp.status_code == 200, resp.text
    utf16 = "Company\tTitle\tStatus\r\nTabs Inc\tWriter\tOffer\r\n".encode("utf-16")
    resp = upload(client, seeker, utf16)
    assert resp.status_code == 200, resp.text
    listed = {a["company_name"]: a for a in client.get(APPS, headers=bearer(seeker)).json()["items"]}
    assert listed["Globex"]["notes"] == "two\nlines; here"
    assert listed["Société Générale"]["job_title"] == "Développeur"
    assert listed["Société Générale"]["status"] == "interviewing"
    assert listed["Tabs Inc"]["status"] == "offer"


def test_import_hostile_files(client, register):
    seeker, _ = register("seeker")
    h = bearer(seeker)
    # a zip bomb dressed as XLSX: one entry of 200 MB of zeros
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (200 * 1024 * 1024))
    assert len(bomb.getvalue()) < applications.MAX_IMPORT_BYTES
    resp = upload(client, seeker, bomb.getvalue(), "a.xlsx")
    assert resp.status_code in (400, 413, 422) and "50 MB" in resp.text
    # many sheets, the data on the last one
    book = Workbook()
    for k in range(60):
        book.create_sheet(f"Empty {k}").append(["nothing", "here"])
    book.create_sheet("Jobs").append(["Company", "Title"])
    book["Jobs"].append(["Last Sheet Co", "Tester"])
    out = io.BytesIO()
    book.save(out)
    resp = upload(client, seeker, out.getvalue(), "a.xlsx")
    assert resp.status_code == 200 and resp.json()["created"] == 1, resp.text
    # thousands of tiny sheets (seconds of CPU to load): refused by counting them first
    book = Workbook(write_only=True)
    for k in range(applications.MAX_XLSX_SHEETS + 1):
        book.create_sheet(f"S{k}").append(["Company", "Title"])
    out = io.BytesIO()
    book.save(out)
    began = time.monotonic()
    resp = upload(client, seeker, out.getvalue(), "a.xlsx")
    assert resp.status_code == 400 and "more than 100 sheets" in resp.text and time.monotonic() - began < 1
    # a header row of a million empty columns
    resp = upload(client, seeker, b"," * 1_000_000 + b"Company,Title\nA,B\n")
    assert resp.status_code == 400 and "columns" in resp.text
    # not a spreadsheet at all, whatever the name says
    for data in (b"%PDF-1.7\n\xff\xfe binary", b"PK\x03\x04garbage", b"\x00" * 100):
        assert upload(client, seeker, data, "a.xlsx").status_code in (400, 422)
    # NUL and bidi controls in cells: row errors, never a database error
    resp = upload(client, seeker, b"Company,Title,Notes\nNul\x00Co,Dev,ok\nFine,Dev,\xe2\x80\xae evil\nGood,Dev,fine\n")
    assert resp.status_code == 200, resp.text
    assert resp.json()["created"] == 1 and resp.json()["error_count"] == 2
    # 10 MB + 1 byte
    assert client.post(IMPORT, headers=h, files={"file": ("big.csv", b"a" * (10 * 1024 * 1024 + 1), "text/csv")}
                       ).status_code == 413


def damaged_xlsx(damage) -> bytes:
    """A workbook of 200 applications as openpyxl saves it, then its sheet's XML changed by `damage`."""
    book = Workbook()
    book.active.append(["Company", "Title", "Notes"])
    for k in range(200):
        book.active.append([f"Damaged Co {k}", f"Analyst {k}", "a few notes"])
    saved, damaged = io.BytesIO(), io.BytesIO()
    book.save(saved)
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, damage(body) if info.filename == "xl/worksheets/sheet1.xml" else body)
    return damaged.getvalue()


@pytest.mark.parametrize("damage, problem", [
    (lambda xml: xml[:len(xml) // 2], r"line \d+, column \d+"),  # the sheet cut in half
    (lambda xml: xml.replace(b"<sheetData>", b"<sheetData>&nbsp;", 1), r"undefined entity"),  # HTML's, not XML's
], ids=["truncated-sheet", "undefined-entity"])
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_import_of_a_damaged_xlsx_is_a_clear_400_and_stores_nothing(client, register, damage, problem, dry_run):
    """The workbook loads (its sheets are read only when their rows are): the damage shows up while
    reading rows, and is a 400 naming it, never a 500; the rows read before it are not stored."""
    seeker, _ = register("seeker")
    resp = upload(client, seeker, damaged_xlsx(damage), "damaged.xlsx", dry_run=dry_run)
    assert resp.status_code == 400, resp.text
    detail = resp.json()["detail"]
    assert detail.startswith("The XLSX file could not be read: ") and re.search(problem, detail), detail
    assert client.get(APPS, headers=bearer(seeker)).json()["total"] == 0


def test_export_round_trip_creates_no_duplicates_and_neutralises(client, register):
    seeker, _ = register("seeker")
    h = bearer(seeker)
    add(client, seeker, company_name="=HYPERLINK(\"http://evil\")", job_title="@SUM(A1)", notes="-2+3",
        location="+44 London")
    add(client, seeker, company_name="Plain", job_title="Role, with comma", notes="line1\nline2",
        job_url="https://example.com/jobs/1")
    for fmt in ("csv", "xlsx"):
        body = client.get(f"/api/v1/export/applications.{fmt}", headers=h).content
        if fmt == "csv":
            cells = [c for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for c in row]
            assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
        resp = upload(client, seeker, body, f"back.{fmt}")
        assert resp.status_code == 200, resp.text
        assert resp.json()["created"] == 0 and resp.json()["duplicates"] == 2 and resp.json()["error_count"] == 0
    assert client.get(APPS, headers=h).json()["total"] == 2


def test_concurrent_single_and_bulk_moves_keep_the_timeline_consistent(client, register):
    seeker, _ = register("seeker")
    apps = [add(client, seeker)["id"] for _ in range(6)]
    with Session(db.engine()) as session:
        user = session.exec(select(User).where(User.id == uuid.UUID(
            client.get("/api/v1/auth/me", headers=bearer(seeker)).json()["id"]))).one()
    r = db.app_redis()
    start = threading.Barrier(6)
    errors = []

    def bulk(ids, status):
        try:
            with Session(db.engine(), expire_on_commit=False) as s:
                start.wait()
                applications.bulk_status(s, r, user, [uuid.UUID(i) for i in ids], ApplicationStatus(status))
        except Exception as exc:  # noqa: BLE001 - collected and asserted
            errors.append(repr(exc))

    def single(app_id, status):
        try:
            with Session(db.engine(), expire_on_commit=False) as s:
                start.wait()
                applications.change_status(s, r, user, app_id, ApplicationStatus(status))
        except Exception as exc:  # noqa: BLE001 - a refused move is fine
            if "cannot move" not in str(exc):
                errors.append(repr(exc))

    threads = [threading.Thread(target=bulk, args=(apps, "applied")),
               threading.Thread(target=bulk, args=(list(reversed(apps)), "withdrawn")),
               threading.Thread(target=bulk, args=(apps[::2], "rejected")),
               *[threading.Thread(target=single, args=(apps[k], "withdrawn" if k % 2 else "applied")) for k in (1, 2, 3)]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    with Session(db.engine()) as s:
        for app_id in apps:
            app = s.get(Application, uuid.UUID(app_id))
            events = s.exec(select(ApplicationEvent).where(ApplicationEvent.application_id == app.id)
                            .order_by(ApplicationEvent.at, ApplicationEvent.id)).all()
            chain = [e for e in events if e.to_status is not None]
            for before, after in zip(chain, chain[1:]):
                assert after.from_status == before.to_status, [(e.from_status, e.to_status) for e in chain]
            assert chain[-1].to_status == app.status


class Trickle:
    """A raw HTTP server on 127.0.0.1 sending a page one byte every `gap` seconds (slow loris)."""

    def __init__(self, gap: float = 0.2):
        self.gap = gap
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/job"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.recv(4096)
            try:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n")
                for _ in range(10_000):
                    conn.sendall(b" ")
                    time.sleep(self.gap)
            except OSError:
                pass
            finally:
                conn.close()

    def close(self):
        self.sock.close()


def test_url_import_gives_up_on_a_slow_loris_page(monkeypatch):
    monkeypatch.setattr(job_import, "DEADLINE", 2.0, raising=False)
    server = Trickle()
    try:
        began = time.monotonic()
        with pytest.raises(Unprocessable, match="in time"):
            job_import.fetch(server.url, allow_private=True)
        assert time.monotonic() - began < 5
    finally:
        server.close()


@pytest.mark.parametrize("url", ["http://0177.0.0.1/", "http://0x7f.1/", "http://127.1/", "http://[::]/",
                                 "http://[0:0:0:0:0:ffff:7f00:1]/", "http://[64:ff9b::7f00:1]/",
                                 "http://[2002:7f00:1::]/", "http://localhost./", "file:///etc/passwd",
                                 "gopher://127.0.0.1/", "ftp://example.com/job", "http://user@example.com/"])
def test_url_import_refuses_internal_spellings_and_schemes(monkeypatch, url):
    monkeypatch.setattr(settings, "import_allow_private_hosts", False)
    with pytest.raises(Unprocessable) as refused:
        job_import.fetch(url)
    # refused before any connection: never a connect error or a timeout from trying
    assert not any(word in refused.value.detail for word in ("ConnectError", "in time", "answered")), refused.value.detail


def test_import_reads_dates_as_spreadsheets_write_them(client, register):
    seeker, _ = register("seeker")
    europe = ("Company;Title;Date applied\n"
              "Alpha;Dev;31/10/2026\nBeta;Dev;02/11/2026\nGamma;Dev;20.11.2026\nDelta;Dev;Nov 3, 2026\n"
              "Epsilon;Dev;2026-11-04\nZeta;Dev;soon\n")
    report = upload(client, seeker, europe.encode()).json()
    assert report["created"] == 5 and [e["row"] for e in report["errors"]] == [7], report
    dates = {a["company_name"]: a["applied_on"] for a in client.get(APPS, headers=bearer(seeker)).json()["items"]}
    assert dates == {"Alpha": "2026-10-31", "Beta": "2026-11-02", "Gamma": "2026-11-20", "Delta": "2026-11-03",
                     "Epsilon": "2026-11-04"}
    us = "Company,Title,Date applied\nEta,Dev,10/31/2026\nTheta,Dev,11/02/2026\n"
    assert upload(client, seeker, us.encode()).json()["created"] == 2
    theta = client.get(APPS, headers=bearer(seeker), params={"q": "Theta"}).json()["items"][0]
    assert theta["applied_on"] == "2026-11-02"
    unclear = upload(client, seeker, b"Company,Title,Date applied\nIota,Dev,03/04/2026\n").json()
    assert unclear["created"] == 0 and "YYYY-MM-DD" in unclear["errors"][0]["errors"][0]


def test_board_cards_with_rounds_in_and_out_of_a_time_zone(client, register):
    """Rounds from the API may carry a zone or not; the board's 'next interview' must still sort them
    (it compared naive and aware times and the whole board failed to load)."""
    from state.applications import _board

    seeker, _ = register("seeker")
    app = add(client, seeker, status="interviewing", interviews=[
        {"name": "Onsite", "scheduled_at": "2099-01-02T10:00:00"},
        {"name": "Phone", "scheduled_at": "2099-01-01T09:00:00+00:00"},
        {"name": "Far", "scheduled_at": "9999-12-31T23:00:00-12:00"}])
    me = client.get("/api/v1/auth/me", headers=bearer(seeker)).json()["id"]
    with Session(db.engine()) as session:
        user = session.get(User, uuid.UUID(me))
        board = _board(session, user, None, None, "updated_at", "desc")
    card = next(c for c in board["board"]["interviewing"] if c["id"] == app["id"])
    assert card["next_interview"] == "2099-01-01 09:00"


def test_a_round_past_the_calendars_end_does_not_silence_tomorrows(client, register):
    from datetime import datetime, timedelta, timezone

    seeker, _ = register("seeker")
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
    add(client, seeker, status="interviewing", interviews=[
        {"name": "Far", "scheduled_at": "9999-12-31T23:00:00-12:00"},
        {"name": "Panel", "scheduled_at": tomorrow.replace(tzinfo=None).isoformat()}])
    notes = client.get("/api/v1/notifications", headers=bearer(seeker)).json()["items"]
    assert [n["data"]["round"] for n in notes if n["type"] == "interview_tomorrow"] == ["Panel"]


def test_bulk_service_caps_the_ids_whoever_calls_it(client, register):
    """The web app's bulk move calls the service with the browser's selection, not through the REST
    schema's 500-id cap: the service refuses more itself, before touching anything."""
    from career_app.services.errors import InvalidInput

    seeker, _ = register("seeker")
    app = add(client, seeker)
    me = client.get("/api/v1/auth/me", headers=bearer(seeker)).json()["id"]
    ids = [uuid.UUID(app["id"])] + [uuid.uuid4() for _ in range(600)]
    with Session(db.engine()) as session:
        user = session.get(User, uuid.UUID(me))
        with pytest.raises(InvalidInput, match="At most 500"):
            applications.bulk_status(session, db.app_redis(), user, ids, ApplicationStatus.applied)
    assert client.get(f"{APPS}/{app['id']}", headers=bearer(seeker)).json()["status"] == "saved"
    resp = client.post(BULK, headers=bearer(seeker), json={"ids": [str(i) for i in ids], "status": "applied"})
    assert resp.status_code == 422


@pytest.mark.parametrize("script", [b"[" * 100_000, b'{"@graph":' * 5_000 + b"1" + b"}" * 5_000,
                                    b'{"@graph":[' * 600 + b"1" + b"]}" * 600])
def test_a_page_with_json_ld_nested_past_any_depth_falls_back_to_its_title(script):
    page = job_import.Page(url="https://jobs.example.com/1", content_type="text/html", body=(
        b"<html><head><title>Data Engineer</title><script type='application/ld+json'>" + script
        + b"</script></head></html>"))
    posting, how = job_import.posting_from_page(page)
    assert (posting.title, how) == ("Data Engineer", "meta")


def test_the_same_file_imported_twice_at_once_is_stored_once(client, register):
    seeker, _ = register("seeker")
    me = client.get("/api/v1/auth/me", headers=bearer(seeker)).json()["id"]
    data = ("Company,Title\n" + "".join(f"Twice Co {k},Role {k}\n" for k in range(300))).encode()
    start, reports, errors = threading.Barrier(3), [], []

    def run():
        try:
            with Session(db.engine(), expire_on_commit=False) as session:
                user = session.get(User, uuid.UUID(me))
                start.wait()
                reports.append(applications.import_file(session, user, data, "twice.csv"))
        except Exception as exc:  # noqa: BLE001 - collected and asserted
            errors.append(repr(exc))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sorted(r.created for r in reports) == [0, 0, 300]
    assert client.get(APPS, headers=bearer(seeker)).json()["total"] == 300
