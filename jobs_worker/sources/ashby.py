"""Ashby posting API: GET {url} (…/posting-api/job-board/<org>) ?includeCompensation=true lists every
published posting with its HTML description and compensation."""

from career_app.services.ingestion import RawPosting
from jobs_worker.sources.base import Adapter, text_of


class Source(Adapter):
    kind = "ashby"

    def list_postings(self):
        data = self.client.get_json(self.spec.url, params={"includeCompensation": "true"})
        for job in data.get("jobs") or []:
            if isinstance(job, dict) and job.get("id") and job.get("isListed", True):
                yield self._posting(job)

    def _posting(self, job: dict) -> RawPosting:
        low = high = currency = period = None
        for part in (job.get("compensation") or {}).get("summaryComponents") or []:
            if isinstance(part, dict) and part.get("compensationType") == "Salary":
                low, high, currency = part.get("minValue"), part.get("maxValue"), part.get("currencyCode")
                period = (part.get("interval") or "1 YEAR").split()[-1].lower()
                break
        remote = job.get("workplaceType") or (True if job.get("isRemote") else None)
        return RawPosting(
            external_id=str(job["id"]), title=job.get("title"), url=job.get("jobUrl") or job.get("applyUrl"),
            company=self.company, location=text_of(job.get("location")),
            description=job.get("descriptionHtml") or job.get("descriptionPlain"), posted_at=job.get("publishedAt"),
            employment_type=job.get("employmentType"), remote=remote, salary_min=low, salary_max=high,
            salary_currency=currency, salary_period=period)
