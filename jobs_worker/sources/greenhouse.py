"""Greenhouse job board API: GET {url} (…/v1/boards/<board>/jobs) with ?content=true lists every
posting with its description (HTML, entity-escaped); without content, GET {url}/<id> per posting."""

from jobs_worker.sources.base import Adapter, text_of
from career_app.services.ingestion import RawPosting


class Source(Adapter):
    kind = "greenhouse"

    def list_postings(self):
        content = bool(self.params.get("content", True))
        data = self.client.get_json(self.spec.url, params={"content": "true"} if content else None)
        for job in data.get("jobs") or []:
            if not isinstance(job, dict) or job.get("id") is None:
                continue
            yield self._posting(job, needs_details=not content or not job.get("content"))

    def _posting(self, job: dict, needs_details: bool = False) -> RawPosting:
        metadata = {m.get("name"): m.get("value") for m in job.get("metadata") or [] if isinstance(m, dict)}
        return RawPosting(
            external_id=str(job["id"]), title=job.get("title"), url=job.get("absolute_url"),
            company=job.get("company_name") or self.company, location=text_of(job.get("location")),
            description=job.get("content"), posted_at=job.get("first_published") or job.get("updated_at"),
            employment_type=metadata.get("Employment Type") or metadata.get("Employment type"),
            remote=metadata.get("Remote") or metadata.get("Workplace Type"),
            needs_details=needs_details, detail_url=f"{self.spec.url.rstrip('/')}/{job['id']}")

    def fetch(self, posting: RawPosting) -> RawPosting:
        return self._posting(self.client.get_json(posting.detail_url))
