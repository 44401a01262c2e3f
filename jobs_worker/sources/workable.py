"""Workable's public widget API: GET {url} (…/api/v1/widget/accounts/<account>) ?details=true lists
every published job with its description; jobs listed without one are read from
`params.detail_url` (default {url}/jobs/<shortcode>)."""

from career_app.services.ingestion import RawPosting
from jobs_worker.sources.base import Adapter


class Source(Adapter):
    kind = "workable"

    def list_postings(self):
        data = self.client.get_json(self.spec.url, params={"details": "true"})
        company = data.get("name") or self.company
        for job in data.get("jobs") or []:
            if isinstance(job, dict) and job.get("shortcode"):
                yield self._posting(job, company)

    def _posting(self, job: dict, company: str | None) -> RawPosting:
        places = [loc for loc in job.get("locations") or [] if isinstance(loc, dict) and not loc.get("hidden")]
        location = " / ".join(", ".join(str(loc[k]) for k in ("city", "region", "country") if loc.get(k))
                              for loc in places) or ", ".join(str(job[k]) for k in ("city", "state", "country")
                                                               if job.get(k))
        template = self.params.get("detail_url") or f"{self.spec.url.rstrip('/')}/jobs/{{shortcode}}"
        description = job.get("description") or ""
        if job.get("requirements"):
            description += f"<h3>Requirements</h3>{job['requirements']}"
        if job.get("benefits"):
            description += f"<h3>Benefits</h3>{job['benefits']}"
        return RawPosting(
            external_id=str(job["shortcode"]), title=job.get("title"),
            url=job.get("url") or job.get("shortlink") or job.get("application_url"), company=company,
            location=location or None, description=description or None,
            posted_at=job.get("published_on") or job.get("created_at"), employment_type=job.get("employment_type"),
            remote=True if job.get("telecommuting") else job.get("workplace_type"),
            needs_details=not description, detail_url=template.format(shortcode=job["shortcode"]))

    def fetch(self, posting: RawPosting) -> RawPosting:
        return self._posting(self.client.get_json(posting.detail_url), posting.company)
