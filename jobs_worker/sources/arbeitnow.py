"""Arbeitnow's job board API (arbeitnow.com/api/job-board-api): GET {url}?page=N answers
{"data": [...], "links": {"next": ...}, "meta": {...}}, about 100 jobs a page, newest first. A job:
slug (its id), company_name, title, description (HTML), remote (bool), url, tags, job_types, location,
created_at (epoch seconds). No salary fields.

Terms: free and keyless; link back to the job's Arbeitnow URL and name Arbeitnow as the source."""

from career_app.services.ingestion import RawPosting
from jobs_worker.sources.base import Adapter


class Source(Adapter):
    kind = "arbeitnow"

    def list_postings(self):
        for page in self.pages():
            body = self.client.get_json(self.spec.url, params={"page": page + 1})
            batch = (body.get("data") if isinstance(body, dict) else None) or []
            for job in batch:
                if isinstance(job, dict) and job.get("slug"):
                    yield self._posting(job)
            if not batch or not ((body.get("links") or {}).get("next")):
                return

    def _posting(self, job: dict) -> RawPosting:
        return RawPosting(
            external_id=str(job["slug"]), title=job.get("title"), url=job.get("url"),
            company=job.get("company_name") or self.company, location=job.get("location"),
            description=job.get("description"), posted_at=job.get("created_at"),
            employment_type=job.get("job_types"), remote=True if job.get("remote") is True else None,
            skills=[t for t in job.get("tags") or [] if isinstance(t, str)], extra={"source_site": "Arbeitnow"})
