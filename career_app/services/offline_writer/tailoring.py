"""The resume tailored to a job: the header as it is (name, contact line, headline), the summary, the
skills the job asks for that the resume shows, then the roles newest first (reverse-chronological,
whatever order the resume had) with each role's lines most relevant first, then projects, education,
certifications and the other sections. Every line is the resume's own; each keeps `source_index`,
the resume line it came from. What the resume does not show is a note for the seeker, not a line of
the resume."""

from career_app.services.offline_writer.brief import Brief, Written, note
from career_app.services.offline_writer.phrasing import join
from career_app.services.offline_writer.resume import read_resume
from career_app.services.skills import taxonomy

_LIMIT = {"short": 2, "medium": 4, "long": 8}
_DEFAULT_HEADINGS = {"summary": "SUMMARY", "skills": "SKILLS", "experience": "EXPERIENCE", "projects": "PROJECTS",
                     "education": "EDUCATION", "certifications": "CERTIFICATIONS", "other": "ADDITIONAL INFORMATION"}


def _terms(brief: Brief) -> list[str]:
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
    shown = line in evidence or any(e and e in line for e in evidence if len(e.split()) >= 3)
    return (5 if shown else 0) + sum(1 for t in terms if t and t in lower)


def _bullet(line: str) -> str:
    line = line.strip()
    if not line:
        return line
    line = line[0].upper() + line[1:]
    return line if line.endswith((".", "!", "?", ")")) else line + "."


def tailor_resume(brief: Brief) -> Written:
    doc = read_resume(brief.resume_text)
    terms = _terms(brief)
    evidence = {m.evidence for m in brief.matched}
    limit = _LIMIT.get(brief.length, 4)
    structure: list[dict] = []
    out: list[str] = []
    titles = {section: doc.lines[i].strip(" :").upper() for i, section in sorted(doc.headings.items(), reverse=True)}

    def section_heading(section: str) -> None:
        out.append("\n" + titles.get(section, _DEFAULT_HEADINGS[section]))

    def add(section: str, text: str, source: int | None, bullet: bool = True) -> None:
        structure.append({"section": section, "text": text, "source_index": source})
        out.append(f"- {text}" if bullet else text)

    def rank(rows: list[int]) -> list[int]:
        return sorted(rows, key=lambda i: (-_relevance(doc.lines[i], terms, evidence), i))

    # The header as the resume has it: the name, the contact line, the headline.
    for i in doc.header:
        add("header", doc.lines[i], i, bullet=False)
    summary = rank(doc.sections.get("summary", []))
    if summary:
        section_heading("summary")
        for i in summary[:2]:
            add("summary", doc.lines[i], i, bullet=False)
    shown = list(dict.fromkeys(m.requirement for m in brief.matched))[:limit + 2]
    own_skills = doc.sections.get("skills", [])
    if shown or own_skills:
        section_heading("skills")
        evidence_of = {}
        for m in brief.matched:
            evidence_of.setdefault(m.requirement, m.evidence)
        for requirement in shown:
            structure.append({"section": "skills", "text": requirement,
                              "source_index": doc.find(evidence_of[requirement])})
        if shown:
            out.append(", ".join(shown))
        for i in own_skills:
            add("skills", doc.lines[i], i, bullet=False)
    section_heading("experience")
    for role in doc.chronological():
        for i in role.lines:
            add("experience", doc.lines[i], i, bullet=False)
        for i in rank(role.bullets)[:limit]:
            add("experience", _bullet(doc.lines[i]), i)
    for section in ("projects", "education", "certifications", "other"):
        rows = doc.sections.get(section, [])
        if rows:
            section_heading(section)
            for i in (rank(rows)[:limit] if section == "projects" else rows):
                add(section, doc.lines[i], i, bullet=section in ("projects", "other"))
    if brief.missing:
        structure.append(note(f"Not shown by your resume, so left out rather than claimed: "
                              f"{join(brief.missing[:6])}."))
    return Written(f"Resume tailored for {brief.role} at {brief.company}", "\n".join(out).strip(), structure)
