"""What the coach says, read from what the seeker just said: the offline coach's answers and the
check every reply gets, an LLM's included.

It listens first: a seeker who says they lack something ("I have no critical care experience") has
that taken as a gap, over the resume evidence if need be, with a concrete way to close it and to
address it honestly. It never tells a seeker to apply now while the job asks for something they
lack. Questions of a known kind (system design, salary, interview, career change, a gap in the
resume, skills, the resume) get an answer of that kind, in the words of the seeker's occupational
family (data/coach_families.json)."""

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from career_app.services import families
from career_app.services.skills import taxonomy

COACH_FILE = Path(__file__).parent / "data" / "coach_families.json"

_LACK = re.compile(
    r"\b(?:i(?:\s+have|'ve|’ve)\s+(?:no|zero|little|limited|not\s+much|never\s+had(?:\s+any)?)|"
    r"i\s+(?:don't|don’t|do\s+not|dont)\s+(?:have|know)(?:\s+(?:any|much))?|"
    r"i(?:\s+have|'ve|’ve)\s+never\s+(?:worked\s+(?:in|with|on)|done|used|been\s+(?:in|on))|"
    r"i\s+(?:lack|am\s+missing)|i(?:'m|’m)\s+missing|(?:no|without)\s+(?:real\s+)?(?:experience|background)\s+(?:in|with|of|on)|"
    r"i(?:'m|’m|\s+am)\s+not\s+(?:certified|licensed|trained|experienced)\s+(?:in|with|for|on))\s+(?P<x>[^.,;!?\n]+)",
    re.I)
_TRAILING = re.compile(r"\s+(?:experience|background|skills?|knowledge|certification|training|work|either|yet|"
                       r"at\s+all|so\s+far|really|though)\s*$", re.I)
_LEADING = re.compile(r"^(?:any|real|much|direct|hands[- ]on|formal|professional|the|a|an)\s+", re.I)
_APPLY_NOW = re.compile(r"\bapply\s+(?:right\s+)?(?:now|today|straight\s+away|immediately)\b|\byou(?:'re|\s+are)\s+ready\s+to\s+apply\b",
                        re.I)
_KINDS = {
    "system_design": re.compile(r"system\s+design|design\s+(?:a|an|the)\s+(?:system|service|api|architecture)|"
                                r"architecture\s+(?:interview|question)|scal(?:e|ing)\s+(?:a|the|this)\s+(?:system|service)", re.I),
    "salary": re.compile(r"salary|\bpay\b|paid|money|compensation|\boffer\b|negotiat|\brate\b|wage", re.I),
    "interview": re.compile(r"interview|question|prepare|\bprep\b", re.I),
    "career_change": re.compile(r"career\s+change|chang(?:e|ing)\s+(?:careers?|fields?)|switch(?:ing)?\s+(?:careers?|fields?|into)|"
                                r"transition\s+(?:into|to)|move\s+into|break\s+into", re.I),
    "resume_gap": re.compile(r"gap\s+(?:in|on)\s+my\s+(?:resume|cv|work|employment)|employment\s+gap|career\s+break|"
                             r"time\s+off|years?\s+out|out\s+of\s+work|been\s+unemployed", re.I),
    "skills": re.compile(r"skill|gap|missing|learn|course|qualif|certif", re.I),
    "resume": re.compile(r"resume|\bcv\b|cover\s+letter|apply|application", re.I),
}


@cache
def _advice() -> dict[str, dict]:
    return json.loads(COACH_FILE.read_text())["families"]


def advice(family: str | None) -> dict:
    return _advice().get(family or families.GENERAL) or _advice()[families.GENERAL]


@dataclass
class Requirement:
    text: str  # in the job's words
    skills: tuple[str, ...]
    must: bool
    evidence: str | None  # the resume line that shows it, None when missing


@dataclass
class Situation:
    """What the answer is made of: the job, its requirements with their evidence, and the seeker."""
    question: str
    family: str
    job: dict | None = None  # title, company, skills, interview_questions, resume_guide, salary
    requirements: list[Requirement] = field(default_factory=list)
    resume_known: bool = True  # False: no resume (or no job embedding) to read evidence from
    score: float | None = None
    gap: bool | None = None
    skills: list[str] = field(default_factory=list)  # the seeker's

    def lacks(self) -> list[tuple[str, Requirement | None]]:
        """What the seeker says they lack in their last message, each with the job's requirement it is."""
        out = []
        for match in _LACK.finditer(self.question):
            said = _clean(match.group("x"))
            if said:
                out.append((said, self._requirement_for(said)))
        return out

    def _requirement_for(self, said: str) -> Requirement | None:
        tax = taxonomy()
        named = set()
        for name in tax.extract(said):
            named |= {name, *tax.implied(name)}
        words = _words(said)
        for req in self.requirements:
            if named & set(req.skills):
                return req
            mine = _words(req.text)
            if words and mine and (words <= mine or mine <= words):
                return req
        return None

    def missing_must(self) -> list[str]:
        """Must-haves the resume does not show, and those the seeker says they lack."""
        said = {req.text for _, req in self.lacks() if req is not None and req.must}
        return [r.text for r in self.requirements
                if r.must and ((self.resume_known and r.evidence is None) or r.text in said)]


def _clean(text: str) -> str:
    text = " ".join(text.split()).strip(" -")
    for _ in range(3):
        text = _TRAILING.sub("", _LEADING.sub("", text)).strip()
    return text


_STOP = frozenset("a an the and or of in on with for to at by experience skills skill knowledge".split())


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9+#]+", text.lower()) if w not in _STOP}


def kinds(question: str) -> list[str]:
    found = [kind for kind, pattern in _KINDS.items() if pattern.search(question)]
    if "system_design" in found and "interview" in found:
        found.remove("interview")  # a system design interview question: the design answer
    return found


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def _first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lack_paragraphs(s: Situation, tips: dict) -> list[str]:
    out = []
    for said, req in s.lacks():
        if req is None:
            listed = f" This {s.job['title']} job does not list it, so it need not hold you back here." if s.job else ""
            out.append(f"You said you have no {said} experience.{listed} Mention it only if you are asked.")
            continue
        kind = "asks for" if req.must else "mentions"
        text = f"You said you have no {said} experience, and this job {kind} {req.text}. That is a real gap, and I " \
               "will treat it as one"
        if req.evidence:
            text += f" (I had read \"{req.evidence[:120]}\" on your resume as showing it; you know your experience better)"
        out.append(text + ".")
        out.append(f"To close it: {tips['close_gap'].format(skill=req.text)}.")
        out.append(f"When you apply: {tips['address_gap'].format(skill=req.text)}.")
    return out


def _design_answer(s: Situation) -> list[str]:
    stack = [k for k in (s.job or {}).get("skills", []) if k][:4]
    with_stack = f" Where it fits, use what this job names ({_join(stack)}) and say why." if stack else ""
    return [
        "A system design answer, step by step (about 35 minutes in an interview):",
        _bullets([
            "Clarify before drawing: who uses it, the main operations, how many requests and how much data, "
            "and what must never go wrong (consistency, latency, availability).",
            "Estimate the load: requests per second at peak, storage per year, read/write ratio.",
            "Sketch the API and the data model first, then the components: clients, a stateless service tier, "
            "storage, a cache, a queue for slow work.",
            "Walk one request end to end, then scale the part that breaks first: caching, replicas, partitioning, "
            "asynchronous processing.",
            "Name the failure modes and what you would monitor; close with the trade-offs you chose and what you "
            "would change at ten times the load." + with_stack,
        ]),
    ]


def _salary_paragraph(s: Situation, tips: dict) -> str:
    """Pay as services/salary.summary gives it: posted as posted, an estimate with its basis, or none."""
    pay = (s.job or {}).get("salary") or {"kind": "none", "text": ""}
    sources = tips["salary_sources"]
    if pay["kind"] == "posted":
        return (f"{pay['text']} That is the range to work within. Compare it with {sources}, and aim near the top "
                "only for the requirements you really meet.")
    if pay["kind"] == "estimate":
        return (f"{pay['text']} It is a guide from other postings, not this employer's offer: ask for their range "
                f"early, and check it against {sources}.")
    return (f"{pay['text']} There is no salary to go on here. Check {sources} before the first call, and give a "
            "range whose bottom you would happily accept.").strip()


def offline_answer(s: Situation) -> str:
    tips = advice(s.family)
    asked = kinds(s.question)
    lacks = s.lacks()
    parts = []
    if s.job:
        parts.append(f"About the {s.job['title']} role" + (f" at {s.job['company']}" if s.job.get("company") else "") + ":")
    parts += _lack_paragraphs(s, tips)
    if not asked and not lacks:
        asked = ["skills", "interview"] if s.job else ["skills", "resume"]
    matched = [r for r in s.requirements if r.evidence]
    missing = [r for r in s.requirements if not r.evidence]
    if "system_design" in asked:
        parts += _design_answer(s)
    if "salary" in asked:
        parts.append(_salary_paragraph(s, tips))
    if "career_change" in asked:
        transferable = f" What you can already show: {_join([r.text for r in matched[:4]])}." if matched else ""
        parts.append(f"Changing fields: {tips['career_change']}.{transferable}")
    if "resume_gap" in asked:
        parts.append(f"On a gap in your resume: {tips['resume_gap']}. Keep it short and move on to what you can do now.")
    if "skills" in asked and not lacks:
        if not s.resume_known and s.job:
            parts.append(f"This job asks for {_join(s.job.get('skills', [])[:8]) or 'the skills in its description'}. "
                         "Upload your resume to see which of them you already show.")
        elif missing:
            parts.append(f"Your resume shows {len(matched)} of the {len(s.requirements)} requirements this job lists. "
                         "What it does not show yet, and how to close each:")
            parts.append(_bullets([f"{r.text}: {tips['close_gap'].format(skill=r.text)}" for r in missing[:4]]))
        elif s.requirements:
            shown = [f"{r.text} (\"{r.evidence[:80]}\")" for r in matched[:3]]
            parts.append(f"Your resume shows every requirement this job lists, for example {_join(shown)}. "
                         "Lead with that evidence.")
        elif s.job:
            parts.append(f"This job asks for {_join(s.job.get('skills', [])[:8]) or 'the skills in its description'}. "
                         "Upload your resume to see which of them you already show.")
        else:
            parts.append(f"Your profile lists {_join(s.skills[:10]) or 'no skills yet'}. Open a job and choose "
                         "“Ask the coach about this job” to compare it with your resume.")
    if "interview" in asked:
        questions = (s.job or {}).get("interview_questions") or []
        if questions:
            parts.append("Questions to prepare for this interview:")
            parts.append(_bullets(questions[:5]))
        parts.append("Prepare three short stories, each with the situation, what you did and the result: "
                     + "; ".join(tips["stories"]) + ".")
    if "resume" in asked:
        guide = (s.job or {}).get("resume_guide") or []
        parts.append("For your resume:")
        parts.append(_bullets(guide[:3] or tips["resume_tips"]))
    parts.append(next_step(s, tips, explained={req.text for _, req in lacks if req is not None}))
    return "\n\n".join(parts)


def next_step(s: Situation, tips: dict | None = None, explained: set[str] = frozenset()) -> str:
    tips = tips or advice(s.family)
    blocking = s.missing_must()
    if blocking:
        first = blocking[0]
        how = ("as above" if first in explained else f"start with {first}: {tips['close_gap'].format(skill=first)}")
        return (f"Next step: close or address {_join(blocking[:3])} before you apply ({how}). Then apply, and say "
                "openly in your letter how you are closing it.")
    if s.gap is False:
        return "Next step: apply now, and tailor the first lines of your resume to this posting."
    if s.gap:
        return "Next step: strengthen the parts of your resume that show this job's requirements, then apply."
    return "Next step: tell me which job you are considering, and I will compare it with your resume."


def check_reply(reply: str, s: Situation) -> str:
    """A reply (an LLM's) as the seeker may read it: no "apply now" while the job asks for something
    they lack; such a sentence is replaced by the honest next step."""
    if not s.missing_must() or not _APPLY_NOW.search(reply):
        return reply
    sentences = re.split(r"(?<=[.!?])\s+", reply)
    kept = [sentence for sentence in sentences if not _APPLY_NOW.search(sentence)]
    return (" ".join(kept).strip() + "\n\n" + next_step(s)).strip()


def prompt_facts(s: Situation) -> str:
    """The facts an LLM gets: the family, the evidence per requirement, what is missing and what the
    seeker says they lack, and the rule it must keep."""
    lines = [f"The seeker's field: {families.label(s.family)}. Write for that field, in its own words."]
    for r in s.requirements:
        state = f"shown by \"{r.evidence[:120]}\"" if r.evidence else "NOT shown on the resume"
        lines.append(f"- {'Must-have' if r.must else 'Also listed'}: {r.text}: {state}")
    for said, req in s.lacks():
        lines.append(f"The seeker says they lack {said}" + (f" (the job's {req.text})." if req else "."))
    if s.missing_must():
        lines.append("Rule: the seeker lacks " + _join(s.missing_must()) + ", which the job asks for. Acknowledge it as "
                     "a gap, give a concrete way to close or address it, and never advise applying now.")
    return "\n".join(lines)
