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
# No salary figures here: an invented base per skill category and a currency table of its own gave
# estimates that contradicted posted ranges. Estimates come from similar listings' posted salaries
# (services/salary.py).


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


def analyse(title: str, description: str, skills_required: list[str]) -> JobAnalysis:
    """The job's skills and level, read from the posting and the taxonomy (no salary: see above)."""
    level, _factor = seniority(title, description)
    return JobAnalysis(skills=job_skills(title, description, skills_required), seniority=level)


def guides(title: str, company: str | None, description: str, skills: list[str], level: str,
           family: str | None = None, missing: list[str] = (), required: list[str] = ()) -> JobGuides:
    """Resume guide and interview prep in the language of the job's occupational family (read from
    its title and skills when not given), composed from the advice banks (services/advice.py).
    `required`: the requirements the job lists (must-haves), when `skills` adds found ones."""
    return advice.compose(title, company, description, skills, level, family, missing, required)
