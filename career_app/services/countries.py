"""Countries: a job's country read from its location, a country's name and currency.

Jobs store no country of their own in most feeds, only a location line ("Toronto, ON, Canada",
"Austin, TX", "Dublin", "Remote - UK", "Remote"). `of_location` reads it in three tiers, the first
one that names anything deciding:
1. a country's name or alias ("Canada", "Deutschland", "UK", "USA");
2. a state or province, by name ("Ontario", "Texas") or postal code ("TX", "ON"), or an ISO code
   ("DE"); a code several places share ("CA": California or Canada, "DE": Delaware or Germany,
   "WA": Washington or Western Australia) is settled by a city of the line when it names one
   ("Toronto, CA" -> Canada), else read as a US state, as US feeds write them;
3. a big job market's city that names its country on its own ("Bengaluru", "Dublin").
A tier naming two countries ("Berlin, Germany / London, UK") gives None: the job has no one
country. A feed's own country field, when it has one, wins (`hint`). Data: data/countries.json."""

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

COUNTRIES_FILE = Path(__file__).parent / "data" / "countries.json"
_CODE = re.compile(r"(?<![A-Za-z])([A-Z]{2,3})(?![A-Za-z])")
_PREFERRED = ("US", "CA", "AU", "IN")  # for a postal code several regions share and no city settles


def _fold(text: str) -> str:
    """Lower case without accents and with single spaces: "München" -> "munchen"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9.' ]+", " ", plain.lower()).split())


@cache
def _data() -> dict:
    return json.loads(COUNTRIES_FILE.read_text(encoding="utf-8"))


def _pattern(words: dict[str, str]) -> re.Pattern | None:
    """One alternation of the folded names, longest first ("northern ireland" before "ireland")."""
    if not words:
        return None
    alternatives = sorted(words, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(" + "|".join(re.escape(w) for w in alternatives) + r")(?![a-z0-9])")


@cache
def _tables() -> dict:
    data = _data()
    names, short, cities, regions, codes = {}, {}, {}, {}, {}
    for code, entry in data["countries"].items():
        for alias in [entry["name"], *entry["aliases"]]:
            letters = re.sub(r"[^A-Za-z]", "", alias)
            if len(letters) <= 3 and letters.isupper():
                short[alias] = code  # "US", "UK", "U.S.A.": upper case only, so "us" in a sentence is not one
            else:
                names[_fold(alias)] = code
        for city in entry["cities"]:
            cities[_fold(city)] = code
        codes.setdefault(code, set()).add(code)
    for country, entry in data["regions"].items():
        for name in entry["names"]:
            regions[_fold(name)] = country
        for postal in entry["codes"]:
            codes.setdefault(postal, set()).add(country)
    short_pattern = re.compile(r"(?<![A-Za-z.])(" + "|".join(
        re.escape(s) for s in sorted(short, key=len, reverse=True)) + r")(?![A-Za-z])")
    return {"names": names, "short": short, "short_re": short_pattern, "names_re": _pattern(names),
            "cities": cities, "cities_re": _pattern(cities), "regions": regions, "regions_re": _pattern(regions),
            "codes": codes}


def known(code: str | None) -> bool:
    return bool(code) and code in _data()["countries"]


def name(code: str | None) -> str | None:
    entry = _data()["countries"].get(code or "")
    return entry["name"] if entry else None


def currency(code: str | None) -> str | None:
    """The currency salaries are usually paid in there (ISO 4217), None for a country not listed."""
    entry = _data()["countries"].get(code or "")
    return entry["currency"] if entry else None


def code(value: str | None) -> str | None:
    """A country named by its ISO code or its name or alias ("ie", "Ireland", "UK"); None otherwise."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if known(value.upper()) and len(value) == 2:
        return value.upper()
    tables = _tables()
    return tables["short"].get(value) or tables["names"].get(_fold(value))


def _found(pattern: re.Pattern | None, text: str, table: dict[str, str]) -> set[str]:
    return {table[m.group(1)] for m in pattern.finditer(text)} if pattern else set()


def of_location(location: str | None, hint: str | None = None) -> str | None:
    """The ISO code of the one country a job's location names (see the module's docstring), or None."""
    if hint and (stated := code(hint)):
        return stated
    if not location or not location.strip():
        return None
    tables = _tables()
    folded = _fold(location)
    cities = _found(tables["cities_re"], folded, tables["cities"])
    named = _found(tables["names_re"], folded, tables["names"]) | {
        tables["short"][m.group(1)] for m in tables["short_re"].finditer(location)}
    if named:
        return named.pop() if len(named) == 1 else None
    regional = _found(tables["regions_re"], folded, tables["regions"])
    for match in _CODE.finditer(location):
        places = tables["codes"].get(match.group(1))
        if not places:
            continue
        settled = places & cities
        if len(places) == 1 or len(settled) == 1:
            regional.add(next(iter(places if len(places) == 1 else settled)))
        else:
            regional.add(next(p for p in (*_PREFERRED, *sorted(places)) if p in places))
    if regional:
        return regional.pop() if len(regional) == 1 else None
    return cities.pop() if len(cities) == 1 else None
