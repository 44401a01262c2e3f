"""What every adapter shares: its source, the polite client, and bounds on pagination."""

from collections.abc import Iterator

from career_app.services.ingestion import RawPosting, SourceSpec
from career_app.services.job_import import text_of  # noqa: F401 - the adapters' name helper lives with the JSON-LD parsing
from jobs_worker.http import FetchError, PoliteClient

MAX_PAGES = 500  # a feed that never stops paginating is cut off (the run is then partial, never complete)


def json_items(body, key: str) -> list[dict]:
    """The objects listed under `key` of a board's JSON answer; nothing for any other shape."""
    items = body.get(key) if isinstance(body, dict) else None
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


class ListingTruncated(FetchError):
    """The listing was cut off by a bound: what was read is stored, but nothing may be closed."""


class Adapter:
    kind = ""

    def __init__(self, spec: SourceSpec, client: PoliteClient):
        self.spec, self.client = spec, client
        self.params = spec.params or {}

    @property
    def company(self) -> str | None:
        return self.params.get("company")

    @property
    def max_pages(self) -> int:
        return int(self.params.get("max_pages", MAX_PAGES))

    def pages(self):
        """Page numbers 0, 1, ... up to max_pages; running past it raises ListingTruncated."""
        for page in range(self.max_pages):
            yield page
        raise ListingTruncated(self.spec.url, f"more than {self.max_pages} pages: listing cut off")

    def query(self, names) -> dict:
        """The source's params among `names`, as the query of a board's API."""
        return {name: self.params[name] for name in names if name in self.params}

    def list_postings(self) -> Iterator[RawPosting]:
        raise NotImplementedError

    def fetch(self, posting: RawPosting) -> RawPosting:
        """Details of one posting; the default adapter's list is complete already."""
        return posting
