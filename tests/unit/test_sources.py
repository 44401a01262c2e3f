"""Each source adapter against a loopback server serving fixtures in the real feeds' shapes:
listing, pagination, details where the list is thin, then normalization (sanitized text, dates,
salaries, remote options, malformed items refused one by one)."""

import json
from datetime import UTC, datetime

import pytest

from career_app.services.ingestion import Normalized, PostingError, SourceSpec, normalize
from jobs_worker import sources
from jobs_worker.http import FetchError, HttpPolicy, PoliteClient
from models.ingestion import SourceKind
from models.job import EmploymentType, RemoteOption
from tests.feed_server import FeedServer, Reply, fixture, fixture_json

FAST = HttpPolicy(allow_private=True, rate_per_second=1000, burst=100, backoff=0.01, retries=2)


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


def run(kind: str, url: str, params: dict | None = None, policy: HttpPolicy = FAST) -> list:
    params = params or {}
    spec = SourceSpec(name="t", kind=kind, url=url, params=params, http={})
    out = []
    with PoliteClient(policy) as client:
        adapter = sources.build(spec, client)
        for posting in adapter.list_postings():
            if posting.needs_details:
                posting = adapter.fetch(posting)
            try:
                out.append(normalize(posting, params.get("company")))
            except PostingError as exc:
                out.append(exc)
    return out


def ok(items) -> dict[str, Normalized]:
    return {i.external_id: i for i in items if isinstance(i, Normalized)}


def test_every_kind_has_an_adapter():
    assert set(sources.ADAPTERS) == {"greenhouse", "lever", "ashby", "smartrecruiters", "workable", "workday", "rss",
                                     "jsonld", "file", "remotive", "arbeitnow", "remoteok", "jobicy", "himalayas",
                                     "themuse", "landingjobs"}
    assert set(sources.ADAPTERS) == {kind.value for kind in SourceKind}


def test_greenhouse_sanitizes_unescaped_html_and_refuses_a_posting_without_title(server):
    server.route("/v1/boards/acmeloop/jobs", Reply(body=fixture_json("greenhouse_jobs.json")))
    items = run("greenhouse", server.url("/v1/boards/acmeloop/jobs"))
    assert server.requests[0]["query"]["content"] == "true"
    assert server.requests[0]["query"]["_ua"].startswith("CareerCopilotBot/")
    errors = [i for i in items if isinstance(i, PostingError)]
    assert len(errors) == 1 and "title" in str(errors[0])
    jobs = ok(items)
    senior = jobs["4012345"]
    assert senior.title == "Senior Backend Engineer (Python)" and senior.company == "Acmeloop"
    assert "alert" not in senior.description and "<" not in senior.description and "steal" not in senior.description
    assert "- Design Python services on PostgreSQL" in senior.description
    assert (senior.salary_min, senior.salary_max, senior.salary_currency) == (70000, 90000, "EUR")
    assert senior.employment_type == EmploymentType.full_time
    assert senior.posted_at == datetime(2026, 10, 30, 13, 0, tzinfo=UTC)
    assert senior.canonical_url == "https://boards.greenhouse.io/acmeloop/jobs/4012345"
    support = jobs["4012346"]
    assert support.posted_at is None  # "not a date"
    assert "onerror" not in support.description and "iframe" not in support.description
    assert support.remote_option == RemoteOption.remote  # "Remote - Europe"


def test_greenhouse_fetches_each_posting_when_the_list_has_no_content(server):
    listing = fixture_json("greenhouse_jobs.json")
    for job in listing["jobs"]:
        server.route(f"/v1/boards/acmeloop/jobs/{job['id']}", Reply(body=dict(job)))
        job.pop("content", None)
    server.route("/v1/boards/acmeloop/jobs", Reply(body=listing))
    items = run("greenhouse", server.url("/v1/boards/acmeloop/jobs"), {"content": False})
    assert server.count("/v1/boards/acmeloop/jobs/4012345") == 1
    assert "Kubernetes" in ok(items)["4012345"].description


def test_lever_pages_through_skip_and_limit(server):
    postings = fixture_json("lever_postings.json")
    server.route("/v0/postings/northwind", lambda q, _b: Reply(
        body=postings[int(q["skip"]):int(q["skip"]) + int(q["limit"])]))
    items = run("lever", server.url("/v0/postings/northwind"), {"page_size": 2, "company": "Northwind"})
    assert [r["query"]["skip"] for r in server.requests] == ["0", "2", "4"]
    jobs = ok(items)
    assert len(jobs) == 5
    data = jobs["5a1b2c3d-0001"]
    assert data.remote_option == RemoteOption.hybrid and data.company == "Northwind"
    assert (data.salary_min, data.salary_max, data.salary_currency) == (65000, 80000, "EUR")
    assert "Requirements" in data.description and "- SQL" in data.description
    assert data.posted_at == datetime.fromtimestamp(1762000000, UTC)
    warehouse = jobs["5a1b2c3d-0003"]
    assert (warehouse.salary_min, warehouse.salary_max) == (22 * 2080, 26 * 2080)  # hourly, per year
    assert warehouse.salary_currency == "EUR" and warehouse.posted_at is None
    assert warehouse.remote_option == RemoteOption.onsite
    assert jobs["5a1b2c3d-0002"].employment_type == EmploymentType.contract
    assert jobs["5a1b2c3d-0004"].employment_type == EmploymentType.part_time


def test_ashby_skips_unlisted_postings_and_reads_compensation(server):
    server.route("/posting-api/job-board/keel", Reply(body=fixture_json("ashby_board.json")))
    jobs = ok(run("ashby", server.url("/posting-api/job-board/keel"), {"company": "Keel"}))
    assert set(jobs) == {"b7e1c9a0-aaaa-4f00-9d3e-000000000001", "b7e1c9a0-aaaa-4f00-9d3e-000000000003"}
    sre = jobs["b7e1c9a0-aaaa-4f00-9d3e-000000000001"]
    assert (sre.salary_min, sre.salary_max, sre.salary_currency) == (80000, 100000, "EUR")
    assert sre.remote_option == RemoteOption.remote and sre.employment_type == EmploymentType.full_time
    assert jobs["b7e1c9a0-aaaa-4f00-9d3e-000000000003"].remote_option == RemoteOption.hybrid


def test_smartrecruiters_pages_then_fetches_each_job_ad(server):
    listing = fixture_json("smartrecruiters_list.json")
    detail = fixture("smartrecruiters_detail.json")
    base = "/v1/companies/SummitBuilding/postings"

    def page(query, _body):
        offset, limit = int(query["offset"]), int(query["limit"])
        return Reply(body={**listing, "offset": offset, "limit": limit,
                           "content": listing["content"][offset:offset + limit]})

    server.route(base, page)
    for job in listing["content"]:
        server.route(f"{base}/{job['id']}", Reply(body=json.loads(
            detail.replace("ID", job["id"]).replace('"NAME"', json.dumps(job["name"])))))
    jobs = ok(run("smartrecruiters", server.url(base), {"page_size": 2}))
    assert [r["query"].get("offset") for r in server.requests if r["path"] == base] == ["0", "2"]
    assert len(jobs) == 3
    electrician = jobs["744000011111111"]
    assert electrician.company == "Summit Building Services"
    assert "Install, maintain and repair" in electrician.description
    assert (electrician.salary_min, electrician.salary_max, electrician.salary_currency) == (38480, 45760, "GBP")
    assert electrician.url == "https://jobs.smartrecruiters.com/SummitBuilding/744000011111111-name"


def test_workable_reads_descriptions_and_fetches_the_missing_one(server):
    server.route("/api/v1/widget/accounts/oliveandthyme", Reply(body=fixture_json("workable_account.json")))
    server.route("/api/v1/widget/accounts/oliveandthyme/jobs/F6G7H8I9J0", Reply(body=fixture_json("workable_job.json")))
    jobs = ok(run("workable", server.url("/api/v1/widget/accounts/oliveandthyme")))
    assert set(jobs) == {"A1B2C3D4E5", "F6G7H8I9J0"}
    assert jobs["A1B2C3D4E5"].company == "Olive & Thyme" and jobs["A1B2C3D4E5"].location == "Lisbon, Lisbon, Portugal"
    assert "Requirements" in jobs["A1B2C3D4E5"].description
    assert "Mix drinks" in jobs["F6G7H8I9J0"].description
    assert jobs["F6G7H8I9J0"].employment_type == EmploymentType.part_time


def test_workday_posts_paged_searches_and_keeps_the_first_total(server):
    site = "/wday/cxs/big4/Careers"
    thin = [{"title": f"Audit Associate {n}", "externalPath": f"/job/London/Audit-Associate-{n}_R{n}",
             "locationsText": "London", "postedOn": "Posted 3 Days Ago", "bulletFields": [f"R{n}"]} for n in range(45)]

    def search(_query, body):
        ask = json.loads(body)
        assert ask["limit"] == 20
        page = thin[ask["offset"]:ask["offset"] + ask["limit"]]
        return Reply(body={"total": len(thin) if ask["offset"] == 0 else 0, "jobPostings": page, "facets": []})

    server.route(f"{site}/jobs", search, method="POST")
    detail = fixture("workday_detail.json")
    for job in thin:
        server.route(site + job["externalPath"], Reply(body=json.loads(detail.replace("TITLE", job["title"]))))
    jobs = ok(run("workday", server.url(f"{site}/jobs"), {"company": "Big Four"}))
    assert server.count(f"{site}/jobs", "POST") == 3  # 20 + 20 + 5, although later pages say total 0
    assert len(jobs) == 45
    one = jobs["/job/London/Audit-Associate-7_R7"]
    assert one.title == "Audit Associate 7" and one.company == "Big Four Advisory LLP"
    assert one.location == "London / Manchester" and one.remote_option == RemoteOption.hybrid
    assert "document.cookie" not in one.description and "test controls" in one.description
    assert one.posted_at == datetime(2026, 11, 10, tzinfo=UTC)


def test_rss_and_atom_feeds(server):
    server.route("/remote.rss", Reply(body=fixture("feed.rss"), headers={"Content-Type": "application/rss+xml"}))
    server.route("/helix.atom", Reply(body=fixture("feed.atom"), headers={"Content-Type": "application/atom+xml"}))
    jobs = ok(run("rss", server.url("/remote.rss"), {"title_format": "company: title"}))
    assert set(jobs) == {"board-1201", "board-1202", "board-1203"}
    frontend = jobs["board-1201"]
    assert frontend.company == "Brightloop" and frontend.title == "Frontend Engineer"
    assert "steal" not in frontend.description
    assert (frontend.salary_min, frontend.salary_max, frontend.salary_currency) == (55000, 70000, "EUR")
    assert set(frontend.skills) >= {"TypeScript", "React"}
    assert frontend.canonical_url == "https://board.example.com/jobs/1201-frontend-engineer"
    assert jobs["board-1202"].posted_at is None
    assert jobs["board-1203"].posted_at == datetime(2026, 11, 10, 8, 30, tzinfo=UTC)
    atom = ok(run("rss", server.url("/helix.atom")))
    assert atom["urn:helix:job:77"].company == "Helix Biosciences"


def test_jsonld_from_a_sitemap_index(server):
    server.route("/sitemap.xml", Reply(body=fixture("sitemap_index.xml").replace("BASE", server.base)))
    server.route("/sitemap-jobs.xml", Reply(body=fixture("sitemap.xml").replace("BASE", server.base)))
    for slug, ident in (("pharma-qc-analyst-901", "901"), ("lab-manager-902", "902")):
        server.route(f"/careers/job/{slug}", Reply(body=fixture("job_page.html").replace("TITLE", slug)
                                                   .replace("IDENT", ident)))
    server.route("/careers/job/no-json-ld-903", Reply(body="<html><body>Nothing here</body></html>"))
    spec = SourceSpec(name="t", kind="jsonld", url=server.url("/sitemap.xml"), params={"url_pattern": "/careers/job/"},
                      http={})
    with PoliteClient(FAST) as client:
        adapter = sources.build(spec, client)
        listed = list(adapter.list_postings())
        assert [p.url.rsplit("/", 1)[1] for p in listed] == ["pharma-qc-analyst-901", "lab-manager-902", "no-json-ld-903"]
        with pytest.raises(FetchError, match="no JobPosting"):
            adapter.fetch(listed[2])
        qc = normalize(adapter.fetch(listed[0]))
    assert qc.external_id == "901" and qc.company == "Northbridge Pharma" and qc.location == "Basel, BS, CH"
    assert (qc.salary_min, qc.salary_max, qc.salary_currency) == (84000, 102000, "CHF")
    assert qc.employment_type == EmploymentType.full_time and "x()" not in qc.description
    assert set(qc.skills) >= {"HPLC", "GMP"}


def test_file_catalogue_is_big_varied_and_clean():
    items = run("file", "sample_jobs.json")
    jobs = ok(items)
    assert len(jobs) == len(items) >= 300
    data = json.loads((sources.file.catalogue_file("sample_jobs.json")).read_text())["postings"]
    assert len({p["family"] for p in data}) >= 15
    assert len({p["country"] for p in data}) >= 8
    assert len({j.salary_currency for j in jobs.values() if j.salary_currency}) >= 6
    assert {j.remote_option for j in jobs.values()} >= {RemoteOption.remote, RemoteOption.hybrid, RemoteOption.onsite}
    assert sum(1 for j in jobs.values() if j.salary_min) >= 200
    assert len({j.identity_key for j in jobs.values()}) == len(jobs)  # no duplicates by the dedup key


def test_file_source_never_reads_outside_the_catalogue_folder():
    from career_app.services.errors import NotFound

    for name in ("../../config/sources.json", "/etc/passwd", "nope.json"):
        with pytest.raises(NotFound):
            run("file", name)


@pytest.mark.parametrize("url, canonical", [
    ("https://WWW.Example.com:443/jobs/12/?utm_source=x&b=2&a=1#apply", "https://example.com/jobs/12?a=1&b=2"),
    ("http://example.com/jobs//12?gclid=abc&gh_src=x", "https://example.com/jobs/12"),
    ("https://example.com:8443/jobs", "https://example.com:8443/jobs"),
    ("javascript:alert(1)", None), ("not a url", None), (None, None),
])
def test_canonical_url(url, canonical):
    from career_app.services.ingestion import canonical_url

    assert canonical_url(url) == canonical


@pytest.mark.parametrize("value, expected", [
    ("2026-11-02T10:15:00Z", datetime(2026, 11, 2, 10, 15, tzinfo=UTC)),
    ("Mon, 09 Nov 2026 10:00:00 +0000", datetime(2026, 11, 9, 10, 0, tzinfo=UTC)),
    (1762000000000, datetime.fromtimestamp(1762000000, UTC)),
    ("Posted Today", datetime(2026, 11, 20, tzinfo=UTC)),
    ("Posted 30+ Days Ago", datetime(2026, 10, 21, tzinfo=UTC)),
    ("1999-01-01", None), ("2030-01-01", None), ("soon", None), (True, None), (None, None),
])
def test_posting_dates(value, expected):
    from career_app.services.ingestion import parse_date

    assert parse_date(value, now=datetime(2026, 11, 20, tzinfo=UTC)) == expected


@pytest.mark.parametrize("fields, text, expected", [
    ({"salary_min": "80k", "salary_max": "95,000", "salary_currency": "usd"}, "", (80000, 95000, "USD")),
    ({"salary_min": 95000, "salary_max": 80000, "salary_currency": "EUR"}, "", (80000, 95000, "EUR")),
    ({"salary_min": 4000, "salary_max": 5000, "salary_currency": "PLN", "salary_period": "1 MONTH"}, "",
     (48000, 60000, "PLN")),
    ({}, "Pay: £18.50 - £22.00 per hour", (38480, 45760, "GBP")),
    ({}, "Salary: EUR 60.000 - 75.000", (60000, 75000, "EUR")),
    ({"salary_min": -5, "salary_currency": "EUR"}, "", (None, None, None)),
    ({"salary_min": 10 ** 12, "salary_currency": "EUR"}, "", (None, None, None)),
    ({}, "No salary here, 3 to 5 years of experience", (None, None, None)),
])
def test_salaries(fields, text, expected):
    from career_app.services.ingestion import RawPosting, parse_salary

    assert parse_salary(RawPosting(external_id="1", **fields), text) == expected


def test_descriptions_keep_structure_and_lose_everything_active():
    from career_app.services.ingestion import html_to_text

    text = html_to_text('<h2>Role</h2><p style="x" onclick="y()">Build <b>things</b>.</p><ul><li>One</li>'
                        '<li>Two &amp; three</li></ul><script>alert(1)</script><style>p{}</style>'
                        '<a href="javascript:evil()">link</a>\x00<iframe src="https://x"></iframe>')
    assert text == "Role\n\nBuild things.\n- One\n- Two & three\nlink"


def test_jsonld_from_a_list_page_keeps_same_host_job_links(server):
    page = ('<html><body><a href="/careers/job/pharma-qc-analyst-901?utm_source=list">QC</a>'
            '<a href="https://elsewhere.example.com/careers/job/1">other host</a><a href="/about">About</a></body></html>')
    server.route("/careers", Reply(body=page))
    server.route("/careers/job/pharma-qc-analyst-901", Reply(body=fixture("job_page.html").replace("TITLE", "QC Analyst")
                                                             .replace("IDENT", "901")))
    jobs = ok(run("jsonld", server.url("/careers"), {"mode": "list", "url_pattern": "/careers/job/"}))
    assert list(jobs) == ["901"] and jobs["901"].title == "QC Analyst"
