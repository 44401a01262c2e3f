"""A single LinkedIn job link imports through the JSON-LD path only: the link is reduced to the job's
public page (linkedin.com/jobs/view/<id>/), a page with a JobPosting is read as any other, and a page
without one (LinkedIn's sign-in wall) is a clear 422, never an "imported" sign-up page; searches and
other LinkedIn pages are refused before anything is fetched."""

import pytest

from career_app.services import job_import
from career_app.services.errors import Unprocessable
from tests.api.conftest import bearer
from tests.feed_server import fixture


@pytest.mark.parametrize("url, job_id", [
    ("https://www.linkedin.com/jobs/view/4100000001/", "4100000001"),
    ("https://ie.linkedin.com/jobs/view/clinical-nurse-specialist-at-harbourview-4100000001?trk=public_jobs", "4100000001"),
    ("https://www.linkedin.com/jobs/search/?currentJobId=4100000002&keywords=nurse", "4100000002"),
    ("https://linkedin.com/jobs/collections/recommended/?currentJobId=4100000003", "4100000003"),
])
def test_a_linkedin_link_names_one_public_job_page(url, job_id):
    assert job_import.linkedin_job_url(url) == f"https://www.linkedin.com/jobs/view/{job_id}/"


def test_the_job_page_is_read_through_its_jsonld_and_a_sign_in_wall_is_refused():
    page = job_import.Page(url="https://www.linkedin.com/jobs/view/4100000001/",
                           body=fixture("linkedin_job_view.html").encode(), content_type="text/html", redirects=[])
    data, how = job_import.posting_from_page(page, jsonld_only=True)
    assert how == "json-ld" and data.title == "Clinical Nurse Specialist" and data.company_name == "Harbourview Hospital"
    assert "wound care" in data.description_raw and "x()" not in data.description_raw
    wall = job_import.Page(url="https://www.linkedin.com/authwall?trk=x", body=fixture("linkedin_authwall.html").encode(),
                           content_type="text/html", redirects=["https://www.linkedin.com/jobs/view/4100000001/"])
    with pytest.raises(Unprocessable, match="without signing in"):
        job_import.posting_from_page(wall, jsonld_only=True)
    assert job_import.posting_from_page(wall)[0].title == "Sign Up | LinkedIn"  # what the meta fallback would have kept


@pytest.mark.parametrize("url", ["https://www.linkedin.com/jobs/search/?keywords=nurse",
                                 "https://www.linkedin.com/in/someone/", "https://www.linkedin.com/feed/"])
def test_other_linkedin_pages_are_refused_before_any_fetch(client, register, url):
    seeker, _ = register("seeker")
    resp = client.post("/api/v1/jobs/import", headers=bearer(seeker), json={"url": url})
    assert resp.status_code == 422 and "Only the link of one LinkedIn job" in resp.text
    assert client.get("/api/v1/jobs", headers=bearer(seeker)).json()["total"] == 0
