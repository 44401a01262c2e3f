"""Sign up, see the dashboard, sign out, sign in; guards and the admin page, in a real browser."""

import re

from playwright.sync_api import expect

from tests.conftest import unique_email
from tests.e2e.conftest import wait_ready


def _open(page, url: str) -> None:
    page.goto(url)
    wait_ready(page)


def _fill_signup(page, name: str, email: str, password: str, role_label: str) -> None:
    wait_ready(page)
    radio = page.get_by_label(role_label)
    radio.click()  # a controlled radio: its state round-trips through the backend
    expect(radio).to_be_checked()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm password").fill(password)


def _sign_in(page, identifier: str, password: str) -> None:
    wait_ready(page)
    page.get_by_label("Email or username").fill(identifier)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).last.click()


def test_seeker_signs_up_signs_out_and_back_in(page, app_url, shot):
    email, password = unique_email("browser"), "browser-pass-1"
    _open(page, f"{app_url}/signup")
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    _fill_signup(page, "Bea Browser", email, password, "looking for a job")
    shot("signup-filled")
    page.get_by_role("button", name="Create account").last.click()

    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    expect(page.locator("#dashboard-heading")).to_contain_text("Welcome, Bea Browser")
    expect(page.locator("#dashboard-role")).to_have_text("seeker")
    expect(page.get_by_role("link", name="Users")).to_have_count(0)  # no admin navigation
    shot("dashboard")

    page.locator("#sign-out").click()
    expect(page).to_have_url(re.compile(r"/signin/?\?signed_out=1"))
    expect(page.get_by_text("You have been signed out.")).to_be_visible()
    shot("signed-out")

    _open(page, f"{app_url}/dashboard")  # protected: back to sign-in, remembering where we were
    expect(page).to_have_url(re.compile(r"/signin/?\?next=%2Fdashboard"))
    _sign_in(page, email, "wrong-password")
    expect(page.get_by_role("alert")).to_contain_text("Incorrect email/username or password")
    shot("wrong-password")
    _sign_in(page, email, password)
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    expect(page.locator("#nav-user-name")).to_have_text("Bea Browser")
    shot("signed-in-again")

    _open(page, f"{app_url}/admin/users")  # a seeker is sent away from the admin page, and told why
    expect(page).to_have_url(re.compile(r"/dashboard/?\?denied=admin$"))
    expect(page.locator("#denied-notice")).to_contain_text("That page is for admins")
    shot("seeker-sent-away-from-admin")


def test_signup_shows_validation_and_conflicts(page, app_url, shot):
    _open(page, f"{app_url}/signup")
    email = unique_email("dupe")
    _fill_signup(page, "Dee Dupe", email, "password-123", "hiring")
    page.get_by_label("Confirm password").fill("password-124")
    page.get_by_role("button", name="Create account").last.click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    page.get_by_label("Confirm password").fill("password-123")
    page.get_by_role("button", name="Create account").last.click()
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    expect(page.locator("#dashboard-role")).to_have_text("provider")
    page.locator("#sign-out").click()
    expect(page).to_have_url(re.compile(r"/signin"))

    _open(page, f"{app_url}/signup")
    _fill_signup(page, "Dee Again", email.upper(), "password-123", "looking for a job")
    page.get_by_role("button", name="Create account").last.click()
    expect(page.get_by_role("alert")).to_contain_text("Email is already registered")
    shot("duplicate-email")


def test_export_task_round_trip_in_the_ui(page, app_url, shot):
    email, password = unique_email("export"), "export-pass-1"
    _open(page, f"{app_url}/signup")
    _fill_signup(page, "Eli Export", email, password, "looking for a job")
    page.get_by_role("button", name="Create account").last.click()
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    page.locator("#start-export").click()
    expect(page.locator("#export-status")).to_have_text("Status: finished", timeout=30_000)
    with page.expect_download() as download:
        page.locator("#download-export").click()
    assert email in open(download.value.path()).read()
    shot("export-finished")


def test_admin_sees_users_page(page, app_url, shot, make_admin):
    email, password = make_admin()
    _open(page, f"{app_url}/signin")
    _sign_in(page, email, password)
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    page.get_by_role("link", name="Users").click()
    expect(page).to_have_url(re.compile(r"/admin/users/?$"))
    expect(page.locator("#users-table")).to_contain_text(email)
    expect(page.locator("#users-page-label")).to_contain_text("Page 1 of")
    page.get_by_label("Search users").fill(email.split("@")[0])
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#users-page-label")).to_contain_text("1 user")
    shot("admin-users")
