"""What a resume says of its owner, for their profile: name, headline (the role line), location,
skills, occupational family and level.

A headline is a role line ("Registered Nurse", "Fifth-grade teacher", "Licensed Electrician"),
never a section heading ("Summary", "Professional Experience") and never the person's name (the
first line of most resumes). It is read, in this order, from: the title beside the name ("Jordan
Rivera - Senior Backend Engineer"), a short line near the top naming a role, the opening phrase of
the summary ("Compassionate registered nurse with six years..." -> "Registered nurse"), else the
most recent dated role ("Grade 5 Teacher, Lincoln Elementary (2019 - present)")."""

import re
from dataclasses import asdict, dataclass, field

from career_app.services import families, seniority
from career_app.services.skills import taxonomy

TOP_LINES = 15  # the name, role line, contact block and summary are above this
MAX_HEADLINE_WORDS = 10

SECTION_HEADINGS = frozenset("""
summary professional-summary career-summary executive-summary summary-of-qualifications
qualifications-summary profile professional-profile personal-profile career-profile about about-me
objective career-objective professional-objective personal-statement experience work-experience
professional-experience relevant-experience clinical-experience teaching-experience
employment employment-history work-history career-history education education-and-training
academic-background qualifications skills core-skills key-skills technical-skills skills-summary
core-competencies competencies areas-of-expertise expertise certifications certificates licenses
licences licenses-and-certifications licences-and-certifications certifications-and-licenses
licensure training projects publications awards honors honours volunteer volunteering
volunteer-experience interests hobbies references languages contact contact-information
contact-details personal-details personal-information highlights career-highlights accomplishments
achievements key-achievements curriculum-vitae resume résumé cv clinical-rotations
professional-development memberships affiliations professional-affiliations tools
""".split())

# Nouns that name a role, singular (a plural is a team: "Mentored four engineers"). The families'
# title words count too (services/families.py).
_ROLE_NOUNS = """
engineer developer programmer architect administrator analyst scientist statistician economist researcher
nurse rn lpn cna emt physician doctor surgeon dentist hygienist pharmacist therapist physiotherapist
paramedic midwife caregiver carer clinician practitioner radiographer sonographer technologist
teacher educator tutor lecturer professor instructor principal headteacher teaching coach counselor counsellor
electrician plumber carpenter welder mechanic technician machinist fitter joiner bricklayer mason roofer
painter pipefitter millwright installer apprentice journeyman tradesperson operator foreman inspector
surveyor estimator accountant bookkeeper auditor controller cpa actuary underwriter banker
lawyer attorney solicitor barrister paralegal counsel notary clerk
manager director coordinator specialist assistant associate officer consultant advisor adviser
representative executive agent supervisor lead head chef cook baker server bartender barista
receptionist concierge housekeeper driver dispatcher courier warehouse buyer planner scheduler
recruiter marketer strategist writer copywriter editor designer illustrator photographer
chemist biologist microbiologist intern trainee student graduate volunteer owner founder
""".split()
_ROLE_RE = re.compile(r"(?<![\w-])(?:" + "|".join(_ROLE_NOUNS) + r")(?![\w-])", re.I)
_CONTACT_RE = re.compile(r"@|https?://|www\.|linkedin|github\.com|\+?\d[\d ()\-.]{7,}", re.I)
_DATED_RE = re.compile(r"(?:19|20)\d\d\s*(?:-|–|—|to|until)\s*(?:(?:19|20)\d\d|present|current|now|today)", re.I)
_LOCATION_RE = re.compile(r"\b([A-Z][a-zA-Z.\- ]{1,30}, (?:[A-Z]{2}|[A-Z][a-zA-Z]{2,30}))\b")
# Letters after a name ("Jane Doe, RN, BSN", "Lena Fischer, CPA"): credentials, not a role line.
_CREDENTIALS_RE = re.compile(r"^(?:[A-Z][A-Za-z.\-]{0,5}(?:\s*[,/]\s*|\s+|$))+$")
_NAME_SEPARATOR_RE = re.compile(r"\s+[-–—|•]\s+|\s*,\s+")
# Where a summary's opening role phrase ends: "Registered nurse | with six years of ..."
_PHRASE_END_RE = re.compile(r"\s+(?:with|who|having|experienced\s+in|specializ|specialis|skilled\s+in|"
                            r"offering|seeking|looking|bringing|dedicated\s+to|focused\s+on|committed\s+to|"
                            r"passionate\s+about|known\s+for|and\s+\d|for\s+\d|of\s+\d|since|in\s+(?:a|an|the)\s)"
                            r"|[,;:.(]\s|\s+[-–—]\s", re.I)
# Praise that opens a summary and is no part of a role's name.
_PRAISE_RE = re.compile(r"^(?:(?:a|an|the|highly|very|deeply|extremely|compassionate|dedicated|motivated|"
                        r"self-motivated|passionate|enthusiastic|hard-?working|results-driven|results-oriented|"
                        r"detail-oriented|dynamic|reliable|creative|caring|patient-focused|patient-centered|"
                        r"patient-centred|dependable|energetic|friendly|proactive|driven|committed|accomplished|"
                        r"talented|versatile|organized|organised|skilled|qualified|certified\s+and|"
                        r"safety-focused|safety-conscious|student-centered|student-centred|innovative|"
                        r"confident|competent|professional|knowledgeable)[\s,]+)+", re.I)


@dataclass
class ResumeReading:
    full_name: str | None = None
    headline: str | None = None
    location: str | None = None
    skills: list[str] = field(default_factory=list)
    family: str = families.GENERAL
    seniority: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def lines_of(text: str) -> list[str]:
    return [line.strip(" \t•|-*·▪►") for line in text.splitlines() if line.strip(" \t•|-*·▪►")]


def is_section_heading(line: str) -> bool:
    """One of the usual section headings ("Summary", "Work Experience", "Skills:")."""
    bare = line.strip().rstrip(":").strip()
    key = re.sub(r"\s*(?:&|\band\b)\s*", "-and-", bare.lower())
    return re.sub(r"[\s/]+", "-", key) in SECTION_HEADINGS


def is_heading(line: str) -> bool:
    """A section heading: "Summary", "PROFESSIONAL EXPERIENCE", "Skills:" (also a short all-caps line
    that names no role, "CLINICAL ROTATIONS"; a name in capitals is told apart by _name_of first)."""
    if is_section_heading(line):
        return True
    bare = line.strip().rstrip(":").strip()
    return 0 < len(bare.split()) <= 4 and bare.isupper() and not names_role(bare)


def names_role(line: str) -> bool:
    return bool(_ROLE_RE.search(line) or families.scores(line))


def _is_contact(line: str) -> bool:
    return bool(_CONTACT_RE.search(line))


def _is_place(line: str) -> bool:
    m = _LOCATION_RE.fullmatch(line.strip()) or _LOCATION_RE.fullmatch(line.strip().rstrip("."))
    return bool(m)


_PARTICLES = frozenset("de da del della der den van von bin binti al la le di du dos das y e".split())


def _looks_like_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 5 or _ROLE_RE.search(text) or families.scores(text):
        return False
    return all(w.lower() in _PARTICLES or (w[0].isupper() and all(c.isalpha() or c in "'’-." for c in w))
               for w in words)


def _name_of(line: str) -> tuple[str | None, str | None]:
    """("Jane Doe", "Registered Nurse") from "JANE DOE, RN | Registered Nurse | jane@example.com";
    (None, None) when the line opens with no name."""
    if is_section_heading(line):
        return None, None
    parts = [p.strip() for p in _NAME_SEPARATOR_RE.split(line) if p.strip()]
    candidate = parts[0] if parts else ""
    if candidate.isupper():
        candidate = " ".join(w.capitalize() if len(w) > 2 or "." not in w else w for w in candidate.split())
    if not _looks_like_name(candidate):
        return None, None
    beside = next((p for p in parts[1:] if not _is_contact(p) and not _CREDENTIALS_RE.match(p)
                   and not _is_place(p)), None)
    return candidate, beside


def _tidy(role: str) -> str | None:
    role = " ".join(role.split()).strip(" .,;:-–—")
    if not role or not names_role(role) or is_heading(role) or _is_contact(role):
        return None
    if len(role.split()) > MAX_HEADLINE_WORDS or len(role) > 100:
        return None
    if role.isupper() and len(role) > 5:
        role = " ".join(w if len(w) <= 3 else w.capitalize() for w in role.split())
    return role[0].upper() + role[1:]


def _opening_role(sentence: str) -> str | None:
    """The role a summary opens with: "Compassionate registered nurse with six years..." ->
    "Registered nurse"; None when the sentence does not open with one."""
    phrase = _PHRASE_END_RE.split(sentence, maxsplit=1)[0]
    phrase = _PRAISE_RE.sub("", phrase.strip())
    if len(phrase.split()) > 6:
        return None
    return _tidy(phrase)


def _dated_role(line: str) -> str | None:
    head = re.split(r"\s*[(,|]\s*|\s+at\s+|\s+[-–—]\s+|\s+(?=(?:19|20)\d\d)", line, maxsplit=1)[0]
    return _tidy(head)


def headline(text: str, name: str | None = None) -> str | None:
    """The role line of a resume (see the module's docstring), or None."""
    lines = lines_of(text)
    top = lines[:TOP_LINES]
    name_index = None
    for i, line in enumerate(top[:3]):
        found, beside = _name_of(line)
        if found:
            name_index = i
            if beside and (role := _tidy(beside)):
                return role
            break
    names = {n.lower() for n in (name,) if n}
    usable = [line for i, line in enumerate(top) if i != name_index and line.lower() not in names
              and not is_heading(line) and not _is_contact(line) and not _is_place(line)
              and not _DATED_RE.search(line) and ":" not in line[:25]]
    for line in usable:  # a short line naming a role: "Registered Nurse, BSN", "Licensed Electrician"
        if len(line.split()) <= MAX_HEADLINE_WORDS and not re.search(r"[.!?]\s", line + " ") and \
                len(taxonomy().extract(line)) < 3:
            if role := _tidy(re.split(r"\s*[|•]\s*", line)[0]):
                return role
    for line in usable:  # the summary's opening phrase
        if role := _opening_role(line):
            return role
    for line in lines:  # the most recent dated role
        if _DATED_RE.search(line) and not is_heading(line):
            if role := _dated_role(line):
                return role
    return None


def read(text: str, skills: list[str]) -> ResumeReading:
    """Name, headline, location, skills, family and level as the resume reads."""
    lines = lines_of(text)
    name = next((found for line in lines[:3] if (found := _name_of(line)[0])), None)
    role = headline(text)
    location = None
    for line in lines[:8]:  # the contact block; later lines are experience ("Python, SQL" is not a place)
        match = _LOCATION_RE.search(line)
        if match and ":" not in line[:match.start()] and not taxonomy().extract(match.group(1)) \
                and not names_role(match.group(1)):
            location = match.group(1).strip()
            break
    return ResumeReading(full_name=name, headline=role, location=location, skills=list(skills),
                         family=families.of_role(role, skills), seniority=seniority.of_resume(text).level)
