"""RSS 2.0 and Atom job feeds (feedparser, which copes with malformed feeds): each entry is a
posting. Boards that put the company in the title ("Acme: Backend Engineer") are read with
`params.title_format: "company: title"`."""

import calendar

import feedparser

from career_app.services.ingestion import RawPosting
from jobs_worker.http import FetchError
from jobs_worker.sources.base import Adapter


class Source(Adapter):
    kind = "rss"

    def list_postings(self):
        response = self.client.get(self.spec.url, accept="application/rss+xml, application/atom+xml, application/xml")
        feed = feedparser.parse(response.content, sanitize_html=False, resolve_relative_uris=False)
        if feed.bozo and not feed.entries:
            raise FetchError(self.spec.url, f"unreadable feed: {feed.get('bozo_exception')}"[:200])
        for entry in feed.entries:
            identity = entry.get("id") or entry.get("link")
            if identity:
                yield self._posting(entry, identity)

    def _posting(self, entry, identity: str) -> RawPosting:
        title, company = entry.get("title"), self.company or entry.get("author")
        if self.params.get("title_format") == "company: title" and title and ":" in title:
            company, title = (part.strip() for part in title.split(":", 1))
        content = (entry.get("content") or [{}])[0].get("value") or entry.get("summary")
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        location = entry.get("region") or entry.get("location") or entry.get("job_location")
        tags = [t.get("term") for t in entry.get("tags") or [] if t.get("term")]
        return RawPosting(
            external_id=identity, title=title, url=entry.get("link"), company=company, location=location,
            description=content, posted_at=calendar.timegm(published) if published else entry.get("published"),
            employment_type=entry.get("job_type") or entry.get("type"), skills=tags,
            remote=entry.get("remote"))
