"""One adapter per kind of job source, all with the same small interface:

    adapter = build(spec, client)
    for posting in adapter.list_postings(): ...   # RawPosting items; raises FetchError when the listing breaks
    posting = adapter.fetch(posting)             # details, for postings the list left thin (needs_details)

A source is an adapter kind + its `url` (the feed or API endpoint it starts from, so any source can
point at a mirror or a test server) + `params`. Adapters only read and map; normalization, dedup and
storage are career_app.services.ingestion's. Every request goes through the shared PoliteClient."""

from jobs_worker.sources.base import Adapter
from jobs_worker.sources import (arbeitnow, ashby, file, greenhouse, himalayas, jobicy, jsonld, landingjobs, lever, remoteok,
                                 remotive, rss, smartrecruiters, themuse, workable, workday)

ADAPTERS: dict[str, type[Adapter]] = {
    module.Source.kind: module.Source
    for module in (greenhouse, lever, ashby, smartrecruiters, workable, workday, rss, jsonld, file,
                   # public job boards' APIs (terms in each module's docstring)
                   remotive, arbeitnow, remoteok, jobicy, himalayas, themuse, landingjobs)
}


def build(spec, client) -> Adapter:
    return ADAPTERS[str(spec.kind)](spec, client)


__all__ = ["ADAPTERS", "Adapter", "build"]
