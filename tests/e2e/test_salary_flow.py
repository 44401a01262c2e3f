"""/jobs's salary filter and the job page's salary, in a real browser: the filter asks for a currency
and names the reference rates' date, compares like with like (an hourly EUR job passes 60,000 USD a
year, 62,005 CAD passes only in CAD, 1,119,000 INR never), leaves jobs without a salary out until
the switch asks for them; a posted salary is shown as posted (per hour), and a job without one
shows "Estimated from N similar listings in <country>".

The listings are written straight to the database, active (enrichment and the REST path have their
own tests in tests/api/test_salary.py)."""

import uuid

from playwright.sync_api import expect

from career_app.db import app_redis, session_scope
from career_app.services import jobs as jobs_service
from models.job import Job, JobStatus, Visibility
from models.user import Role, User
from tests.e2e.conftest import wait_ready

MARK = f"Salflow{uuid.uuid4().hex[:6]}"
NURSING = ["Patient Care", "Medication Administration"]
# title: (location, country, (yearly min, yearly max, currency, period) or None)
LISTINGS = {
    f"ICU Nurse {MARK}": ("Utrecht, Netherlands", "NL", (57_200, 68_848, "EUR", "hour")),
    f"Staff Nurse {MARK}": ("Bengaluru, India", "IN", (1_000_000, 1_119_000, "INR", "year")),
    f"Ward Nurse {MARK}": ("Montreal, QC, Canada", "CA", (49_005, 62_005, "CAD", "year")),
    f"Charge Nurse {MARK}": ("Austin, TX, United States", "US", (98_000, 130_000, "USD", "year")),
    f"Clinic Nurse {MARK}": ("Reykjavik, Iceland", "IS", None),
    f"Lead Nurse A {MARK}": ("Reykjavik, Iceland", "IS", (5_000_000, 5_600_000, "ISK", "year")),
    f"Lead Nurse B {MARK}": ("Reykjavik, Iceland", "IS", (5_200_000, 5_800_000, "ISK", "year")),
    f"Lead Nurse C {MARK}": ("Reykjavik, Iceland", "IS", (5_400_000, 5_700_000, "ISK", "year")),
}


def _listings() -> dict[str, str]:
    """The listings, active; title -> id."""
    ids = {}
    with session_scope() as session:
        owner = User(email=f"salary-flow-{MARK.lower()}@example.com", full_name="Carewell", role=Role.provider)
        session.add(owner)
        session.flush()
        for title, (location, country, pay) in LISTINGS.items():
            low, high, currency, period = pay or (None, None, None, None)
            job = Job(owner_id=owner.id, visibility=Visibility.public, status=JobStatus.active, title=title,
                      company_name="Carewell", location=location, country=country, family="healthcare",
                      description_raw="Care for patients on a busy ward and keep accurate notes.",
                      skills_required=NURSING, skills=NURSING, salary_min=low, salary_max=high,
                      salary_currency=currency, salary_period=period)
            session.add(job)
            ids[title] = str(job.id)
        session.commit()
    jobs_service.invalidate(app_redis())
    return ids


def _cards(page) -> list[str]:
    return sorted(page.locator("#job-list .job-card").get_by_role("heading").all_inner_texts())


def _expect_titles(page, *names: str) -> None:
    wanted = sorted(f"{name} {MARK}" for name in names)
    expect(page.locator("#job-list .job-card")).to_have_count(len(wanted))
    assert sorted(t.strip() for t in _cards(page)) == wanted


def test_salary_filter_in_one_currency_and_pay_as_posted(page, app_url, shot):
    ids = _listings()
    page.goto(f"{app_url}/jobs")
    wait_ready(page)
    expect(page.locator("#salary-rates-note")).to_contain_text("reference rates of 2024-09-26")
    expect(page.get_by_label("Salary currency")).to_have_text("USD")  # nobody signed in: USD
    page.locator("#filter-q").fill(MARK)
    page.locator("#filter-salary_min").fill("60000")
    page.locator("#filter-submit").click()
    _expect_titles(page, "ICU Nurse", "Charge Nurse")
    icu = page.locator("#job-list .job-card", has_text=f"ICU Nurse {MARK}")
    expect(icu).to_contain_text("27.50 – 33.10 EUR an hour")
    shot("usd-60000")

    page.get_by_label("Salary currency").click()
    page.get_by_role("option", name="CAD", exact=True).click()
    _expect_titles(page, "ICU Nurse", "Charge Nurse", "Ward Nurse")
    page.locator("#filter-unsalaried").click()
    _expect_titles(page, "ICU Nurse", "Charge Nurse", "Ward Nurse", "Clinic Nurse")
    shot("cad-60000-with-unsalaried")

    page.locator("#job-list .job-card", has_text=f"Clinic Nurse {MARK}").click()
    expect(page.locator("#job-title")).to_have_text(f"Clinic Nurse {MARK}")
    expect(page.locator("#salary-estimate")).to_have_text(
        "Estimated from 3 similar listings in Iceland: 5,200,000 – 5,700,000 ISK a year")
    expect(page.locator("#job-salary")).to_have_count(0)
    shot("job-page-estimate")

    page.goto(f"{app_url}/jobs/{ids[f'ICU Nurse {MARK}']}")
    wait_ready(page)
    expect(page.locator("#job-salary")).to_have_text("Salary: 27.50 – 33.10 EUR an hour")
    expect(page.locator("#salary-estimate")).to_have_count(0)
    shot("job-page-posted-hourly")
