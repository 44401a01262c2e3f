"""Cover letters a person would send: a heading with the seeker's name and contact line, a greeting,
an opening that says who they are, the evidence for the job's requirements told as their own
sentences (tense from the role: present for the current one, past for earlier ones), the gap named
honestly, a closing and the name under the sign-off. The tone (formal, warm, confident, concise)
chooses the words around the facts; the length how many facts are told."""

import re
from dataclasses import dataclass, field

from career_app.services.offline_writer import phrasing
from career_app.services.offline_writer.brief import Brief, Match, Written
from career_app.services.offline_writer.phrasing import Clause, article, join
from career_app.services.offline_writer.resume import ResumeDoc, Role, headline, read_resume
from career_app.services.skills import taxonomy

GREETING = {"formal": "Dear Hiring Manager,", "warm": "Hello {company} team,", "confident": "Dear Hiring Team,",
            "concise": "Hello,"}
SIGN_OFF = {"formal": "Sincerely,", "warm": "Warm regards,", "confident": "Best regards,", "concise": "Regards,"}
_OPENING = {
    "formal": "I am writing to apply for the {role} position at {company}.",
    "warm": "I was glad to see the {role} opening at {company}, and I would love to be considered for it.",
    "confident": "I am applying for the {role} position at {company}, and I am confident my experience fits it.",
    "concise": "I am applying for the {role} role at {company}.",
}
_BRIDGE = {
    "formal": "The position calls for {reqs}, and my experience covers {each}.",
    "warm": "You are looking for someone with {reqs}, and that is work I know well.",
    "confident": "You need {reqs}, and I bring proven experience in {each}.",
}
_BRIDGE_NO_JOB = {
    "formal": "The strengths I would bring to the role include {reqs}.",
    "warm": "I would bring {reqs} to the team.",
    "confident": "I bring {reqs}.",
}
_CLOSING = {
    "formal": "Thank you for your time and consideration. I would welcome the opportunity to discuss how I could "
              "contribute to {company}.",
    "warm": "Thank you for reading my letter. I would be glad to talk about the role and the team at {company}.",
    "confident": "I would like to discuss how I can contribute to {company} as your next {role}. I look forward to "
                 "hearing from you.",
    "concise": "I would welcome a conversation about the role.",
}
_CREDENTIAL = re.compile(r"\b(?:licen[cs]e[ds]?|certifi\w*|certificate|registration|chartered|PALS|ACLS|BLS|CPR|CPA|"
                         r"CFA|PMP|CISSP|CCNA|OSHA|NCLEX|CEng|EIT|ACCA|CIMA|CELTA|PGCE|QTS)\b", re.IGNORECASE)
_TOOLS = {"software", "data and machine learning", "design"}
EVIDENCE_COUNT = {"short": 1, "medium": 3, "long": 4}


@dataclass
class Told:
    """One piece of evidence told as sentences: the role it comes from (None: summary, skills,
    education) and its clauses."""
    role: Role | None
    clauses: list[Clause]
    line: int | None
    requirements: list[str] = field(default_factory=list)


class Writer:
    """The facts of one brief, read once, and the ways of telling them."""

    def __init__(self, brief: Brief):
        self.brief = brief
        self.doc: ResumeDoc = read_resume(brief.resume_text)
        self.proper = phrasing.Proper(brief.resume_text, brief.job_text)
        self.tone = brief.tone if brief.tone in SIGN_OFF else "formal"
        self.fill = {"company": brief.company, "role": brief.role}
        self._skills: dict[int, set[str]] = {}  # line index -> the skills it names

    # --- who is writing ---------------------------------------------------------------------------

    @property
    def name(self) -> str | None:
        signer = " ".join((self.brief.signer or "").split())
        if self.doc.name:
            if signer and signer.lower() == self.doc.name.lower():
                return signer  # the account's own capitals ("McDonald" for "MCDONALD")
            return self.doc.name
        return signer if signer and "@" not in signer else None

    def signature(self, contact: bool = False) -> str:
        lines = [SIGN_OFF[self.tone]]
        if self.name:
            lines.append(self.name)
            if contact and self.doc.contact:
                lines.append(self.doc.contact[0])
        return "\n".join(lines)

    def heading(self) -> str | None:
        """The letter's heading: the name and the contact line, as on the resume."""
        if not self.name:
            return None
        return "\n".join([self.name, *self.doc.contact[:2]])

    def current_role(self) -> Role | None:
        dated = self.doc.chronological()
        return dated[0] if dated and dated[0].line >= 0 else None

    def role_sentence(self, role: Role | None, said: str = "") -> str | None:
        """"I currently work as a Registered Nurse at Mercy General Hospital." (without the title when
        `said` already names it)."""
        if role is None or not (role.title or role.employer):
            return None
        now = role.current
        verb = "I currently work" if now else "Most recently, I worked"
        if role.title and role.employer and role.title.lower() in said.lower():
            return f"{verb} at {role.employer}."
        if role.title and role.employer:
            return f"{verb} as {article(role.title)} {role.title} at {role.employer}."
        if role.employer:
            return f"{verb} at {role.employer}."
        return f"{verb} as {article(role.title)} {role.title}."

    def identity(self) -> tuple[Clause | None, int | None]:
        """"I am a Registered Nurse with 6 years of ..." from the summary's first line (or the headline)."""
        for i in self.doc.sections.get("summary", [])[:2]:
            for piece in phrasing.pieces(self.doc.lines[i])[:1]:
                found = phrasing.clause(piece, self.proper)
                if found.kind in ("identity", "quality") or (found.kind == "action" and found.subject == "I") \
                        or (found.kind == "sentence" and found.rest.startswith("I ")):
                    return found, i
        line = headline(self.doc)
        if line:
            found = phrasing.clause(line, self.proper)
            if found.kind == "identity":
                return found, None
        return None, None

    # --- evidence -----------------------------------------------------------------------------------

    def tell(self, match: Match) -> Told:
        doc = self.doc
        index = doc.find(match.evidence)
        role = doc.role_of(index) if index is not None else None
        role = role if role is not None and role.line >= 0 else None
        if index is not None and (index == doc.name_line or index in doc.header):
            return Told(None, [], index)  # the name, contact and headline lines: said in the opening
        if index is not None:
            line = doc.lines[index]
            section = doc.section_of.get(index)
            if role is not None and index in role.lines:  # the role line itself: told in the opening
                return Told(None, [], index)
            label, items = phrasing.list_items(line)
            if section in ("skills", "certifications") or (label and len(items) >= 2) or (
                    len(items) >= 3 and all(len(i.split()) <= 4 for i in items)
                    and not phrasing.starts_with_verb(items[0])):
                return Told(None, [phrasing.list_clause(doc, index, match.evidence, match.requirement)], index)
            if section == "education":
                return Told(None, [phrasing.education_clause(line)], index)
        text = match.evidence if len(match.evidence.split()) >= 3 or index is None else doc.lines[index]
        current = role.current if role is not None else None
        clauses = [phrasing.clause(p, self.proper, current, role is not None) for p in phrasing.pieces(text)[:2]]
        return Told(role, clauses, index)

    def _skills_of(self, index: int) -> set[str]:
        if index not in self._skills:
            self._skills[index] = set(taxonomy().extract(self.doc.lines[index]))
        return self._skills[index]

    def _alternatives(self, match: Match):
        """The match, then other resume lines that name the same skill (each is evidence by name too),
        lines of the newest roles first: used when the first line is already told elsewhere."""
        yield match
        names = {taxonomy().canonical(match.requirement)} - {None}
        for role in self.doc.chronological():
            for i in role.bullets:
                line = self.doc.lines[i]
                if line != match.evidence and (match.requirement.lower() in line.lower()
                                               or names & self._skills_of(i)):
                    yield Match(match.requirement, line)

    def evidence(self, count: int, skip: set[int] = frozenset()) -> list[Told]:
        """The strongest matches told, one per resume line (another line naming the same skill when
        the first is told already), newest role first, then the rest."""
        told: dict[int | str, Told] = {}
        said = set(skip)
        for match in self.brief.matched:
            for option in self._alternatives(match):
                item = self.tell(option)
                key = item.line if item.line is not None else option.evidence
                if key in told and option is match:
                    told[key].requirements.append(match.requirement)
                    break
                if item.line in said or key in told or not item.clauses:
                    continue
                item.requirements.append(match.requirement)
                told[key] = item
                break
            if len(told) >= count:
                break
        order = {id(r): k for k, r in enumerate(self.doc.chronological())}
        return sorted(told.values(), key=lambda t: (t.role is None, order.get(id(t.role), 0)))

    def req(self, requirement: str) -> str:
        """A requirement inside a sentence: "telemetry", "medication administration" (a name in title case
        is lowered word by word, not only its first word), but "ACLS", "Python" and "Epic"."""
        words = requirement.split(" ")
        if len(words) > 1 and all(w[:1].isupper() for w in words):
            return " ".join(self.proper.lower_first(w) for w in words)
        return self.proper.lower_first(requirement)

    def reqs(self, requirements: list[str], word: str = "and") -> str:
        return join([self.req(r) for r in requirements], word)

    def sentences(self, told: list[Told], first_lead: bool = True) -> list[str]:
        """The evidence as sentences: the first of each role led by where it was done ("In my current
        role at X," / "In my previous role at Y," / "Before that, at Y,"), the next one with "also";
        two parts of one resume line joined with "and"."""
        out: list[str] = []
        seen_roles: list[Role] = []
        said = 0  # sentences so far that speak of the seeker
        for item in told:
            parts: list[str] = []
            for k, c in enumerate(item.clauses):
                lead, also = "", False
                if item.role is not None and k == 0 and item.role not in seen_roles:
                    where = item.role.employer
                    if where and first_lead:
                        # Never "At Brightwave Labs," at the start: it would read as part of the name.
                        if item.role.current:
                            lead = f"In my current role at {where}, "
                        elif seen_roles:
                            lead = f"Before that, at {where}, "
                        else:
                            lead = f"In my previous role at {where}, "
                    seen_roles.append(item.role)
                elif k == 0 and said == 1 and c.subject and c.kind != "identity":
                    also = True
                parts.append(c.render(also=also, lead=lead))
                said += 1
            if len(parts) == 2 and len((parts[0] + parts[1]).split()) <= 30 and parts[0].endswith("."):
                second = parts[1] if parts[1].startswith("I ") else parts[1][0].lower() + parts[1][1:]
                if item.clauses[1].kind == "sentence" and not item.clauses[1].lowerable:
                    second = parts[1]
                parts = [f"{parts[0][:-1]}, and {second}"]
            out.extend(parts)
        return out

    # --- gaps -----------------------------------------------------------------------------------------

    def adjacent(self, missing: str) -> str | None:
        """A matched requirement of the same kind of skill as a missing one, if any."""
        tax = taxonomy()
        name = tax.canonical(missing)
        if name is None or name not in tax.skills:
            return None
        category = tax.skills[name].category
        for match in self.brief.matched:
            other = tax.canonical(match.requirement)
            if other and other in tax.skills and tax.skills[other].category == category:
                return match.requirement
        return None

    def lack(self, gaps: list[str]) -> str:
        """"I do not yet hold PALS" / "I do not yet have direct experience in Critical care"."""
        creds = [g for g in gaps if _CREDENTIAL.search(g)]
        skills = [g for g in gaps if g not in creds]
        parts = []
        if skills:
            tax = taxonomy()
            tools = all(tax.family(tax.canonical(g) or "") in _TOOLS for g in skills)
            parts.append(f"have direct experience {'with' if tools else 'in'} {self.reqs(skills, 'or')}")
        if creds:
            parts.append(f"hold {self.reqs(creds, 'or')}")
        return "I do not yet " + " or ".join(parts) if len(parts) == 1 else \
            f"I do not yet {parts[0]}, and I do not yet {parts[1]}"

    def gap_paragraph(self) -> str | None:
        if not self.brief.missing:
            return None
        gaps = self.brief.missing[:2]
        it = "it" if len(gaps) == 1 else "them"
        if self.tone == "concise":
            return f"{self.lack(gaps)}, and I would learn {it} quickly."
        near = next((a for a in (self.adjacent(m) for m in gaps) if a), None)
        opener = {"formal": "To be clear about one gap, ", "warm": "In all honesty, ",
                  "confident": "To be direct about the one gap, "}[self.tone]
        text = f"{opener}{self.lack(gaps)}."
        if near:
            text += f" My closest experience is {self.req(near)}, and I would build on it to close that gap quickly."
        else:
            text += f" I am keen to learn {it} and would make that a priority."
        return text


def _with_tone(writer: Writer, key: dict) -> str:
    return key[writer.tone].format(**writer.fill)


def cover_letter(brief: Brief) -> Written:
    w = Writer(brief)
    tone, length = w.tone, brief.length if brief.length in EVIDENCE_COUNT else "medium"
    paragraphs: list[str] = []
    heading = w.heading()
    if heading:
        paragraphs.append(heading)
    paragraphs.append(_with_tone(w, GREETING))
    who, who_line = w.identity()
    opening = [_with_tone(w, _OPENING)]
    if who is not None:
        opening.append(who.render())
    role_sentence = w.role_sentence(w.current_role(), who.render() if who else "")
    if role_sentence and (length != "short" or who is None):
        opening.append(role_sentence)
    reqs = [m.requirement for m in brief.matched[:3]]
    if reqs and length != "short" and tone != "concise":
        each = "each of them" if len(reqs) > 1 else "it"
        bridge = (_BRIDGE if brief.has_job else _BRIDGE_NO_JOB)[tone]
        opening.append(bridge.format(reqs=w.reqs(reqs), each=each))
    paragraphs.append(" ".join(opening))
    count = EVIDENCE_COUNT[length] - (1 if tone == "concise" and length != "short" else 0)
    told = w.evidence(count, skip={who_line} if who_line is not None else set())
    body = w.sentences(told)
    if body:
        paragraphs.append(" ".join(body))
    if length == "long" and tone != "concise":
        more = _more_from_role(w, told)
        if more:
            paragraphs.append(" ".join(more))
    gap = w.gap_paragraph() if length != "short" or tone == "concise" else None
    if gap:
        paragraphs.append(gap)
    paragraphs += [_with_tone(w, _CLOSING), w.signature()]
    return Written(f"Cover letter: {brief.role} at {brief.company}", "\n\n".join(paragraphs))


def _more_from_role(w: Writer, told: list[Told]) -> list[str]:
    """For a long letter: two more lines of the current role the evidence did not use, told."""
    role = w.current_role()
    if role is None:
        return []
    used = {t.line for t in told}
    lines = [i for i in role.bullets if i not in used][:2]
    clauses = [phrasing.clause(p, w.proper, role.current, True)
               for i in lines for p in phrasing.pieces(w.doc.lines[i])[:1]]
    if not clauses:
        return []
    told_here = any(t.role is role for t in told)
    # The role by name: after "Before that, at ...", "the same role" would point at the wrong one.
    if role.employer:
        lead = f"In my work at {role.employer}, " if told_here else \
            f"In my {'current' if role.current else 'most recent'} role at {role.employer}, "
    else:
        lead = ""
    return [clauses[0].render(also=told_here, lead=lead), *[c.render() for c in clauses[1:]]]
