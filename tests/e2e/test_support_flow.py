"""Google sign-in through the loopback provider, the Feedback button with a screenshot answered from
the admin inbox, and the help centre with a page's "?". Real browser, real app."""

import io
import re
import uuid

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import wait_ready
from tests.e2e.test_jobs_flow import _signed_in_admin


def _png() -> bytes:
    buf = io.BytesIO()
    image = Image.new("RGB", (320, 180), (245, 245, 250))
    for x in range(40, 280):
        for y in range(60, 120):
            image.putpixel((x, y), (220, 40, 40))
    image.save(buf, "PNG")
    return buf.getvalue()


def test_google_sign_in_feedback_and_help(page, new_page, app_url, loopback_idp, make_admin, shot):
    loopback_idp.reset(name="Gwen Google")
    page.goto(f"{app_url}/signin?next=/tracker")
    wait_ready(page)
    shot("signin-with-google-button")
    page.locator("#oauth-google").click()
    expect(page).to_have_url(re.compile(rf"^{app_url}/tracker/?$"))
    wait_ready(page)
    expect(page.locator("#nav-user-name")).to_have_text("Gwen Google")

    # The page's "?" opens its article.
    page.locator("#page-help").click()
    expect(page).to_have_url(re.compile(rf"^{app_url}/help/tracked-jobs/?$"))
    expect(page.locator("#article-title")).to_have_text("Tracked jobs and importing a job from its link")
    expect(page.locator("#article-body li").first).to_contain_text("Add")
    shot("help-article")

    # Linked on the profile; no password, so no unlink.
    page.goto(f"{app_url}/profile")
    wait_ready(page)
    expect(page.locator("#linked-identities")).to_contain_text(loopback_idp.identity["email"])
    expect(page.locator("#unlink-google")).to_have_count(0)
    shot("profile-linked-google")

    # Feedback with a screenshot, from the jobs page.
    page.goto(f"{app_url}/jobs")
    wait_ready(page)
    page.locator("#feedback-button").click()
    # Other tests' feedback shares the database: this message carries its own mark.
    mark = f"forgets my currency {uuid.uuid4().hex[:8]}"
    page.locator("#feedback-message").fill(f"The salary filter {mark} after paging")
    page.locator("#feedback-screenshot input[type=file]").set_input_files(
        files=[{"name": "jobs.png", "mimeType": "image/png", "buffer": _png()}])
    expect(page.get_by_text("jobs.png")).to_be_visible()
    shot("feedback-dialog")
    page.locator("#feedback-send").click()
    expect(page.locator("#feedback-sent")).to_contain_text("Thank you")
    page.keyboard.press("Escape")

    # The admin's inbox: the message, where it came from, the screenshot; a reply reaches the seeker.
    admin = _signed_in_admin(new_page, app_url, make_admin)
    admin.get_by_role("link", name="Feedback").click()
    expect(admin).to_have_url(re.compile(r"/admin/feedback/?$"))
    wait_ready(admin)
    item = admin.locator(".feedback-item", has_text=mark).first
    expect(item).to_contain_text("/jobs")
    image = item.get_by_role("img", name="Screenshot sent with this feedback")
    expect(image).to_be_visible()
    assert admin.evaluate("img => img.naturalWidth", image.element_handle()) == 320
    admin.screenshot(path=str(_shot_path("feedback-inbox")), full_page=True)
    item.get_by_label("Reply").fill("Thanks, fixed in the next release.")
    item.get_by_role("button", name="Reply").click()
    expect(admin.get_by_text("Reply sent as a notification.")).to_be_visible()
    expect(admin.locator("#feedback-inbox")).not_to_contain_text(mark)  # triaged now: not "new"
    admin.locator("#feedback-status-filter").click()
    admin.get_by_role("option", name="triaged").click()
    item = admin.locator(".feedback-item", has_text=mark).first
    expect(item).to_contain_text("Replied: Thanks, fixed in the next release.")
    item.get_by_role("button", name="Done").click()
    expect(admin.locator("#feedback-inbox")).not_to_contain_text(mark)

    page.goto(f"{app_url}/notifications")
    wait_ready(page)
    expect(page.get_by_text("Thanks, fixed in the next release.").first).to_be_visible()

    # Search the help centre.
    page.goto(f"{app_url}/help")
    wait_ready(page)
    page.locator("#help-search").fill("import spreadsheet columns")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#help-results a").first).to_have_text("Importing your applications (file format)")
    shot("help-search")


def _shot_path(step: str):
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"test_google_sign_in_feedback_and_help-admin-{step}.png"


def test_feedback_captures_the_current_page(browser, app_url, browser_errors):
    """"Capture this page": the browser's own tab capture (accepted here by a Chromium switch instead
    of the user's click on "Share"), one frame put into the upload field, sent without signing in."""
    from sqlmodel import select

    from career_app.db import session_scope
    from models.support import Feedback, FeedbackScreenshot
    from tests.e2e.conftest import CHROMIUM_ARGS, SCREENSHOTS

    capturing = browser.browser_type.launch(executable_path=_chromium(), headless=True,
                                            args=[*CHROMIUM_ARGS, "--auto-accept-this-tab-capture"])
    try:
        page = capturing.new_context(viewport={"width": 1100, "height": 760}).new_page()
        browser_errors.watch(page)
        page.goto(f"{app_url}/help")
        wait_ready(page)
        page.locator("#feedback-button").click()
        page.locator("#feedback-message").fill("The help centre needs a dark theme")
        page.locator("#capture-page").click()
        expect(page.get_by_text("this-page.png")).to_be_visible()
        page.locator("#feedback-send").click()
        expect(page.locator("#feedback-sent")).to_contain_text("Thank you")
        page.screenshot(path=str(SCREENSHOTS / "test_feedback_captures_the_current_page-sent.png"))
    finally:
        capturing.close()
    with session_scope() as session:
        item = session.exec(select(Feedback).where(Feedback.message == "The help centre needs a dark theme")).one()
        shot = session.get(FeedbackScreenshot, item.id)
        assert item.page == "/help" and item.user_id is None
        assert shot.content_type == "image/png" and shot.width >= 600 and shot.height >= 400
        (SCREENSHOTS / "test_feedback_captures_the_current_page-captured.png").write_bytes(shot.data)


def _chromium() -> str:
    import shutil

    return shutil.which("chromium") or "/usr/bin/chromium"
