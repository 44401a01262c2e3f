"""Applications through the API: creation on a listing, a tracked job or ad hoc; the transition rule
(allowed and refused, 409 naming the allowed moves); timelines; soft delete with undo; list filters,
search, sort and the Kanban board; the offer notification; bulk changes with partial failures; and
ownership (another seeker never sees or changes yours)."""

import json
import uuid

import pytest

from tests.api.conftest import bearer
from tests.api.jobs_helpers import post_job, unique_title, wait_job

APPS = "/api/v1/applications"
BULK = "/api/v1/bulk_operations/applications/status"


def add(client, token, **body) -> dict:
    body = {"company_name": "Initech", "job_title": unique_title("Analyst"), **body}
    resp = client.post(APPS, headers=bearer(token), json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()


def move(client, token, app_id, status):
    return client.post(f"{APPS}/{app_id}/status", headers=bearer(token), json={"status": status})


def test_pipeline_transitions_timeline_and_offer_notification(client, register):
    seeker, _ = register("seeker")
    app = add(client, seeker, notes="Found on the company site")
    assert app["status"] == "saved" and app["applied_on"] is None
    assert app["allowed_statuses"] == ["applied", "rejected", "withdrawn"]

    refused = move(client, seeker, app["id"], "offer")
    assert refused.status_code == 409
    assert "applied, rejected, withdrawn" in refused.json()["detail"]

    for status in ("applied", "interviewing", "offer"):
        resp = move(client, seeker, app["id"], status)
        assert resp.status_code == 200, resp.text
        assert resp.json()["status"] == status
    assert resp.json()["applied_on"]  # set when it was applied
    assert resp.json()["allowed_statuses"] == ["accepted", "declined", "rejected", "withdrawn"]

    notes = client.get("/api/v1/notifications", headers=bearer(seeker)).json()["items"]
    offer = [n for n in notes if n["type"] == "application_offer"]
    assert len(offer) == 1 and offer[0]["category"] == "application" and app["id"] in str(offer[0]["data"])

    assert move(client, seeker, app["id"], "accepted").status_code == 200
    final = move(client, seeker, app["id"], "withdrawn")
    assert final.status_code == 409 and "none (it is final)" in final.json()["detail"]

    detail = client.get(f"{APPS}/{app['id']}", headers=bearer(seeker)).json()
    kinds = [(e["kind"], e["from_status"], e["to_status"]) for e in detail["timeline"]]
    assert kinds == [("created", None, "saved"), ("status", "saved", "applied"), ("status", "applied", "interviewing"),
                     ("status", "interviewing", "offer"), ("status", "offer", "accepted")]


@pytest.mark.parametrize("start", ["saved", "applied", "interviewing", "offer"])
def test_rejected_or_withdrawn_from_any_open_state(client, register, start):
    seeker, _ = register("seeker")
    app = add(client, seeker, status=start)
    assert move(client, seeker, app["id"], "rejected").status_code == 200
    other = add(client, seeker, status=start)
    assert move(client, seeker, other["id"], "withdrawn").status_code == 200
    assert move(client, seeker, other["id"], "applied").status_code == 409


def test_patch_fields_interviews_and_status_with_timeline(client, register):
    seeker, _ = register("seeker")
    app = add(client, seeker, status="applied", applied_on="2026-11-02")
    rounds = [{"name": "Phone screen", "scheduled_at": "2026-11-10T15:00:00Z", "outcome": "passed",
               "feedback": "Good on SQL"},
              {"name": "Onsite", "scheduled_at": "2026-11-20T09:00:00Z"}]
    resp = client.patch(f"{APPS}/{app['id']}", headers=bearer(seeker),
                        json={"status": "interviewing", "interviews": rounds, "notes": "Bring portfolio",
                              "resume_sent": "Resume v3 (data)", "cover_letter_sent": "Initech letter"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["status"] == "interviewing" and body["applied_on"] == "2026-11-02"
    assert [r["name"] for r in body["interviews"]] == ["Phone screen", "Onsite"]
    assert body["interviews"][1]["outcome"] == "pending" and body["interviews"][0]["feedback"] == "Good on SQL"
    assert (body["resume_sent"], body["cover_letter_sent"]) == ("Resume v3 (data)", "Initech letter")

    assert client.patch(f"{APPS}/{app['id']}", headers=bearer(seeker), json={"status": "saved"}).status_code == 409
    for bad in ({"applied_on": "not a date"}, {"interviews": [{"name": ""}]}, {"user_id": str(uuid.uuid4())},
                {"job_url": "javascript:alert(1)"}, {"notes": "x\x00"}):
        assert client.patch(f"{APPS}/{app['id']}", headers=bearer(seeker), json=bad).status_code == 422, bad
    timeline = client.get(f"{APPS}/{app['id']}", headers=bearer(seeker)).json()["timeline"]
    assert [e["kind"] for e in timeline] == ["created", "status", "updated"]
    assert set(timeline[2]["changes"]) == {"interviews", "notes", "resume_sent", "cover_letter_sent"}
    assert client.get(f"{APPS}/{app['id']}", headers=bearer(seeker)).json()["status"] == "interviewing"


def test_create_on_listing_and_tracked_job(client, register, worker):
    provider, _ = register("provider")
    seeker, _ = register("seeker")
    other, _ = register("seeker")
    listing_id = post_job(client, provider, title=unique_title("Backend Engineer"))
    listing = wait_job(client, provider, listing_id)
    on_listing = add(client, seeker, job_id=listing_id, company_name=None, job_title=None)
    assert on_listing["job_id"] == listing_id and on_listing["job_title"] == listing["title"]
    assert on_listing["company_name"] == "Acme Cloud" and on_listing["job_url"] == listing["external_apply_url"]

    tracked = client.post("/api/v1/jobs", headers=bearer(seeker),
                          json={"title": "Data Engineer", "company_name": "Hooli", "source_url": "https://hooli.example/x"}).json()
    on_tracked = add(client, seeker, job_id=tracked["id"], company_name=None, job_title=None)
    assert (on_tracked["company_name"], on_tracked["job_title"]) == ("Hooli", "Data Engineer")
    # Another seeker cannot apply through someone's private job.
    resp = client.post(APPS, headers=bearer(other), json={"job_id": tracked["id"]})
    assert resp.status_code == 404
    assert client.post(APPS, headers=bearer(seeker), json={"company_name": "Solo"}).status_code == 422
    assert client.post(APPS, headers=bearer(provider), json={"company_name": "A", "job_title": "Bee"}).status_code == 403
    assert client.get(APPS).status_code == 401


def test_soft_delete_and_undo(client, register):
    seeker, _ = register("seeker")
    app = add(client, seeker)
    resp = client.delete(f"{APPS}/{app['id']}", headers=bearer(seeker))
    assert resp.status_code == 200 and resp.json()["undo"] == f"{APPS}/{app['id']}/restore"
    assert client.get(f"{APPS}/{app['id']}", headers=bearer(seeker)).status_code == 404
    assert client.get(APPS, headers=bearer(seeker)).json()["total"] == 0
    assert move(client, seeker, app["id"], "applied").status_code == 404
    restored = client.post(resp.json()["undo"], headers=bearer(seeker))
    assert restored.status_code == 200 and restored.json()["id"] == app["id"]
    assert client.post(resp.json()["undo"], headers=bearer(seeker)).status_code == 404  # not deleted any more
    timeline = client.get(f"{APPS}/{app['id']}", headers=bearer(seeker)).json()["timeline"]
    assert [e["kind"] for e in timeline] == ["created", "deleted", "restored"]


def test_list_filters_search_sort_pagination_and_board(client, register):
    seeker, _ = register("seeker")
    made = [add(client, seeker, company_name=company, job_title=title, status=status)
            for company, title, status in [("Zeta", "Nurse", "saved"), ("Alpha", "Teacher", "applied"),
                                           ("Beta", "Welder", "applied"), ("Gamma", "Nurse practitioner", "interviewing")]]
    page = client.get(APPS, headers=bearer(seeker)).json()
    assert page["total"] == 4 and [a["id"] for a in page["items"]] == [a["id"] for a in reversed(made)]
    assert page["counts"]["applied"] == 2 and page["counts"]["offer"] == 0 and page["columns"] is None

    applied = client.get(APPS, headers=bearer(seeker), params={"status": "applied", "sort": "company_name",
                                                                "order": "asc"}).json()
    assert [a["company_name"] for a in applied["items"]] == ["Alpha", "Beta"] and applied["total"] == 2
    several = client.get(APPS, headers=bearer(seeker), params=[("status", "saved"), ("status", "interviewing")]).json()
    assert several["total"] == 2
    nurses = client.get(APPS, headers=bearer(seeker), params={"q": "nurse"}).json()
    assert nurses["total"] == 2 and nurses["counts"]["saved"] == 1 and nurses["counts"]["applied"] == 0
    second = client.get(APPS, headers=bearer(seeker), params={"sort": "company_name", "order": "asc", "skip": 1,
                                                               "limit": 2}).json()
    assert [a["company_name"] for a in second["items"]] == ["Beta", "Gamma"]

    board = client.get(APPS, headers=bearer(seeker), params={"view": "board", "limit": 1, "sort": "company_name",
                                                              "order": "asc"}).json()
    columns = {c["status"]: c for c in board["columns"]}
    assert list(columns) == ["saved", "applied", "interviewing", "offer", "accepted", "declined", "rejected", "withdrawn"]
    assert columns["applied"]["count"] == 2 and [a["company_name"] for a in columns["applied"]["items"]] == ["Alpha"]
    assert columns["offer"]["items"] == [] and board["total"] == 4
    for bad in ({"status": "hired"}, {"sort": "password"}, {"limit": 0}, {"view": "grid"}, {"q": "a\x00"}):
        assert client.get(APPS, headers=bearer(seeker), params=bad).status_code == 422, bad


def test_another_seeker_never_sees_or_changes_yours(client, register):
    owner, _ = register("seeker")
    other, _ = register("seeker")
    app = add(client, owner)
    assert client.get(APPS, headers=bearer(other)).json()["total"] == 0
    assert client.get(f"{APPS}/{app['id']}", headers=bearer(other)).status_code == 404
    assert client.patch(f"{APPS}/{app['id']}", headers=bearer(other), json={"notes": "mine"}).status_code == 404
    assert move(client, other, app["id"], "applied").status_code == 404
    assert client.delete(f"{APPS}/{app['id']}", headers=bearer(other)).status_code == 404
    assert client.post(f"{APPS}/{app['id']}/restore", headers=bearer(other)).status_code == 404
    assert client.get(f"{APPS}/not-a-uuid", headers=bearer(owner)).status_code == 404
    detail = client.get(f"{APPS}/{app['id']}", headers=bearer(owner)).json()
    assert detail["status"] == "saved" and detail["notes"] is None and len(detail["timeline"]) == 1


def test_bulk_status_with_partial_failures(client, register):
    seeker, _ = register("seeker")
    other, _ = register("seeker")
    saved = add(client, seeker)
    applied = add(client, seeker, status="applied")
    done = add(client, seeker, status="applied")
    assert move(client, seeker, done["id"], "withdrawn").status_code == 200
    deleted = add(client, seeker)
    client.delete(f"{APPS}/{deleted['id']}", headers=bearer(seeker))
    foreign = add(client, other)
    unknown = str(uuid.uuid4())

    ids = [saved["id"], applied["id"], done["id"], deleted["id"], foreign["id"], unknown, saved["id"]]
    resp = client.post(BULK, headers=bearer(seeker), json={"ids": ids, "status": "rejected", "note": "Closed role"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    results = {r["id"]: r for r in body["results"]}
    assert len(body["results"]) == 6 and body["updated"] == 2 and body["failed"] == 4
    assert results[saved["id"]] == {"id": saved["id"], "ok": True, "status": "rejected", "error": None}
    assert results[applied["id"]]["ok"] and results[applied["id"]]["status"] == "rejected"
    assert not results[done["id"]]["ok"] and results[done["id"]]["status"] == "withdrawn"
    assert "allowed: none" in results[done["id"]]["error"]
    for gone in (deleted["id"], foreign["id"], unknown):
        assert results[gone] == {"id": gone, "ok": False, "status": None, "error": "Application not found"}
    # Never applied to the foreign or deleted ones.
    assert client.get(f"{APPS}/{foreign['id']}", headers=bearer(other)).json()["status"] == "saved"
    client.post(f"{APPS}/{deleted['id']}/restore", headers=bearer(seeker))
    assert client.get(f"{APPS}/{deleted['id']}", headers=bearer(seeker)).json()["status"] == "saved"
    timeline = client.get(f"{APPS}/{saved['id']}", headers=bearer(seeker)).json()["timeline"]
    assert timeline[-1]["to_status"] == "rejected" and timeline[-1]["changes"] == {"note": "Closed role", "bulk": True}

    too_many = {"ids": [str(uuid.uuid4()) for _ in range(501)], "status": "rejected"}
    assert client.post(BULK, headers=bearer(seeker), json=too_many).status_code == 422
    assert client.post(BULK, headers=bearer(seeker), json={"ids": [], "status": "rejected"}).status_code == 422


IMPORT = "/api/v1/import/applications"


def upload(client, token, name, content, dry_run=False, mapping=None):
    data = {"mapping": mapping} if mapping else None
    return client.post(IMPORT, headers=bearer(token), params={"dry_run": str(dry_run).lower()},
                       files={"file": (name, content)}, data=data)


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    import io

    from openpyxl import Workbook
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_export_csv_and_xlsx_neutralise_formulas_and_round_trip(client, register):
    import csv
    import io

    from openpyxl import load_workbook
    seeker, _ = register("seeker")
    other, _ = register("seeker")
    add(client, seeker, company_name="=HYPERLINK(\"http://evil.example\",\"x\")", job_title="+SUM(A1:A9)",
        notes="@cmd|' /C calc'!A0", status="applied", applied_on="2026-10-01", job_url="https://jobs.example/1")
    add(client, seeker, company_name="Acme", job_title="-2+3 Engineer", location="Remote")
    umbrella = add(client, seeker, company_name="Umbrella", job_title="Chemist", status="interviewing")
    rounds = [{"name": "Phone screen", "scheduled_at": "2026-11-20T14:00:00", "outcome": "passed",
               "feedback": "Good on\nSQL"}, {"name": "=Onsite"}]
    assert client.patch(f"{APPS}/{umbrella['id']}", headers=bearer(seeker), json={"interviews": rounds}).status_code == 200
    add(client, other, company_name="Not yours", job_title="Hidden")

    resp = client.get("/api/v1/export/applications.csv", headers=bearer(seeker), params={"sort": "company_name",
                                                                                         "order": "asc"})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    assert "attachment" in resp.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["company_name", "job_title", "status", "applied_on"] and len(rows) == 4
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in cells and "'-2+3 Engineer" in cells
    assert "'@cmd|' /C calc'!A0" in cells and "Not yours" not in cells
    # interview rounds as words, not JSON
    assert rows[3][rows[0].index("interviews")] == "Phone screen, 2026-11-20 14:00, passed (Good on SQL); =Onsite, pending"

    filtered = client.get("/api/v1/export/applications.xlsx", headers=bearer(seeker),
                          params={"status": "interviewing"})
    assert filtered.status_code == 200
    sheet = load_workbook(io.BytesIO(filtered.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 2 and values[1][:3] == ["Umbrella", "Chemist", "interviewing"]
    whole = load_workbook(io.BytesIO(client.get("/api/v1/export/applications.xlsx", headers=bearer(seeker)).content))
    assert all(c.data_type == "s" for row in whole.active.iter_rows() for c in row if c.value is not None)
    assert client.get("/api/v1/export/applications.doc", headers=bearer(seeker)).status_code == 422

    # The same files imported back: nothing new.
    for name, content, rows in (("back.csv", resp.content, 3), ("back.xlsx", filtered.content, 1)):
        report = upload(client, seeker, name, content).json()
        assert (report["created"], report["error_count"], report["duplicates"]) == (0, 0, rows), report
    assert client.get(APPS, headers=bearer(seeker)).json()["total"] == 3


def test_import_csv_rows_errors_duplicates_and_dry_run(client, register):
    seeker, _ = register("seeker")
    add(client, seeker, company_name="Existing Co", job_title="Welder")
    content = ("Company,Position,Stage,Date Applied,Link,Comments,Ignored\n"
               "Wayne Enterprises,Engineer,applied,2026-11-01,https://wayne.example/jobs/1,via Ana,x\n"
               "  existing co ,  WELDER ,saved,,,,\n"             # already tracked (normalised company + title)
               "Stark,Designer,ghosted,,,,\n"                     # unknown status
               "Oscorp,Chemist,applied,31/31/2026,,,\n"           # bad date
               ",No company,saved,,,,\n"                          # missing company
               "Wayne Enterprises,Engineer II,saved,,https://wayne.example/jobs/1/,,\n"  # same URL as row 2
               "\n"
               "Wayne Enterprises,engineer,Interviewing,,,,\n"    # repeats row 2
               "Cyberdyne,=cmd(),interviewing,,,'=SUM(1),\n")
    dry = upload(client, seeker, "apps.csv", content.encode(), dry_run=True)
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert report["dry_run"] and report["rows"] == 8 and report["created"] == 2 and report["duplicates"] == 3
    assert [e["row"] for e in report["errors"]] == [4, 5, 6] and report["error_count"] == 3
    assert report["errors"][0]["errors"] == ["the status 'ghosted' is not one we know; use one of: saved, applied, "
                                             "interviewing, offer, accepted, declined, rejected or withdrawn"]
    assert report["errors"][1]["errors"] == ["the applied date '31/31/2026' is not a date; use YYYY-MM-DD"]
    assert report["errors"][2]["errors"] == ["the company is empty"]
    assert [(d["row"], d["of_row"], d["reason"]) for d in report["duplicate_rows"]] == [
        (3, None, "is Existing Co — Welder, already in your applications"),
        (7, 2, "has the same job link as row 2 (Wayne Enterprises — Engineer)"),
        (9, 2, "repeats row 2 (Wayne Enterprises — Engineer)")]
    assert [p["company_name"] for p in report["preview"]] == ["Wayne Enterprises", "Cyberdyne"]
    assert report["columns"] == {"Company": "company_name", "Position": "job_title", "Stage": "status",
                                 "Date Applied": "applied_on", "Link": "job_url", "Comments": "notes"}
    assert client.get(APPS, headers=bearer(seeker)).json()["total"] == 1  # nothing stored

    done = upload(client, seeker, "apps.csv", content.encode()).json()
    assert not done["dry_run"] and done["created"] == 2
    listed = client.get(APPS, headers=bearer(seeker), params={"sort": "company_name", "order": "asc"}).json()
    by_company = {a["company_name"]: a for a in listed["items"]}
    assert by_company["Wayne Enterprises"]["applied_on"] == "2026-11-01" and by_company["Wayne Enterprises"]["notes"] == "via Ana"
    assert by_company["Cyberdyne"]["job_title"] == "=cmd()" and by_company["Cyberdyne"]["notes"] == "=SUM(1)"
    timeline = client.get(f"{APPS}/{by_company['Cyberdyne']['id']}", headers=bearer(seeker)).json()["timeline"]
    assert timeline[0]["kind"] == "created" and timeline[0]["changes"] == {"imported": "apps.csv"}
    assert upload(client, seeker, "apps.csv", content.encode()).json()["created"] == 0  # idempotent


def test_import_json_xlsx_mapping_and_malformed_files(client, register):
    seeker, _ = register("seeker")
    items = [{"employer": "Initrode", "role": "Tester", "status": "applied"}, "not an object",
             {"employer": "Initrode", "role": "Lead"}]
    report = upload(client, seeker, "a.json", json_bytes({"applications": items})).json()
    assert report["created"] == 2 and report["errors"][0]["row"] == 2
    assert report["errors"][0]["errors"][0].startswith("this item is not an object")

    book = xlsx({"Notes": [["just", "some", "text"]],
                 "Pipeline": [["Firm name", "Opening", "Where"], ["Vandelay", "Importer", "NYC"], [None, None, None],
                              ["Kramerica", "Intern", None]]})
    assert upload(client, seeker, "b.xlsx", book).status_code == 400  # no known columns without a mapping
    mapped = upload(client, seeker, "b.xlsx", book, mapping=json.dumps({"Firm name": "company_name",
                                                                        "Opening": "job_title", "Where": "location"}))
    second_sheet = mapped.json()  # the first sheet whose headers name a company and a title
    assert second_sheet["created"] == 2 and second_sheet["rows"] == 2, second_sheet
    located = client.get(APPS, headers=bearer(seeker), params={"q": "Vandelay"}).json()["items"]
    assert located[0]["location"] == "NYC"

    for name, content, status in [("e.csv", b"", 400), ("w.csv", b"foo,bar\n1,2\n", 400), ("x.json", b"{nope", 400),
                                  ("y.json", b'{"a": 1}', 400), ("z.xlsx", b"PK\x03\x04garbage", 400),
                                  ("big.csv", b"Company,Title\n" + b"A,B\n" * 1_400_000, 413),
                                  ("many.csv", b"Company,Title\n" + b"".join(b"A%d,B\n" % i for i in range(10_001)), 413),
                                  ("bytes.csv", b"Company,Title\n\x81\x8d\x8f,Chef\n", 400)]:  # neither UTF-8 nor cp1252
        resp = upload(client, seeker, name, content)
        assert resp.status_code == status, (name, resp.text)
    assert upload(client, seeker, "m.csv", b"Company,Title\nA,B\n", mapping="[1]").status_code == 400
    assert upload(client, seeker, "m.csv", b"Company,Title\nA,B\n",
                  mapping=json.dumps({"Company": "owner_id"})).status_code == 400
    provider, _ = register("provider")
    assert upload(client, provider, "m.csv", b"Company,Title\nA,B\n").status_code == 403


def json_bytes(value) -> bytes:
    return json.dumps(value).encode()


def test_export_pdf_report_with_summary_chart_and_table(client, register):
    import io

    from pypdf import PdfReader
    seeker, _ = register("seeker")
    other, _ = register("seeker")
    add(client, seeker, company_name="Umbrella <b>Corp</b>", job_title="Chemist & Analyst", status="interviewing")
    add(client, seeker, company_name="Acme", job_title="Rocket Engineer", status="applied", applied_on="2026-10-01")
    for k in range(60):  # enough rows for a second page
        add(client, seeker, company_name=f"Filler {k:02d}", job_title="Clerk")
    add(client, other, company_name="Not yours", job_title="Hidden")

    resp = client.get("/api/v1/export/applications.pdf", headers=bearer(seeker), params={"sort": "company_name",
                                                                                         "order": "asc"})
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF") and "applications.pdf" in resp.headers["content-disposition"]
    reader = PdfReader(io.BytesIO(resp.content))
    assert len(reader.pages) >= 2 and reader.metadata.title == "Applications"
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Total: 62 applications." in text and "saved: 60" in text and "interviewing: 1" in text
    assert "Umbrella <b>Corp</b>" in text and "Chemist & Analyst" in text and "2026-10-01" in text
    assert "Filler 59" in text and "Not yours" not in text
    # The chart: one bar (a filled rectangle) per status with a count, drawn on the first page.
    first = reader.pages[0].get_contents().get_data().decode("latin-1")
    assert first.count(" re") >= 2 and "(60) Tj" in first

    only = client.get("/api/v1/export/applications.pdf", headers=bearer(seeker), params={"status": "applied"})
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(only.content)).pages)
    assert "Total: 1 applications." in text and "Rocket Engineer" in text and "Chemist" not in text


class LiveEvents:
    """The live events published on one user's topic, read straight from Redis pub/sub."""

    def __init__(self, user_id):
        from career_app.db import app_redis
        from career_app.services import live
        r = app_redis()
        self.pubsub = r.pubsub()
        self.pubsub.subscribe(live.channel(r, live.user(user_id)))
        assert self.pubsub.get_message(timeout=5)["type"] == "subscribe"

    def drain(self, quiet_for: float = 0.4) -> list[dict]:
        events = []
        while (message := self.pubsub.get_message(timeout=quiet_for)) is not None:
            if message["type"] == "message":
                events.append(json.loads(message["data"]))
        return events


def test_every_change_is_published_live_and_offers_and_interviews_tomorrow_notify_once(client, register):
    from datetime import datetime, timedelta, timezone
    seeker, _ = register("seeker")
    other, _ = register("seeker")
    me = client.get("/api/v1/auth/me", headers=bearer(seeker)).json()["id"]
    them = client.get("/api/v1/auth/me", headers=bearer(other)).json()["id"]
    mine, theirs = LiveEvents(me), LiveEvents(them)
    try:
        app = add(client, seeker)
        assert mine.drain() == [{"type": "applications_changed", "ids": [app["id"]]}]
        assert client.patch(f"{APPS}/{app['id']}", headers=bearer(seeker), json={"notes": "n"}).status_code == 200
        assert move(client, seeker, app["id"], "applied").status_code == 200
        assert [e["ids"] for e in mine.drain()] == [[app["id"]], [app["id"]]]
        second = add(client, seeker)
        mine.drain()
        resp = client.post(BULK, headers=bearer(seeker), json={"ids": [app["id"], second["id"]], "status": "rejected"})
        assert resp.status_code == 200 and resp.json()["updated"] == 2
        assert mine.drain() == [{"type": "applications_changed", "ids": [app["id"], second["id"]]}]
        assert client.delete(f"{APPS}/{second['id']}", headers=bearer(seeker)).status_code == 200
        assert client.post(f"{APPS}/{second['id']}/restore", headers=bearer(seeker)).status_code == 200
        assert [e["ids"] for e in mine.drain()] == [[second["id"]], [second["id"]]]
        csv_file = "Company,Title\nAcme,Welder\nGlobex,Baker\n".encode()
        assert upload(client, seeker, "a.csv", csv_file, dry_run=True).json()["created"] == 2
        assert mine.drain() == []
        assert upload(client, seeker, "a.csv", csv_file).json()["created"] == 2
        (event,) = mine.drain()
        assert event["type"] == "applications_changed" and len(event["ids"]) == 2
        assert theirs.drain() == []  # nobody else hears of it
    finally:
        mine.pubsub.close()
        theirs.pubsub.close()

    # An interview round dated tomorrow: one notification, however often the application changes.
    job = add(client, seeker, status="applied")
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).replace(hour=10, minute=30, microsecond=0)
    later = tomorrow + timedelta(days=3)
    rounds = [{"name": "Phone screen", "scheduled_at": tomorrow.isoformat()},
              {"name": "Onsite", "scheduled_at": later.isoformat()}]
    for notes in ("first", "second"):
        resp = client.patch(f"{APPS}/{job['id']}", headers=bearer(seeker), json={"interviews": rounds, "notes": notes})
        assert resp.status_code == 200, resp.text
    assert move(client, seeker, job["id"], "interviewing").status_code == 200
    assert move(client, seeker, job["id"], "offer").status_code == 200
    assert client.patch(f"{APPS}/{job['id']}", headers=bearer(seeker), json={"notes": "third"}).status_code == 200
    notes = client.get("/api/v1/notifications", headers=bearer(seeker), params={"limit": 100}).json()["items"]
    interviews = [n for n in notes if n["type"] == "interview_tomorrow"]
    assert len(interviews) == 1 and interviews[0]["data"]["round"] == "Phone screen"
    assert "Phone screen" in interviews[0]["message"] and interviews[0]["data"]["application_id"] == job["id"]
    assert len([n for n in notes if n["type"] == "application_offer" and n["data"]["application_id"] == job["id"]]) == 1
    assert client.get("/api/v1/notifications", headers=bearer(other)).json()["items"] == []


def test_a_round_that_becomes_tomorrow_without_any_change_is_reminded_once(client, register):
    """The scheduler's periodic pass: the round was entered days ahead, then nothing changed."""
    from datetime import datetime, timedelta, timezone

    from career_app.db import app_redis, session_scope
    from career_app.services import applications
    from models.application import Application

    seeker, _ = register("seeker")
    far = (datetime.now(timezone.utc) + timedelta(days=5)).replace(hour=9, minute=0, microsecond=0)
    app = add(client, seeker, status="applied", interviews=[{"name": "Panel", "scheduled_at": far.isoformat()}])
    deleted = add(client, seeker, status="applied", interviews=[{"name": "Panel", "scheduled_at": far.isoformat()}])
    assert client.delete(f"{APPS}/{deleted['id']}", headers=bearer(seeker)).status_code == 200

    def reminders():
        items = client.get("/api/v1/notifications", headers=bearer(seeker), params={"limit": 100}).json()["items"]
        return [n for n in items if n["type"] == "interview_tomorrow"]

    with session_scope() as session:
        applications.remind_interviews(session, app_redis())
    assert reminders() == []  # five days ahead: nothing yet

    # Days pass: the round is now tomorrow, written straight to the row as time would make it.
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).replace(hour=9, minute=0, microsecond=0)
    with session_scope() as session:
        for app_id in (app["id"], deleted["id"]):
            row = session.get(Application, uuid.UUID(app_id))
            row.interviews = [{"name": "Panel", "scheduled_at": tomorrow.isoformat()}]
            session.add(row)
        session.commit()
    for _ in range(2):
        with session_scope() as session:
            assert applications.remind_interviews(session, app_redis()) >= 1
    found = reminders()
    assert len(found) == 1, found  # once, and not for the deleted application
    assert found[0]["data"]["application_id"] == app["id"] and found[0]["data"]["round"] == "Panel"
