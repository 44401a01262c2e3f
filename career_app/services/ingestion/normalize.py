"""A posting as a source lists it (`RawPosting`) and as the pipeline stores it (`Normalized`).

normalize: HTML sanitized with nh3 and turned into text; skills canonicalized with the taxonomy;
location, remote option, employment type, salary and posting date parsed where present; the
canonical URL and the company + title + location key that the dedup layers compare."""

import email.utils
import hashlib
import html
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import nh3

from career_app.services import countries
from career_app.services.skills import taxonomy
from models.base import utcnow
from models.job import MAX_SALARY, PAY_PERIODS, EmploymentType, RemoteOption
from models.schemas import CONTROL_RE

MIN_DESCRIPTION_CHARS = 20
MAX_DESCRIPTION_CHARS = 20_000


# --- raw postings, as adapters give them ---------------------------------------------------------


@dataclass
class RawPosting:
    """One posting as a source lists it; adapters fill what the feed has."""

    external_id: str
    title: str | None = None
    url: str | None = None
    company: str | None = None
    location: str | None = None
    description: str | None = None  # HTML or text
    posted_at: object = None  # ISO string, RFC 822 string, epoch (s or ms), "Posted 3 Days Ago", datetime
    employment_type: object = None  # a string or a list of them
    remote: object = None  # bool, or "remote"/"hybrid"/"onsite"/"TELECOMMUTE"...
    salary_min: object = None
    salary_max: object = None
    salary_currency: str | None = None
    salary_period: str | None = None  # year (default), month, week, day, hour
    skills: list[str] = field(default_factory=list)
    needs_details: bool = False  # the list is thin: the adapter's fetch() completes it
    detail_url: str | None = None
    extra: dict = field(default_factory=dict)


class PostingError(ValueError):
    """A posting that cannot be listed (no title, no description...)."""


@dataclass
class Normalized:
    external_id: str
    title: str
    description: str
    company: str | None
    location: str | None
    remote_option: RemoteOption | None
    employment_type: EmploymentType | None
    salary_min: int | None
    salary_max: int | None
    salary_currency: str | None
    posted_at: datetime | None
    url: str | None
    canonical_url: str | None
    identity_key: str
    skills: list[str]
    salary_period: str | None = None  # how the salary was posted (hour, day, week, month, year)
    country: str | None = None  # ISO code: the feed's country field, else read from the location

    @property
    def content_hash(self) -> str:
        data = asdict(self)
        data["posted_at"] = self.posted_at.isoformat() if self.posted_at else None
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


# --- normalize ---------------------------------------------------------------------------------

_BLOCK_TAGS = {"p", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "div", "tr", "section", "article",
               "blockquote", "pre", "table"}
_LINE_BREAK = re.compile(r"</?(p|div|ul|ol|h[1-6]|tr|section|article|blockquote|pre|table)\s*>|<br\s*/?>", re.I)
_LIST_ITEM = re.compile(r"<li\s*>", re.I)
_TAG = re.compile(r"<[^>]*>")


def _strip_controls(value: str) -> str:
    return CONTROL_RE.sub(" ", value.replace("\x00", ""))


def _surrogate_free(value: str) -> str:
    return value.encode("utf-8", "replace").decode("utf-8")


def one_line(value, limit: int) -> str | None:
    if value is None:
        return None
    value = html_to_text(str(value)) if "<" in str(value) or "&" in str(value) else str(value)
    value = " ".join(_surrogate_free(_strip_controls(value)).split())
    return value[:limit].rstrip() or None


def html_to_text(value: str) -> str:
    """Sanitized (nh3: scripts, styles, handlers and unknown tags gone) and then plain text with its
    paragraphs and bullets kept: descriptions are shown as text everywhere."""
    value = _surrogate_free(_strip_controls(value))
    if "<" not in value and "&lt;" in value:
        value = html.unescape(value)  # Greenhouse sends its HTML entity-escaped
    cleaned = nh3.clean(value, tags=_BLOCK_TAGS, attributes={}, strip_comments=True)
    cleaned = _LIST_ITEM.sub("\n- ", cleaned)
    cleaned = _LINE_BREAK.sub("\n", cleaned)
    cleaned = html.unescape(_TAG.sub("", cleaned))
    lines = [" ".join(line.split()) for line in _strip_controls(cleaned).split("\n")]
    out, blank = [], False
    for line in lines:
        if not line:
            blank = bool(out)
            continue
        if blank and not line.startswith("- "):
            out.append("")
        out.append(line)
        blank = False
    return "\n".join(out).strip()


_TRACKING = re.compile(r"^(utm_.*|gclid|fbclid|msclkid|mc_cid|mc_eid|_hs.*|hs.*|ref|referrer|source|src|trk|"
                       r"trackingid|gh_src|lever-source.*|lever-origin|icid|cmp|campaign|s_kwcid|yclid)$", re.I)


def canonical_url(url: str | None) -> str | None:
    """The same posting's URL however it was linked: scheme and host lower-cased, 'www.' and default
    ports, fragments, tracking parameters and trailing slashes dropped, parameters sorted."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    host = host.removeprefix("www.")
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING.match(k)))
    path = re.sub(r"/+", "/", parts.path).rstrip("/") or "/"
    return urlunsplit(("https", host, path, query, ""))[:2000]


def _fold(value: str | None) -> str:
    if not value:
        return ""
    value = unicodedata.normalize("NFKD", value)
    value = "".join(c for c in value if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9+#]+", " ", value).split())


def identity_key(company: str | None, title: str, location: str | None) -> str:
    """company | title | location, folded; empty without a company (a title alone is too loose)."""
    if not _fold(company):
        return ""
    return f"{_fold(company)}|{_fold(title)}|{_fold(location)}"[:700]


_WORKDAY_POSTED = re.compile(r"posted\s+(today|yesterday|(\d+)\+?\s+days?\s+ago)", re.I)


def parse_date(value, now: datetime | None = None) -> datetime | None:
    """A posting date from whatever a feed sends; None for anything unreadable or implausible."""
    now = now or utcnow()
    when = None
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            when = datetime.fromtimestamp(value / 1000 if value > 1e11 else value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    elif isinstance(value, str) and value.strip():
        text_value = value.strip()
        match = _WORKDAY_POSTED.search(text_value)
        if match:
            days = 0 if match.group(1).lower() == "today" else 1 if match.group(1).lower() == "yesterday" \
                else int(match.group(2))
            when = now - timedelta(days=days)
        else:
            try:
                when = datetime.fromisoformat(text_value.replace("Z", "+00:00"))
            except ValueError:
                try:
                    when = email.utils.parsedate_to_datetime(text_value)
                except (TypeError, ValueError, IndexError):
                    return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if when.year < 2000 or when > now + timedelta(days=2):
        return None
    return when


_EMPLOYMENT = {
    "fulltime": EmploymentType.full_time, "permanent": EmploymentType.full_time, "regular": EmploymentType.full_time,
    "fulltimeemployee": EmploymentType.full_time, "parttime": EmploymentType.part_time,
    "contract": EmploymentType.contract, "contractor": EmploymentType.contract, "freelance": EmploymentType.contract,
    "fixedterm": EmploymentType.contract, "intern": EmploymentType.internship, "internship": EmploymentType.internship,
    "temporary": EmploymentType.temporary, "temp": EmploymentType.temporary, "seasonal": EmploymentType.temporary,
}


def parse_employment(value) -> EmploymentType | None:
    for item in value if isinstance(value, (list, tuple)) else [value]:
        key = re.sub(r"[^a-z]", "", str(item or "").lower())
        if key in _EMPLOYMENT:
            return _EMPLOYMENT[key]
        for word, kind in _EMPLOYMENT.items():
            if len(word) > 5 and word in key:
                return kind
    return None


def parse_remote(value, *texts: str | None) -> RemoteOption | None:
    if value is True:
        return RemoteOption.remote
    if isinstance(value, str) and value.strip():
        key = re.sub(r"[^a-z]", "", value.lower())
        if key in ("remote", "telecommute", "fullyremote", "remoteonly", "anywhere", "true", "yes"):
            return RemoteOption.remote
        if key.startswith("hybrid") or key == "flexible":
            return RemoteOption.hybrid
        if key in ("onsite", "inoffice", "office", "onpremise", "false", "no"):
            return RemoteOption.onsite
    for piece in texts:
        if piece and re.search(r"\bhybrid\b", piece, re.I):
            return RemoteOption.hybrid
        if piece and re.search(r"\b(remote|work from home|wfh|anywhere)\b", piece, re.I):
            return RemoteOption.remote
    return RemoteOption.onsite if value is False else None


_PERIODS = {"year": 1, "annual": 1, "annum": 1, "yearly": 1, "yr": 1, "month": 12, "monthly": 12, "mo": 12,
            "week": 52, "weekly": 52, "wk": 52, "day": 260, "daily": 260, "hour": 2080, "hourly": 2080, "hr": 2080}
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "₹": "INR", "¥": "JPY", "zł": "PLN", "chf": "CHF"}
_CODES = "USD|EUR|GBP|CHF|CAD|AUD|INR|PLN|SEK|NOK|DKK|JPY|SGD|NZD|BRL|MXN|ZAR|CZK|HUF|RON"
_MONEY = r"(\d{1,3}(?:[.,\s]\d{3})+|\d+(?:[.,]\d+)?)\s?([kK])?"
_SALARY_TEXT = re.compile(
    rf"(?P<cur>[$€£₹]|\b(?:{_CODES})\b)\s?{_MONEY}\s*(?:-|–|—|to)\s*(?:[$€£₹]|\b(?:{_CODES})\b)?\s?"
    rf"(?P<b>\d{{1,3}}(?:[.,\s]\d{{3}})+|\d+(?:[.,]\d+)?)\s?(?P<bk>[kK])?"
    r"(?:\s*(?:per|/|an?|each)\s*(?P<per>year|annum|yr|month|mo|week|hour|hr|day))?", re.I)


def _period_factor(period) -> int:
    """Pay periods as feeds spell them ("per-hour-wage", "1 MONTH", "HOUR", "yearly") -> per-year factor."""
    words = re.findall(r"[a-z]+", str(period or "year").lower())
    return next((_PERIODS[w] for w in words if w in _PERIODS), 1)


def _amount(value, thousands: bool = False) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    raw = str(value).strip().lower().replace("\u00a0", " ")
    raw = re.sub(r"[^\d.,k\s]", "", raw).strip()
    if raw.endswith("k"):
        thousands, raw = True, raw[:-1].strip()
    if re.fullmatch(r"\d{1,3}([.,\s]\d{3})+", raw):
        raw = re.sub(r"[.,\s]", "", raw)
    else:
        raw = raw.replace(",", ".").replace(" ", "")
    try:
        number = float(raw)
    except ValueError:
        return None
    return number * 1000 if thousands else number


def parse_salary(raw: RawPosting, description: str) -> tuple[int | None, int | None, str | None]:
    """(min, max, currency) per year; from the feed's fields, else from the description's text."""
    return parse_pay(raw, description)[:3]


def parse_pay(raw: RawPosting, description: str) -> tuple[int | None, int | None, str | None, str | None]:
    """parse_salary's (min, max, currency) per year and the period the pay was posted per."""
    low, high = _amount(raw.salary_min), _amount(raw.salary_max)
    currency, period = raw.salary_currency, raw.salary_period
    if low is None and high is None:
        match = _SALARY_TEXT.search(description or "")
        if match:
            cur = match.group("cur")
            currency = _SYMBOLS.get(cur.lower(), _SYMBOLS.get(cur, cur.upper()))
            low = _amount(match.group(2) + (match.group(3) or ""))
            high = _amount(match.group("b") + (match.group("bk") or "") or (match.group(3) or ""))
            if match.group(3) and not match.group("bk") and high is not None and high < 1000:
                high *= 1000  # "€60k - 80"
            period = match.group("per") or period
    if low is None and high is None:
        return None, None, None, None
    factor = _period_factor(period)
    values = [int(round(v * factor)) if v is not None else None for v in (low, high)]
    low_i, high_i = values
    if low_i is not None and high_i is not None and low_i > high_i:
        low_i, high_i = high_i, low_i
    if any(v is not None and (v <= 0 or v > MAX_SALARY) for v in (low_i, high_i)):
        return None, None, None, None
    currency = (currency or "").strip().upper()
    currency = _SYMBOLS.get(currency.lower(), currency)
    named = {v: k for k, v in PAY_PERIODS.items()}[factor]
    return low_i, high_i, currency if re.fullmatch(r"[A-Z]{3}", currency) else None, named


def _http_url(value: str | None) -> str | None:
    if not value:
        return None
    value = _strip_controls(str(value)).strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        return None
    return value[:2000]


def normalize(raw: RawPosting, default_company: str | None = None, now: datetime | None = None) -> Normalized:
    external_id = one_line(raw.external_id, 300)
    if not external_id:
        raise PostingError("posting without an id")
    title = one_line(raw.title, 200)
    if not title or len(title) < 2:
        raise PostingError("posting without a title")
    description = html_to_text(raw.description or "")[:MAX_DESCRIPTION_CHARS]
    if len(description) < MIN_DESCRIPTION_CHARS:
        raise PostingError(f"description missing or under {MIN_DESCRIPTION_CHARS} characters")
    company = one_line(raw.company, 200) or one_line(default_company, 200)
    location = one_line(raw.location, 200)
    salary_min, salary_max, currency, period = parse_pay(raw, description)
    url = _http_url(raw.url)
    # The feed's own skill labels, canonicalized; skills named in the text are found by enrichment
    # (the taxonomy's text search costs ~10 ms a description: once per job is enough).
    skills = taxonomy().normalise([one_line(s, 60) or "" for s in raw.skills or []])[:30]
    return Normalized(
        external_id=external_id, title=title, description=description, company=company, location=location,
        remote_option=parse_remote(raw.remote, location, title), employment_type=parse_employment(raw.employment_type),
        salary_min=salary_min, salary_max=salary_max, salary_currency=currency,
        posted_at=parse_date(raw.posted_at, now), url=url, canonical_url=canonical_url(url),
        identity_key=identity_key(company, title, location), skills=skills, salary_period=period,
        country=countries.of_location(location, raw.extra.get("country")))
