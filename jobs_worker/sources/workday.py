"""Workday career sites (CXS): POST {url} (https://<tenant>.<wdN>.myworkdayjobs.com/wday/cxs/<tenant>/<site>/jobs)
with {"limit", "offset", "searchText", "appliedFacets"} pages through thin postings (title, path,
"Posted 3 Days Ago"); GET <site URL><externalPath> has the description. Workday reports `total`
on the first page only (0 afterwards): the first one is kept."""

from urllib.parse import urlsplit

from career_app.services.ingestion import RawPosting
from jobs_worker.sources.base import Adapter, text_of


class Source(Adapter):
    kind = "workday"

    @property
    def site(self) -> str:
        return self.spec.url.rstrip("/").removesuffix("/jobs")

    def list_postings(self):
        limit = min(int(self.params.get("page_size", 20)), 20)  # Workday refuses more than 20
        total = None
        for page in self.pages():
            body = {"appliedFacets": self.params.get("facets", {}), "limit": limit, "offset": page * limit,
                    "searchText": self.params.get("search", "")}
            data = self.client.post_json(self.spec.url, body)
            if total is None or (data.get("total") or 0) > total:
                total = data.get("total") or 0
            postings = data.get("jobPostings") or []
            for job in postings:
                if isinstance(job, dict) and job.get("externalPath"):
                    yield self._thin(job)
            if len(postings) < limit or (page + 1) * limit >= total:
                return

    def _thin(self, job: dict) -> RawPosting:
        path = job["externalPath"]
        return RawPosting(external_id=path, title=job.get("title"), location=job.get("locationsText"),
                          posted_at=job.get("postedOn"), remote=job.get("remoteType"), company=self.company,
                          url=self._public_url(path), needs_details=True, detail_url=f"{self.site}{path}")

    def _public_url(self, path: str) -> str:
        parts = urlsplit(self.site)
        site = parts.path.rstrip("/").split("/")[-1]
        return self.params.get("public_url", f"{parts.scheme}://{parts.netloc}/{site}").rstrip("/") + path

    def fetch(self, posting: RawPosting) -> RawPosting:
        data = self.client.get_json(posting.detail_url)
        info = data.get("jobPostingInfo") or {}
        organization = text_of(data.get("hiringOrganization"))
        location = info.get("location") or posting.location
        if info.get("additionalLocations"):
            location = " / ".join([location, *info["additionalLocations"]])
        return RawPosting(
            external_id=posting.external_id, title=info.get("title") or posting.title,
            url=info.get("externalUrl") or posting.url, company=organization or posting.company, location=location,
            description=info.get("jobDescription"), posted_at=info.get("startDate") or posting.posted_at,
            employment_type=info.get("timeType"), remote=info.get("remoteType") or posting.remote,
            detail_url=posting.detail_url)
