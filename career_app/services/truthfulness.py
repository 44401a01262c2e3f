"""The truthfulness check: every employer, job title, degree, school, certification, date and
number a generated text states must be found in the seeker's resume or in the job; the others are
returned as unsupported claims with their sentence and character span.

Matching is normalised (case, punctuation and spacing ignored; a phrase is supported when it occurs
in a source, or when all its words occur in one line of a source); numbers are compared by value
("$120,000" = "120k", "40 %" = "40%"), dates by their year. The check is pure text work: a one-page
letter takes a few milliseconds (bench/bench_content.py)."""

import re
from dataclasses import dataclass, field

from career_app.services.skills import taxonomy

_WORD = re.compile(r"[a-z0-9]+")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
           "dec")
_MONTH_RE = "|".join(m.capitalize() for m in sorted(_MONTHS, key=len, reverse=True))
_SENTENCE_RE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)|\n", re.M)

# Numbers: money, percentages, plain figures with an optional scale ("$1.2M", "40%", "120,000", "3x").
_NUMBER_RE = re.compile(
    r"(?<![\w.])(?P<cur>[$€£])?[ \t]?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:[ \t]?(?P<scale>k|m|bn|b|million|billion|thousand)\b)?(?P<pct>[ \t]?(?:%|percent\b))?(?P<x>x\b)?", re.I)
_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
_MONTH_YEAR_RE = re.compile(rf"\b(?:{_MONTH_RE})\.?[ \t]+(?:19|20)\d\d\b")
_DEGREE_RE = re.compile(
    r"\b(?:(?:Bachelor|Master|Doctor|Associate)(?:'s|’s)?(?:[ \t]+degree)?(?:[ \t]+of[ \t]+(?:Science|Arts|Engineering|"
    r"Business Administration|Fine Arts|Laws|Philosophy|Education|Nursing))?"
    r"|B\.?[ \t]?Sc\.?|M\.?[ \t]?Sc\.?|B\.?S\.|M\.?S\.|B\.?A\.|M\.?A\.|BSc|MSc|Ph\.?[ \t]?D\.?|MBA|BSN|MSN|BEng|MEng|B\.?Eng\.?|"
    r"M\.?Eng\.?|BBA|LLB|LLM|MPH|MD)"
    r"(?:[ \t]+(?:in|of)[ \t]+(?P<field>[A-Z][\w&]*(?:[ \t]+(?:and[ \t]+|&[ \t]+)?[A-Z][\w&]*){0,4}))?(?![\w])")
_SCHOOL_RE = re.compile(
    r"\b(?:(?:University|College|Institute|Academy|School)[ \t]+of[ \t]+(?:the[ \t]+)?[A-Z][\w&'.-]*(?:[ \t]+[A-Z][\w&'.-]*){0,4}"
    r"|(?:[A-Z][\w&'.-]*[ \t]+){1,4}(?:University|College|Institute of Technology|Polytechnic|Business School|"
    r"School of [A-Z]\w+))\b")
_CERT_RE = re.compile(
    r"\b(?:(?:[A-Z][\w+-]*[ \t]+){0,3}Certified(?:[ \t]+[A-Z][\w+-]*){1,5}|(?:[A-Z][\w+-]*[ \t]+){1,4}[Cc]ertification"
    r"|[Cc]ertified[ \t]+in[ \t]+(?:[A-Z][\w+-]*[ \t]?){1,4}|PMP|CPA|CFA|CISSP|CISM|CCNA|CCNP|CKA|CKAD|CSM|PHR|SHRM-CP|"
    r"ACLS|PALS|BLS|ITIL|Six Sigma(?:[ \t]+\w+[ \t]+Belt)?)\b")
_TITLE_HEAD = r"(?:Senior|Sr\.?|Junior|Jr\.?|Lead|Staff|Principal|Chief|Head|Associate|Assistant|Registered|Vice)"
_TITLE_NOUN = (r"(?:Engineer|Developer|Manager|Analyst|Scientist|Designer|Architect|Consultant|Nurse|Director|"
               r"Specialist|Administrator|Coordinator|Officer|Intern|Accountant|Technician|Programmer|Researcher|"
               r"Strategist|Editor|Writer|Recruiter|Teacher|President|Representative|Executive|Owner|Lead)")
_TITLE_RE = re.compile(
    rf"\b(?:{_TITLE_HEAD}[ \t]+)?(?:[A-Z][\w/+#-]*[ \t]+){{0,3}}{_TITLE_NOUN}s?\b"
    rf"|\b(?:(?:senior|junior|lead|staff|principal)[ \t]+)?(?:[a-z][\w/+#-]*[ \t]+){{1,2}}"
    r"(?:engineer|developer|manager|analyst|scientist|designer|architect|nurse|accountant)s?\b")
_TITLE_END = re.compile(rf"\b{_TITLE_NOUN}s?$")
_ORG_SUFFIX = (r"(?:Inc|LLC|Ltd|Corp|Corporation|GmbH|AG|SA|PLC|Labs|Technologies|Systems|Group|Bank|Hospital|"
               r"Partners|Solutions|Software|Consulting|Studios|Health|Holdings|Ventures)\.?")
_ORG_RE = re.compile(
    rf"\b(?:(?:[A-Z][\w&'-]*|&)[ \t]+){{1,4}}{_ORG_SUFFIX}(?![\w])"
    r"|\b(?:at|joined|with|for|from)[ \t]+(?P<after>(?:the[ \t]+)?[A-Z][\w&'-]*(?:[ \t]+(?:&[ \t]+)?[A-Z][\w&'-]*){0,4})")
# Capitalised words that are never an organisation on their own.
_NOT_ORG = {"i", "the", "my", "your", "our", "a", "an", "dear", "this", "that", "monday", "tuesday", "wednesday",
            "thursday", "friday", "saturday", "sunday", "best", "kind", "regards", "thank", "thanks", "sincerely",
            "hiring", "team", "hello", "hi", "subject", "tailored", "not", "manager", "you", "me", "it", "we", "they", "us", "them", "today", "next", "week",
            "english", "linkedin", "please", "present", "current", *_MONTHS}
_NOT_TITLE = {"dear", "as", "a", "an", "the", "my", "your", "our", "i", "am", "was", "and", "of", "to", "for", "with",
              "this", "that", "is", "be", "hello", "hi", "attn"}
# Generic people and roles a letter may address without stating a fact.
_GENERIC = ("hiring manager", "hiring team", "recruiter", "recruiting team", "talent team", "team lead",
            "engineering manager", "manager")
_DEGREE_GROUPS = (
    ("doctor", re.compile(r"\b(?:ph\.?[ \t]?d|doctor(?:ate)?|dphil|md)\b", re.I)),
    ("master", re.compile(r"\b(?:master|m\.?[ \t]?sc|m\.?s\.|m\.?a\.|msc|mba|msn|m\.?eng|meng|llm|mph)", re.I)),
    ("bachelor", re.compile(r"\b(?:bachelor|b\.?[ \t]?sc|b\.?s\.|b\.?a\.|bsc|bsn|b\.?eng|beng|bba|llb)", re.I)),
    ("associate", re.compile(r"\bassociate(?:'s|’s)?[ \t]+degree\b", re.I)),
)


def normalise(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _value(match: re.Match) -> float | None:
    try:
        value = float(match.group("num").replace(",", ""))
    except ValueError:
        return None
    scale = (match.group("scale") or "").lower()
    value *= {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9}.get(scale, 1)
    return round(value, 4)


@dataclass
class Facts:
    """What may be stated: the resume and the job, normalised once."""

    text: str  # normalised, padded with spaces for whole-word containment
    lines: list[frozenset[str]]
    numbers: set[float]
    years: set[int]
    degrees: set[str]
    raw: str = field(repr=False, default="")

    def has_phrase(self, phrase: str) -> bool:
        words = normalise(phrase)
        if not words:
            return True
        if f" {words} " in self.text:
            return True
        tokens = set(words.split())
        return any(tokens <= line for line in self.lines)


def facts_of(*sources: str | None) -> Facts:
    raw = "\n".join(s for s in sources if s)
    norm_lines = [normalise(line) for line in raw.splitlines()]
    numbers: set[float] = set()
    years: set[int] = set()
    for match in _NUMBER_RE.finditer(raw):
        value = _value(match)
        if value is not None:
            numbers.add(value)
            if _YEAR_RE.match(match.group("num")):
                years.add(int(match.group("num")))
    degrees = {name for name, pattern in _DEGREE_GROUPS if pattern.search(raw)}
    return Facts(" " + " ".join(norm_lines) + " ", [frozenset(line.split()) for line in norm_lines if line],
                 numbers, years, degrees, raw)


@dataclass(frozen=True)
class Claim:
    text: str
    kind: str  # employer | title | degree | school | certification | date | number
    start: int
    end: int

    def as_dict(self, sentence: str) -> dict:
        return {"text": self.text, "kind": self.kind, "sentence": sentence, "start": self.start, "end": self.end}


def _org_candidate(match: re.Match) -> tuple[str, int, int] | None:
    group = "after" if match.group("after") else 0
    text, start = match.group(group), match.start(group)
    if text.lower().startswith("the "):
        text, start = text[4:], start + 4
    words = text.split()
    while words and words[-1].lower().strip(".") in _NOT_ORG:  # "at Acme Today" -> "Acme"
        words.pop()
    if not words or words[0].lower().strip(".") in _NOT_ORG:
        return None
    text = " ".join(words).rstrip(".")
    if _TITLE_END.search(text):
        return None  # "for the Staff Engineer role": a title, found as such
    if taxonomy().canonical(text) or all(taxonomy().canonical(w) for w in words):
        return None  # "experience with Python": a skill, not an organisation
    return text, start, start + len(text)


def extract_claims(text: str) -> list[Claim]:
    """Every checkable statement in `text`, without overlaps (the longer, more specific one wins)."""
    found: list[Claim] = []
    for match in _DEGREE_RE.finditer(text):
        found.append(Claim(match.group(0), "degree", match.start(), match.end()))
    for match in _SCHOOL_RE.finditer(text):
        found.append(Claim(match.group(0), "school", match.start(), match.end()))
    for match in _CERT_RE.finditer(text):
        found.append(Claim(match.group(0).strip(), "certification", match.start(), match.start() + len(match.group(0).strip())))
    for match in _MONTH_YEAR_RE.finditer(text):
        found.append(Claim(match.group(0), "date", match.start(), match.end()))
    for match in _ORG_RE.finditer(text):
        candidate = _org_candidate(match)
        if candidate:
            found.append(Claim(candidate[0], "employer", candidate[1], candidate[2]))
    for match in _TITLE_RE.finditer(text):
        phrase, start = match.group(0), match.start()
        while (lead := re.match(r"(\S+)\s+", phrase)) and lead.group(1).lower() in _NOT_TITLE:
            phrase, start = phrase[lead.end():], start + lead.end()  # "Dear Hiring Manager" -> "Hiring Manager"
        if normalise(phrase) not in _GENERIC and re.search(r"\s", phrase):
            found.append(Claim(phrase, "title", start, start + len(phrase)))
    for match in _NUMBER_RE.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if text[line_start:match.start()].strip() == "" and text[match.end():match.end() + 1] in (".", ")") \
                and not match.group("cur"):
            continue  # a list marker ("1.")
        kind = "date" if _YEAR_RE.match(match.group("num")) and not match.group("cur") and not match.group("pct") \
            else "number"
        end = match.end()
        found.append(Claim(text[match.start():end].strip(), kind, match.start(), end))
    # Keep the longest of overlapping claims; ties go to the earlier kind in the list above.
    found.sort(key=lambda c: (-(c.end - c.start), c.start))
    kept: list[Claim] = []
    for claim in found:
        if all(claim.end <= k.start or claim.start >= k.end for k in kept):
            kept.append(claim)
    return sorted(kept, key=lambda c: c.start)


def supported(claim: Claim, facts: Facts) -> bool:
    if claim.kind == "number":
        match = _NUMBER_RE.search(claim.text)
        value = _value(match) if match else None
        return value is None or value in facts.numbers
    if claim.kind == "date":
        year = re.search(r"(?:19|20)\d\d", claim.text)
        return year is None or int(year.group(0)) in facts.years
    if claim.kind == "degree":
        group = next((name for name, pattern in _DEGREE_GROUPS if pattern.search(claim.text)), None)
        if group is not None and group not in facts.degrees:
            return False
        field_match = re.search(r"\b(?:in|of)\s+(.+)$", claim.text)
        if field_match and not re.match(r"(?:Science|Arts|Engineering)$", field_match.group(1)):
            field_words = re.sub(r"^(?:Science|Arts|Engineering|Business Administration)\s+in\s+", "",
                                 field_match.group(1))
            return facts.has_phrase(field_words)
        return True
    return facts.has_phrase(claim.text)


def sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENTENCE_RE.finditer(text) if m.group(0).strip()]


def check(text: str, facts: Facts) -> list[dict]:
    """The unsupported claims of `text`: [{"text", "kind", "sentence", "start", "end"}] in order."""
    spans = sentences(text)
    out = []
    for claim in extract_claims(text):
        if supported(claim, facts):
            continue
        sentence = next((text[a:b].strip() for a, b in spans if a <= claim.start < b), claim.text)
        out.append(claim.as_dict(sentence))
    return out
