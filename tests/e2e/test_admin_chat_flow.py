"""The admin's live chat dashboard in a real browser, beside a seeker in another browser context:
a new conversation appears for the admin without a reload, the admin opens it, takes over and
both write live, then releases it and the AI coach answers again. The seeker's bell counts the
takeover's notification live, and the notifications page marks it read and saves settings."""

import re
import uuid

from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, wait_ready
from tests.e2e.test_jobs_flow import _choose, _sign_up, _signed_in_admin


def _send(pg, text: str) -> None:
    pg.locator("#chat-input").fill(text)
    pg.keyboard.press("Enter")


def test_admin_takes_over_and_releases_a_live_chat(page, new_page, app_url, make_admin, shot):
    seeker_name = f"Casey Live {uuid.uuid4().hex[:4]}"
    seeker = page
    _sign_up(seeker, app_url, seeker_name, "looking for a job")
    admin = _signed_in_admin(new_page, app_url, make_admin)
    admin.get_by_role("link", name="Live chat").click()
    expect(admin).to_have_url(re.compile(r"/admin/chat/?$"))
    wait_ready(admin)
    expect(admin.get_by_text("Choose a conversation to read it live.")).to_be_visible()

    seeker.goto(f"{app_url}/coach")
    wait_ready(seeker)
    expect(seeker.locator("#notification-bell")).to_have_attribute("aria-label", "Notifications")
    seeker.locator("#new-conversation").click()
    _send(seeker, "Can you help me rewrite my CV summary?")
    expect(seeker.locator(".chat-bubble[data-role=assistant]")).to_have_count(1, timeout=30_000)

    # The conversation appears on the admin's dashboard by itself, with the seeker's unread message.
    row = admin.locator(".admin-chat-session", has_text=seeker_name)
    expect(row).to_be_visible()
    expect(row.locator(".chat-unread")).to_have_text("1 new")
    admin.screenshot(path=str(SCREENSHOTS / "test_admin_chat_flow-admin-list.png"), full_page=True)
    row.click()
    expect(admin.locator("#admin-chat-seeker")).to_have_text(seeker_name)
    expect(admin.locator(".chat-bubble[data-role=user]")).to_contain_text("rewrite my CV summary")
    expect(admin.locator(".chat-bubble[data-role=assistant]")).to_have_count(1)
    expect(row.locator(".chat-unread")).to_have_count(0)  # read by opening it
    expect(admin.locator("#chat-status")).to_have_text("AI coach")

    admin.locator("#take-over").click()
    expect(admin.locator("#chat-status")).to_have_text("Human advisor")
    expect(row).to_contain_text("Held by you")
    expect(seeker.locator("#chat-banner")).to_contain_text("A human agent has joined the chat.")
    expect(seeker.locator("#chat-status")).to_have_text("Human advisor")
    # The takeover notified the seeker: the bell counts it without a reload.
    expect(seeker.locator("#notification-count")).to_have_text("1")
    expect(seeker.locator("#notification-bell")).to_have_attribute("aria-label", "Notifications, 1 unread")
    shot("seeker-taken-over")

    _send(admin, "Hi, Ada here. Tell me about your last role.")
    expect(seeker.locator(".chat-bubble[data-role=admin]")).to_contain_text("Ada here")
    _send(seeker, "I led a team of five support engineers.")
    expect(admin.locator(".chat-bubble[data-role=user]", has_text="team of five")).to_be_visible()
    expect(row.locator(".chat-waiting")).to_contain_text("Waiting less than a minute")  # for the advisor's answer
    expect(row.locator(".chat-unread")).to_have_count(0)  # open: read as it arrives
    expect(seeker.locator("#chat-banner")).to_contain_text("will answer shortly")
    _choose(admin, "Filter conversations by status", "Human advisor")
    expect(row).to_be_visible()
    _choose(admin, "Filter conversations by status", "Closed")
    expect(row).to_have_count(0)
    _choose(admin, "Filter conversations by status", "All")
    admin.screenshot(path=str(SCREENSHOTS / "test_admin_chat_flow-admin-human.png"), full_page=True)

    admin.locator("#release").click()
    expect(seeker.locator("#chat-banner")).to_contain_text("The human agent has left the chat")
    expect(seeker.locator("#chat-status")).to_have_text("AI coach")
    expect(admin.locator("#chat-status")).to_have_text("AI coach")
    _send(seeker, "What should the summary say?")
    expect(seeker.locator(".chat-bubble[data-role=assistant]")).to_have_count(2, timeout=30_000)
    expect(admin.locator(".chat-bubble[data-role=assistant]")).to_have_count(2)  # the admin reads the AI live
    shot("seeker-after-release")

    # The bell leads to the notification; marking it read empties the count everywhere.
    seeker.locator("#notification-bell").click()
    expect(seeker).to_have_url(re.compile(r"/notifications/?$"))
    wait_ready(seeker)
    note = seeker.locator(".notification", has_text="A career advisor joined your chat")
    expect(note).to_have_attribute("data-read", "false")
    expect(note.get_by_role("link", name="Open")).to_have_attribute("href", re.compile(r"^/coach\?session="))
    shot("notifications")
    note.get_by_role("button", name=re.compile("^Mark")).click()
    expect(note).to_have_attribute("data-read", "true")
    expect(seeker.locator("#notification-count")).to_have_count(0)
    expect(seeker.locator("#notifications-unread")).to_have_text("0 unread")

    chat_switch = seeker.get_by_role("switch", name="Coach chat and advisors")
    expect(chat_switch).to_be_checked()
    chat_switch.click()
    seeker.get_by_role("switch", name="Quiet hours (stored, not shown live)").click()
    seeker.get_by_label("Time zone").fill("Europe/Lisbon")
    seeker.locator("#save-settings").click()
    expect(seeker.get_by_text("Settings saved.")).to_be_visible()
    seeker.reload()
    wait_ready(seeker)
    expect(seeker.get_by_role("switch", name="Coach chat and advisors")).not_to_be_checked()
    expect(seeker.get_by_label("Time zone")).to_have_value("Europe/Lisbon")
    expect(seeker.get_by_label("From")).to_have_value("22:00")
    seeker.get_by_label("Time zone").fill("Mars/Olympus")
    seeker.locator("#save-settings").click()
    expect(seeker.get_by_role("alert")).to_contain_text("IANA time zone")
    shot("notification-settings")


def test_admin_chat_is_for_admins_only(page, app_url):
    _sign_up(page, app_url, "Sid Seeker", "looking for a job")
    page.goto(f"{app_url}/admin/chat")
    expect(page).to_have_url(re.compile(r"/dashboard/?\?denied=admin$"))
    expect(page.locator("#denied-notice")).to_contain_text("That page is for admins")
