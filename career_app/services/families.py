"""Occupational families: a first-class fact of a job and of a resume profile.

The families are the skills taxonomy's (software, healthcare, education, trades, ...; "general"
when nothing tells). A job's or a resume's family is read from its title (or role line) and its
skills when nobody set it; a seeker can adjust their own. Everything that advises reads it:
evidence thresholds, guides and interview prep, the coach, the skills-gap market, learning links."""

import json
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from career_app.services.skills import taxonomy

FAMILIES_FILE = Path(__file__).parent / "data" / "families.json"
GENERAL = "general"
TITLE_WEIGHT = 3  # one title word (per word of the phrase) weighs as much as three skills of a family


@cache
def _data() -> dict[str, dict]:
    return json.loads(FAMILIES_FILE.read_text())["families"]


def names() -> list[str]:
    """Every family, "general" last."""
    return [name for name in _data() if name != GENERAL] + [GENERAL]


def label(family: str | None) -> str:
    return _data().get(family or GENERAL, _data()[GENERAL])["label"]


def valid(family: str | None) -> bool:
    return family in _data()


@cache
def _title_patterns() -> list[tuple[str, re.Pattern, int, str]]:
    """(family, pattern, number of words, the first word in lower case) per title phrase."""
    out = []
    for family, entry in _data().items():
        for words in entry["title_words"]:
            out.append((family, re.compile(r"(?<![\w-])" + re.escape(words).replace(r"\ ", r"\s+") + r"(?![\w-])",
                                           re.IGNORECASE), len(words.split()), words.split()[0].lower()))
    return out


def scores(title: str | None, skills: Iterable[str] = ()) -> Counter:
    """How strongly each family is shown: words of the title (weighted), then canonical skills."""
    out: Counter = Counter()
    # An ASCII title lacking a phrase's first word cannot match it: a substring test spares the
    # regex most of the ~200 phrases (the phrases are ASCII; other titles take the regex each time).
    folded = title.lower() if title and title.isascii() else None
    for family, pattern, words, first in _title_patterns():
        if title and (folded is None or first in folded) and pattern.search(title):
            out[family] += TITLE_WEIGHT * words
    tax = taxonomy()
    for name in skills:
        family = tax.family(tax.canonical(name) or name)
        if family and family != GENERAL:
            out[family] += 1
    return out


def of_role(title: str | None, skills: Iterable[str] = ()) -> str:
    """The family of a job (its title and skills) or of a resume (its role line and skills)."""
    ranked = scores(title, skills).most_common()
    return ranked[0][0] if ranked else GENERAL


def ranked(title: str | None, skills: Iterable[str] = (), keep: float = 0.5) -> list[str]:
    """The families shown, strongest first: those within `keep` of the strongest (a nurse who
    teaches: healthcare, then education). Empty when nothing tells."""
    counts = scores(title, skills).most_common()
    if not counts:
        return []
    top = counts[0][1]
    return [family for family, n in counts if n >= keep * top]


def of_job(job) -> str:
    """A job's family: the stored one (set at enrichment, or by its poster), else read from it."""
    stored = getattr(job, "family", None)
    if valid(stored):
        return stored
    return of_role(getattr(job, "title", None), list(getattr(job, "skills_required", None) or [])
                   + list(getattr(job, "skills", None) or []))
