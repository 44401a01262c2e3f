"""Landing.jobs' public API (landing.jobs/api/v1/jobs): GET {url}?limit=&offset= answers a JSON array
of jobs: id, title, role_description, main_requirements, nice_to_have, perks (HTML parts), url,
published_at, type ("Full-time"...), remote (bool), locations [{city, country_code}], currency_code,
gross_salary_low / gross_salary_high (yearly), tags. The company is not named in the job, only in its
URL (landing.jobs/at/<company>/<job>).

Terms: link back to the job on Landing.jobs and name Landing.jobs as the source."""

import re

from career_app.services.ingestion import RawPosting
from jobs_worker.sources.base import Adapter

_COMPANY_IN_URL = re.compile(r"/at/([^/?#]+)/")


class Source(Adapter):
    kind = "landingjobs"

    def list_postings(self):
        limit = int(self.params.get("page_size", 50))
        for page in self.pages():
            batch = self.client.get_json(self.spec.url, params={"limit": limit, "offset": page * limit})
            batch = batch if isinstance(batch, list) else []
            for job in batch:
                if isinstance(job, dict) and job.get("id") is not None:
                    yield self._posting(job)
            if len(batch) < limit:
                return

    def _company(self, url: str | None) -> str | None:
        found = _COMPANY_IN_URL.search(url or "")
        return found.group(1).replace("-", " ").title() if found else self.company

    def _posting(self, job: dict) -> RawPosting:
        sections = [("", job.get("role_description")), ("Requirements", job.get("main_requirements")),
                    ("Nice to have", job.get("nice_to_have")), ("Perks", job.get("perks"))]
        description = "".join(f"<h3>{title}</h3>{text}" if title else text for title, text in sections if text)
        places = [p for p in job.get("locations") or [] if isinstance(p, dict)]
        location = "; ".join(", ".join(x for x in (p.get("city"), p.get("country_code")) if x) for p in places) or None
        country = places[0].get("country_code") if len(places) == 1 else None
        return RawPosting(
            external_id=str(job["id"]), title=job.get("title"), url=job.get("url"), company=self._company(job.get("url")),
            location=location, description=description, posted_at=job.get("published_at"),
            employment_type=job.get("type"), remote=True if job.get("remote") is True else None,
            salary_min=job.get("gross_salary_low"), salary_max=job.get("gross_salary_high"),
            salary_currency=job.get("currency_code"), salary_period="year",
            skills=[t for t in job.get("tags") or [] if isinstance(t, str)],
            extra={"source_site": "Landing.jobs", **({"country": country} if country else {})})
