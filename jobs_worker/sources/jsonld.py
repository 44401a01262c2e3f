"""Career pages that embed schema.org JobPosting JSON-LD. {url} is a sitemap (or sitemap index,
followed one level) or a list page (`params.mode: "list"`); job page URLs are those matching
`params.url_pattern` (a regular expression; default any URL containing "job"). Each page is then
fetched and its JobPosting read (also inside @graph or a list)."""

import json
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from lxml import etree

from career_app.services.ingestion import RawPosting
from jobs_worker.http import FetchError
from jobs_worker.sources.base import Adapter, ListingTruncated, text_of

MAX_SITEMAPS = 50
MAX_PAGES_LISTED = 5000


class _Scripts(HTMLParser):
    """The JSON-LD scripts and links of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.links: list[str] = []
        self._in = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and (attrs.get("type") or "").lower().startswith("application/ld+json"):
            self._in = True
            self.scripts.append("")
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = False

    def handle_data(self, data):
        if self._in:
            self.scripts[-1] += data


def _postings_in(value):
    if isinstance(value, list):
        for item in value:
            yield from _postings_in(item)
    elif isinstance(value, dict):
        kind = value.get("@type")
        if kind == "JobPosting" or (isinstance(kind, list) and "JobPosting" in kind):
            yield value
        elif "@graph" in value:
            yield from _postings_in(value["@graph"])


def job_postings(page: bytes | str) -> list[dict]:
    parser = _Scripts()
    parser.feed(page.decode("utf-8", "replace") if isinstance(page, bytes) else page)
    found = []
    for script in parser.scripts:
        try:
            found += list(_postings_in(json.loads(script.strip().removeprefix("<!--").removesuffix("-->"))))
        except ValueError:
            continue
    return found


def _location(posting: dict) -> str | None:
    places = posting.get("jobLocation")
    places = places if isinstance(places, list) else [places] if places else []
    names = []
    for place in places:
        address = (place or {}).get("address") if isinstance(place, dict) else None
        if isinstance(address, dict):
            parts = [text_of(address.get(k)) for k in ("addressLocality", "addressRegion", "addressCountry")]
            names.append(", ".join(p for p in parts if p))
        elif isinstance(address, str):
            names.append(address)
    return " / ".join(n for n in names if n) or None


class Source(Adapter):
    kind = "jsonld"

    def _pattern(self) -> re.Pattern:
        return re.compile(self.params.get("url_pattern") or r"job", re.I)

    def list_postings(self):
        pattern = self._pattern()
        urls: dict[str, None] = {}
        if self.params.get("mode") == "list":
            parser = _Scripts()
            parser.feed(self.client.get(self.spec.url, accept="text/html").text)
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
        data = found[0]
        salary = data.get("baseSalary") or data.get("estimatedSalary") or {}
        salary = salary[0] if isinstance(salary, list) and salary else salary
        value = salary.get("value") if isinstance(salary, dict) else None
        value = value if isinstance(value, dict) else {"value": value} if value is not None else {}
        identifier = data.get("identifier")
        remote = "remote" if data.get("jobLocationType") == "TELECOMMUTE" else None
        return RawPosting(
            external_id=str((identifier.get("value") or identifier.get("name")) if isinstance(identifier, dict)
                            else identifier or posting.external_id),
            title=data.get("title"), url=data.get("url") or posting.url,
            company=text_of(data.get("hiringOrganization")) or posting.company, location=_location(data),
            description=data.get("description"), posted_at=data.get("datePosted"),
            employment_type=data.get("employmentType"), remote=remote,
            salary_min=value.get("minValue", value.get("value")), salary_max=value.get("maxValue", value.get("value")),
            salary_currency=salary.get("currency") if isinstance(salary, dict) else None,
            salary_period=value.get("unitText"), skills=_skills(data), detail_url=posting.detail_url)


def _skills(data: dict) -> list[str]:
    skills = data.get("skills") or []
    if isinstance(skills, str):
        return [s.strip() for s in re.split(r"[,;]", skills) if s.strip()]
    return [text_of(s) for s in skills if text_of(s)] if isinstance(skills, list) else []
