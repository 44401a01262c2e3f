"""Advice written for the job's occupational family: resume guides and interview prep composed from
per-family banks (data/advice_banks.json) and the job's own requirements, duties and, when a seeker
is known, their gap; and the check every guide passes, offline or from an LLM.

The check: no word reserved for another family (the banks' "reserved" lists; how they match is
described in the data file) and at least two of the job's own requirements named, in the resume
guide and in the interview prep each. A job's own requirement names are never counted as borrowed
words, and for a model's reply neither are words the posting itself uses."""

import json
import re
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import PrivateAttr

from career_app.services import families
from career_app.services.skills import taxonomy
from models.ai import InterviewQuestion, JobGuides

BANKS_FILE = Path(__file__).parent / "data" / "advice_banks.json"
GENERAL = families.GENERAL
RESUME_SLOTS = ("summary", "quantify", "evidence", "keywords", "senior", "early", "gap")
QUESTION_SLOTS = ("practice", "problem", "standards", "duty", "people", "gap")
# What each slot's templates must name, so that every guide names the job's requirements.
REQUIRED = {("resume", "summary"): ("{skills}",), ("resume", "quantify"): ("{skill}",),
            ("resume", "evidence"): ("{skill2}",), ("resume", "gap"): ("{gap}",),
            ("questions", "practice"): ("{skill}",), ("questions", "problem"): ("{skill2}",),
            ("questions", "duty"): ("{duty}",), ("questions", "gap"): ("{gap}",)}
SENIOR_LEVELS = ("senior", "lead", "director")
# The job's outcome of the check, kept beside its guides ("check"): made offline; a model's reply
# that passed; one that passed after one repair round; one replaced by the offline text.
OFFLINE, PASSED, REPAIRED, REPLACED = "offline", "passed", "repaired", "replaced"


class FamilyGuides(JobGuides):
    """JobGuides (same fields, same JSON) that also know the family they were written for, how the
    check went, and who wrote them when that differs from the rest of the enrichment."""
    _family: str = PrivateAttr(default=GENERAL)
    _check: str = PrivateAttr(default=OFFLINE)
    _generated_by: str | None = PrivateAttr(default=None)
    _problems: list[str] = PrivateAttr(default_factory=list)

    def provenance(self) -> dict:
        out = {"family": self._family, "check": self._check}
        if self._problems:
            out["check_problems"] = self._problems[:6]
        return out


def mark(guides: JobGuides, family: str, check: str, generated_by: str | None = None,
         problems: list[str] | None = None) -> FamilyGuides:
    out = guides if isinstance(guides, FamilyGuides) else FamilyGuides.model_validate(guides.model_dump())
    out._family, out._check, out._generated_by, out._problems = family, check, generated_by, list(problems or [])
    return out


# --- the banks ---------------------------------------------------------------------------------

@cache
def banks() -> dict[str, dict]:
    return json.loads(BANKS_FILE.read_text())["families"]


def bank(family: str | None) -> dict:
    return banks().get(family or GENERAL) or banks()[GENERAL]


def _slot(family: str, part: str, slot: str) -> list:
    """A family's templates for a slot, or the general family's when it has none."""
    return bank(family).get(part, {}).get(slot) or banks()[GENERAL][part][slot]


def kinds(family: str) -> dict[str, str]:
    return {**banks()[GENERAL]["kinds"], **bank(family).get("kinds", {})}


# --- reserved vocabulary -----------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    """A reserved term found in a text: the words as written, the bank entry, the families it belongs to."""
    text: str
    entry: str
    owners: frozenset[str]


def _term_pattern(entry: str) -> str:
    stem = entry[:-1] if entry.endswith("*") else entry
    out = re.escape(stem).replace(r"\ ", r"\s+").replace(r"\-", r"[-\s]").replace("'", "['\u2019]")
    return out + (r"\w*" if entry.endswith("*") else r"(?!\w)")


@cache
def _vocabulary() -> tuple[dict[str, frozenset[str]], dict[str, list[tuple[str, re.Pattern]]]]:
    """Each reserved term's families, and the terms indexed by the first two letters of their first
    word (lower-cased): a text is scanned word by word and only a few terms are tried at each."""
    owners: dict[str, set[str]] = {}
    for family, entry in banks().items():
        for term in entry.get("reserved", []):
            owners.setdefault(term, set()).add(family)
    index: dict[str, list[tuple[str, re.Pattern]]] = {}
    for term in sorted(owners, key=len, reverse=True):
        index.setdefault(term[:2].lower(), []).append(
            (term, re.compile(_term_pattern(term), 0 if term != term.lower() else re.I)))
    return {t: frozenset(f) for t, f in owners.items()}, index


_WORD = re.compile(r"\w+")


def reserved_terms(text: str) -> list[Term]:
    """Every reserved term in `text`, left to right; where candidates overlap the longest wins."""
    owners, index = _vocabulary()
    found: list[tuple[int, int, str]] = []
    for word in _WORD.finditer(text):
        start = word.start()
        best = None
        for term, pattern in index.get(text[start:start + 2].lower(), ()):
            m = pattern.match(text, start)
            if m and (best is None or m.end() > best[1]):
                best = (start, m.end(), term)
        if best:
            found.append(best)
    chosen: list[tuple[int, int, str]] = []
    for item in sorted(found, key=lambda f: f[0] - f[1]):  # longest first
        if all(item[1] <= c[0] or item[0] >= c[1] for c in chosen):
            chosen.append(item)
    return [Term(text[start:end], term, owners[term]) for start, end, term in sorted(chosen)]


def _mask(text: str, names: list[str]) -> str:
    """`text` with the given names (a job's own requirements) blanked out."""
    names = sorted({n for n in names if n and len(n) > 1}, key=len, reverse=True)
    if not names:
        return text
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.I)
    return pattern.sub(lambda m: " " * len(m.group()), text)


def foreign_terms(text: str, family: str, own: list[str] = (), posting: str = "") -> list[Term]:
    """Reserved terms in `text` that belong to other families than `family`. The job's own
    requirement names, title and company (`own`) are its words; so are terms the posting itself
    uses (`posting`)."""
    family = family if families.valid(family) else GENERAL
    allowed = {t.entry for t in reserved_terms(posting)} if posting else set()
    names = _requirement_names(own)
    return [t for t in reserved_terms(_mask(text, names)) if family not in t.owners and t.entry not in allowed]


# --- requirements named ------------------------------------------------------------------------

def _requirement_names(requirements) -> list[str]:
    tax = taxonomy()
    out: list[str] = []
    for label in requirements:
        label = " ".join(str(label).split())
        if label:
            out.append(label)
            known = tax.canonical(label)
            if known:
                out.append(known)
    return list(dict.fromkeys(out))


def requirement_keys(requirements) -> list[str]:
    """The distinct requirements of a list (one per canonical skill, else per label)."""
    tax = taxonomy()
    return list(dict.fromkeys((tax.canonical(r) or " ".join(str(r).split())).lower()
                              for r in requirements if str(r).strip()))


def named_requirements(text: str, requirements) -> list[str]:
    """The job's requirements that `text` names: as the job wrote them, by canonical name or by a
    taxonomy alias ("PALS" names Pediatric Advanced Life Support)."""
    tax = taxonomy()
    mentioned = {name.lower() for name in tax.extract(text)}
    lowered = text.lower()
    out = []
    for label in requirements:
        label = " ".join(str(label).split())
        known = tax.canonical(label)
        key = (known or label).lower()
        literal = any(re.search(r"(?<!\w)" + re.escape(n.lower()) + r"(?!\w)", lowered) for n in {label, known} if n)
        if (known and known.lower() in mentioned) or literal:
            out.append(key)
    return list(dict.fromkeys(out))


def guide_texts(guides: JobGuides) -> tuple[str, str]:
    """The resume guide's text and the interview prep's (questions and strategies)."""
    return ("\n".join(guides.resume_guide),
            "\n".join(f"{q.question}\n{q.answer_strategy}" for q in guides.interview_questions))


def check(guides: JobGuides, family: str, requirements: list[str], posting: str = "",
          own: list[str] = ()) -> list[str]:
    """What is wrong with guides for a job of `family` whose requirements are `requirements`
    (empty: nothing). `own`: other words of the job quoted as they are (its title, its company).
    Used on a model's reply (with the posting, whose own words are allowed) and in tests on the
    offline text (without it, strictly)."""
    problems = []
    resume, prep = guide_texts(guides)
    foreign = foreign_terms(f"{resume}\n{prep}", family, [*requirements, *own], posting)
    if foreign:
        listed = list(dict.fromkeys(
            f'"{t.text}" ({" / ".join(sorted(families.label(f) for f in t.owners))})' for t in foreign))
        problems.append(f"uses words of other fields than {families.label(family)}: {', '.join(listed[:8])}")
    need = min(2, len(requirement_keys(requirements)))
    for part, text in (("resume guide", resume), ("interview questions", prep)):
        named = named_requirements(text, requirements)
        if len(named) < need:
            problems.append(f"the {part} names {len(named)} of the job's requirements; name at least {need} of: "
                            + ", ".join(list(dict.fromkeys(requirements))[:8]))
    return problems


# --- composition -------------------------------------------------------------------------------

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+")
_LEAD_IN = re.compile(
    r"^(?:(?:key\s+)?(?:duties|responsibilities|tasks)(?:\s+(?:include|are|will\s+include))?\s*:\s*)?"
    r"(?:(?:as\s+(?:an?|the|our)\s+[\w\s-]{2,40}?,?\s*)?you\s+will|you'll|you\s+would|you\s+are\s+expected\s+to|"
    r"we\s+need\s+you\s+to|we\s+count\s+on\s+you\s+to|your\s+job\s+is\s+to|the\s+role\s+(?:involves|includes)|"
    r"will|(?:key\s+)?(?:duties|responsibilities|tasks)(?:\s+(?:include|are|will\s+include))?\s*:)\s+", re.I)
_VERBS = frozenset("""
accompany adapt administer advise allocate analyse analyze answer apply approve arrange assemble assess assist
attend audit bake balance book brief build calculate calibrate calm care carry change chase check clean close
coach collaborate collect commission communicate compile complete conduct configure connect construct contribute
cook coordinate counsel count create cut dispense deal decorate define deliver demonstrate design develop
diagnose direct dispatch distribute document draft drive educate enforce ensure enter establish estimate evaluate
examine execute facilitate file fill find fit fix follow forecast gather give greet grow guide handle help hire
hold host identify implement improve inspect install instruct interview investigate issue keep label launch lay
lead liaise load log maintain make manage map mark match measure meet mentor mix model monitor move negotiate
observe onboard operate order organise organize oversee own pack paint partner perform pick plan plate post pour
prepare present prevent prioritise prioritize process procure produce program promote prospect protect provide
publish purchase qualify quote raise read receive recommend reconcile record recruit reduce refer register repair
replace report represent research resolve respond restock review run schedule screen secure sell serve service
set share shape ship size solve sort source stock store supervise support survey take teach test track train
translate treat troubleshoot tutor update use validate verify visit weld welcome wire work write
""".split())
_PLURAL_ENDINGS = (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("sses", "ss"), ("xes", "x"), ("s", ""))
_NOT_A_DUTY = re.compile(r"\b(experience|years?|degree|qualification|salary|benefits?|insurance|pension|"
                         r"paid time|holiday|bonus|we offer|equal opportunit\w*|on-call|rota|rotation|shifts?|"
                         r"weekends?|overtime|hours|travel)\b", re.I)
_AFTER_LINK = r"(?:(?<=,\s)|(?<=\band\s)|(?<=\bor\s))"
_LISTED_ING = re.compile(_AFTER_LINK + r"\w+ing\b", re.I)
_LISTED_S = re.compile(_AFTER_LINK + r"\w+s\b(?=\s+(?!(?:for|of|in|to|with|at|on|from|and|or|across|that|which)\b)\w)",
                       re.I)
_SUBJECT = re.compile(r"(?:the|our|this)\s+(?:[\w-]+\s+){1,4}?(?=\w+s\s)", re.I)
MAX_DUTY = 170


def _base_verb(word: str) -> str | None:
    word = word.lower()
    if word in _VERBS:
        return word
    for ending, replacement in _PLURAL_ENDINGS:
        if word.endswith(ending) and word[: -len(ending)] + replacement in _VERBS:
            return word[: -len(ending)] + replacement
    if word.endswith("ing") and len(word) > 5:
        stem = word[:-3]
        for candidate in (stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else ""):
            if candidate in _VERBS:
                return candidate
    return None


def _as_duty(sentence: str) -> tuple[str, bool] | None:
    """A posting's sentence as a verb phrase ("Reading plans and quoting for jobs" -> "read plans and
    quote for jobs") and whether it was stated as a duty ("You will ..."), or None."""
    sentence = sentence.strip(" \t-•*\u2013")
    if len(sentence) < 20 or _NOT_A_DUTY.search(sentence):
        return None
    lead = _LEAD_IN.match(sentence)
    rest = sentence[lead.end():] if lead else sentence
    subject = _SUBJECT.match(rest) if not lead else None
    if subject:  # "The technician receives ...": the role's duty, stated
        rest, lead = rest[subject.end():], subject
    words = rest.split(maxsplit=1)
    if len(words) < 2 or words[1].lower().startswith(("for ", "of ", "to ")):
        return None
    first = words[0].rstrip(",:")
    verb = _base_verb(first)
    if verb is None:
        return None
    tail = words[1]
    if first.lower() != verb:  # a list of "-ing" or "-s" duties: each verb in its base form
        listed = _LISTED_ING if first.lower().endswith("ing") else _LISTED_S
        tail = listed.sub(lambda m: _base_verb(m.group()) or m.group(), tail)
    phrase = f"{verb}{words[0][len(first):]} {tail}".rstrip(" .;:!")
    phrase = re.sub(r"\bour\b", "the", phrase)
    if len(phrase) > MAX_DUTY:  # the first clause of a long sentence
        cut = max(phrase.rfind(", ", 0, MAX_DUTY), phrase.rfind(" and ", 0, MAX_DUTY))
        phrase = phrase[:cut].rstrip(" ,") if cut > 25 else ""
    if len(phrase) < 12 or re.search(r"\b(we|us|i|me|my)\b", phrase, re.I):
        return None
    return phrase, bool(lead)


def duties(description: str, family: str, limit: int = 3) -> list[str]:
    """Duties the posting lists, as verb phrases ("keep a calm, well-organised classroom"), none
    using another family's reserved words. "You will ..." lines first, then lines that start with a
    verb ("Manages the rota", "Assessing patients")."""
    stated, others = [], []
    for sentence in _SENTENCE_SPLIT.split(description[:6000]):
        found = _as_duty(sentence)
        if found is None:
            continue
        (stated if found[1] else others).append(found[0])
        if len(stated) >= limit:
            break
    out = list(dict.fromkeys(stated + others))
    return [d for d in out if not foreign_terms(d, family)][:limit]


def _join(items: list[str]) -> str:
    items = [i for i in items if i]
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def ordered_requirements(skills) -> list[str]:
    """The job's requirements for composing: as given (must-haves first), duplicates dropped, the
    general ones (Communication, Leadership...) after the field's own."""
    tax = taxonomy()
    seen: dict[str, str] = {}
    for label in skills:
        label = " ".join(str(label).split())
        key = (tax.canonical(label) or label).lower()
        if label and key not in seen:
            seen[key] = label
    labels = list(seen.values())
    return ([s for s in labels if tax.family(tax.canonical(s) or s) != GENERAL]
            + [s for s in labels if tax.family(tax.canonical(s) or s) == GENERAL])


@cache
def _credential_pattern() -> re.Pattern:
    terms = json.loads(BANKS_FILE.read_text()).get("credentials", [])
    folded = [_term_pattern(t) for t in terms if t == t.lower()]
    exact = [_term_pattern(t) for t in terms if t != t.lower()]
    parts = ([r"(?i:" + "|".join(folded) + ")"] if folded else []) + exact
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")")


def is_credential(requirement: str) -> bool:
    """A licence, certification, code or standard rather than a practice (data: "credentials")."""
    return bool(_credential_pattern().search(requirement))


def _in_title(requirement: str, title: str) -> bool:
    return bool(re.search(r"(?<!\w)" + re.escape(requirement) + r"(?!\w)", title, re.I))


def _article(title: str) -> str:
    """ "a" or "an" before a job title, by how it is said: an Engineer, a University Lecturer, an HR Lead."""
    first = title.split()[0] if title.split() else title
    if first.isupper() and len(first) > 1:
        vowel_sound = first[0] in "AEFHILMNORSX"
    else:
        lower = first.lower()
        vowel_sound = lower[:1] in "aeio" or (lower[:1] == "u" and not lower.startswith(("uni", "use", "usu", "ure", "uti")))
    return ("an " if vowel_sound else "a ") + title


def _own_skills(skills: list[str], required: list[str], company: str | None) -> list[str]:
    listed = taxonomy().normalise(list(required))
    if not company or not skills:
        return [*listed, *skills]
    in_name = set(taxonomy().extract(company)) - set(listed)
    return [*listed, *(s for s in skills if (taxonomy().canonical(s) or s) not in in_name)]


def _pick(options: list, seed: str):
    return options[zlib.crc32(seed.encode()) % len(options)]


def _fill(template, values: dict[str, str]) -> str:
    text = template["t"] if isinstance(template, dict) else template
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group()), text)


def _fit(option, requirements: set[str], title: str) -> int | None:
    """How well a template meant for some roles ("for": title words or requirements) fits this job:
    2 by its title, 1 by a requirement, 0 not at all; None for a template for the whole family."""
    wanted = option.get("for") if isinstance(option, dict) else None
    if not wanted:
        return None
    if any(re.search(r"(?<!\w)" + re.escape(w.lower()), title) for w in wanted):
        return 2
    return 1 if any(w.lower() in requirements for w in wanted) else 0


def _choose(options: list, credential: str, requirements: set[str], title: str) -> list:
    """The templates of a slot that suit this job: about its credential when it asks for one (else
    none about credentials), then those meant for its kind of role (by title before requirements),
    else those for the whole family."""
    about = [o for o in options if isinstance(o, dict) and o.get("when") == "credential"]
    if credential and about:
        options = about
    else:
        options = [o for o in options if not (isinstance(o, dict) and o.get("when"))] or options
    fits = [_fit(o, requirements, title) for o in options]
    best = max((f for f in fits if f), default=0)
    if best:
        return [o for o, f in zip(options, fits) if f == best]
    return [o for o, f in zip(options, fits) if f is None] or options


def compose(title: str, company: str | None, description: str, skills: list[str], level: str,
            family: str | None = None, missing: list[str] = (), required: list[str] = ()) -> FamilyGuides:
    """Five resume-guide bullets and five interview questions for a job, in its family's language,
    naming its own requirements (must-haves first) and a duty from its posting. With `missing` (the
    seeker's gap, in the job's words), a bullet and a question on how to address the first of it.
    `required`: the requirements the job lists, when `skills` also holds ones found in its text; a
    skill found only in the company's name ("Signal & Spark") is not one of the job's."""
    family = family if families.valid(family) else families.of_role(title, skills)
    title = " ".join(title.split()) or "this role"
    reqs = ordered_requirements(_own_skills(skills, required, company))
    fallback = bank(family).get("fallback_skill") or banks()[GENERAL]["fallback_skill"]
    # practices before credentials and the role's own name ("Paralegal") in the slots about the work
    practised = sorted(reqs, key=lambda r: (is_credential(r), _in_title(r, title)))
    practices = [r for r in practised if not is_credential(r)]
    if len(practices) == 1:  # one practice and credentials: the credential gets its own question
        practised = practices * 3
    first = practised[0] if practised else fallback
    second = practised[1] if len(practised) > 1 else first
    third = practised[2] if len(practised) > 2 else second
    seed = f"{title}|{company or ''}"
    found = duties(description, family)
    duty = _pick(found, seed + "|duty") if found else (
        bank(family).get("fallback_duty") or banks()[GENERAL]["fallback_duty"])
    credential = next((r for r in reqs if is_credential(r)), "")
    gap = next((" ".join(str(m).split()) for m in missing if str(m).strip()), "")
    values = {"title": title, "a_title": _article(title), "company": company or "this employer", "skill": first, "skill2": second,
              "skill3": third, "skills": _join(reqs[:3]) or fallback, "must": _join(reqs[:4]) or fallback,
              "duty": duty, "level": level, "gap": gap,
              "credential": credential}

    listed = list(required) or reqs  # a template for some roles fits by the job's listed requirements
    req_keys = {r.lower() for r in listed} | {(taxonomy().canonical(r) or r).lower() for r in listed}
    lowered_title = title.lower()

    def one(part: str, slot: str):
        options = _slot(family, part, slot)
        if credential and part == "questions" and not any(isinstance(o, dict) and o.get("when") for o in options):
            options = options + [o for o in banks()[GENERAL][part][slot] if o.get("when")]
        return _pick(_choose(options, credential, req_keys, lowered_title), f"{seed}|{part}|{slot}")

    resume = [one("resume", "summary"), one("resume", "quantify"), one("resume", "evidence"),
              one("resume", "gap" if gap else "keywords"),
              one("resume", "senior" if level in SENIOR_LEVELS else "early")]
    questions = [one("questions", slot) for slot in
                 ("practice", "problem", "standards", "gap" if gap else "duty", "people")]
    guides = FamilyGuides(
        resume_guide=[_fill(t, values) for t in resume],
        interview_questions=[InterviewQuestion(question=_fill(q["q"], values)[:500],
                                               answer_strategy=_fill(q["a"], values)[:1000]) for q in questions])
    return mark(guides, family, OFFLINE)


def gap_advice(title: str, company: str | None, description: str, skills: list[str], family: str | None,
               missing: list[str], limit: int = 3, required: list[str] = ()) -> list[dict[str, str]]:
    """For a seeker's missing requirements (the first `limit`, in the job's words): how to address
    each in the resume and in the interview, in the language of the job's family."""
    out = []
    for gap in list(dict.fromkeys(" ".join(str(m).split()) for m in missing if str(m).strip()))[:limit]:
        guides = compose(title, company, description, skills, "mid", family, [gap], required)
        question = guides.interview_questions[3]
        out.append({"requirement": gap, "guide": guides.resume_guide[3], "question": question.question,
                    "strategy": question.answer_strategy})
    return out


# --- the LLM path ------------------------------------------------------------------------------

def prompt_notes(family: str, requirements: list[str]) -> str:
    """What the model is told about the field: the family, what to write about, the question kinds,
    the requirements to name, and examples of other fields' words to keep out."""
    family = family if families.valid(family) else GENERAL
    entry = bank(family)
    owners, _ = _vocabulary()
    foreign: list[str] = []
    for other, data in banks().items():
        if other != family:
            foreign += [t.rstrip("*") for t in data.get("reserved", []) if family not in owners[t]][:3]
    reqs = ordered_requirements(requirements)[:8]
    kinds_text = ", ".join(v for k, v in kinds(family).items() if k != "duty")
    return (f" This job's occupational family is {families.label(family)}: write for that field, in its own "
            f"language, about {entry.get('prompt') or banks()[GENERAL]['prompt']}. Make the interview questions of "
            f"these kinds: {kinds_text}, and one about a duty the posting lists. Name at least two of the job's own "
            f"requirements ({', '.join(reqs) or 'as listed'}) in the resume bullets, and at least two in the interview "
            f"questions. Do not borrow other fields' words (for example: {', '.join(dict.fromkeys(foreign))}) unless "
            "the posting itself uses them.")


def repair_request(problems: list[str]) -> str:
    return ("Your answer does not fit this job yet: " + "; ".join(problems)
            + ". Rewrite it for this field and this job, keeping the same JSON shape.")
