"""SmartRecruiters posting API: GET {url} (…/v1/companies/<company>/postings) ?offset=&limit= pages
through thin postings (no description); GET {url}/<id> (or the posting's `ref`) has the job ad."""

from career_app.services.ingestion import RawPosting
from jobs_worker.sources.base import Adapter


class Source(Adapter):
    kind = "smartrecruiters"

    def list_postings(self):
        limit = int(self.params.get("page_size", 100))
        for page in self.pages():
            data = self.client.get_json(self.spec.url, params={"offset": page * limit, "limit": limit})
            content = data.get("content") or []
            for job in content:
                if isinstance(job, dict) and job.get("id"):
                    yield self._posting(job, needs_details=True)
            total = data.get("totalFound")
            if len(content) < limit or (isinstance(total, int) and (page + 1) * limit >= total):
                return

    def _posting(self, job: dict, needs_details: bool = False) -> RawPosting:
        location = job.get("location") or {}
        place = location.get("fullLocation") or ", ".join(
            str(location[k]) for k in ("city", "region", "country") if location.get(k))
        sections = ((job.get("jobAd") or {}).get("sections") or {})
        description = "".join(f"<h3>{s.get('title', '')}</h3>{s.get('text', '')}"
                              for s in sections.values() if isinstance(s, dict))
        remote = "remote" if location.get("remote") else "hybrid" if location.get("hybrid") else None
        return RawPosting(
            external_id=str(job["id"]), title=job.get("name"),
            url=job.get("postingUrl") or job.get("applyUrl"),
            company=(job.get("company") or {}).get("name") or self.company, location=place or None,
            description=description or None, posted_at=job.get("releasedDate"),
            employment_type=(job.get("typeOfEmployment") or {}).get("label") or (job.get("typeOfEmployment") or {}).get("id"),
            remote=remote, needs_details=needs_details,
            detail_url=f"{self.spec.url.rstrip('/')}/{job['id']}")

    def fetch(self, posting: RawPosting) -> RawPosting:
        return self._posting(self.client.get_json(posting.detail_url))
