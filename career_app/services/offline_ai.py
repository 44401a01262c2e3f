"""The offline generator: the structures of the LLM service built from the posting itself and the
skills taxonomy, with no model. Everything it makes is marked generated_by "offline"."""

import re

from career_app.services import advice
from career_app.services.skills import taxonomy
from models.ai import JobAnalysis, JobGuides

_SENIORITY = (  # first match wins
    ("intern", re.compile(r"\b(intern|internship|trainee|apprentice)\b", re.I), 0.4),
    ("director", re.compile(r"\b(director|head of|vp|vice president)\b", re.I), 1.9),
    ("lead", re.compile(r"\b(lead|principal|staff|architect|manager)\b", re.I), 1.55),
    ("senior", re.compile(r"\b(senior|sr\.?)\b", re.I), 1.3),
    ("junior", re.compile(r"\b(junior|jr\.?|graduate|entry[- ]level)\b", re.I), 0.72),
)
# Rough yearly base in USD for a mid-level role, by the family of the skills asked for.
_BASE_BY_CATEGORY = {"language": 105_000, "backend": 110_000, "frontend": 100_000, "devops": 115_000,
                     "cloud": 115_000, "data": 100_000, "data science": 115_000, "mobile": 105_000,
                     "security": 115_000, "quality": 85_000, "design": 85_000, "finance": 75_000,
                     "marketing": 65_000, "healthcare": 72_000, "business": 70_000}
_DEFAULT_BASE = 60_000
# Approximate units per USD; an estimate, not a quote.
_PER_USD = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79, "CAD": 1.36, "AUD": 1.5, "CHF": 0.88, "INR": 83.0,
            "SGD": 1.34, "JPY": 150.0, "SEK": 10.5, "PLN": 4.0, "BRL": 5.0}


def seniority(title: str, description: str) -> tuple[str, float]:
    for name, pattern, factor in _SENIORITY:
        if pattern.search(title):
            return name, factor
    for name, pattern, factor in _SENIORITY[:2]:
        if pattern.search(description[:400]):
            return name, factor
    return "mid", 1.0


def job_skills(title: str, description: str, skills_required: list[str]) -> list[str]:
    tax = taxonomy()
    named = tax.normalise(skills_required)
    found = tax.extract(f"{title}\n{description}")
    return list(dict.fromkeys(named + found))[:20]


def analyse(title: str, description: str, skills_required: list[str], currency: str | None) -> JobAnalysis:
    skills = job_skills(title, description, skills_required)
    level, factor = seniority(title, description)
    tax = taxonomy()
    bases = [_BASE_BY_CATEGORY.get(tax.skills[s].category, _DEFAULT_BASE) for s in skills if s in tax.skills]
    base = max(sorted(bases)[len(bases) // 2] if bases else _DEFAULT_BASE, _DEFAULT_BASE)
    code = (currency or "USD").upper()
    rate = _PER_USD.get(code)
    if rate is None:
        code, rate = "USD", 1.0
    mid = base * factor * rate
    step = 1000 if rate < 20 else 100_000
    return JobAnalysis(skills=skills, salary_min=int(round(mid * 0.85 / step) * step),
                       salary_max=int(round(mid * 1.15 / step) * step), currency=code, seniority=level)


def guides(title: str, company: str | None, description: str, skills: list[str], level: str,
           family: str | None = None, missing: list[str] = (), required: list[str] = ()) -> JobGuides:
    """Resume guide and interview prep in the language of the job's occupational family (read from
    its title and skills when not given), composed from the advice banks (services/advice.py).
    `required`: the requirements the job lists (must-haves), when `skills` adds found ones."""
    return advice.compose(title, company, description, skills, level, family, missing, required)
