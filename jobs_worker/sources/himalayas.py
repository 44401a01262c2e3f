"""Himalayas' jobs API (himalayas.app/jobs/api): GET {url}?limit=&offset= answers {"offset", "limit",
"totalCount", "jobs": [...]}, at most 20 jobs a request; newer answers page with an opaque cursor
instead ("nextCursor", sent back as ?cursor=). A job: guid (its URL, the id), title, companyName,
employmentType, minSalary / maxSalary / currency (yearly unless salaryPeriod says otherwise),
locationRestrictions (countries, or none: worldwide), categories, description (HTML), pubDate (epoch
seconds), applicationLink. Every job is remote.

Terms: link back to the job on Himalayas and name Himalayas as the source; do not pass the jobs on to
other job sites."""

from career_app.services.ingestion import RawPosting
from career_app.services.job_import import text_of
from jobs_worker.sources.base import Adapter

PAGE = 20


class Source(Adapter):
    kind = "himalayas"

    def list_postings(self):
        offset, cursor = 0, None
        for _ in self.pages():
            params = {"limit": PAGE, **({"cursor": cursor} if cursor else {"offset": offset})}
            body = self.client.get_json(self.spec.url, params=params)
            batch = (body.get("jobs") if isinstance(body, dict) else None) or []
            for job in batch:
                if isinstance(job, dict) and (job.get("guid") or job.get("applicationLink")):
                    yield self._posting(job)
            cursor = body.get("nextCursor") if isinstance(body, dict) else None
            offset += len(batch)
            total = body.get("totalCount") if isinstance(body, dict) else None
            if not batch or (not cursor and (not isinstance(total, int) or offset >= total)):
                return

    def _posting(self, job: dict) -> RawPosting:
        places = [text_of(p) for p in job.get("locationRestrictions") or []]
        location = ", ".join(p for p in places if p) or "Worldwide"
        period = str(job.get("salaryPeriod") or "").lower().removesuffix("ly").replace("annual", "year") or None
        return RawPosting(
            external_id=str(job.get("guid") or job.get("applicationLink")), title=job.get("title"),
            url=job.get("applicationLink") or job.get("guid"), company=job.get("companyName") or self.company,
            location=location, description=job.get("description") or job.get("excerpt"),
            posted_at=job.get("pubDate"), employment_type=job.get("employmentType"), remote="remote",
            salary_min=job.get("minSalary"), salary_max=job.get("maxSalary"),
            salary_currency=job.get("currency") or job.get("salaryCurrency"),
            salary_period={"dai": "day", "year": "year", "month": "month", "week": "week", "hour": "hour"}.get(period or ""),
            skills=[c for c in job.get("categories") or [] if isinstance(c, str)], extra={"source_site": "Himalayas"})
