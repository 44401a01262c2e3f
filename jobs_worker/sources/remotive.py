"""Remotive's public API (remotive.com/api/remote-jobs): GET {url}?category=&search=&limit= answers
{"job-count": n, "jobs": [...]} in one page; every job is remote, with the region a candidate must be
in (candidate_required_location), tags, job_type, publication_date and an HTML description; salary is
free text, kept in the description as posted.

Terms (github.com/remotive-com/remote-jobs-api): link back to the job's Remotive URL and name Remotive
as the source; do not pass the jobs on to other job sites; a few requests a day (at most 4); jobs
appear 24 hours late."""

from career_app.services.ingestion import RawPosting
from jobs_worker.sources.base import Adapter, json_items

QUERY = ("category", "search", "limit", "company_name")


class Source(Adapter):
    kind = "remotive"

    def list_postings(self):
        for job in json_items(self.client.get_json(self.spec.url, params=self.query(QUERY)), "jobs"):
            if job.get("id") is not None:
                yield self._posting(job)

    def _posting(self, job: dict) -> RawPosting:
        description = job.get("description") or ""
        if job.get("salary"):
            description += f"<p>Salary (as posted): {job['salary']}</p>"
        return RawPosting(
            external_id=str(job["id"]), title=job.get("title"), url=job.get("url"),
            company=job.get("company_name") or self.company, location=job.get("candidate_required_location"),
            description=description, posted_at=job.get("publication_date"), employment_type=job.get("job_type"),
            remote="remote", skills=[t for t in job.get("tags") or [] if isinstance(t, str)],
            extra={"source_site": "Remotive", "category": job.get("category")})
