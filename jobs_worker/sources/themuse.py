"""The Muse's public API (themuse.com/api/public/jobs): GET {url}?page=N (from 0; required) with
optional category, level, location, company and api_key answers {"page", "page_count", "results": [...]}
(20 a page). A job: id, name (the title), contents (HTML), type, publication_date, locations [{name}],
levels, categories, refs.landing_page, company {name}. No salary fields. "Flexible / Remote" among the
locations means remote.

Terms (themuse.com/developers/api/v2): attribute The Muse and link to the job's landing page; 500
requests an hour without an API key, 3,600 with one."""

from career_app.services.ingestion import RawPosting
from career_app.services.job_import import text_of
from jobs_worker.sources.base import Adapter

QUERY = ("category", "level", "location", "company", "api_key", "descending")


class Source(Adapter):
    kind = "themuse"

    def list_postings(self):
        query = self.query(QUERY)
        for page in self.pages():
            body = self.client.get_json(self.spec.url, params={**query, "page": page})
            batch = (body.get("results") if isinstance(body, dict) else None) or []
            for job in batch:
                if isinstance(job, dict) and job.get("id") is not None:
                    yield self._posting(job)
            count = body.get("page_count") if isinstance(body, dict) else None
            if not batch or not isinstance(count, int) or page + 1 >= count:
                return

    def _posting(self, job: dict) -> RawPosting:
        places = [text_of(p) for p in job.get("locations") or []]
        remote = "remote" if any(p and "remote" in p.lower() for p in places) else None
        return RawPosting(
            external_id=str(job["id"]), title=job.get("name"), url=(job.get("refs") or {}).get("landing_page"),
            company=text_of(job.get("company")) or self.company,
            location="; ".join(p for p in places if p and "remote" not in p.lower()) or None,
            description=job.get("contents"), posted_at=job.get("publication_date"),
            employment_type=job.get("type"), remote=remote, extra={"source_site": "The Muse"})
