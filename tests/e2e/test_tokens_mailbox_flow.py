"""On /profile a seeker makes a personal API token (its secret shown once), uses it on the REST API,
revokes it; then connects a mailbox whose server is unreachable, and the real worker's read puts
that status on the mailbox card. Real browser, real worker."""

import re

import httpx
from playwright.sync_api import expect

from tests.conftest import free_port
from tests.e2e.conftest import wait_ready
from tests.e2e.test_jobs_flow import _sign_up


def test_tokens_and_mailbox_card(page, app_url, shot):
    _sign_up(page, app_url, "Tomas Reyes", "looking for a job")
    page.goto(f"{app_url}/profile")
    wait_ready(page)
    page.locator("#token-name").fill("My assistant")
    page.locator("label", has_text="applications:read").locator("button[role=checkbox]").click()
    page.locator("#create-token").click()
    secret = page.locator("#new-token")
    expect(secret).to_contain_text("ccp_")
    token = secret.inner_text().strip()
    expect(page.locator("#token-list")).to_contain_text("My assistant")
    expect(page.locator("#token-list")).not_to_contain_text(token)  # the list shows a prefix only
    shot("token-created")
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{app_url}/api/v1/applications", headers=headers).status_code == 200
    assert httpx.post(f"{app_url}/api/v1/applications", headers=headers,
                      json={"company_name": "Acme", "job_title": "Nurse"}).status_code == 403
    page.get_by_role("button", name="Revoke My assistant").click()
    expect(page.locator("#token-list")).to_have_count(0)
    assert httpx.get(f"{app_url}/api/v1/applications", headers=headers).status_code == 401

    closed_port = free_port()  # nothing listens there
    form = page.locator("#mailbox-form")
    form.locator("input[name=host]").fill("127.0.0.1")
    form.locator("input[name=port]").fill(str(closed_port))
    form.locator("input[name=username]").fill("tomas@example.org")
    form.locator("input[name=password]").fill("app-password")
    page.locator("#connect-mailbox").click()
    expect(page.locator("#mailbox-notice")).to_contain_text("first read has started")
    card = page.get_by_text(f"tomas@example.org on 127.0.0.1:{closed_port}").locator("../..")
    for _ in range(30):  # the worker reads it within seconds; the card shows it on the next load
        page.reload()
        wait_ready(page)
        if re.search("Server unreachable", card.inner_text()):
            break
        page.wait_for_timeout(500)
    expect(card).to_contain_text("Server unreachable")
    expect(card).to_contain_text("Cannot reach 127.0.0.1")
    assert "app-password" not in page.content()
    shot("mailbox-unreachable")
    card.get_by_role("button", name="Remove").click()
    expect(page.locator("#mailbox-notice")).to_contain_text("removed")
    expect(page.get_by_text(f"tomas@example.org on 127.0.0.1:{closed_port}")).to_have_count(0)
