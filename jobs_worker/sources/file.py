"""The project's own catalogue format, a JSON file {"postings": [...]}: the sample catalogue bundled
in jobs_worker/data (url: its file name), or the same format over http(s)."""

import json
from urllib.parse import urlsplit

from career_app.services.ingestion import RawPosting, catalogue_file
from jobs_worker.http import FetchError
from jobs_worker.sources.base import Adapter


class Source(Adapter):
    kind = "file"

    def _read(self) -> dict:
        if urlsplit(self.spec.url).scheme in ("http", "https"):
            return self.client.get_json(self.spec.url)
        path = catalogue_file(self.spec.url)
        if path.stat().st_size > self.client.policy.max_bytes:
            raise FetchError(self.spec.url, "catalogue file over the size cap")
        return json.loads(path.read_text(encoding="utf-8"))

    def list_postings(self):
        data = self._read()
        for item in data.get("postings") or [] if isinstance(data, dict) else []:
            if not isinstance(item, dict) or not item.get("id"):
                continue
            yield RawPosting(
                external_id=str(item["id"]), title=item.get("title"), url=item.get("url"),
                company=item.get("company") or self.company, location=item.get("location"),
                description=item.get("description"), posted_at=item.get("posted_at"),
                employment_type=item.get("employment_type"), remote=item.get("remote"),
                salary_min=item.get("salary_min"), salary_max=item.get("salary_max"),
                salary_currency=item.get("salary_currency"), salary_period=item.get("salary_period"),
                skills=[s for s in item.get("skills") or [] if isinstance(s, str)],
                extra={"family": item.get("family"), "country": item.get("country")})
