"""The offline generator: the structures of the LLM service built from the posting itself and the
skills taxonomy, with no model. Everything it makes is marked generated_by "offline"."""

import re

from career_app.services.skills import taxonomy
from models.ai import InterviewQuestion, JobAnalysis, JobGuides

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
_DUTY_RE = re.compile(r"\b(build|design|develop|own|lead|maintain|manage|improve|create|deliver|write|run|"
                      r"support|analy[sz]e|implement|care|prepare|coordinate|plan)\w*\b", re.I)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+")


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


def _duties(description: str) -> list[str]:
    sentences = [s.strip(" -•*\t") for s in _SENTENCE_SPLIT.split(description)]
    return [s.rstrip(".;") for s in sentences if 25 <= len(s) <= 220 and _DUTY_RE.search(s)][:3]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def guides(title: str, company: str | None, description: str, skills: list[str], level: str) -> JobGuides:
    top = skills[:5] or ["the core tools named in the posting"]
    first, second = top[0], top[1] if len(top) > 1 else top[0]
    duties = _duties(description) or [f"the day-to-day work of a {title}"]
    employer = company or "this employer"
    resume_guide = [
        f"Open your summary with the {title} title and your strongest evidence in {_join(top[:3])}.",
        f"Quantify one project built with {first}: its scale, users, speed-up or money saved.",
        f"Show {second} in work close to this posting, e.g. \"{duties[0][:120]}\".",
        f"Use the posting's own names for must-have skills ({_join(top[:4])}) so screeners and ATS filters find them.",
        ("Add mentoring, ownership or cross-team decisions you drove; they weigh heavily at this level."
         if level in ("senior", "lead", "director") else
         "List courses, certifications or side projects that prove you can ramp up quickly."),
    ]
    questions = [
        InterviewQuestion(
            question=f"Tell us about a project where you used {first}. What did you own, and what trade-offs did you make?",
            answer_strategy=f"Pick one concrete project, use Situation-Task-Action-Result, name the {first} "
                            "decisions you made yourself and finish with a measurable result."),
        InterviewQuestion(
            question=f"How would you approach this part of the role: {duties[0][:160]}?",
            answer_strategy="Restate the goal, ask one clarifying question, outline your steps in order, and say "
                            "how you would know it worked."),
        InterviewQuestion(
            question=f"Something built with {second} is slow or failing in production. How do you find the cause?",
            answer_strategy="Walk through evidence first: reproduce, read logs and metrics, narrow the scope, form "
                            "one hypothesis at a time, then fix and add a safeguard against a repeat."),
        InterviewQuestion(
            question="Describe a time you disagreed with a teammate or manager about how to do the work.",
            answer_strategy="Show that you listened, argued with data, agreed on a decision and committed to it; "
                            "end with what the team learned."),
        InterviewQuestion(
            question=f"Why do you want this {title} position at {employer}, and what would you do in your first 90 days?",
            answer_strategy="Connect the posting's priorities to your past results, then give a short 30/60/90-day "
                            "plan: learn the systems and people, deliver a first win, then improve a process."),
    ]
    return JobGuides(resume_guide=resume_guide, interview_questions=questions)
