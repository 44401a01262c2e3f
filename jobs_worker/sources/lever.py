"""Lever postings API: GET {url} (…/v0/postings/<company>) ?mode=json&skip=&limit= pages through
every posting with its description, lists and salary range."""

from career_app.services.ingestion import RawPosting
from jobs_worker.sources.base import Adapter


class Source(Adapter):
    kind = "lever"

    def list_postings(self):
        limit = int(self.params.get("page_size", 100))
        for page in self.pages():
            batch = self.client.get_json(self.spec.url, params={"mode": "json", "skip": page * limit, "limit": limit})
            if not isinstance(batch, list):
                batch = batch.get("data") or [] if isinstance(batch, dict) else []
            for job in batch:
                if isinstance(job, dict) and job.get("id"):
                    yield self._posting(job)
            if len(batch) < limit:
                return

    def _posting(self, job: dict) -> RawPosting:
        categories = job.get("categories") or {}
        parts = [job.get("description") or job.get("descriptionPlain") or ""]
        for section in job.get("lists") or []:
            if isinstance(section, dict):
                parts.append(f"<h3>{section.get('text', '')}</h3><ul>{section.get('content', '')}</ul>")
        parts.append(job.get("additional") or "")
        salary = job.get("salaryRange") or {}
        return RawPosting(
            external_id=str(job["id"]), title=job.get("text"), url=job.get("hostedUrl") or job.get("applyUrl"),
            company=self.company, location=categories.get("location"), description="".join(parts),
            posted_at=job.get("createdAt"), employment_type=categories.get("commitment"),
            remote=job.get("workplaceType"), salary_min=salary.get("min"), salary_max=salary.get("max"),
            salary_currency=salary.get("currency"),
            salary_period=(salary.get("interval") or "").replace("per-", "") or None)
