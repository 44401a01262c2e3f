"""Reading job postings from web pages: schema.org JobPosting JSON-LD (the pure parsing the
ingestion adapter shares), OpenGraph/meta tags as a fallback, and a seeker's "import a job from its
URL" into their tracker.

The fetch is careful with the URL a user typed: http(s) only, connect and read timeouts, a size cap
read in a stream, at most MAX_REDIRECTS redirects, and every connection's address checked after DNS
resolution (the socket connects to exactly the address that was checked, so a name that resolves
differently a moment later cannot slip through): loopback, private, link-local, multicast, reserved
and unspecified addresses are refused unless IMPORT_ALLOW_PRIVATE_HOSTS is set (tests only)."""

import html
import ipaddress
import json
import re
import socket
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from career_app.services import ingestion
from career_app.services.errors import Unprocessable


def _refused(detail: str) -> Unprocessable:
    """The URL is well-formed but names no job page this server may fetch and read: a 422 on `url`."""
    return Unprocessable(detail, ("body", "url"), "job_page_unusable")
from career_app.settings import settings
from models.application_schemas import TrackedJobCreate

MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 3
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
DEADLINE = 20.0  # seconds for the whole fetch, redirects included: a page trickled byte by byte is dropped
USER_AGENT = "CareerCopilot/1.0 (job import; +https://github.com/career-copilot)"


# --- JSON-LD parsing (pure; also used by jobs_worker/sources/jsonld.py) --------------------------


def text_of(value) -> str | None:
    """A display string from the shapes feeds use for names: "x", {"name": "x"}, {"label": "x"}."""
    if value is None:
        return None
    if isinstance(value, dict):
        for key in ("name", "label", "descriptor", "text", "value", "fullLocation"):
            if isinstance(value.get(key), str):
                return value[key]
        return None
    if isinstance(value, list):
        parts = [text_of(v) for v in value]
        return " / ".join(p for p in parts if p) or None
    return str(value)


class PageParts(HTMLParser):
    """What a page tells about itself: its JSON-LD scripts, links, <title> and <meta> tags."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.links: list[str] = []
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_script = self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and (attrs.get("type") or "").lower().startswith("application/ld+json"):
            self._in_script = True
            self.scripts.append("")
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            name = (attrs.get("property") or attrs.get("name") or "").strip().lower()
            if name and attrs.get("content") is not None and name not in self.meta:
                self.meta[name] = attrs["content"]

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
        elif self._in_title:
            self.title += data


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


def postings_in(parts: PageParts) -> list[dict]:
    found = []
    for script in parts.scripts:
        try:
            found += list(_postings_in(json.loads(script.strip().removeprefix("<!--").removesuffix("-->"))))
        except (ValueError, RecursionError):  # RecursionError: a hostile page's "[[[[..." or @graph in @graph
            continue
    return found


def parse_page(page: bytes | str) -> PageParts:
    parts = PageParts()
    parts.feed(page.decode("utf-8", "replace") if isinstance(page, bytes) else page)
    parts.close()
    return parts


def job_postings(page: bytes | str) -> list[dict]:
    """Every schema.org JobPosting in the page's JSON-LD (top level, in lists or in @graph)."""
    return postings_in(parse_page(page))


def location_of(posting: dict) -> str | None:
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


def _skills(data: dict) -> list[str]:
    skills = data.get("skills") or []
    if isinstance(skills, str):
        return [s.strip() for s in re.split(r"[,;]", skills) if s.strip()]
    return [text_of(s) for s in skills if text_of(s)] if isinstance(skills, list) else []


def raw_posting(data: dict, *, url: str, external_id: str, company: str | None = None,
                detail_url: str | None = None) -> ingestion.RawPosting:
    """A JobPosting object as the ingestion pipeline's RawPosting (not yet normalized)."""
    salary = data.get("baseSalary") or data.get("estimatedSalary") or {}
    salary = salary[0] if isinstance(salary, list) and salary else salary
    value = salary.get("value") if isinstance(salary, dict) else None
    value = value if isinstance(value, dict) else {"value": value} if value is not None else {}
    identifier = data.get("identifier")
    remote = "remote" if data.get("jobLocationType") == "TELECOMMUTE" else None
    return ingestion.RawPosting(
        external_id=str((identifier.get("value") or identifier.get("name")) if isinstance(identifier, dict)
                        else identifier or external_id),
        title=text_of(data.get("title")), url=data.get("url") if isinstance(data.get("url"), str) else url,
        company=text_of(data.get("hiringOrganization")) or company, location=location_of(data),
        description=data.get("description") if isinstance(data.get("description"), str) else None,
        posted_at=data.get("datePosted"), employment_type=data.get("employmentType"), remote=remote,
        salary_min=value.get("minValue", value.get("value")), salary_max=value.get("maxValue", value.get("value")),
        salary_currency=salary.get("currency") if isinstance(salary, dict) else None,
        salary_period=value.get("unitText"), skills=_skills(data), detail_url=detail_url)


# --- fetching a user's URL safely ----------------------------------------------------------------


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def refusal(address: str) -> str | None:
    """Why connecting to this IP address is refused (None: a public address)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv4 carried inside IPv6 (mapped, 6to4, Teredo, NAT64) is judged as the IPv4 it reaches.
        embedded = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
        if ip in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        for inner in embedded:
            if inner is not None and (why := refusal(str(inner))) is not None:
                return f"{why} (inside {ip})"
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
    for flag, name in (("is_loopback", "loopback"), ("is_link_local", "link-local"), ("is_multicast", "multicast"),
                       ("is_unspecified", "unspecified"), ("is_reserved", "reserved"), ("is_private", "private")):
        if getattr(ip, flag):
            return f"{name} address {ip}"
    if not ip.is_global:
        return f"non-public address {ip}"
    return None


class _CheckedBackend(httpcore.SyncBackend):
    """Resolves the host once, refuses internal addresses, and connects to the address it checked."""

    def __init__(self, allow_private: bool | frozenset[str]):
        self.allow_private = allow_private  # True: any address; a set: those internal addresses only

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise _refused(f"The job page cannot be fetched: the host {host} is unknown") from None
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        if self.allow_private is not True:
            for address in addresses:
                if address not in (self.allow_private or ()) and (why := refusal(address)) is not None:
                    raise _refused(f"Refused to fetch the job page: {host} resolves to a {why}; "
                                        "only public web addresses can be imported")
        error: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
        raise error or httpcore.ConnectError(f"no address for {host}")


class _CheckedTransport(httpx.HTTPTransport):
    def __init__(self, allow_private: bool | frozenset[str]):
        super().__init__(retries=0)
        self._pool._network_backend = _CheckedBackend(allow_private)  # httpx has no public hook for it


@dataclass
class Page:
    url: str  # after redirects
    body: bytes
    content_type: str = ""
    redirects: list[str] = field(default_factory=list)


def _check_url(url: str) -> str:
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError:
        raise _refused("The URL is not valid") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refused("Only http(s) URLs of a job page can be imported")
    if parts.username or parts.password:
        raise _refused("URLs with a user name or password are not imported")
    return url


def fetch(url: str, *, allow_private: bool | frozenset[str] | None = None, max_bytes: int = MAX_BYTES) -> Page:
    """GET a page: timeouts, at most MAX_REDIRECTS redirects (each target checked again), the body
    read in a stream and cut off with a 422 past `max_bytes`. Unprocessable for anything wrong.
    `allow_private` (default: the setting) lets internal addresses through: all, or those listed."""
    allow = settings.import_allow_private_hosts if allow_private is None else allow_private
    url = _check_url(url)
    redirects: list[str] = []
    deadline = time.monotonic() + DEADLINE

    def too_slow() -> Unprocessable:
        return _refused("The job page cannot be fetched: the site did not answer in time")

    with httpx.Client(transport=_CheckedTransport(allow), timeout=TIMEOUT, follow_redirects=False, trust_env=False,
                      headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"}
                      ) as client:
        while True:
            try:
                with client.stream("GET", url) as response:
                    if response.is_redirect:
                        if len(redirects) >= MAX_REDIRECTS:
                            raise _refused(f"The job page redirects more than {MAX_REDIRECTS} times")
                        redirects.append(url)
                        url = _check_url(urljoin(url, response.headers.get("location", "")))
                        if time.monotonic() > deadline:
                            raise too_slow()
                        continue
                    if response.status_code >= 400:
                        raise _refused(f"The job page cannot be fetched: the site answered {response.status_code}")
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise _refused(f"The job page is larger than {max_bytes // (1024 * 1024)} MB")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        if time.monotonic() > deadline:
                            raise too_slow()
                        if len(body) > max_bytes:
                            raise _refused(f"The job page is larger than {max_bytes // (1024 * 1024)} MB")
                    return Page(url=url, body=bytes(body), content_type=response.headers.get("content-type", ""),
                                redirects=redirects)
            except httpx.TimeoutException:
                raise too_slow() from None
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise _refused(f"The job page cannot be fetched: {type(exc).__name__}") from None


# --- from a page to a tracked job ----------------------------------------------------------------


def _meta_posting(parts: PageParts, url: str) -> ingestion.RawPosting | None:
    """OpenGraph / meta tags when the page has no JobPosting: a title at least."""
    meta = parts.meta
    title = meta.get("og:title") or meta.get("twitter:title") or " ".join(parts.title.split())
    if not title or len(title.strip()) < 2:
        return None
    return ingestion.RawPosting(
        external_id=url, title=html.unescape(title), url=meta.get("og:url") or url,
        company=meta.get("og:site_name") or meta.get("author"),
        description=meta.get("og:description") or meta.get("description") or meta.get("twitter:description"),
        posted_at=meta.get("article:published_time"))


def _is_html(page: Page) -> bool:
    kind = page.content_type.split(";")[0].strip().lower()
    return kind in ("", "text/html", "application/xhtml+xml") or page.body.lstrip()[:1] == b"<"


# --- LinkedIn: one job's public page, read only through its JSON-LD --------------------------------

_LINKEDIN_HOST = re.compile(r"(^|\.)linkedin\.com$", re.I)
_LINKEDIN_JOB_PATH = re.compile(r"^/jobs/view/(?:[^/]*?-)?(\d{6,20})/?$")
_LINKEDIN_JOB_QUERY = re.compile(r"(?:^|&)currentJobId=(\d{6,20})(?:&|$)")
LINKEDIN_NOT_A_JOB = ("Only the link of one LinkedIn job can be imported (linkedin.com/jobs/view/...): searches, "
                      "feeds and profiles are not read")
LINKEDIN_NO_POSTING = ("LinkedIn does not show this job's details without signing in, and we do not sign in to "
                       "LinkedIn or scrape it: add the job by hand instead")


def is_linkedin(url: str) -> bool:
    return bool(_LINKEDIN_HOST.search(urlsplit(url).hostname or ""))


def linkedin_job_url(url: str) -> str:
    """The canonical public page of the one LinkedIn job a link names (a job page, or a search with
    currentJobId); Unprocessable for any other LinkedIn page. LinkedIn forbids scraping: the app
    reads one page a person asked for, and only the schema.org JobPosting the page offers."""
    parts = urlsplit(url)
    found = _LINKEDIN_JOB_PATH.match(parts.path) or _LINKEDIN_JOB_QUERY.search(parts.query)
    if found is None:
        raise _refused(LINKEDIN_NOT_A_JOB)
    return f"https://www.linkedin.com/jobs/view/{found.group(1)}/"


def posting_from_page(page: Page, jsonld_only: bool = False) -> tuple[TrackedJobCreate, str]:
    """The tracked job a page describes and how it was read ("json-ld" or "meta"); 422 when the page
    holds no posting (with `jsonld_only`, a page without a JobPosting holds none)."""
    if not _is_html(page):
        raise _refused("The URL does not point to a web page (it is not HTML)")
    parts = parse_page(page.body)
    found = postings_in(parts)
    if found:
        raw, how = raw_posting(found[0], url=page.url, external_id=page.url), "json-ld"
    elif jsonld_only:
        raise _refused(LINKEDIN_NO_POSTING)
    elif (raw := _meta_posting(parts, page.url)) is not None:
        how = "meta"
    else:
        raise _refused("No job posting found on the page (no schema.org JobPosting and no title)")
    title = ingestion.one_line(raw.title, 200)
    if not title or len(title) < 2:
        raise _refused("No job posting found on the page (the posting has no title)")
    description = ingestion.html_to_text(raw.description or "")[:ingestion.MAX_DESCRIPTION_CHARS]
    low, high, currency = ingestion.parse_salary(raw, description if how == "json-ld" else "")
    location = ingestion.one_line(raw.location, 200)
    posted = ingestion.parse_date(raw.posted_at)
    apply_url = ingestion._http_url(raw.url) or page.url
    skills = [s for s in (ingestion.one_line(s, 60) for s in raw.skills or []) if s][:30]
    notes = f"Imported from the job page ({how}); posted {posted.date().isoformat()}." if posted else None
    data = TrackedJobCreate(
        title=title, company_name=ingestion.one_line(raw.company, 200), location=location,
        salary_min=low, salary_max=high, salary_currency=currency,
        remote_option=ingestion.parse_remote(raw.remote, location, title),
        employment_type=ingestion.parse_employment(raw.employment_type), external_apply_url=apply_url[:2000],
        description_raw=description or None, skills_required=skills, notes=notes, source_url=page.url[:2000])
    return data, how


def read_posting(url: str) -> tuple[TrackedJobCreate, str]:
    """Fetch and read a job page (no database): the blocking part, run outside any session. A LinkedIn
    link is read as its one job's public page, through its JSON-LD only."""
    url = _check_url(url)
    if is_linkedin(url):
        return posting_from_page(fetch(linkedin_job_url(url)), jsonld_only=True)
    return posting_from_page(fetch(url))
