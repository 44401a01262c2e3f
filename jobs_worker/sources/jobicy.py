"""Jobicy's remote jobs API (jobicy.com/api/v2/remote-jobs): GET {url}?count=&geo=&industry=&tag=
answers {"jobCount": n, "jobs": [...]} in one page (the last days' jobs). A job: id, url, jobTitle,
companyName, jobIndustry, jobType (lists), jobGeo, jobLevel, jobExcerpt, jobDescription (HTML),
pubDate, and when stated salaryMin / salaryMax / salaryCurrency / salaryPeriod (older answers:
annualSalaryMin / annualSalaryMax / salaryCurrency). Every job is remote.

Terms: link back to the job's Jobicy URL and name Jobicy as the source; do not pass the jobs on to
other job sites (Jooble, Google Jobs, LinkedIn...); no more than a few requests an hour."""

from career_app.services.ingestion import RawPosting
from jobs_worker.sources.base import Adapter, json_items

QUERY = ("count", "geo", "industry", "tag")


class Source(Adapter):
    kind = "jobicy"

    def list_postings(self):
        for job in json_items(self.client.get_json(self.spec.url, params=self.query(QUERY)), "jobs"):
            if job.get("id") is not None:
                yield self._posting(job)

    def _posting(self, job: dict) -> RawPosting:
        yearly = "annualSalaryMin" in job or "annualSalaryMax" in job
        period = {"yearly": "year", "annual": "year", "monthly": "month", "weekly": "week", "daily": "day",
                  "hourly": "hour"}.get(str(job.get("salaryPeriod") or "").lower(), "year" if yearly else None)
        return RawPosting(
            external_id=str(job["id"]), title=job.get("jobTitle"), url=job.get("url"),
            company=job.get("companyName") or self.company, location=job.get("jobGeo"),
            description=job.get("jobDescription") or job.get("jobExcerpt"), posted_at=job.get("pubDate"),
            employment_type=job.get("jobType"), remote="remote",
            salary_min=job.get("salaryMin", job.get("annualSalaryMin")),
            salary_max=job.get("salaryMax", job.get("annualSalaryMax")),
            salary_currency=job.get("salaryCurrency"), salary_period=period,
            skills=[t for t in job.get("jobIndustry") or [] if isinstance(t, str)], extra={"source_site": "Jobicy"})
