"""The offline writer: cover letters, tailored resumes and emails built from facts only, with no
model. The facts: the company and the role, the job's requirements the resume shows (each with the
resume line that shows it), the ones it does not, and the seeker's resume itself (its roles,
bullets and sections, read here). Nothing is stated that the resume or the job does not hold;
missing skills are named as missing, with the closest evidence the resume has."""

import re
from dataclasses import dataclass, field

from career_app.services.skills import taxonomy

_BULLET_CHARS = " \t•|-*·▪◦–—"
_YEAR = r"(?:19|20)\d\d"
_RANGE_RE = re.compile(rf"\(?\s*(?:[A-Z][a-z]{{2,8}}\.?\s+)?{_YEAR}\s*(?:-|–|—|to)\s*(?:(?:[A-Z][a-z]{{2,8}}\.?\s+)?"
                       rf"{_YEAR}|[Pp]resent|[Cc]urrent|[Nn]ow|[Tt]oday)\s*\)?")
_HEADINGS = {
    "summary": ("summary", "profile", "about me", "objective", "professional summary"),
    "experience": ("experience", "work experience", "professional experience", "employment", "employment history",
                   "work history", "career history"),
    "education": ("education", "education and training", "academic background", "qualifications"),
    "skills": ("skills", "technical skills", "core skills", "key skills", "competencies", "technologies"),
    "certifications": ("certifications", "certificates", "licenses", "licences", "licenses and certifications"),
    "projects": ("projects", "selected projects", "side projects"),
}
_TITLE_WORDS = re.compile(r"\b(?:engineer|developer|manager|analyst|scientist|designer|architect|consultant|nurse|"
                          r"director|specialist|administrator|coordinator|officer|intern|accountant|technician|"
                          r"programmer|researcher|lead|teacher|representative|executive)s?\b", re.I)
_SPLIT_HEADER = re.compile(r"\s+(?:at|@)\s+|\s*[,|]\s*|\s+[-–—]\s+")
_CONTACT = re.compile(r"@|https?://|www\.|\+?\d[\d ()\-]{7,}")
_PAST_VERB = re.compile(r"^(?:[A-Z][a-z]+ed|Led|Built|Ran|Won|Wrote|Made|Grew|Cut|Set|Drove|Taught|Held|Kept|Found|"
                        r"Began|Brought|Shipped|Took)\b")


# --- the resume, read ---------------------------------------------------------------------------


@dataclass
class Role:
    header: str  # the resume line, dates removed
    title: str | None
    employer: str | None
    line: int  # index into ResumeDoc.lines
    bullets: list[int] = field(default_factory=list)  # indexes of its bullet lines


@dataclass
class ResumeDoc:
    lines: list[str]  # the resume's non-empty lines, tidied; indexes are the source ids of bullets
    name: str | None
    sections: dict[str, list[int]]  # section -> line indexes, in resume order
    roles: list[Role]


def _heading(line: str) -> str | None:
    key = line.lower().strip(" :").strip()
    for section, names in _HEADINGS.items():
        if key in names:
            return section
    return None


def _split_role(header: str) -> tuple[str | None, str | None]:
    parts = [p.strip(" ()") for p in _SPLIT_HEADER.split(header) if p.strip(" ()")]
    title = next((p for p in parts if _TITLE_WORDS.search(p)), None)
    employer = next((p for p in parts if p != title and not re.search(r"\d", p) and len(p) > 1), None)
    return title, employer


def read_resume(text: str) -> ResumeDoc:
    lines = [" ".join(raw.strip(_BULLET_CHARS).split()) for raw in text.splitlines()]
    lines = [line for line in lines if line]
    sections: dict[str, list[int]] = {}
    roles: list[Role] = []
    current = "header"
    name = None
    for i, line in enumerate(lines[:3]):
        if re.fullmatch(r"[A-Z][a-zA-Z'\-]+(?: [A-Z][a-zA-Z'.\-]*){1,3}", line.split(" - ")[0].split(" — ")[0]):
            name = line.split(" - ")[0].split(" — ")[0]
            break
    for i, line in enumerate(lines):
        section = _heading(line)
        if section:
            current = section
            sections.setdefault(section, [])
            continue
        if _RANGE_RE.search(line) and len(line) <= 160 and current in ("experience", "header", "summary"):
            header = _RANGE_RE.sub("", line).strip(" ,|-–—()")
            title, employer = _split_role(header)
            roles.append(Role(header, title, employer, i))
            if current != "experience":
                current = "experience"
            sections.setdefault("experience", []).append(i)
            continue
        sections.setdefault(current, []).append(i)
        if roles and current == "experience" and not _CONTACT.search(line):
            roles[-1].bullets.append(i)
    if not roles:  # no dated roles: every sentence-like line of the experience (or the whole resume) is a bullet
        body = sections.get("experience") or [i for i, line in enumerate(lines) if len(line.split()) >= 5]
        roles.append(Role("", None, None, -1, [i for i in body if not _CONTACT.search(lines[i])]))
    return ResumeDoc(lines, name, sections, roles)


# --- the brief ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    requirement: str  # in the job's words
    evidence: str  # the resume line that shows it


@dataclass
class Brief:
    company: str
    role: str
    resume_text: str
    matched: list[Match]  # strongest first
    missing: list[str]
    tone: str = "formal"
    length: str = "medium"
    email_kind: str | None = None
    has_job: bool = True  # False: only a typed company and role, no posting to quote


@dataclass
class Written:
    title: str
    text: str
    structure: list[dict] = field(default_factory=list)  # tailoring: {"section", "text", "source_index"}


_GREETING = {"formal": "Dear Hiring Manager,", "warm": "Hello {company} team,", "confident": "Dear Hiring Team,",
             "concise": "Hello,"}
_SIGN_OFF = {"formal": "Yours sincerely,", "warm": "Warm regards,", "confident": "Best regards,",
             "concise": "Thanks,"}
_OPENING = {
    "formal": "I am writing to apply for the {role} position at {company}.",
    "warm": "I was glad to see the {role} opening at {company}, and I would love to be considered for it.",
    "confident": "I am applying for the {role} position at {company}, and my record matches what you are looking for.",
    "concise": "I am applying for the {role} role at {company}.",
}


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text and not text[:2].isupper() else text


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".;,")
    return text[0].upper() + text[1:] + "." if text else ""


def _evidence_sentence(match: Match, has_job: bool = True) -> str:
    line = match.evidence.strip().rstrip(".;")
    lead = f"You ask for {match.requirement}" if has_job else f"On {match.requirement}"
    if _PAST_VERB.match(line):
        return f"{lead}: I {_lower_first(line)}."
    return f"{lead}, {'and ' if has_job else ''}my resume shows it: \"{line}\"."


def _join(items: list[str]) -> str:
    items = [i for i in items if i]
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _relevant_role(doc: ResumeDoc, brief: Brief) -> Role | None:
    evidence = {m.evidence for m in brief.matched}
    terms = [m.requirement.lower() for m in brief.matched]

    def weight(role: Role) -> int:
        text = " ".join(doc.lines[i] for i in role.bullets).lower()
        return sum(doc.lines[i] in evidence for i in role.bullets) * 3 + sum(t in text for t in terms)

    dated = [r for r in doc.roles if r.line >= 0]
    if not dated:
        return None
    return max(dated, key=lambda r: (weight(r), -r.line))


def _role_phrase(role: Role | None) -> str | None:
    if role is None:
        return None
    if role.title and role.employer:
        return f"as {role.title} at {role.employer}"
    if role.header:
        return f"as {role.header}"
    return None


def _adjacent(missing: str, brief: Brief) -> str | None:
    """A matched requirement in the same family of skills as a missing one, if any."""
    tax = taxonomy()
    name = tax.canonical(missing)
    if name is None or name not in tax.skills:
        return None
    family = tax.skills[name].category
    for match in brief.matched:
        other = tax.canonical(match.requirement)
        if other and other in tax.skills and tax.skills[other].category == family:
            return match.requirement
    return None


def _gap_paragraph(brief: Brief, tone: str) -> str | None:
    if not brief.missing:
        return None
    gaps = brief.missing[:2]
    near = next((a for a in (_adjacent(m, brief) for m in gaps) if a), None)
    text = f"I will be direct about one gap: I have not yet used {_join(gaps)} in my work."
    if near:
        text += f" The closest experience I have is with {near}, and I would build on it to learn {gaps[0]} quickly."
    else:
        text += " I am keen to learn " + ("it" if len(gaps) == 1 else "them") + " and would make that a priority."
    if tone == "concise":
        text = f"I have not yet used {_join(gaps)} professionally and would learn " \
               + ("it" if len(gaps) == 1 else "them") + " quickly."
    return text


def _signature(doc: ResumeDoc, tone: str) -> str:
    return _SIGN_OFF[tone] + ("\n" + doc.name if doc.name else "")


def cover_letter(brief: Brief) -> Written:
    doc = read_resume(brief.resume_text)
    tone, fill = brief.tone, {"company": brief.company, "role": brief.role}
    role = _relevant_role(doc, brief)
    top = brief.matched[:3]
    paragraphs = [_GREETING[tone].format(**fill)]
    opening = _OPENING[tone].format(**fill)
    phrase = _role_phrase(role)
    if phrase:
        opening += f" My most relevant experience is my work {phrase}."
    if top and brief.has_job:
        opening += f" The posting asks for {_join([m.requirement for m in top])}, and my resume shows each of them."
    elif top:
        opening += f" My strongest skills for it are {_join([m.requirement for m in top])}."
    paragraphs.append(opening)
    shown = {"short": 1, "medium": 2, "long": 3}[brief.length]
    if top:
        paragraphs.append(" ".join(_evidence_sentence(m, brief.has_job) for m in top[:shown]))
    elif role is not None and role.bullets:
        paragraphs.append("In that role: " + " ".join(_sentence(doc.lines[i]) for i in role.bullets[:shown]))
    if brief.length == "long" and role is not None:
        extra = [doc.lines[i] for i in role.bullets if doc.lines[i] not in {m.evidence for m in top}][:2]
        if extra:
            paragraphs.append("Other work from that role that bears on this job: "
                              + " ".join(_sentence(line) for line in extra))
    gap = _gap_paragraph(brief, tone) if brief.length != "short" or tone == "concise" else None
    if gap:
        paragraphs.append(gap)
    closing = {
        "formal": "Thank you for your time and consideration. I would welcome the chance to discuss how I can "
                  "contribute to {company}.",
        "warm": "Thank you for reading. I would be glad to talk about the role and the team at {company}.",
        "confident": "I would like to talk about how I can contribute to {company} as your next {role}.",
        "concise": "I would be glad to talk.",
    }[tone].format(**fill)
    paragraphs += [closing, _signature(doc, tone)]
    return Written(f"Cover letter: {brief.role} at {brief.company}", "\n\n".join(paragraphs))


# --- resume tailoring ---------------------------------------------------------------------------


def _skill_terms(brief: Brief) -> list[str]:
    tax = taxonomy()
    terms = []
    for m in brief.matched:
        terms.append(m.requirement.lower())
        name = tax.canonical(m.requirement)
        if name:
            terms.append(name.lower())
    return terms


def _relevance(line: str, terms: list[str], evidence: set[str]) -> int:
    lower = line.lower()
    return (5 if line in evidence else 0) + sum(1 for t in terms if t and t in lower)


def _rephrase(line: str, brief: Brief) -> str:
    """The same bullet led by the job's words for what it shows (each word taken from the job's
    requirements the line matches, never added otherwise)."""
    lower = line.lower()
    shows = [m.requirement for m in brief.matched if m.evidence == line or m.requirement.lower() in lower]
    body = _sentence(line)
    return f"{_join(list(dict.fromkeys(shows))[:3])}: {body}" if shows else body


def tailor_resume(brief: Brief) -> Written:
    doc = read_resume(brief.resume_text)
    terms = _skill_terms(brief)
    evidence = {m.evidence for m in brief.matched}
    structure: list[dict] = []
    out: list[str] = []

    def add(section: str, text: str, source: int | None) -> None:
        structure.append({"section": section, "text": text, "source_index": source})
        out.append(f"- {text}" if source is not None and section not in ("header",) else text)

    if doc.name:
        out.append(doc.name)
    out.append(f"Tailored for the {brief.role} role at {brief.company}")
    limit = {"short": 2, "medium": 4, "long": 8}[brief.length]
    # Summary: the resume's own summary lines, most relevant first.
    summary = sorted(doc.sections.get("summary", []), key=lambda i: -_relevance(doc.lines[i], terms, evidence))
    if summary:
        out.append("\nSUMMARY")
        for i in summary[:2]:
            add("summary", doc.lines[i], i)
    # Skills the job asks for that the resume shows, first; each with the line that shows it.
    if brief.matched:
        out.append("\nSKILLS FOR THIS ROLE")
        for m in brief.matched[:limit + 2]:
            source = doc.lines.index(m.evidence) if m.evidence in doc.lines else None
            structure.append({"section": "skills", "text": m.requirement, "source_index": source})
        out.append(_join([m.requirement for m in brief.matched[:limit + 2]]))
    # Experience: roles by relevance, each one's bullets by relevance, rephrased toward the job.
    roles = sorted(doc.roles, key=lambda r: (-max([_relevance(doc.lines[i], terms, evidence) for i in r.bullets] or [0]),
                                             r.line))
    out.append("\nEXPERIENCE")
    for role in roles:
        if role.line >= 0:
            out.append(doc.lines[role.line])
            structure.append({"section": "experience", "text": doc.lines[role.line], "source_index": role.line})
        ranked = sorted(role.bullets, key=lambda i: (-_relevance(doc.lines[i], terms, evidence), i))
        for i in ranked[:limit]:
            add("experience", _rephrase(doc.lines[i], brief), i)
    for section, heading in (("education", "EDUCATION"), ("certifications", "CERTIFICATIONS"),
                             ("projects", "PROJECTS")):
        rows = doc.sections.get(section, [])
        if rows:
            out.append(f"\n{heading}")
            ranked = sorted(rows, key=lambda i: (-_relevance(doc.lines[i], terms, evidence), i)) \
                if section == "projects" else rows
            for i in ranked[:limit]:
                add(section, doc.lines[i], i)
    if brief.missing and brief.length != "short":
        out.append("\nTO DEVELOP")
        out.append(f"Not yet shown in this resume: {_join(brief.missing[:4])}. Left out rather than claimed.")
    return Written(f"Resume tailored for {brief.role} at {brief.company}", "\n".join(out), structure)


# --- emails -------------------------------------------------------------------------------------


def email(brief: Brief) -> Written:
    doc = read_resume(brief.resume_text)
    kind, tone = brief.email_kind or "follow_up", brief.tone
    company, role = brief.company, brief.role
    top = brief.matched[:3]
    skills = _join([m.requirement for m in top]) or None
    long = brief.length == "long"
    greeting = _GREETING[tone].format(company=company)
    if kind == "follow_up":
        subject = f"Following up on my application for {role}"
        body = [f"I recently applied for the {role} position at {company} and wanted to follow up on it. I remain "
                "very interested in the role."]
        if skills:
            asks = f"The posting asks for {skills}, which is the work I do" if brief.has_job \
                else f"My experience in {skills} fits this role"
            body.append(f"{asks}; for example: \"{top[0].evidence.strip().rstrip('.')}\"." if long else f"{asks}.")
        body.append("Could you tell me where the process stands and whether you need anything more from me?")
    elif kind == "thank_you":
        subject = f"Thank you: {role} interview"
        body = [f"Thank you for taking the time to talk with me about the {role} position at {company}."]
        if skills:
            body.append(f"I enjoyed hearing how the team works, and I am even more keen to bring my experience "
                        f"in {skills} to it.")
        if long and brief.missing:
            body.append(f"I have not yet used {brief.missing[0]} in my work, and I am keen to learn it.")
        body.append("Please let me know if I can send anything else.")
    elif kind == "withdrawal":
        subject = f"Withdrawing my application: {role}"
        body = [f"Thank you for considering me for the {role} position at {company}. After careful thought, I have "
                "decided to withdraw my application.",
                "I appreciate the time you and the team gave me, and I hope our paths cross again."]
    elif kind == "negotiation":
        subject = f"The {role} offer"
        body = [f"Thank you for the offer for the {role} position at {company}. I am excited about it and want to "
                "make it work."]
        reason = f" given the experience I bring in {skills}" if skills else ""
        body.append(f"Before I accept, I would like to discuss the compensation{reason}. Is there flexibility on the "
                    "base salary or the overall package?")
        if long:
            body.append("I am glad to talk it through on a call at a time that suits you.")
    else:  # networking
        subject = f"A question about the {role} role at {company}"
        body = [f"I am exploring the {role} role at {company} and would value a few minutes of your perspective on "
                "the team and the work."]
        if skills:
            body.append(f"My background is in {skills}" + (f"; most recently {_role_phrase(_relevant_role(doc, brief))}."
                                                           if _relevant_role(doc, brief) else "."))
        body.append("Would you be open to a short call in the coming weeks?")
    if tone == "concise":
        body = body[:2]
    text = "\n\n".join([f"Subject: {subject}", greeting, *body, _signature(doc, tone)])
    return Written(subject, text)


def write(kind: str, brief: Brief) -> Written:
    if kind == "cover_letter":
        return cover_letter(brief)
    if kind == "resume_tailoring":
        return tailor_resume(brief)
    if kind == "email_template":
        return email(brief)
    raise ValueError(f"unknown content type {kind!r}")
