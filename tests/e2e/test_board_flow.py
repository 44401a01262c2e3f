"""The Kanban board and the tracker's Apply, driven as a person would: real mouse drags (press, move
in steps, release) with several cards per column, a second card pressed while the board re-renders
after a drop, the board scrolled under a pressed pointer, a drop on a column that was off screen;
and "Apply" on /tracker clicked twice."""

import re
import uuid
from datetime import date

import httpx
from playwright.sync_api import expect

from career_app.services.auth import SESSION_COOKIE
from tests.e2e.conftest import SCREENSHOTS, wait_ready
from tests.e2e.test_jobs_flow import _sign_up


def _api(page, app_url) -> httpx.Client:
    token = next(c["value"] for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    return httpx.Client(base_url=f"{app_url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=15)


def _seed(api, tag: str, cards: list[tuple[str, str]]) -> None:
    """Created in this order: the last one of a status tops its column (newest change first)."""
    for company, status in cards:
        resp = api.post("/applications", json={"company_name": f"{company} {tag}", "job_title": "Engineer",
                                                "status": status})
        assert resp.status_code == 201, resp.text


def _card(page, status: str, text: str):
    return page.locator(f"#column-{status} .kanban-card", has_text=text)


def _centre(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 20)


def _press(page, card) -> None:
    page.mouse.move(*_centre(card))
    page.mouse.down()


def _carry_to(page, target, steps: int = 12) -> None:
    x, y = _centre(target)
    page.mouse.move(x, y, steps=steps)
    page.mouse.up()


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"board-{name}.png"))


def _column_order(page, status: str) -> list[str]:
    return page.locator(f"#column-{status} .kanban-card .card-open").all_inner_texts()


def test_a_drop_moves_the_card_picked_up_or_nothing(new_page, app_url):
    page = new_page(1366, 900)
    _sign_up(page, app_url, "Dora Drag", "looking for a job")
    api, tag = _api(page, app_url), uuid.uuid4().hex[:6]
    _seed(api, tag, [("Orchid Pharma", "offer"), ("Echo Systems", "offer"),
                     ("Cobalt", "saved"), ("Birch", "saved"), ("Aspen", "saved")])
    page.goto(f"{app_url}/applications")
    wait_ready(page)
    expect(page.locator("#column-saved .kanban-card")).to_have_count(3)


    # across columns, several cards in each: exactly the dragged one moves
    _press(page, _card(page, "offer", "Echo Systems"))
    _carry_to(page, page.locator("#column-accepted"))
    expect(_card(page, "accepted", "Echo Systems")).to_be_visible()
    expect(_card(page, "offer", "Orchid Pharma")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"Echo Systems {tag} · Engineer moved to Accepted")

    # a drop, then at once the card below pressed while the board re-renders under the pointer
    birch = _card(page, "saved", "Birch")
    birch_at = _centre(birch)
    _press(page, _card(page, "saved", "Aspen"))
    _carry_to(page, page.locator("#column-applied"))
    # Which card the press lands on depends on whether the re-render came first; record it as the
    # browser saw it (capture phase, before any handler of the app), so the rule can be checked either way.
    page.evaluate("""() => { window.pressedCard = null; document.addEventListener('mousedown', (e) => {
        const card = e.target.closest('.kanban-card'); window.pressedCard = card ? card.innerText : ''; },
        {capture: true, once: true}); }""")
    page.mouse.move(*birch_at)
    page.mouse.down()
    expect(_card(page, "applied", "Aspen")).to_be_visible()  # the board has re-rendered: Cobalt moved up
    expect(page.locator("#column-saved .kanban-card").first).to_contain_text("Birch")
    _carry_to(page, page.locator("#column-applied"))
    page.wait_for_timeout(1500)  # what the drop did (if anything) has reached the board
    _shot(page, "after-second-drag")
    # Exactly the card under the pointer when it was pressed moved, or nothing did (on the main of
    # issue 22, the card that slid under the pointer during the drag's start moved instead).
    pressed = page.evaluate("() => window.pressedCard") or ""
    applied = _column_order(page, "applied")
    moved = [name for name in applied if "Aspen" not in name]
    assert len(moved) <= 1, applied
    if moved:
        assert moved[0].split()[0] in pressed, (moved, pressed)
    for company in ("Birch", "Cobalt"):
        if not any(company in name for name in moved):
            expect(_card(page, "saved", company)).to_be_visible()

    # a slow, ordinary drag of the same card afterwards works
    _press(page, _card(page, "saved", "Birch") if _card(page, "saved", "Birch").count() else
           _card(page, "saved", "Cobalt"))
    _carry_to(page, page.locator("#column-withdrawn"), steps=20)
    expect(page.locator("#column-withdrawn .kanban-card")).to_have_count(1)

    # all eight columns fit at 1366 px: the board does not scroll
    assert page.evaluate("(() => { const b = document.getElementById('kanban'); "
                         "return b.scrollWidth - b.clientWidth })()") <= 0
    assert page.locator("#column-withdrawn").bounding_box()["x"] + 50 < 1366
    _shot(page, "1366-board")


def test_a_drop_on_a_column_off_screen(new_page, app_url):
    page = new_page(1000, 800)
    _sign_up(page, app_url, "Otto Offscreen", "looking for a job")
    api, tag = _api(page, app_url), uuid.uuid4().hex[:6]
    _seed(api, tag, [("Juniper", "saved"), ("Hazel", "saved"), ("Fig", "applied"), ("Elm", "applied")])
    page.goto(f"{app_url}/applications")
    wait_ready(page)
    expect(page.locator("#column-saved .kanban-card")).to_have_count(2)
    board = page.locator("#kanban").bounding_box()
    withdrawn = page.locator("#column-withdrawn").bounding_box()
    assert withdrawn["x"] > board["x"] + board["width"], "the test needs Withdrawn off screen"

    # the board scrolled under a pressed pointer (another card now under it): nothing wrong moves
    _press(page, _card(page, "saved", "Hazel"))
    page.evaluate("document.getElementById('kanban').scrollLeft = 150")
    page.mouse.move(board["x"] + 200, board["y"] + 300, steps=12)
    page.mouse.up()
    page.wait_for_timeout(1500)
    expect(_card(page, "applied", "Elm")).to_be_visible()
    expect(_card(page, "applied", "Fig")).to_be_visible()
    expect(_card(page, "saved", "Juniper")).to_be_visible()
    page.evaluate("document.getElementById('kanban').scrollLeft = 0")

    # hold a card near the board's right edge: the board scrolls until Withdrawn shows; drop there
    _press(page, _card(page, "saved", "Juniper"))
    edge_x, y = board["x"] + board["width"] - 36, board["y"] + 120
    page.mouse.move(edge_x, y, steps=10)
    for _ in range(60):
        page.mouse.move(edge_x + (_ % 2), y)
        page.wait_for_timeout(100)
        column = page.locator("#column-withdrawn").bounding_box()
        if column["x"] + column["width"] <= board["x"] + board["width"]:
            break
    _shot(page, "offscreen-scrolled")
    _carry_to(page, page.locator("#column-withdrawn"), steps=6)
    expect(_card(page, "withdrawn", "Juniper")).to_be_visible()
    expect(_card(page, "saved", "Hazel")).to_be_visible()


def test_apply_on_the_tracker_once(new_page, app_url):
    page = new_page(1366, 900)
    _sign_up(page, app_url, "Abe Apply", "looking for a job")
    api, tag = _api(page, app_url), uuid.uuid4().hex[:6]
    title = f"Site Reliability Engineer {tag}"
    tracked = api.post("/jobs", json={"title": title, "company_name": f"Umbra {tag}",
                                      "notes": "Referred by Kim; mention the on-call work"})
    assert tracked.status_code == 201, tracked.text
    page.goto(f"{app_url}/tracker")
    wait_ready(page)
    row = page.locator("#tracked-jobs tr", has_text=title)
    # two quick clicks: the first files the application; the second, if it still meets the Apply button,
    # opens that application on the board
    row.get_by_role("button", name=f"Apply to {title}").dblclick()
    expect(page.locator(".application-status, #drawer-status").first).to_have_text("Applied")
    listed = api.get("/applications", params={"q": tag}).json()
    assert listed["total"] == 1, listed
    page.goto(f"{app_url}/tracker")
    wait_ready(page)
    expect(row.locator(".application-status")).to_have_text("Applied")
    expect(row.get_by_role("button", name=f"Apply to {title}")).to_have_count(0)
    _shot(page, "tracker-applied")
    # Apply again (now "Open application"): the board opens the existing application
    row.get_by_role("button", name=f"Open the application for {title}").click()
    expect(page).to_have_url(re.compile(r"/applications/?\?open=" + listed["items"][0]["id"]))
    expect(page.locator("#drawer-status")).to_have_text("Applied")
    expect(page.get_by_role("dialog")).to_contain_text("Referred by Kim")
    _shot(page, "tracker-opened")
    listed = api.get("/applications", params={"q": tag}).json()
    assert listed["total"] == 1, listed
    expect(page.locator("#column-applied .kanban-card", has_text=title)).to_have_count(1)
    item = listed["items"][0]
    assert item["status"] == "applied" and item["applied_on"] == date.today().isoformat()
    assert item["notes"] == "Referred by Kim; mention the on-call work"
    # the row follows the application's status
    assert api.post(f"/applications/{item['id']}/status", json={"status": "interviewing"}).status_code == 200
    page.goto(f"{app_url}/tracker")
    wait_ready(page)
    expect(row.locator(".application-status")).to_have_text("Interviewing")
