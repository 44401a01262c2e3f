"""The support desk in three browser contexts, a seeker and two admins: the seeker asks for a person
and sees their place in the queue; admin A takes over while admin B is told who holds it; typing
shows both ways and clears; a canned reply is inserted with "/"; an internal note reaches admin B
and never the seeker; releasing with a question pending gets the AI's answer; the seeker rates the
advisor; the audit lists it all."""

import re
import uuid

from playwright.sync_api import expect

from career_app.db import session_scope
from career_app.services import auth, desk
from models.user import User
from sqlmodel import select
from tests.conftest import unique_email
from tests.e2e.conftest import SCREENSHOTS, wait_ready
from tests.e2e.test_accounts_flow import _sign_in
from tests.e2e.test_jobs_flow import _sign_up


def _admin(new_page, app_url, name: str):
    email = unique_email("desk")
    with session_scope() as session:
        auth.create_admin(session, email, "admin-password-1", name)
    pg = new_page()
    pg.goto(f"{app_url}/signin")
    _sign_in(pg, email, "admin-password-1")
    expect(pg).to_have_url(re.compile(r"/dashboard/?$"))
    return pg, email


def _send(pg, text: str) -> None:
    pg.locator("#chat-input").fill(text)
    pg.keyboard.press("Enter")


def test_seeker_and_two_admins_run_the_desk(page, new_page, app_url, shot):
    tag = uuid.uuid4().hex[:4]
    seeker_name, shortcut = f"Quinn Queue {tag}", f"greet{tag}"
    seeker = page
    _sign_up(seeker, app_url, seeker_name, "looking for a job")
    admin_a, email_a = _admin(new_page, app_url, f"Ada Desk {tag}")
    admin_b, _ = _admin(new_page, app_url, f"Ben Desk {tag}")
    with session_scope() as session:
        creator = session.exec(select(User).where(User.email == email_a)).one()
        desk.canned_create(session, creator, shortcut, "Hello! I'm a career advisor; how can I help today?")
    for admin in (admin_a, admin_b):
        admin.goto(f"{app_url}/admin/chat")
        wait_ready(admin)
        expect(admin.locator("#my-presence")).to_have_text("You are online")

    seeker.goto(f"{app_url}/coach")
    wait_ready(seeker)
    seeker.locator("#new-conversation").click()
    _send(seeker, "Can you help me with my resume summary?")
    expect(seeker.locator(".chat-bubble[data-role=assistant]")).to_have_count(1, timeout=30_000)
    expect(seeker.locator("#advisor-presence")).to_contain_text("An advisor is online")
    seeker.locator("#request-human").click()
    expect(seeker.locator("#queue-position")).to_contain_text(re.compile(r"You are number \d+ in the queue \(about \d+ min\)"))
    expect(seeker.locator("#chat-status")).to_have_text("Waiting for a person")
    expect(seeker.locator(".chat-bubble[data-role=assistant]").last).to_contain_text("asked a career advisor")
    shot("seeker-queued")

    # Both admins see the request at the top of their list, with a waiting clock.
    rows = {}
    for admin in (admin_a, admin_b):
        row = admin.locator(".admin-chat-session", has_text=seeker_name)
        expect(row.locator(".chat-group")).to_have_text("Waiting")
        expect(row.locator(".wait-clock")).to_contain_text("Waiting")
        rows[admin] = row
    admin_a.screenshot(path=str(SCREENSHOTS / "test_support_desk_flow-queue.png"), full_page=True)
    rows[admin_b].click()
    expect(admin_b.locator("#admin-chat-seeker")).to_have_text(seeker_name)
    rows[admin_a].click()
    expect(admin_a.locator("#admin-chat-seeker")).to_have_text(seeker_name)
    admin_a.locator("body").press("t")  # keyboard shortcut: take over
    expect(admin_a.locator("#chat-status")).to_have_text("Human advisor")
    expect(admin_b.locator("#held-by-other")).to_contain_text(f"Ada Desk {tag} holds this conversation")
    expect(admin_b.locator("#take-over")).to_have_count(0)
    expect(seeker.locator("#chat-banner")).to_contain_text("A human agent has joined")
    expect(seeker.locator("#queue-position")).to_have_count(0)
    admin_b.screenshot(path=str(SCREENSHOTS / "test_support_desk_flow-held-by-other.png"), full_page=True)

    # Typing both ways appears, then clears (5 s of quiet, or the message itself).
    seeker.locator("#chat-input").fill("I am writing a long")
    expect(admin_a.locator("#typing-indicator")).to_have_text(f"{seeker_name} is typing…")
    expect(admin_a.locator("#typing-indicator")).to_have_count(0, timeout=9_000)
    admin_a.locator("#chat-input").fill(f"/{shortcut[:4]}")
    option = admin_a.locator(".canned-option", has_text=f"/{shortcut}")
    expect(option).to_be_visible()
    option.click()
    expect(admin_a.locator("#chat-input")).to_have_value("Hello! I'm a career advisor; how can I help today?")
    admin_a.locator("#chat-input").fill("Hello! I'm a career advisor; how can I help today? Tell me more.")
    expect(seeker.locator("#typing-indicator")).to_have_text(f"Ada Desk {tag} is typing…")
    shot("seeker-sees-typing")
    admin_a.locator("#chat-input").press("Enter")
    reply = seeker.locator(".chat-bubble[data-role=admin]")
    expect(reply).to_contain_text("how can I help today")
    expect(reply).to_contain_text(f"Ada Desk {tag}")  # the author's name on the line
    expect(seeker.locator("#typing-indicator")).to_have_count(0)

    # An internal note: admin B sees it live, the seeker never does.
    note = f"Seeker prefers short answers {tag}"
    admin_a.locator("#note-input").fill(note)
    admin_a.locator("#add-note").click()
    expect(admin_b.locator(".chat-note", has_text=note)).to_be_visible()

    # A question left pending, then release: the AI answers it.
    _send(seeker, "How long should my cover letter be?")
    expect(admin_a.locator(".chat-bubble[data-role=user]", has_text="cover letter")).to_be_visible()
    before = seeker.locator(".chat-bubble[data-role=assistant]").count()
    admin_a.locator("body").click(position={"x": 5, "y": 5})
    admin_a.locator("body").press("r")  # keyboard shortcut: release
    expect(seeker.locator("#chat-status")).to_have_text("AI coach")
    expect(seeker.locator(".chat-bubble[data-role=assistant]")).to_have_count(before + 1, timeout=30_000)
    expect(seeker.locator(".chat-bubble[data-role=assistant]").last).to_contain_text("AI coach")
    expect(seeker.locator("body")).not_to_contain_text(note)

    # CSAT.
    expect(seeker.locator("#csat")).to_contain_text("How did the advisor do?")
    shot("seeker-csat")
    seeker.get_by_role("button", name="4 of 5").click()
    seeker.locator("#csat-comment").fill("Quick and clear")
    seeker.locator("#csat-send").click()
    expect(seeker.locator("#csat-thanks")).to_be_visible()
    expect(seeker.locator("#csat")).to_have_count(0)

    # The audit lists it all.
    admin_a.locator("#show-audit").click()
    audit = admin_a.locator("#audit-list")
    for action in ("requested", "taken over", "first response", "note added", "released", "rated"):
        expect(audit).to_contain_text(action)
    admin_a.screenshot(path=str(SCREENSHOTS / "test_support_desk_flow-audit.png"), full_page=True)
    admin_b.locator("#show-ratings").click()
    rating = admin_b.locator(".rating-row", has_text=f"Ada Desk {tag}")
    expect(rating).to_contain_text("4.0 average over 1")
    expect(rating).to_contain_text("Quick and clear")
    assert note not in seeker.content()
