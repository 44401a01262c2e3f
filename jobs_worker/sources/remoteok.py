"""Remote OK's API (remoteok.com/api): GET {url} answers one JSON array whose first item is the legal
notice ({"legal": ...}), then the jobs: id, slug, epoch, date, company, position, tags, description
(HTML), location, salary_min / salary_max (yearly, in US dollars; 0 when none is stated), apply_url,
url. Every job is remote.

Terms (the notice in the feed itself): link back to the job's Remote OK URL and name Remote OK as the
source; no use of its logo without permission."""

from career_app.services.ingestion import RawPosting
from jobs_worker.sources.base import Adapter


class Source(Adapter):
    kind = "remoteok"

    def list_postings(self):
        body = self.client.get_json(self.spec.url)
        for job in body if isinstance(body, list) else []:
            # the first item is the legal notice, not a job
            if isinstance(job, dict) and job.get("id") is not None and job.get("position"):
                yield self._posting(job)

    def _posting(self, job: dict) -> RawPosting:
        low, high = job.get("salary_min") or None, job.get("salary_max") or None
        return RawPosting(
            external_id=str(job["id"]), title=job.get("position"), url=job.get("url") or job.get("apply_url"),
            company=job.get("company") or self.company, location=job.get("location") or None,
            description=job.get("description"), posted_at=job.get("epoch") or job.get("date"), remote="remote",
            salary_min=low, salary_max=high, salary_currency="USD" if low or high else None,
            skills=[t for t in job.get("tags") or [] if isinstance(t, str)], extra={"source_site": "Remote OK"})
