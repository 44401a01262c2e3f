"""Importing a job from its URL onto a seeker's tracker (POST /api/v1/jobs/import): pages served by a
real loopback HTTP server; internal addresses refused unless IMPORT_ALLOW_PRIVATE_HOSTS is on."""

import json

import pytest

from career_app.services import job_import
from career_app.services.errors import Unprocessable
from career_app.settings import settings
from tests.api.conftest import bearer
from tests.feed_server import FeedServer, Reply

POSTING = {
    "@context": "https://schema.org", "@type": "JobPosting", "title": "Senior Data Engineer",
    "hiringOrganization": {"@type": "Organization", "name": "Initech Analytics"},
    "jobLocation": {"@type": "Place", "address": {"addressLocality": "Lisbon", "addressCountry": "PT"}},
    "baseSalary": {"@type": "MonetaryAmount", "currency": "EUR",
                   "value": {"@type": "QuantitativeValue", "minValue": 60000, "maxValue": 75000, "unitText": "YEAR"}},
    "description": "<p>Build pipelines in <b>Python</b> and SQL.</p><script>alert('x')</script>"
                   "<img src=x onerror=alert(1)><ul><li>Airflow</li><li>dbt</li></ul>",
    "datePosted": "2026-11-20", "employmentType": "FULL_TIME", "skills": "Python, SQL, Airflow",
}


def jsonld_page(data) -> str:
    script = json.dumps(data).replace("</", "<\\/")  # as sites embed it: "</script>" in a string escaped
    return (f"<html><head><title>Careers</title><script type=\"application/ld+json\">{script}</script>"
            "</head><body><h1>Careers</h1></body></html>")


@pytest.fixture
def pages():
    with FeedServer() as server:
        yield server


@pytest.fixture
def allow_loopback(monkeypatch):
    monkeypatch.setattr(settings, "import_allow_private_hosts", True)


def test_import_reads_jsonld_in_a_graph_and_sanitizes(client, register, pages, allow_loopback):
    seeker, _ = register("seeker")
    other, _ = register("seeker")
    pages.route("/jobs/42", Reply(body=jsonld_page({"@context": "https://schema.org",
                                                    "@graph": [{"@type": "WebPage", "name": "x"}, POSTING]})))
    resp = client.post("/api/v1/jobs/import", headers=bearer(seeker), json={"url": pages.url("/jobs/42")})
    assert resp.status_code == 201, resp.text
    job = resp.json()
    assert job["title"] == "Senior Data Engineer" and job["company_name"] == "Initech Analytics"
    assert job["location"] == "Lisbon, PT" and job["visibility"] == "private"
    assert (job["salary_min"], job["salary_max"], job["salary_currency"]) == (60000, 75000, "EUR")
    assert job["employment_type"] == "full_time"
    assert job["source_url"] == pages.url("/jobs/42") and job["tracking_status"] == "saved"
    description = job["description_raw"]
    assert "Build pipelines in Python and SQL." in description and "- Airflow" in description
    assert "alert" not in description and "<" not in description and "onerror" not in description
    assert "2026-11-20" in job["notes"] and job["skills_required"] == ["Python", "SQL", "Apache Airflow"]
    # Private: on the seeker's own list only.
    assert client.get("/api/v1/jobs", headers=bearer(seeker)).json()["items"][0]["id"] == job["id"]
    assert client.get(f"/api/v1/jobs/{job['id']}", headers=bearer(other)).status_code == 404
    assert client.get("/api/v1/jobs/search", params={"q": "Senior Data Engineer Initech"}).json()["total"] == 0


def test_import_finds_posting_in_a_list_and_falls_back_to_opengraph(client, register, pages, allow_loopback):
    seeker, _ = register("seeker")
    pages.route("/list", Reply(body=jsonld_page([{"@type": "Organization", "name": "Acme"},
                                                 {**POSTING, "title": "Listed Role"}])))
    resp = client.post("/api/v1/jobs/import", headers=bearer(seeker), json={"url": pages.url("/list")})
    assert resp.status_code == 201 and resp.json()["title"] == "Listed Role"

    pages.route("/og", Reply(body="<html><head><title>ignored</title>"
                                  "<meta property=\"og:title\" content=\"Backend Developer &amp; SRE\">"
                                  "<meta property=\"og:site_name\" content=\"Hooli Careers\">"
                                  "<meta name=\"description\" content=\"Run &lt;b&gt;Go&lt;/b&gt; services.\">"
                                  "</head><body>no JSON-LD</body></html>"))
    resp = client.post("/api/v1/jobs/import", headers=bearer(seeker), json={"url": pages.url("/og")})
    assert resp.status_code == 201, resp.text
    job = resp.json()
    assert job["title"] == "Backend Developer & SRE" and job["company_name"] == "Hooli Careers"
    assert job["description_raw"] == "Run Go services." and job["salary_min"] is None


def test_pages_without_a_posting_or_unreachable_answer_422_and_store_nothing(client, register, pages,
                                                                              allow_loopback):
    seeker, _ = register("seeker")
    pages.route("/empty", Reply(body="<html><head></head><body><p>Hello</p></body></html>"))
    pages.route("/gone", Reply(status=404, body="<html><title>Not found</title></html>"))
    pages.route("/pdf", Reply(body=b"%PDF-1.7 binary", headers={"Content-Type": "application/pdf"}))
    pages.route("/huge", Reply(body="<html><title>Big</title>" + "x" * (job_import.MAX_BYTES + 10), chunked=True))
    pages.route("/huge-declared", Reply(body="<html><title>Big</title>" + "x" * (job_import.MAX_BYTES + 10)))
    cases = {"/empty": "No job posting found", "/gone": "answered 404", "/pdf": "not HTML",
             "/huge": "larger than 2 MB", "/huge-declared": "larger than 2 MB"}
    for path, detail in cases.items():
        resp = client.post("/api/v1/jobs/import", headers=bearer(seeker), json={"url": pages.url(path)})
        assert resp.status_code == 422 and detail in resp.json()["detail"][0]["msg"], (path, resp.text)
        assert resp.json()["detail"][0]["loc"] == ["body", "url"]
    closed = FeedServer()  # a port with nothing listening once closed
    port = closed._server.server_port
    closed._server.server_close()
    resp = client.post("/api/v1/jobs/import", headers=bearer(seeker), json={"url": f"http://127.0.0.1:{port}/x"})
    assert resp.status_code == 422 and "cannot be fetched" in resp.json()["detail"][0]["msg"]
    for bad in ("ftp://example.com/job", "javascript:alert(1)", "not a url", ""):
        assert client.post("/api/v1/jobs/import", headers=bearer(seeker), json={"url": bad}).status_code == 422
    assert client.get("/api/v1/jobs", headers=bearer(seeker)).json()["total"] == 0


def test_redirects_are_followed_up_to_three_and_each_target_checked(client, register, pages, allow_loopback):
    seeker, _ = register("seeker")
    pages.route("/final", Reply(body=jsonld_page(POSTING)))
    for i in range(1, 5):
        target = "/final" if i == 1 else f"/r{i - 1}"
        pages.route(f"/r{i}", Reply(status=302, headers={"Location": target}))
    resp = client.post("/api/v1/jobs/import", headers=bearer(seeker), json={"url": pages.url("/r3")})
    assert resp.status_code == 201, resp.text
    assert resp.json()["source_url"] == pages.url("/final")
    resp = client.post("/api/v1/jobs/import", headers=bearer(seeker), json={"url": pages.url("/r4")})
    assert resp.status_code == 422 and "more than 3 times" in resp.json()["detail"][0]["msg"]

    # The redirect target is checked again: 127.0.0.1 is allowed here, 127.0.0.2 (where the page
    # redirects) is not, and nothing is fetched there.
    port = pages._server.server_port
    pages.route("/away", Reply(status=301, headers={"Location": f"http://127.0.0.2:{port}/final"}))
    page = job_import.fetch(pages.url("/final"), allow_private=frozenset({"127.0.0.1"}))
    assert b"Senior Data Engineer" in page.body
    hits = pages.count("/final")
    with pytest.raises(Unprocessable, match="loopback address 127.0.0.2"):
        job_import.fetch(pages.url("/away"), allow_private=frozenset({"127.0.0.1"}))
    assert pages.count("/final") == hits


def test_internal_addresses_are_refused_with_the_setting_off(client, register, pages, monkeypatch):
    monkeypatch.setattr(settings, "import_allow_private_hosts", False)
    seeker, _ = register("seeker")
    pages.route("/jobs/1", Reply(body=jsonld_page(POSTING)))
    port = pages._server.server_port
    for url in (pages.url("/jobs/1"), f"http://localhost:{port}/jobs/1", f"http://[::1]:{port}/jobs/1",
                "http://10.1.2.3/job", "http://169.254.169.254/latest/meta-data", "http://0.0.0.0/",
                "http://[fd00::1]/job", "http://[::ffff:127.0.0.1]:80/", "http://2130706433/"):
        resp = client.post("/api/v1/jobs/import", headers=bearer(seeker), json={"url": url})
        assert resp.status_code == 422, (url, resp.text)
        assert "Refused to fetch the job page" in resp.json()["detail"][0]["msg"], (url, resp.text)
    assert pages.count("/jobs/1") == 0
    assert client.get("/api/v1/jobs", headers=bearer(seeker)).json()["total"] == 0
    for address, kind in (("224.0.0.1", "multicast"), ("240.0.0.1", "reserved"), ("192.168.1.1", "private"),
                          ("100.64.0.1", "non-public"), ("fe80::1", "link-local"), ("127.0.0.5", "loopback")):
        assert kind in job_import.refusal(address), address
    assert job_import.refusal("93.184.215.14") is None and job_import.refusal("2606:4700::1111") is None


def test_only_seekers_import(client, register, pages, allow_loopback):
    provider, _ = register("provider")
    pages.route("/jobs/1", Reply(body=jsonld_page(POSTING)))
    resp = client.post("/api/v1/jobs/import", headers=bearer(provider), json={"url": pages.url("/jobs/1")})
    assert resp.status_code == 403
    assert client.post("/api/v1/jobs/import", json={"url": pages.url("/jobs/1")}).status_code == 401
    assert pages.count("/jobs/1") == 0
