"""Salaries, honestly: a posted salary as posted, estimates only from similar postings, comparisons
only like with like.

- Stored: a job's salary_min/salary_max are yearly in salary_currency (hourly, daily, weekly and
  monthly pay annualised at PAY_PERIODS: 2080 hours, 260 days, 52 weeks, 12 months), and
  salary_period says how it was posted, so it is shown per hour when it was posted per hour.
- Posted means final: a job that posts a salary gets no estimate anywhere (page, REST, coach).
- An estimate, for a job that posts none, is the median of the yearly minimums and the median of
  the yearly maximums of active listings of the same occupational family (services/families), the
  same country (services/countries) and the same currency (the job's own, else its country's):
  never converted, and none from fewer than MIN_LISTINGS listings. It says how many it is based on.
- The salary filter reads its bounds in one currency and compares each listing's yearly range in
  its own currency, the bounds converted at the reference rates (a dated table shipped as data,
  EXCHANGE_RATES_FILE to replace it) in SQL, one indexed range per currency. A listing whose pay
  cannot be compared (none posted, no currency, a currency without a rate) is left out unless asked
  for (include_unsalaried)."""

import json
import math
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from sqlalchemy import and_, false, func, or_, text
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from career_app.services import countries, families
from career_app.services.errors import invalid_query
from career_app.settings import settings
from models.job import MAX_SALARY, PAY_PERIODS, PUBLIC_ACTIVE, Job
from models.job_schemas import SalaryEstimate, posted_amount

RATES_FILE = Path(__file__).parent / "data" / "exchange_rates.json"
FALLBACK_CURRENCY = "USD"  # the filter's currency for a visitor whose country is not known
MIN_LISTINGS = 3  # the fewest similar listings an estimate is made from
_PER = {"year": "a year", "month": "a month", "week": "a week", "day": "a day", "hour": "an hour"}


# --- reference rates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rates:
    as_of: str  # ISO date the rates were published for
    source: str
    base: str
    per_base: dict[str, float]  # units of each currency for one unit of `base`

    def rated(self, code: str) -> bool:
        return code in self.per_base

    def convert(self, amount: float, source: str, target: str) -> float:
        """`amount` of `source` in `target`; both must be rated (same currency: unchanged)."""
        if source == target:
            return amount
        return amount * self.per_base[target] / self.per_base[source]


def load_rates(path: Path) -> Rates:
    """A rate file read and checked: a dated table, its source named, every rate a positive number."""
    data = json.loads(path.read_text(encoding="utf-8"))
    as_of, source, base, table = data.get("as_of"), data.get("source"), data.get("base"), data.get("rates")
    date.fromisoformat(str(as_of))  # ValueError for a missing or malformed date
    if not source or not isinstance(table, dict) or not isinstance(base, str):
        raise ValueError(f"{path}: a rate file needs as_of, source, base and rates")
    per_base = {}
    for code, rate in table.items():
        if not re.fullmatch(r"[A-Z]{3}", code) or isinstance(rate, bool) or not isinstance(rate, (int, float)) \
                or not math.isfinite(rate) or rate <= 0:
            raise ValueError(f"{path}: bad rate {code}={rate!r}")
        per_base[code] = float(rate)
    if per_base.get(base) != 1.0:
        raise ValueError(f"{path}: the base currency {base} must be in the table at 1")
    return Rates(as_of=str(as_of), source=str(source), base=base, per_base=per_base)


@cache
def rates() -> Rates:
    """The reference rates of this process: EXCHANGE_RATES_FILE, else the bundled table (read once;
    restart after replacing the file)."""
    return load_rates(settings.exchange_rates_file or RATES_FILE)


@cache
def currencies() -> list[str]:
    """Codes a salary filter can be read in: those with a reference rate and those of the countries we
    know (compared only with salaries in the same currency when there is no rate)."""
    known = set(rates().per_base) | {countries.currency(c) for c in countries._data()["countries"]}
    return sorted(c for c in known if c)


def _currency_pattern() -> str:
    """The codes check_currency takes, in any case, as a JSON Schema pattern."""
    return "^(?:" + "|".join("".join(f"[{c}{c.lower()}]" for c in code) for code in currencies()) + ")$"


CURRENCY_PATTERN = _currency_pattern()


def check_currency(value: str | None) -> str:
    """An ISO 4217 code the filter can use, upper-cased; Unprocessable otherwise."""
    code = (value or "").strip().upper()
    if code not in currencies():
        raise invalid_query("salary_currency", f"Unknown currency {value!r}: use an ISO 4217 code, one of "
                            f"{', '.join(currencies())}", "currency_unknown")
    return code


def default_currency(location: str | None) -> str:
    """The filter's currency when none is asked: that of the seeker's country, else USD."""
    code = countries.currency(countries.of_location(location))
    return code if code in currencies() else FALLBACK_CURRENCY


# --- as posted -----------------------------------------------------------------------------------


def posted(job) -> bool:
    """The job states a salary (an amount; with or without a currency)."""
    return job.salary_min is not None or job.salary_max is not None


def _amount(value: float | None, cents: bool) -> str:
    return f"{value:,.2f}" if cents else f"{value:,.0f}"


def posted_text(low: int | None, high: int | None, currency: str | None, period: str | None) -> str:
    """The salary as the posting states it: "27.50 – 33.10 EUR an hour", "86,000 – 110,000 CAD a year"
    (from yearly amounts and the posted period); "" when none is posted."""
    if low is None and high is None:
        return ""
    period = period if period in PAY_PERIODS else "year"
    values = [posted_amount(v, period) for v in (low, high)]
    cents = any(v is not None and v != int(v) for v in values)
    shown = [_amount(v, cents) if v is not None else None for v in values]
    cur = f" {currency}" if currency else ""
    if shown[0] is not None and shown[1] is not None:
        amount = shown[0] if shown[0] == shown[1] else f"{shown[0]} – {shown[1]}"
    else:
        amount = f"from {shown[0]}" if shown[0] is not None else f"up to {shown[1]}"
    return f"{amount}{cur} {_PER[period]}"


def yearly_text(low: int | None, high: int | None, currency: str | None) -> str:
    return posted_text(low, high, currency, "year")


# --- the salary filter --------------------------------------------------------------------------


def comparable(code: str) -> list[str]:
    """Currencies whose salaries can be compared with amounts in `code`: every rated one when `code`
    has a reference rate, else `code` alone."""
    table = rates()
    return sorted(table.per_base) if table.rated(code) else [code]


def filter_clause(low: int | None, high: int | None, code: str, include_unsalaried: bool) -> ColumnElement:
    """Listings whose yearly range reaches `low` (its top at least `low`) and starts at most at `high`
    (its bottom at most `high`), both read in `code` and converted to each listing's currency; with
    `include_unsalaried`, also the listings whose pay cannot be compared. One range condition per
    currency, on the indexed expressions of ix_jobs_salary_top / ix_jobs_salary_bottom."""
    table = rates()
    targets = comparable(code)
    top = func.coalesce(Job.salary_max, Job.salary_min)
    bottom = func.coalesce(Job.salary_min, Job.salary_max)
    branches = []
    for currency in targets:
        bounds = [Job.salary_currency == currency]
        if low is not None:
            floor = _converted(low, code, currency, table, up=True)
            if floor > MAX_SALARY:
                continue  # more than any salary stored: nothing in this currency reaches it
            bounds.append(top >= floor)
        if high is not None:  # above any salary stored: no limit (and the bound stays an INTEGER)
            bounds.append(bottom <= min(_converted(high, code, currency, table, up=False), MAX_SALARY))
        branches.append(and_(*bounds))
    matches = or_(*branches) if branches else false()
    if not include_unsalaried:
        return matches
    unknown = or_(and_(Job.salary_min.is_(None), Job.salary_max.is_(None)), Job.salary_currency.is_(None),
                  Job.salary_currency.not_in(targets))
    return or_(matches, unknown)


def _converted(amount: int, source: str, target: str, table: Rates, up: bool) -> int:
    """A bound in another currency, as a whole number that keeps the comparison exact on integers."""
    value = table.convert(amount, source, target) if source != target else amount
    return math.ceil(value - 1e-9) if up else math.floor(value + 1e-9)


# --- estimates -----------------------------------------------------------------------------------


_MARKET_SQL = text(
    f"SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY coalesce(salary_min, salary_max)), "
    f"percentile_cont(0.5) WITHIN GROUP (ORDER BY coalesce(salary_max, salary_min)) FROM jobs "
    f"WHERE {PUBLIC_ACTIVE} AND (salary_min IS NOT NULL OR salary_max IS NOT NULL) "
    f"AND family = :family AND country = :country AND salary_currency = :currency")
_markets: dict[tuple, tuple[int, float | None, float | None]] = {}
_MARKETS_KEPT = 1024


def _round(value: float) -> int:
    """Three significant figures: 45,250 -> 45,300; 1,523,400 -> 1,520,000."""
    if value <= 0:
        return 0
    step = 10 ** max(0, int(math.floor(math.log10(value))) - 2)
    return int(round(value / step) * step)


def market(session: Session, family: str, country: str, currency: str,
           version: str | None = None) -> tuple[int, float | None, float | None]:
    """(listings, median yearly minimum, median yearly maximum) of the active listings posting a salary
    in one family, country and currency; kept per jobs version (None: read every time)."""
    key = (version, family, country, currency)
    if version is not None and key in _markets:
        return _markets[key]
    count, low, high = session.exec(_MARKET_SQL.bindparams(family=family, country=country, currency=currency)).one()
    found = (int(count), low, high)
    if version is not None:
        if len(_markets) >= _MARKETS_KEPT:
            _markets.clear()
        _markets[key] = found
    return found


def estimate(session: Session, job, version: str | None = None) -> SalaryEstimate | None:
    """The estimate shown for `job`: None when it posts a salary; else the market of its family, country
    and currency, with how many listings it is based on (and no figures when they are too few)."""
    if posted(job):
        return None
    family = families.of_job(job)
    country = job.country or countries.of_location(job.location)
    currency = (job.salary_currency or countries.currency(country) or "").upper() or None
    where = countries.name(country)
    common = dict(currency=currency, based_on=0, needed=MIN_LISTINGS, country=country, country_name=where,
                  family=family, family_label=families.label(family))
    if country is None:
        return SalaryEstimate(min=None, max=None, note="No salary is posted, and no estimate: the location does "
                              "not name one country to compare with.", **common)
    if currency is None:
        return SalaryEstimate(min=None, max=None, note=f"No salary is posted, and no estimate: no currency is "
                              f"known for {where}.", **common)
    count, low, high = market(session, family, country, currency, version)
    common["based_on"] = count
    if count < MIN_LISTINGS:
        listings = f"{count} similar listing{'' if count == 1 else 's'}"
        return SalaryEstimate(min=None, max=None, note=(
            f"No salary is posted, and no estimate: {listings} in {where} post a salary in {currency}; "
            f"at least {MIN_LISTINGS} are needed."), **common)
    low_i, high_i = _round(low), _round(high)
    return SalaryEstimate(min=low_i, max=max(low_i, high_i), note=(
        f"Estimated from {count} similar listings in {where}: the middle of their posted yearly ranges, "
        f"in {currency}."), **common)


def summary(job, found: SalaryEstimate | None) -> dict[str, str]:
    """What the coach may say about a job's pay: {"kind": posted | estimate | none, "text": ...}; a posted
    salary as posted, an estimate with its basis, never both."""
    if posted(job):
        shown = posted_text(job.salary_min, job.salary_max, job.salary_currency, job.salary_period)
        return {"kind": "posted", "text": f"The posting states the salary: {shown}."}
    if found is not None and found.min is not None:
        shown = yearly_text(found.min, found.max, found.currency)
        return {"kind": "estimate", "text": f"No salary is posted. Estimated from {found.based_on} similar listings "
                                            f"in {found.country_name}: {shown}."}
    return {"kind": "none", "text": found.note if found is not None else "No salary is posted."}
