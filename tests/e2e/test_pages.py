"""Pages loaded directly (server-rendered HTML, then hydration), the not-found page, the app opened
through a loopback alias, and phone-sized screens. The page fixture fails a test on any console
error, CSP violations and hydration errors included."""

import re
import uuid

from playwright.sync_api import expect
from sqlmodel import select

from career_app.db import session_scope
from models.job import Job, JobStatus
from models.user import User

from tests.e2e.conftest import SCREENSHOTS, wait_ready
from tests.e2e.test_jobs_flow import DESCRIPTION, _sign_up

PUBLIC_PAGES = ["/", "/signin", "/signup", "/jobs", "/nope"]
# Chrome reports the 404 status of the missing page itself as a console error.
MISSING_PAGE_404 = r"status of 404 \(Not Found\) \(http://[^/]+/nope\)$"
SEEKER_PAGES = ["/dashboard", "/resume", "/recommended", "/skills-gap"]


def _name(path: str) -> str:
    return path.strip("/").replace("/", "-") or "home"


def _no_horizontal_overflow(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def test_app_works_when_opened_as_127_0_0_1(page, app_url, shot):
    loopback = app_url.replace("localhost", "127.0.0.1")
    page.goto(f"{loopback}/signup")
    wait_ready(page)  # the state websocket was accepted from this origin
    _sign_up(page, loopback, "Lou Loopback", "looking for a job")
    expect(page.locator("#dashboard-heading")).to_contain_text("Welcome, Lou Loopback")
    shot("dashboard-via-127-0-0-1")


def test_pages_load_directly_without_errors(page, app_url, shot, browser_errors):
    browser_errors.expect(MISSING_PAGE_404)
    for path in PUBLIC_PAGES:
        page.goto(f"{app_url}{path}")
        wait_ready(page)
    _sign_up(page, app_url, "Dana Direct", "looking for a job")
    for path in SEEKER_PAGES:
        page.goto(f"{app_url}{path}")
        wait_ready(page)
    expect(page.get_by_text("We do not know your skills yet.")).to_be_visible()  # no resume: what to do
    shot("skills-gap-no-resume")


def test_skill_gap_with_nothing_to_learn_says_so(page, app_url, shot):
    name = f"Sky Skilled {uuid.uuid4().hex[:6]}"
    _sign_up(page, app_url, name, "looking for a job")
    with session_scope() as session:  # every skill the active listings ask for
        wanted = {skill for job in session.exec(select(Job).where(Job.status == JobStatus.active)) for skill in job.skills}
        seeker = session.exec(select(User).where(User.full_name == name)).one()
        seeker.skills = sorted(wanted)
        session.add(seeker)
        session.commit()
    page.goto(f"{app_url}/skills-gap")
    wait_ready(page)
    expect(page.locator("#nothing-to-learn")).to_be_visible()
    shot("skills-gap-nothing-to-learn")


def test_not_found_page_leads_home(page, app_url, shot, browser_errors):
    browser_errors.expect(MISSING_PAGE_404)
    response = page.goto(f"{app_url}/nope")
    assert response is not None and response.status == 404
    wait_ready(page)
    expect(page.locator("#not-found-heading")).to_have_text("Page not found")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()  # the navbar is there
    shot("not-found")
    page.locator("#not-found-home").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Your whole job search, in one place")).to_be_visible()


def test_phone_screens_do_not_overflow(new_page, app_url, browser_errors):
    browser_errors.expect(MISSING_PAGE_404)
    phone = new_page(390, 844)
    for path in PUBLIC_PAGES:
        phone.goto(f"{app_url}{path}")
        wait_ready(phone)
        _no_horizontal_overflow(phone)
        phone.screenshot(path=str(SCREENSHOTS / f"phone-390-{_name(path)}.png"), full_page=True)
    _sign_up(phone, app_url, "Phoebe Phone-Number-With-A-Long-Name", "looking for a job")
    for path in ["/", *SEEKER_PAGES]:
        phone.goto(f"{app_url}{path}")
        wait_ready(phone)
        _no_horizontal_overflow(phone)
        phone.screenshot(path=str(SCREENSHOTS / f"phone-390-seeker-{_name(path)}.png"), full_page=True)

    provider = new_page(390, 844)
    _sign_up(provider, app_url, "Paz Provider", "hiring")
    provider.goto(f"{app_url}/provider")
    wait_ready(provider)
    provider.locator("#job-title").fill("Night Nurse With A Rather Long Job Title For A Phone")
    provider.locator("#job-description").fill(DESCRIPTION)
    provider.locator("#post-job").click()
    expect(provider.locator("#provider-jobs tr", has_text="Night Nurse")).to_be_visible()
    _no_horizontal_overflow(provider)  # the jobs table scrolls inside its card
    provider.screenshot(path=str(SCREENSHOTS / "phone-390-provider.png"), full_page=True)
