"""Career pages that embed schema.org JobPosting JSON-LD. {url} is a sitemap (or sitemap index,
followed one level) or a list page (`params.mode: "list"`); job page URLs are those matching
`params.url_pattern` (a regular expression; default any URL containing "job"). Each page is then
fetched and its JobPosting read (also inside @graph or a list)."""

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree

from career_app.services.ingestion import RawPosting
from career_app.services.job_import import job_postings, parse_page, raw_posting
from jobs_worker.http import FetchError
from jobs_worker.sources.base import Adapter, ListingTruncated

MAX_SITEMAPS = 50
MAX_PAGES_LISTED = 5000


class Source(Adapter):
    kind = "jsonld"

    def _pattern(self) -> re.Pattern:
        return re.compile(self.params.get("url_pattern") or r"job", re.I)

    def list_postings(self):
        pattern = self._pattern()
        urls: dict[str, None] = {}
        if self.params.get("mode") == "list":
            parser = parse_page(self.client.get(self.spec.url, accept="text/html").text)
            urls = {urljoin(self.spec.url, href): None for href in parser.links
                    if pattern.search(urljoin(self.spec.url, href))}
        else:
            self._from_sitemap(self.spec.url, pattern, urls, depth=0)
        same_host = urlsplit(self.spec.url).netloc
        for url in urls:
            if self.params.get("other_hosts") or urlsplit(url).netloc == same_host:
                yield RawPosting(external_id=url, url=url, detail_url=url, company=self.company, needs_details=True)

    def _from_sitemap(self, url: str, pattern: re.Pattern, urls: dict, depth: int) -> None:
        try:
            root = etree.fromstring(self.client.get(url, accept="application/xml, text/xml").content,
                                    etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
        except etree.XMLSyntaxError as exc:
            raise FetchError(url, f"unreadable sitemap: {exc}"[:200]) from exc
        locs = [el.text.strip() for el in root.iter("{*}loc") if el.text]
        if etree.QName(root).localname == "sitemapindex":
            if depth >= 1 or len(locs) > MAX_SITEMAPS:
                raise ListingTruncated(url, "sitemap index too deep or too large")
            for child in locs:
                self._from_sitemap(child, pattern, urls, depth + 1)
            return
        for loc in locs:
            if pattern.search(loc):
                urls[loc] = None
                if len(urls) > MAX_PAGES_LISTED:
                    raise ListingTruncated(url, f"more than {MAX_PAGES_LISTED} job pages: listing cut off")

    def fetch(self, posting: RawPosting) -> RawPosting:
        found = job_postings(self.client.get(posting.detail_url, accept="text/html").content)
        if not found:
            raise FetchError(posting.detail_url, "no JobPosting JSON-LD on the page")
        return raw_posting(found[0], url=posting.url, external_id=posting.external_id, company=posting.company,
                           detail_url=posting.detail_url)
