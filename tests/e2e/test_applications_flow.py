"""The application tracker in a real browser: a seeker adds applications, moves one across columns
by drag and drop and one by keyboard, both moves persist after a reload, a refused move names the
allowed ones, the card drawer shows the timeline and takes an interview round, delete and undo, a
CSV goes through the import wizard (preview with a refused row and a duplicate, then the report),
and the export links carry the board's filters."""

import statistics
import time
import uuid

import httpx
from playwright.sync_api import expect

from career_app.services.auth import SESSION_COOKIE
from tests.e2e.conftest import wait_ready
from tests.e2e.test_jobs_flow import _job_titled, _provider_posts_live_job, _sign_up


def _card(page, status: str, text: str):
    return page.locator(f"#column-{status} .kanban-card", has_text=text)


def _add(page, company: str, title: str) -> None:
    page.locator("#add-application").click()
    page.locator("#add-company_name").fill(company)
    page.locator("#add-job_title").fill(title)
    page.locator("#add-submit").click()
    expect(_card(page, "saved", company)).to_be_visible()


def test_board_moves_persist_drawer_import(page, app_url, shot):
    _sign_up(page, app_url, "Tia Tracker", "looking for a job")
    page.goto(f"{app_url}/applications")
    wait_ready(page)
    expect(page.get_by_text("No applications yet")).to_be_visible()
    tag = uuid.uuid4().hex[:6]
    first, second = f"Acme {tag}", f"Globex {tag}"
    _add(page, first, "Backend Engineer")
    _add(page, second, "Data Analyst")
    expect(page.locator("#column-saved .column-count")).to_have_text("2")
    shot("added")

    # drag and drop: the first card from Saved to Applied
    _card(page, "saved", first).drag_to(page.locator("#column-applied"))
    expect(_card(page, "applied", first)).to_be_visible()
    expect(page.locator("#column-applied .column-count")).to_have_text("1")

    # keyboard: focus the second card's advance button and press Enter
    advance = _card(page, "saved", second).locator(".card-advance")
    advance.focus()
    page.keyboard.press("Enter")
    expect(_card(page, "applied", second)).to_be_visible()
    # and again through its status menu, with the keyboard only: Applied -> Interviewing
    _card(page, "applied", second).locator(".card-advance").focus()
    page.keyboard.press("Enter")
    expect(_card(page, "interviewing", second)).to_be_visible()

    # a refused move (dragging back to Saved) names the allowed ones and changes nothing
    _card(page, "interviewing", second).drag_to(page.locator("#column-saved"))
    expect(page.locator("main [role=alert]")).to_contain_text("allowed: offer, rejected, withdrawn")
    expect(_card(page, "interviewing", second)).to_be_visible()
    shot("moved")

    page.reload()
    wait_ready(page)
    expect(_card(page, "applied", first)).to_be_visible()
    expect(_card(page, "interviewing", second)).to_be_visible()
    expect(page.locator("#column-saved .column-count")).to_have_text("0")

    # the drawer: timeline of the moves, an interview round, notes
    _card(page, "interviewing", second).locator(".card-open").click()
    timeline = page.locator("#drawer-timeline")
    expect(timeline).to_contain_text("Added as Saved")
    expect(timeline).to_contain_text("Saved → Applied")
    expect(timeline).to_contain_text("Applied → Interviewing")
    page.locator("#round-name").fill("Phone screen")
    page.locator("#round-when").fill("2030-05-04T10:30")
    page.locator("#round-feedback").fill("Friendly, asked about SQL")
    page.locator("#add-round").click()
    expect(page.locator("#drawer-rounds")).to_contain_text("Phone screen 2030-05-04 10:30")
    expect(timeline).to_contain_text("Changed interviews")
    shot("drawer")
    page.locator("#drawer-close").click()
    expect(_card(page, "interviewing", second)).to_contain_text("Interview 2030-05-04 10:30")

    # delete and undo
    _card(page, "applied", first).locator(".card-open").click()
    page.locator("#drawer-delete").click()
    expect(_card(page, "applied", first)).to_have_count(0)
    page.locator("#undo-delete").click()
    expect(_card(page, "applied", first)).to_be_visible()

    # the import wizard: preview (one refused row, one duplicate of the board), then the report
    csv_text = ("Company,Title,Status,Date applied\n"
                f"Initech {tag},QA Engineer,applied,2026-01-05\n"
                f"Umbrella {tag},Chemist,saved,\n"
                f"{second},Data Analyst,applied,\n"
                f"Hooli {tag},Engineer,teleported,\n")
    page.locator("#open-import").click()
    page.locator("#import-upload input[type=file]").set_input_files(files=[{
        "name": "apps.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}])
    page.locator("#import-preview").click()
    expect(page.locator("#import-summary")).to_contain_text("4 rows · 2 to create · 1 duplicate · 1 with errors")
    expect(page.locator("#import-errors")).to_contain_text("Row 5")
    expect(page.locator("#import-columns")).to_contain_text("Date applied → applied on")
    expect(page.locator("#import-preview-table")).to_contain_text(f"Initech {tag}")
    shot("import-preview")
    page.locator("#import-confirm").click()
    expect(page.locator("#import-summary")).to_contain_text("2 created")
    expect(page.locator("#import-progress")).to_be_visible()
    page.locator("#import-close").click()
    expect(_card(page, "applied", f"Initech {tag}")).to_be_visible()
    expect(_card(page, "saved", f"Umbrella {tag}")).to_be_visible()
    expect(page.locator("#applications-total")).to_contain_text("4")

    # a search that finds nothing says so
    page.locator("#applications-search").fill(f"nothing-{tag}")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#no-matches")).to_contain_text("No application matches")

    # export links carry the current filters
    page.locator("#applications-search").fill(tag)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#export-csv")).to_have_attribute("href", f"/api/v1/export/applications.csv?sort=updated_at&order=desc&q={tag}")
    expect(page.locator("#no-matches")).to_have_count(0)

    # bulk: select two cards and move both to Withdrawn; a final one refuses (per-card result)
    _card(page, "applied", first).get_by_role("checkbox").click()
    _card(page, "saved", f"Umbrella {tag}").get_by_role("checkbox").click()
    page.locator("#bulk-target").select_option("withdrawn")
    page.locator("#bulk-move").click()
    expect(page.locator("#bulk-results")).to_contain_text(f"{first} · Backend Engineer")
    expect(_card(page, "withdrawn", first)).to_be_visible()
    expect(_card(page, "withdrawn", f"Umbrella {tag}")).to_be_visible()
    _card(page, "withdrawn", first).get_by_role("checkbox").click()
    page.locator("#bulk-target").select_option("applied")
    page.locator("#bulk-move").click()
    expect(page.locator("#bulk-results")).to_contain_text("cannot move from withdrawn to applied")
    expect(_card(page, "withdrawn", first)).to_be_visible()

    # the dashboard charts the tracker: 4 applications, the funnel and weekly activity
    page.goto(f"{app_url}/dashboard")
    wait_ready(page)
    # applied: Acme, Globex, Initech (Umbrella went from saved to withdrawn); interviewing: Globex
    expect(page.locator("#tracker-summary")).to_contain_text("4 applications · applied → interview 33% · "
                                                             "interview → offer 0%")
    expect(page.locator("#chart-funnel .recharts-bar-rectangle").first).to_be_visible()
    expect(page.locator("#chart-weekly")).to_be_visible()
    shot("dashboard")



def test_tracked_jobs_page_and_application_from_a_tracked_job(page, new_page, app_url):
    listing = f"Listing Analyst {uuid.uuid4().hex[:6]}"
    _provider_posts_live_job(new_page(), app_url, "Pat Provider", listing)
    listing_id = _job_titled(listing).id
    _sign_up(page, app_url, "Toby Tracked", "looking for a job")
    page.goto(f"{app_url}/dashboard")
    wait_ready(page)
    expect(page.locator("#tracker-empty")).to_be_visible()
    page.goto(f"{app_url}/tracker")
    wait_ready(page)
    expect(page.get_by_text("No tracked jobs yet")).to_be_visible()

    # "Save to tracker" on the public job page: once, and it stays saved after a reload
    page.goto(f"{app_url}/jobs/{listing_id}")
    wait_ready(page)
    page.locator("#save-to-tracker").click()
    expect(page.locator("#on-tracker")).to_be_visible()
    page.reload()
    wait_ready(page)
    expect(page.locator("#on-tracker")).to_be_visible()
    page.goto(f"{app_url}/tracker")
    wait_ready(page)
    expect(page.locator("#tracked-jobs tr", has_text=listing)).to_contain_text("listing")
    tag = uuid.uuid4().hex[:6]
    page.locator("#track-job").click()
    page.locator("#field-title").fill(f"Platform Engineer {tag}")
    page.locator("#field-company_name").fill(f"Wayne {tag}")
    page.locator("#field-salary_min").fill("50000")
    page.locator("#field-salary_max").fill("40000")
    page.locator("#tracker-save").click()
    expect(page.get_by_role("dialog")).to_contain_text("salary_min must not exceed salary_max")
    page.locator("#field-salary_max").fill("65000")
    page.locator("#tracker-save").click()
    row = page.locator("#tracked-jobs tr", has_text=f"Platform Engineer {tag}")
    expect(row).to_contain_text("50,000 – 65,000")
    # edit it
    row.get_by_role("button", name=f"Edit Platform Engineer {tag}").click()
    expect(page.locator("#field-company_name")).to_have_value(f"Wayne {tag}")
    page.locator("#field-location").fill("Gotham")
    page.locator("#tracker-save").click()
    expect(row).to_contain_text("Gotham")
    # Apply: its application shows on the board (as Applied) with the job's company and title
    row.get_by_role("button", name=f"Apply to Platform Engineer {tag}").click()
    expect(page.get_by_text(f"Applied: Platform Engineer {tag} at Wayne {tag} is on your board")).to_be_visible()
    page.goto(f"{app_url}/applications")
    wait_ready(page)
    expect(_card(page, "applied", f"Wayne {tag}")).to_contain_text(f"Platform Engineer {tag}")
    # and it survives the job's removal from the tracker
    page.goto(f"{app_url}/tracker")
    wait_ready(page)
    row.get_by_role("button", name=f"Delete Platform Engineer {tag}").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Delete").click()
    expect(row).to_have_count(0)
    page.goto(f"{app_url}/applications")
    wait_ready(page)
    expect(_card(page, "applied", f"Wayne {tag}")).to_be_visible()
    # import from URL: an internal address is refused with the reason
    page.goto(f"{app_url}/tracker")
    wait_ready(page)
    page.locator("#import-url").fill("http://127.0.0.1:9/jobs/1")
    page.locator("#import-url-submit").click()
    expect(page.locator("main [role=alert]")).to_contain_text("loopback")


def test_changes_from_elsewhere_reach_the_open_board_and_dashboard_live(page, app_url):
    """No polling: a status change and a new application made through the REST API (as another device
    would) appear on the open board, in the open drawer and on the dashboard's figures without a reload."""
    _sign_up(page, app_url, "Lia Live", "looking for a job")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    api = httpx.Client(base_url=f"{app_url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=15)
    tag = uuid.uuid4().hex[:6]
    created = api.post("/applications", json={"company_name": f"Stark {tag}", "job_title": "Engineer",
                                               "status": "applied"})
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]
    page.goto(f"{app_url}/applications")
    wait_ready(page)
    expect(_card(page, "applied", f"Stark {tag}")).to_be_visible()
    _card(page, "applied", f"Stark {tag}").locator(".card-open").click()
    expect(page.locator("#drawer-status")).to_have_text("Applied")

    assert api.post(f"/applications/{app_id}/status", json={"status": "interviewing"}).status_code == 200
    expect(_card(page, "interviewing", f"Stark {tag}")).to_be_visible()
    expect(page.locator("#drawer-status")).to_have_text("Interviewing")
    expect(page.locator("#drawer-timeline")).to_contain_text("Applied → Interviewing")
    page.locator("#drawer-close").click()
    assert api.post("/applications", json={"company_name": f"Wonka {tag}", "job_title": "Taster"}).status_code == 201
    expect(_card(page, "saved", f"Wonka {tag}")).to_be_visible()

    page.goto(f"{app_url}/dashboard")
    wait_ready(page)
    expect(page.locator("#tracker-summary")).to_contain_text("2 applications · applied → interview 100%")
    assert api.post(f"/applications/{app_id}/status", json={"status": "offer"}).status_code == 200
    expect(page.locator("#tracker-summary")).to_contain_text("interview → offer 100%")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def test_board_of_2000_applications_loads_and_moves(page, app_url):
    """A board of 2,000 applications (each column shows its first 50 and its full count): time from
    navigation to the board drawn, and from a keyboard move to the card in its new column."""
    _sign_up(page, app_url, "Bo Busy", "looking for a job")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    statuses = ("saved", "applied", "interviewing", "offer", "rejected", "withdrawn")
    rows = "".join(f"Company {i:04d},Role {i:04d},{statuses[i % len(statuses)]},2026-{1 + i % 12:02d}-{1 + i % 28:02d}\n"
                   for i in range(2000))
    imported = httpx.post(f"{app_url}/api/v1/import/applications", headers={"Authorization": f"Bearer {token}"},
                          files={"file": ("big.csv", ("Company,Title,Status,Date applied\n" + rows).encode(), "text/csv")},
                          timeout=60)
    assert imported.status_code == 200 and imported.json()["created"] == 2000, imported.text

    loads = []
    for _ in range(5):
        started = time.perf_counter()
        page.goto(f"{app_url}/applications")
        expect(page.locator("#column-withdrawn .kanban-card")).to_have_count(50)
        loads.append(time.perf_counter() - started)
    expect(page.locator("#applications-total")).to_contain_text("2000")
    expect(page.locator("#column-saved .column-count")).to_have_text("334")

    moves = []
    for n in range(5):
        card = page.locator("#column-saved .kanban-card").first
        name = card.locator(".card-open").inner_text().split("\n")[0]
        card.locator(".card-advance").focus()
        started = time.perf_counter()
        page.keyboard.press("Enter")
        expect(_card(page, "applied", name)).to_be_visible()
        moves.append(time.perf_counter() - started)
        expect(page.locator("#column-saved .column-count")).to_have_text(str(333 - n))
    print(f"\nboard of 2000: load median {statistics.median(loads):.2f} s p95 {_p95(loads):.2f} s; "
          f"keyboard move median {statistics.median(moves):.2f} s p95 {_p95(moves):.2f} s")
    assert _p95(loads) < 10 and _p95(moves) < 5


def test_tracker_pages_fit_a_phone(new_page, app_url):
    phone = new_page(390, 844)
    _sign_up(phone, app_url, "Phil Phone", "looking for a job")
    phone.goto(f"{app_url}/applications")
    wait_ready(phone)
    _add(phone, "A Company With A Rather Long Name Indeed", "Senior Principal Staff Engineer Of Things")
    for path in ("/applications", "/tracker", "/dashboard"):
        phone.goto(f"{app_url}{path}")
        wait_ready(phone)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the phone's screen"
    # the board scrolls sideways inside itself, and the drawer opens
    phone.goto(f"{app_url}/applications")
    wait_ready(phone)
    _card(phone, "saved", "A Company With").locator(".card-open").click()
    expect(phone.locator("#drawer-timeline")).to_contain_text("Added as Saved")
