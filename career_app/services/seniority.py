"""Seniority: years of experience and level (intern, junior, mid, senior, lead, principal,
director) read from a resume or a job, and how a seeker's level sits against a job's.

A resume's level comes from its headline and most recent title ("Senior Backend Engineer",
"Nursing student"), else from its years; its years from a stated figure ("eight years of
experience") or else the union of its dated roles (education lines left out). A job's level
comes from its title, else from the years it asks for ("5+ years")."""

import re
from dataclasses import dataclass
from datetime import date

LEVELS = ("intern", "junior", "mid", "senior", "lead", "principal", "director")
UNDER, FIT, OVER = "under", "fit", "over"

_LEVEL_WORDS = (  # most senior first: "Senior Director" is a director
    ("director", r"director|head\s+of|vice\s+president|vp|chief|cto|cfo|coo|cmo|chro|dean|superintendent|"
                 r"partner(?=\s*(?:,|$|\(|at\b))|principal\s+of\s+\w+\s+school"),
    ("principal", r"principal|distinguished|fellow"),
    ("lead", r"lead|staff\s+(?:software|data|ml|machine|site|platform|backend|frontend|full[-\s]stack|product|ux|"
             r"security|research|cloud|mobile|ios|android)|manager|supervisor|chief\s+engineer|charge\s+nurse|head\s+\w+|foreman|superintendent|"
             r"team\s+leader|department\s+head|master\s+electrician"),
    ("senior", r"senior|sr\.?|experienced|specialist\s+ii|iii"),
    ("intern", r"intern|internship|student|co-?op|placement|volunteer"),
    ("junior", r"junior|jr\.?|entry[-\s]level|graduate|associate|assistant|apprentice|trainee|new\s+grad|"
               r"early[-\s]career"),
)
_LEVEL_RES = [(name, re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.I)) for name, words in _LEVEL_WORDS]
# "Lead", "Manager" and "Associate" also name roles that are not a rung: "Product Manager", "Account
# Manager", "Associate Professor", "Lead Generation". Those are read as the level their years say.
_ROLE_NOT_RANK = re.compile(r"(?:product|project|program|account|marketing|content|case|office|store|property|"
                            r"community|social\s+media|brand|category|success|relationship|territory)\s+manager|"
                            r"lead\s+generation|associate\s+(?:professor|attorney|dentist)|teaching\s+assistant|"
                            r"medical\s+assistant|legal\s+assistant|dental\s+assistant|physician\s+assistant|"
                            r"nursing\s+assistant|research\s+associate|sales\s+associate|store\s+associate", re.I)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
                 "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20}
_NUM = r"(\d{1,2}(?:\.\d)?|" + "|".join(_NUMBER_WORDS) + r")"
_YEARS_RE = re.compile(_NUM + r"\s*\+?\s*(?:(?:-|–|to)\s*(?:\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")\s*\+?\s*)?"
                       r"(?:or\s+more\s+|plus\s+)?(?:years?|yrs?)(?:'|’)?"
                       r"(?:\s+of)?(?:\s+(?:\w+[-\s]?){0,4}?)?\s*(?:experience|in\b|as\b|of\b|working|teaching|"
                       r"nursing|practice|post-?qualification|progressive)", re.I)
# A resume sentence that opens with a figure of years ("Seven years building Python services") states
# experience even when no "experience" follows.
_LEADING_YEARS_RE = re.compile(r"(?:^|[.;:]\s+)" + _NUM + r"\s*\+?\s*(?:years?|yrs?)\b(?!\s+ago)", re.I)
# The first line is usually the name; a title may follow it after a separator ("Jordan Rivera - Senior
# Engineer"). The name itself is never read for a rung ("Dean Smith" is no director).
_NAME_SEPARATOR_RE = re.compile(r"\s+[-–—|]\s+|\s*,\s+")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+"
_RANGE_RE = re.compile(rf"(?:{_MONTH})?((?:19|20)\d\d)\s*(?:-|–|—|to|until)\s*(?:{_MONTH})?((?:19|20)\d\d|present|"
                       r"current|now|today|date)", re.I)
_EDUCATION_RE = re.compile(r"\b(?:b\.?sc|m\.?sc|b\.?a\.?|m\.?a\.?|bachelor|master|ph\.?d|degree|university|college|"
                           r"school|diploma|education|coursework|graduated|student|gpa|certificate|academy|"
                           r"bootcamp)\b", re.I)
_CONTACT_RE = re.compile(r"@|https?://|www\.|\+?\d[\d ()\-]{7,}")
_STUDENT_RE = re.compile(r"\b(?:student|final[-\s]year|undergraduate|expected\s+(?:graduation\s+)?(?:19|20)\d\d|"
                         r"graduating|internship|intern|co-?op|currently\s+studying|seeking\s+(?:an?\s+)?"
                         r"(?:internship|entry[-\s]level|first|graduate))\b", re.I)


@dataclass(frozen=True)
class Seniority:
    level: str | None  # one of LEVELS; None when nothing tells
    years: float | None  # of experience (a resume) or asked for (a job)

    def as_dict(self) -> dict:
        return {"level": self.level, "years": self.years}

    @staticmethod
    def from_dict(data: dict | None) -> "Seniority":
        data = data or {}
        return Seniority(data.get("level"), data.get("years"))


def level_index(level: str | None) -> int | None:
    return LEVELS.index(level) if level in LEVELS else None


def _number(word: str) -> float:
    return float(_NUMBER_WORDS.get(word.lower(), word))


def level_in(title: str) -> str | None:
    """The rung a title names, or None ("Backend Engineer", "Product Manager")."""
    title = _ROLE_NOT_RANK.sub(" ", title)
    for name, pattern in _LEVEL_RES:
        if pattern.search(title):
            return name
    return None


def level_for_years(years: float | None, resume: bool) -> str | None:
    if years is None:
        return None
    if years < 1 and resume:
        return "intern"
    if years < 2:
        return "junior"
    if years < 6:
        return "mid"
    return "senior"  # lead and above are roles, not years: only a title says so


def stated_years(text: str) -> float | None:
    """The first "N years of experience" figure ("5+ years", "eight years of experience")."""
    m = _YEARS_RE.search(text)
    return _number(m.group(1)) if m else None


def _career_years(lines: list[str], today: date) -> float | None:
    spans = []
    for line in lines:
        if _EDUCATION_RE.search(line):
            continue
        for m in _RANGE_RE.finditer(line):
            start = int(m.group(1))
            end = today.year if not m.group(2)[0].isdigit() else int(m.group(2))
            if 1950 < start <= end <= today.year + 1:
                spans.append((start, end))
    if not spans:
        return None
    spans.sort()
    total, (cur_start, cur_end) = 0, spans[0]
    for start, end in spans[1:]:
        if start > cur_end:
            total += cur_end - cur_start
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    return float(total + cur_end - cur_start)


def _lines(text: str) -> list[str]:
    return [line.strip(" \t•|-*") for line in text.splitlines() if line.strip(" \t•|-*")]


def of_resume(text: str, today: date | None = None) -> Seniority:
    today = today or date.today()
    lines = _lines(text)
    opening = " ".join(lines[:6])
    years = stated_years(opening)
    if years is None:
        years = next((_number(m.group(1)) for line in lines[:6] if (m := _LEADING_YEARS_RE.search(line))), None)
    if years is None:
        years = _career_years(lines, today)
    # The title beside the name, the headline's first sentence, then the most recent dated role
    # ("Senior Nurse, Mercy (2020 - present)").
    beside_name = _NAME_SEPARATOR_RE.split(lines[0], maxsplit=1)[1:] if lines else []
    headline = [line.split(". ")[0] for line in beside_name + lines[1:4] if not _CONTACT_RE.search(line)]
    roles = [re.split(r"\s[(–—-]\s?(?:19|20)\d\d|\(|,", line)[0] for line in lines
             if _RANGE_RE.search(line) and not _EDUCATION_RE.search(line)][:1]
    level = next((found for line in headline + roles if (found := level_in(line))), None)
    student = bool(_STUDENT_RE.search(" ".join(lines[:3])))
    if level is None and student:
        level = "intern"
    if level in ("intern", "junior") and years is not None and years >= 4 and not student:
        level = level_for_years(years, resume=True)  # "graduate" in an old title is not a junior today
    if level is None:
        level = level_for_years(years, resume=True)
    return Seniority(level, years)


def of_job(title: str, description: str) -> Seniority:
    years = stated_years(description)
    level = level_in(title)
    if level is None:
        level = level_in(description[:200]) if re.search(r"\b(?:internship|intern|entry[-\s]level)\b",
                                                          description[:300], re.I) else None
    if level is None:
        level = level_for_years(years, resume=False) or "mid"  # most postings that name no rung are mid-level
    return Seniority(level, years)


def fit(resume: Seniority, job: Seniority) -> tuple[str, int]:
    """`under`, `fit` or `over`, and the signed distance in rungs (resume minus job). Years count
    when the job asks for a figure: two rungs short of its years is short however the title reads."""
    r, j = level_index(resume.level), level_index(job.level)
    if r is None or j is None:
        return FIT, 0
    distance = r - j
    if job.years is not None and resume.years is not None and distance >= 0 and resume.years + 3 <= job.years:
        distance = min(distance, -1 if resume.years + 5 > job.years else -2)
    if distance <= -2:
        return UNDER, distance
    if distance >= 2:
        return OVER, distance
    return FIT, distance
