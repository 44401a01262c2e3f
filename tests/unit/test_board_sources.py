"""The public job boards' adapters (Remotive, Arbeitnow, Remote OK, Jobicy, Himalayas, The Muse,
Landing.jobs) against a loopback server replaying responses in each API's published shape
(tests/data/sources), through the shared polite client and the real normalization."""

from datetime import UTC, datetime

from career_app.services.ingestion import PostingError
from models.job import EmploymentType, RemoteOption
import pytest

from tests.feed_server import FeedServer, Reply, fixture_json
from tests.unit.test_sources import ok, run


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


def test_remotive_keeps_the_region_and_the_salary_as_posted(server):
    server.route("/api/remote-jobs", Reply(body=fixture_json("remotive_jobs.json")))
    items = run("remotive", server.url("/api/remote-jobs"), {"category": "software-dev", "limit": 50})
    assert (server.requests[0]["query"]["category"], server.requests[0]["query"]["limit"]) == ("software-dev", "50")
    assert sum(isinstance(i, PostingError) for i in items) == 1  # no title
    jobs = ok(items)
    backend = jobs["1900001"]
    assert backend.company == "Driftwood Labs" and backend.location == "Europe"
    assert backend.remote_option == RemoteOption.remote and backend.employment_type == EmploymentType.full_time
    assert (backend.salary_min, backend.salary_max, backend.salary_currency) == (60000, 75000, "EUR")
    assert "steal" not in backend.description and backend.url.startswith("https://remotive.com/")
    assert "Python" in backend.skills and backend.posted_at.date().isoformat() == "2026-11-28"
    assert jobs["1900002"].employment_type == EmploymentType.contract and jobs["1900002"].salary_min is None


def test_arbeitnow_follows_next_links(server):
    server.route("/api/job-board-api", lambda q, _b: Reply(body=fixture_json(f"arbeitnow_page{q['page']}.json")))
    jobs = ok(run("arbeitnow", server.url("/api/job-board-api")))
    assert [r["query"]["page"] for r in server.requests] == ["1", "2"]
    assert set(jobs) == {"data-engineer-berlin-241", "werkstudent-marketing-hamburg-77", "pflegefachkraft-koeln-12"}
    data = jobs["data-engineer-berlin-241"]
    assert data.company == "Spreeblick GmbH" and data.country == "DE" and data.remote_option != RemoteOption.remote
    assert data.posted_at == datetime.fromtimestamp(1764316800, UTC) and data.salary_min is None
    assert jobs["werkstudent-marketing-hamburg-77"].remote_option == RemoteOption.remote
    assert jobs["werkstudent-marketing-hamburg-77"].employment_type == EmploymentType.part_time


def test_remoteok_skips_the_legal_notice_and_reads_usd_salaries(server):
    server.route("/api", Reply(body=fixture_json("remoteok_api.json")))
    jobs = ok(run("remoteok", server.url("/api")))
    assert set(jobs) == {"1093001", "1093002"}
    front = jobs["1093001"]
    assert (front.salary_min, front.salary_max, front.salary_currency) == (90000, 120000, "USD")
    assert front.remote_option == RemoteOption.remote and front.title == "Senior Frontend Engineer"
    assert jobs["1093002"].salary_min is None and jobs["1093002"].salary_currency is None  # 0: none stated


def test_jobicy_reads_both_salary_shapes(server):
    server.route("/api/v2/remote-jobs", Reply(body=fixture_json("jobicy_jobs.json")))
    jobs = ok(run("jobicy", server.url("/api/v2/remote-jobs"), {"count": 50, "geo": "europe"}))
    assert server.requests[0]["query"]["geo"] == "europe"
    devops = jobs["130001"]
    assert (devops.salary_min, devops.salary_max, devops.salary_currency, devops.salary_period) == \
        (60000, 78000, "EUR", "month")  # monthly pay, kept yearly, shown per month
    account = jobs["130002"]
    assert (account.salary_min, account.salary_max, account.salary_currency) == (70000, 85000, "USD")
    assert account.employment_type == EmploymentType.contract and account.location == "USA"


def test_himalayas_pages_by_offset_and_by_cursor(server):
    pages = {"0": "himalayas_page1.json", "2": "himalayas_page2.json"}
    server.route("/jobs/api", lambda q, _b: Reply(body=fixture_json(pages[q["offset"]])))
    jobs = ok(run("himalayas", server.url("/jobs/api")))
    assert [r["query"]["offset"] for r in server.requests] == ["0", "2"]
    ml = jobs["https://himalayas.app/companies/larchwood-ai/jobs/machine-learning-engineer"]
    assert (ml.salary_min, ml.salary_max, ml.salary_currency) == (110000, 140000, "USD")
    assert ml.location == "United States, Canada" and ml.remote_option == RemoteOption.remote
    design = jobs["https://himalayas.app/companies/mossgrove/jobs/product-designer"]
    assert (design.salary_min, design.salary_currency, design.salary_period) == (50 * 2080, "GBP", "hour")
    assert jobs["https://himalayas.app/companies/tallyho/jobs/bookkeeper"].location == "Worldwide"

    first, second = fixture_json("himalayas_page1.json"), fixture_json("himalayas_page2.json")
    first["nextCursor"], second["nextCursor"] = "abc", None
    server.route("/jobs/cursor", lambda q, _b: Reply(body=second if q.get("cursor") == "abc" else first))
    assert len(ok(run("himalayas", server.url("/jobs/cursor")))) == 3


def test_the_muse_pages_until_page_count(server):
    server.route("/api/public/jobs", lambda q, _b: Reply(body=fixture_json(f"themuse_page{q['page']}.json")))
    jobs = ok(run("themuse", server.url("/api/public/jobs"), {"category": "Healthcare"}))
    assert [r["query"]["page"] for r in server.requests] == ["0", "1"]
    nurse = jobs["15550001"]
    assert nurse.company == "Northshore Health" and nurse.location == "Boston, MA" and nurse.country == "US"
    assert nurse.url == "https://www.themuse.com/jobs/northshorehealth/registered-nurse-icu"
    assert jobs["15550002"].remote_option == RemoteOption.remote and jobs["15550002"].location is None
    assert "15550003" in jobs


def test_landing_jobs_names_the_company_from_the_url(server):
    server.route("/api/v1/jobs", Reply(body=fixture_json("landingjobs_jobs.json")))
    jobs = ok(run("landingjobs", server.url("/api/v1/jobs")))
    assert server.requests[0]["query"]["offset"] == "0"
    ruby = jobs["98001"]
    assert ruby.company == "Alfama Travel" and ruby.country == "PT" and ruby.location == "Lisbon, PT"
    assert (ruby.salary_min, ruby.salary_max, ruby.salary_currency) == (40000, 55000, "EUR")
    assert "Requirements" in ruby.description and "- Ruby on Rails" in ruby.description
    qa = jobs["98002"]
    assert qa.company == "Porto Pay" and qa.remote_option == RemoteOption.remote and qa.salary_min is None
