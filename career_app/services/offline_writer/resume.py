"""The resume, read for writing: the person's name and contact line, the headline, the sections in
their order, and the roles with their dates (ranges such as "2019 - Present", "Jan 2020 – Mar 2022",
"03/2016 - 05/2019", "January 2018 to June 2019", "2019 – Current", "Sept 2017 - now"), so that a
tailored resume can list them newest first."""

import re
from dataclasses import dataclass, field

BULLET_CHARS = " \t•|-*·▪◦–—"
_MONTHS = {"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
           "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
           "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_YEAR = r"(?:19|20)\d\d"


def _date(tag: str) -> str:
    """One date of a range: "Jan 2020", "January 2020", "03/2016", "2016-03", "2016"."""
    return (rf"(?:(?P<{tag}mon>{_MONTH})\.?,?\s+(?P<{tag}y1>{_YEAR})"
            rf"|(?P<{tag}mm>0?[1-9]|1[0-2])\s*[/.]\s*(?P<{tag}y2>{_YEAR})"
            rf"|(?P<{tag}y3>{_YEAR})-(?P<{tag}mm2>0[1-9]|1[0-2])(?!\d)"
            rf"|(?P<{tag}y4>{_YEAR}))")


_NOW = r"(?P<now>present|current|now|today|ongoing|date)"
RANGE_RE = re.compile(rf"\(?\s*(?:from\s+)?{_date('s')}\s*(?:-|–|—|to|until|till|through)\s*"
                      rf"(?:{_date('e')}|{_NOW})\s*\)?", re.IGNORECASE)
_SINCE_RE = re.compile(rf"\(?\s*since\s+{_date('s')}\s*\)?", re.IGNORECASE)
CONTACT_RE = re.compile(r"@|https?://|www\.|\b(?:linkedin|github|gitlab|behance)\.com\b|\+?\d[\d ()\-.]{7,}\d",
                        re.IGNORECASE)
_HEADINGS = {
    "summary": ("summary", "profile", "about me", "about", "objective", "professional summary", "career summary",
                "personal statement", "professional profile", "career objective"),
    "experience": ("experience", "work experience", "professional experience", "employment", "employment history",
                   "work history", "career history", "relevant experience", "clinical experience",
                   "teaching experience", "experience and employment"),
    "education": ("education", "education and training", "academic background", "qualifications", "training",
                  "academic qualifications"),
    "skills": ("skills", "technical skills", "core skills", "key skills", "competencies", "core competencies",
               "technologies", "skills and tools", "areas of expertise", "expertise", "clinical skills"),
    "certifications": ("certifications", "certificates", "licenses", "licences", "licenses and certifications",
                       "licences and certifications", "certifications and licenses", "certifications and licences",
                       "licensure", "credentials", "licenses & certifications", "certifications & licenses"),
    "projects": ("projects", "selected projects", "side projects", "key projects"),
    "other": ("awards", "honors", "honours", "awards and honors", "volunteer experience", "volunteering",
              "languages", "interests", "publications", "memberships", "professional memberships", "affiliations",
              "professional development", "achievements", "additional information", "references"),
}
SECTION_ORDER = ("summary", "skills", "experience", "projects", "education", "certifications", "other")
# Head nouns of role titles in every family served (a line led by one is a role or a headline).
TITLE_NOUNS = (
    "engineer", "developer", "programmer", "architect", "analyst", "scientist", "designer", "manager", "director",
    "consultant", "specialist", "administrator", "coordinator", "officer", "intern", "representative", "executive",
    "associate", "supervisor", "lead", "leader", "head", "president", "owner", "founder", "researcher", "editor",
    "writer", "copywriter", "marketer", "strategist", "recruiter", "nurse", "rn", "lpn", "cna", "physician",
    "doctor", "therapist", "physiotherapist", "paramedic", "midwife", "pharmacist", "caregiver", "aide",
    "assistant", "clinician", "radiographer", "technologist", "hygienist", "teacher", "tutor", "educator",
    "lecturer", "instructor", "professor", "principal", "headteacher", "accountant", "bookkeeper", "auditor",
    "controller", "clerk", "cpa", "paralegal", "attorney", "lawyer", "solicitor", "counsel", "barrister", "chef",
    "cook", "bartender", "barista", "server", "receptionist", "concierge", "housekeeper", "electrician",
    "plumber", "carpenter", "welder", "machinist", "mechanic", "technician", "joiner", "bricklayer", "painter",
    "apprentice", "journeyman", "foreman", "operator", "driver", "planner", "buyer", "dispatcher", "chemist",
    "biologist", "microbiologist", "statistician", "surveyor", "inspector", "trainee", "volunteer", "agent",
    "advisor", "adviser", "partner", "generalist", "fellow", "resident", "practitioner", "worker", "member",
)
_TITLE_RE = re.compile(r"\b(?:" + "|".join(TITLE_NOUNS) + r")s?\b", re.IGNORECASE)
_ORG_SUFFIX = re.compile(
    r"\b(?:inc|llc|llp|ltd|limited|corp|corporation|co|company|gmbh|ag|sa|plc|labs?|technologies|systems|group|"
    r"bank|hospital|clinic|clinics|medical center|medical centre|health|healthcare|school|academy|college|"
    r"university|institute|district|council|services|partners|solutions|software|consulting|studios|holdings|"
    r"ventures|electric|construction|contractors|associates|foundation|trust|agency|department|authority|"
    r"restaurant|hotel)\b\.?", re.IGNORECASE)
_SPLIT_HEADER = re.compile(r"\s+(?:at|@)\s+|\s*[,|·]\s*|\s+[-–—]\s+")
_LOCATION = re.compile(r"^(?:[A-Z]{2}|remote|hybrid|on-?site|[A-Z][a-z]+(?: [A-Z][a-z]+)?,? [A-Z]{2})$")
_NAME_WORD = r"(?:[A-Z][a-zA-Z'’\-]+|[A-Z]\.|(?:de|da|del|della|der|di|du|la|le|van|von|bin|al|el|ter|dos))"
_NAME_RE = re.compile(rf"{_NAME_WORD}(?: {_NAME_WORD}){{1,4}}")
_LABELLED = re.compile(r"^([A-Za-z &]{3,40}):\s*\S")
_NOT_NAME = re.compile(r"\b(?:resume|résumé|curriculum|vitae|cv|summary|profile|experience|education|skills|"
                       r"contact|objective|page)\b", re.IGNORECASE)


@dataclass
class Period:
    start: tuple[int, int]  # (year, month)
    end: tuple[int, int] | None  # None: present

    @property
    def current(self) -> bool:
        return self.end is None

    def key(self) -> tuple:
        """Sorts newest first when reversed: by end (present last), then by start."""
        return (self.end or (9999, 12), self.start)


@dataclass
class Role:
    header: str  # the resume line, dates removed
    title: str | None
    employer: str | None
    line: int  # index into ResumeDoc.lines of the header (-1: no dated roles)
    bullets: list[int] = field(default_factory=list)  # indexes of its bullet lines
    period: Period | None = None
    lines: list[int] = field(default_factory=list)  # the header's lines (a date may sit on its own line)

    @property
    def current(self) -> bool:
        return self.period is not None and self.period.current


@dataclass
class ResumeDoc:
    lines: list[str]  # the resume's non-empty lines, tidied; indexes are the source ids of bullets
    name: str | None
    sections: dict[str, list[int]]  # section -> line indexes, in resume order
    roles: list[Role]
    header: list[int] = field(default_factory=list)  # name, contact and headline lines, in order
    contact: list[str] = field(default_factory=list)  # the contact lines (email, phone, links, place)
    headings: dict[int, str] = field(default_factory=dict)  # line index of a heading -> its section
    section_of: dict[int, str] = field(default_factory=dict)  # line index -> section
    name_line: int | None = None

    def role_of(self, index: int) -> Role | None:
        for role in self.roles:
            if index in role.bullets or index in role.lines:
                return role
        return None

    def find(self, text: str) -> int | None:
        """The index of the line that is, or holds, `text`."""
        text = text.strip()
        if not text:
            return None
        for i, line in enumerate(self.lines):
            if line == text:
                return i
        folded = " ".join(text.split()).lower().rstrip(".")
        for i, line in enumerate(self.lines):
            if folded in line.lower():
                return i
        return None

    def chronological(self) -> list[Role]:
        """The roles newest first (by end date, present first, then by start); undated ones after, as
        they come in the resume."""
        dated = [r for r in self.roles if r.period is not None]
        undated = [r for r in self.roles if r.period is None]
        return sorted(dated, key=lambda r: r.period.key(), reverse=True) + undated


_HEADING_OF = {name.replace("&", "and"): section for section, names in _HEADINGS.items() for name in names}


def heading(line: str) -> str | None:
    if len(line) > 60:
        return None
    return _HEADING_OF.get(" ".join(line.lower().strip(" :").replace("&", "and").split()))


def _point(match: re.Match, tag: str, end: bool) -> tuple[int, int]:
    g = match.groupdict()
    if g.get(f"{tag}mon"):
        return int(g[f"{tag}y1"]), _MONTHS[g[f"{tag}mon"].lower()]
    if g.get(f"{tag}mm"):
        return int(g[f"{tag}y2"]), int(g[f"{tag}mm"])
    if g.get(f"{tag}y3"):
        return int(g[f"{tag}y3"]), int(g[f"{tag}mm2"])
    return int(g[f"{tag}y4"]), 12 if end else 1


def period(text: str) -> Period | None:
    """The date range a line states, or None."""
    match = RANGE_RE.search(text)
    if match:
        start = _point(match, "s", False)
        end = None if match.group("now") else _point(match, "e", True)
        return Period(start, end)
    match = _SINCE_RE.search(text)
    if match:
        return Period(_point(match, "s", False), None)
    return None


def strip_period(text: str) -> str:
    return _SINCE_RE.sub("", RANGE_RE.sub("", text)).strip(" ,|-–—()·")


def split_role(header: str) -> tuple[str | None, str | None]:
    """(title, employer) of a role line without its dates: the part with a title noun, and the part
    named like an organisation (else the first other part that is not a place)."""
    parts = [p.strip(" ()") for p in _SPLIT_HEADER.split(header) if p.strip(" ()")]
    title = next((p for p in parts if _TITLE_RE.search(p) and not _ORG_SUFFIX.search(p)), None)
    title = title or next((p for p in parts if _TITLE_RE.search(p)), None)
    others = [p for p in parts if p != title and not re.search(r"\d", p) and len(p) > 1 and not _LOCATION.match(p)]
    employer = next((p for p in others if _ORG_SUFFIX.search(p)), None) or next(iter(others), None)
    return title, employer


def _name(lines: list[str]) -> tuple[str | None, int | None, list[str]]:
    """The person's name from the first lines: (name, its line, contact parts sharing that line)."""
    for i, line in enumerate(lines[:4]):
        if heading(line):
            break
        parts = [p.strip() for p in re.split(r"\s*[|·•]\s*|\s+[-–—]\s+", line) if p.strip()]
        if not parts:
            continue
        first = parts[0].split(",")[0].strip()  # "Priya Natarajan, CPA"
        if CONTACT_RE.search(first) or _NOT_NAME.search(first) or _TITLE_RE.search(first):
            continue
        if _NAME_RE.fullmatch(first):
            if first.isupper():
                first = " ".join(w.capitalize() if len(w) > 1 and not w.endswith(".") else w
                                 for w in first.split())
                first = re.sub(r"-([a-z])", lambda m: "-" + m.group(1).upper(), first)
            return first, i, [p for p in parts[1:] if CONTACT_RE.search(p)]
    return None, None, []


def read_resume(text: str) -> ResumeDoc:
    lines = [" ".join(raw.strip(BULLET_CHARS).split()) for raw in text.splitlines()]
    lines = [line for line in lines if line]
    name, name_line, contact_parts = _name(lines)
    sections: dict[str, list[int]] = {}
    headings: dict[int, str] = {}
    section_of: dict[int, str] = {}
    roles: list[Role] = []
    header: list[int] = []
    current = "header"
    for i, line in enumerate(lines):
        section = heading(line)
        if section and len(line) <= 60:
            current = section
            sections.setdefault(section, [])
            headings[i] = section
            continue
        label = _LABELLED.match(line)
        if label and heading(label.group(1)) and heading(label.group(1)) != "experience":
            current = heading(label.group(1))  # "Skills: Python, SQL": a section on one line
        found = period(line) if len(line) <= 160 and current in ("experience", "header", "summary") else None
        if found is not None:
            rest = strip_period(line)
            if not rest and i > 0 and section_of.get(i - 1) == "experience" \
                    and (not roles or i - 1 in roles[-1].bullets):
                # A date on its own line: the line before it was the role's title and employer.
                prev = i - 1
                if roles and prev in roles[-1].bullets:
                    roles[-1].bullets.remove(prev)
                title, employer = split_role(lines[prev])
                roles.append(Role(lines[prev], title, employer, prev, [], found, [prev, i]))
            else:
                title, employer = split_role(rest)
                roles.append(Role(rest, title, employer, i, [], found, [i]))
            current = "experience"
            sections.setdefault("experience", []).append(i)
            section_of[i] = "experience"
            continue
        if current == "header" and i != name_line and not CONTACT_RE.search(line) and (
                len(line.split()) > 10 or i > 4):
            current = "summary"  # a sentence before any heading: the summary, not the header
        if current == "header":
            header.append(i)
        sections.setdefault(current, []).append(i)
        section_of[i] = current
        if roles and current == "experience" and not CONTACT_RE.search(line):
            roles[-1].bullets.append(i)
    if not roles:  # no dated roles: every sentence-like line of the experience (or the whole resume) is a bullet
        summary = set(sections.get("summary", []))
        body = sections.get("experience") or [i for i, line in enumerate(lines) if len(line.split()) >= 5
                                               and i not in headings and i not in summary and i not in header]
        roles.append(Role("", None, None, -1, [i for i in body if not CONTACT_RE.search(lines[i])]))
    contact = [lines[i] for i in header if i != name_line and CONTACT_RE.search(lines[i])]
    if contact_parts:
        contact.insert(0, " | ".join(contact_parts))
    return ResumeDoc(lines, name, sections, roles, header, contact, headings, section_of, name_line)


def headline(doc: ResumeDoc) -> str | None:
    """The role line under the name ("Registered Nurse"), if the resume has one."""
    for i in doc.header:
        line = doc.lines[i]
        if i == doc.name_line or CONTACT_RE.search(line):
            continue
        if _TITLE_RE.search(line) and len(line.split()) <= 8:
            return line
    return None
