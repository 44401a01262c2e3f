"""Resume lines into first-person sentences. A resume line is rarely a sentence: it starts with a verb
("Monitored telemetry...", "Manage care...", "Troubleshoots motor controls...", "Designing
drainage..."), a role title ("Registered Nurse with 6 years..."), an adjective ("Skilled in...",
"Responsible for..."), a participle ("Promoted to..."), or a noun ("Triage of incoming admissions...");
it may hold two sentences, or a list after a label. Each piece becomes a clause with a subject, a verb
in the tense of its role (present for the current role, past for an earlier one) and the line's own
words after it, so a letter can say "I monitored telemetry..." or "My work included triage of...",
and never "I registered Nurse...". Nothing is added but grammar: no fact, number or name."""

import re
from dataclasses import dataclass

from career_app.services.offline_writer.resume import TITLE_NOUNS, ResumeDoc, heading
from career_app.services.skills import taxonomy

# base form -> simple past, for the verbs resumes lead with (any family).
_PAST = {
    "achieve": "achieved", "adapt": "adapted", "administer": "administered", "advise": "advised",
    "advocate": "advocated", "analyse": "analysed", "analyze": "analyzed", "answer": "answered", "apply": "applied",
    "assemble": "assembled", "assess": "assessed", "assist": "assisted", "audit": "audited", "automate": "automated",
    "balance": "balanced", "book": "booked", "build": "built", "calculate": "calculated", "calibrate": "calibrated",
    "care": "cared", "chair": "chaired", "chart": "charted", "clean": "cleaned", "close": "closed", "coach": "coached",
    "co-teach": "co-taught", "collaborate": "collaborated", "commission": "commissioned", "complete": "completed",
    "conduct": "conducted", "configure": "configured", "consolidate": "consolidated", "contribute": "contributed",
    "cook": "cooked", "coordinate": "coordinated", "counsel": "counselled", "create": "created", "cut": "cut",
    "debug": "debugged", "decrease": "decreased", "double": "doubled", "drop": "dropped", "halve": "halved",
    "reach": "reached", "triple": "tripled", "define": "defined", "deliver": "delivered", "deploy": "deployed",
    "design": "designed", "develop": "developed", "diagnose": "diagnosed", "differentiate": "differentiated",
    "direct": "directed", "document": "documented", "draft": "drafted", "drive": "drove", "earn": "earned",
    "educate": "educated", "enforce": "enforced", "ensure": "ensured", "escalate": "escalated",
    "establish": "established", "evaluate": "evaluated", "exceed": "exceeded", "execute": "executed",
    "expand": "expanded", "fabricate": "fabricated", "facilitate": "facilitated", "file": "filed",
    "forecast": "forecast", "generate": "generated", "grade": "graded", "greet": "greeted", "grow": "grew",
    "guide": "guided", "handle": "handled", "help": "helped", "hire": "hired", "identify": "identified",
    "implement": "implemented", "improve": "improved", "increase": "increased", "inspect": "inspected",
    "install": "installed", "instruct": "instructed", "integrate": "integrated", "interview": "interviewed",
    "introduce": "introduced", "investigate": "investigated", "keep": "kept", "launch": "launched", "lead": "led",
    "litigate": "litigated", "lower": "lowered", "maintain": "maintained", "make": "made", "manage": "managed",
    "measure": "measured", "mentor": "mentored", "migrate": "migrated", "monitor": "monitored",
    "negotiate": "negotiated", "onboard": "onboarded", "operate": "operated", "optimise": "optimised",
    "optimize": "optimized", "organise": "organised", "organize": "organized", "oversee": "oversaw", "own": "owned",
    "partner": "partnered", "perform": "performed", "plan": "planned", "precept": "precepted", "prepare": "prepared",
    "present": "presented", "prioritise": "prioritised", "prioritize": "prioritized", "process": "processed",
    "produce": "produced", "program": "programmed", "provide": "provided", "publish": "published", "raise": "raised",
    "recommend": "recommended", "reconcile": "reconciled", "record": "recorded", "recruit": "recruited",
    "redesign": "redesigned", "reduce": "reduced", "refactor": "refactored", "repair": "repaired",
    "replace": "replaced", "report": "reported", "research": "researched", "resolve": "resolved",
    "respond": "responded", "restore": "restored", "review": "reviewed", "rewire": "rewired", "run": "ran",
    "save": "saved", "schedule": "scheduled", "secure": "secured", "sell": "sold", "serve": "served", "set": "set",
    "ship": "shipped", "simplify": "simplified", "solve": "solved", "spearhead": "spearheaded",
    "standardise": "standardised", "standardize": "standardized", "start": "started", "streamline": "streamlined",
    "supervise": "supervised", "support": "supported", "survey": "surveyed", "teach": "taught",
    "terminate": "terminated",
    "test": "tested", "track": "tracked", "train": "trained", "translate": "translated", "triage": "triaged",
    "troubleshoot": "troubleshot", "tutor": "tutored", "update": "updated", "upgrade": "upgraded", "use": "used",
    "verify": "verified", "weld": "welded", "win": "won", "wire": "wired", "write": "wrote",
}
# Verbs that are also nouns: a verb only when what follows reads as its object.
_DUAL = {"audit", "book", "care", "chart", "close", "coach", "cook", "counsel", "cut", "design", "document",
         "draft", "file", "forecast", "grade", "help", "interview", "lead", "mentor", "monitor", "partner", "plan",
         "present", "process", "program", "record", "report", "research", "review", "run", "schedule", "set",
         "start", "support", "survey", "test", "track", "train", "triage", "tutor", "update", "upgrade", "use",
         "own"}
_DOUBLED = {"plan", "ship", "run", "cut", "set", "win", "program", "debug"}
_PHRASAL = {("care", "for"), ("report", "to"), ("partner", "with"), ("help", "with"), ("lead", "on"),
            ("support", "with"), ("train", "on"), ("tutor", "in")}
# Participles that open a passive line: "Promoted to charge nurse" -> "I was promoted to charge nurse".
_PASSIVE = {"awarded", "selected", "chosen", "promoted", "recognized", "recognised", "nominated", "named", "elected",
            "invited", "appointed", "honored", "honoured", "commended", "featured"}
# Adjectives a line may open with: "Skilled in ..." -> "I am skilled in ...".
_ADJECTIVES = {"skilled", "experienced", "proficient", "certified", "licensed", "registered", "qualified", "trained",
               "fluent", "knowledgeable", "passionate", "dedicated", "compassionate", "motivated", "organized",
               "organised", "detail-oriented", "results-driven", "bilingual", "trilingual", "versed", "well-versed",
               "adept", "competent", "comfortable", "familiar", "confident", "responsible", "accountable",
               "committed", "enthusiastic", "reliable", "energetic", "creative", "hardworking", "hard-working",
               "self-motivated", "dependable", "empathetic", "caring", "meticulous", "analytical", "versatile",
               "seasoned", "accomplished", "driven", "diligent", "personable", "resourceful", "flexible",
               "safety-focused",
               "customer-focused", "team-oriented", "collaborative", "focused", "keen", "eager", "able", "capable",
               "effective", "highly", "strong", "proven", "senior", "junior"}
_PREPOSITIONS = {"in", "with", "at", "on", "for", "about", "to", "across", "as", "under", "within", "of", "by",
                 "from", "through"}
_DETERMINERS = {"a", "an", "the", "all", "daily", "weekly", "monthly", "new", "my", "our", "their", "each", "every",
                "multiple", "several", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "up",
                "over", "more", "large", "complex", "high", "key", "critical", "annual", "quarterly", "end-to-end"}
_AUXILIARIES = {"is", "are", "was", "were", "has", "have", "had", "will", "can", "could", "did", "does", "do",
                "rose", "fell", "grew", "became"}
_ABBREVIATIONS = re.compile(r"(?:\b(?:St|Dr|Mr|Mrs|Ms|Inc|Co|Ltd|No|vs|etc|approx|Jr|Sr|Mt|Ft|[A-Z])\.|\d\.)$")
_LABEL = re.compile(r"^([A-Z][\w &/\-]{1,30}):\s+(?=\S)")
_VOWEL_SOUND = re.compile(r"^(?:[aeio]|u(?!ni|s[aeiou]|ti|r[aeiou])|hour|honest|heir)", re.IGNORECASE)
_LETTER_VOWEL = set("AEFHILMNORSX")  # letters said with a vowel first: "an RN", "an MEng", "an LPN"


def _third(base: str) -> str:
    if re.search(r"(?:s|sh|ch|x|z|o)$", base):
        return base + "es"
    if re.search(r"[^aeiou]y$", base):
        return base[:-1] + "ies"
    return base + "s"


def _gerund(base: str) -> str:
    if base in _DOUBLED:
        return base + base[-1] + "ing"
    if base.endswith("ie"):
        return base[:-2] + "ying"
    if base.endswith("e") and not base.endswith(("ee", "ye", "oe")):
        return base[:-1] + "ing"
    return base + "ing"


_FORMS: dict[str, tuple[str, str]] = {}  # word -> (base, "past" | "base" | "third" | "ing")
for _base, _past in _PAST.items():
    _FORMS.setdefault(_gerund(_base), (_base, "ing"))
    _FORMS.setdefault(_third(_base), (_base, "third"))
    _FORMS[_past] = (_base, "past")
    _FORMS[_base] = (_base, "base")
_FINITE = {w for w, (_, kind) in _FORMS.items() if kind == "past"} | _AUXILIARIES  # "supports" may be a noun
_TOOL_FAMILIES = {"software", "data and machine learning", "design"}
_TITLE_WORDS = set(TITLE_NOUNS)


def article(phrase: str) -> str:
    word = phrase.split()[0] if phrase.split() else ""
    bare = word.strip("(\"'")
    if len(bare) > 1 and (bare.isupper() or re.fullmatch(r"[A-Z]{2,}[a-z]*", bare)) and bare[0] in _LETTER_VOWEL:
        return "an"  # "an RN", "an MEng", "an ICU nurse"
    if len(bare) > 1 and bare.isupper():
        return "a"
    return "an" if _VOWEL_SOUND.match(bare) else "a"


def join(items: list[str], word: str = "and") -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def pieces(line: str) -> list[str]:
    """A line's sentences and semicolon parts, each without its end punctuation."""
    out, start = [], 0
    for match in re.finditer(r"[.!?;](?=\s+\S)", line):
        if match.group(0) == "." and _ABBREVIATIONS.search(line[:match.end()]):
            continue
        if match.group(0) == "." and not re.match(r"\s+[A-Z(\"'0-9]", line[match.end():]):
            continue
        out.append(line[start:match.start()])
        start = match.end()
    out.append(line[start:])
    return [p.strip().rstrip(".;,:").strip() for p in out if p.strip().rstrip(".;,:").strip()]


class Proper:
    """Which capitalised words of a resume are names, kept capitalised inside a sentence: acronyms and
    words with inner capitals, words the resume or the job capitalises mid-sentence, skills of the
    taxonomy; a word the texts also write in lower case is an ordinary word."""

    def __init__(self, *texts: str):
        self.mid: set[str] = set()
        self.lower: set[str] = set()
        self._known: dict[str, bool] = {}
        for text in texts:
            for line in text.splitlines():
                words = re.findall(r"\w[\w'’\-/+#]*", line)
                titled = sum(w[:1].isupper() for w in words) >= 0.6 * len(words)  # a heading, a role line
                for sentence in re.split(r"(?<=[.:;!?])\s+", line):
                    for k, word in enumerate(re.findall(r"\w[\w'’\-/+#]*", sentence)):
                        if word.islower():
                            self.lower.add(word)
                        elif k > 0 and word[:1].isupper() and not titled:
                            self.mid.add(word)

    def keep(self, word: str) -> bool:
        bare = word.strip("(\"'.,;:")
        if not bare[:1].isupper():
            return True
        if len(bare) > 1 and (bare.isupper() or any(c.isupper() for c in bare[1:])):
            return True  # "ICU", "NetSuite", "AutoCAD"
        if bare.lower() in self.lower:
            return False
        if bare in self.mid:
            return True
        if bare not in self._known:
            tax = taxonomy()
            name = tax.canonical(bare)  # "Python", "Excel": tools are names; "Triage", "Telemetry" are not
            self._known[bare] = bool(name and name.split()[0] == bare and tax.family(name) in _TOOL_FAMILIES)
        return self._known[bare]

    def lower_first(self, text: str) -> str:
        word = text.split(" ", 1)[0]
        if not word or self.keep(word):
            return text
        return word[0].lower() + word[1:] + text[len(word):]


@dataclass
class Clause:
    """A subject, a verb and the resume's own words after it ("I" "monitored" "telemetry for 5
    patients"), or a sentence of the resume's own (subject and verb empty)."""
    subject: str
    verb: str
    rest: str
    kind: str = "action"  # action | identity (I am a ...) | quality (I am skilled in ...) | noun | sentence | list
    lowerable: bool = False  # a sentence of its own whose first word is an ordinary word

    def render(self, also: bool = False, lead: str = "") -> str:
        """The clause as a sentence; `also` adds the word where it goes ("I also manage", "I am also");
        `lead` opens it ("In my current role at Mercy General Hospital, ")."""
        if not self.verb:
            body = self.rest
            if lead and self.lowerable:
                body = body[0].lower() + body[1:]
        else:
            verb = self.verb
            if also:
                first, _, more = verb.partition(" ")
                verb = f"{first} also" + (f" {more}" if more else "") if first in ("am", "was", "is", "were") \
                    else f"also {verb}"
            subject = self.subject if not lead or self.subject == "I" else self.subject[0].lower() + self.subject[1:]
            body = f"{subject} {verb} {self.rest}".strip()
        body = lead + body
        body = body[0].upper() + body[1:]
        return body if body.endswith(("!", "?", ".")) else body + "."


def _verb_ok(words: list[str], base: str) -> bool:
    """Whether an opening word that is also a noun ("Triage", "Document", "Lead") is a verb here: it
    is when an object follows (an article, a number, a plural noun), not a preposition or a title."""
    if base not in _DUAL:
        return True
    nxt = words[1].lower().strip(",") if len(words) > 1 else ""
    if (base, nxt) in _PHRASAL:
        return True  # "Care for four patients"
    if not nxt or nxt in _PREPOSITIONS or nxt in _TITLE_WORDS or nxt.rstrip("s") in _TITLE_WORDS:
        return False
    if nxt in _DETERMINERS or nxt[0].isdigit() or nxt == "and" or words[1][:1].isupper():
        return True  # "Lead a team", "Cut 30%", "Document Epic charts"
    return nxt.endswith("s") and not nxt.endswith(("ss", "us", "is"))


def _title_span(words: list[str]) -> int:
    """How many opening words form a role title ("Registered Nurse", "Certified elementary teacher",
    "go-to nurse"): 0 if the line does not open with one."""
    for k, word in enumerate(words[:5]):
        bare = word.lower().strip(",.()")
        if bare in _TITLE_WORDS or (bare.endswith("s") and bare[:-1] in _TITLE_WORDS):
            if k + 1 < len(words) and words[k + 1].lower().strip(",.") in _TITLE_WORDS:
                continue  # "Journeyman Electrician", "Nurse Educator": the title goes on
            after = words[k + 1].lower() if k + 1 < len(words) else ""
            return 0 if after in _DETERMINERS or after[:1].isdigit() else k + 1
        if bare in _PREPOSITIONS or bare in _FINITE or bare in ("who", "that", "which") or bare[:1].isdigit():
            return 0
    return 0


def _be(current: bool | None) -> str:
    return "was" if current is False else "am"


def clause(piece: str, proper: Proper, current: bool | None = None, in_role: bool = False) -> Clause:
    """One piece of a line as a clause. `current`: True for the current role (present tense), False for
    an earlier one (past), None when unknown (a summary line); `in_role`: the line is one of a role's."""
    piece = _LABEL.sub("", piece).strip()
    words = piece.split()
    if not words:
        return Clause("", "", piece, "sentence")
    first = words[0].lower().strip(",")
    if first in ("i", "my", "we", "our"):
        return Clause("", "", piece, "sentence")  # already in the first person
    form = _FORMS.get(first)
    second = words[1].lower().strip(",") if len(words) > 1 else ""
    if first in _ADJECTIVES and (len(words) == 1 or second in _PREPOSITIONS):
        return Clause("I", _be(current), proper.lower_first(piece), "quality")  # "Trained in ACLS"
    if form is not None and (form[1] != "base" or _verb_ok(words, form[0])):
        base, shape = form
        rest = " ".join(words[1:])
        if shape == "ing" and current is None:
            return Clause("I", "have experience", f"{first} {rest}".strip(), "action")
        past = shape == "past" or current is False
        return Clause("I", _PAST[base] if past else base, _coordinated(rest, shape, past), "action")
    span = _title_span(words)
    if span:
        phrase = piece if _all_capitalised(words[:span]) else proper.lower_first(piece)
        return Clause("I", _be(current), f"{article(phrase)} {phrase}", "identity")
    if first in _ADJECTIVES and (second.endswith("ly") or first in ("responsible", "accountable")):
        return Clause("I", _be(current), proper.lower_first(piece), "quality")
    if words[-1].lower() in ("certified", "licensed", "qualified", "accredited", "registered") and len(words) <= 6:
        return Clause("I", _be(current), piece, "quality")  # "OSHA 30 certified"
    if first in _PASSIVE:
        return Clause("I", "was", proper.lower_first(piece), "action")
    if len(words) >= 3 and any(w.lower().strip(",.") in _FINITE for w in words[1:]):
        # A sentence of its own: "Patient falls dropped 20% on the unit".
        return Clause("", "", piece, "sentence", lowerable=not proper.keep(words[0]))
    subject = "My work" if in_role else "My experience"
    return Clause(subject, "included" if current is False else "includes", proper.lower_first(piece), "noun")


def _all_capitalised(words: list[str]) -> bool:
    return all(w[:1].isupper() or not w[:1].isalpha() for w in words)


def _coordinated(rest: str, shape: str, past: bool) -> str:
    """The verbs coordinated with the first one, in its new form: "Start and maintain peripheral IVs"
    -> "started and maintained" for an earlier role; "Installs and terminates" -> "install and
    terminate". Only a word of the first verb's shape that is followed by its object changes."""
    words = rest.split(" ")
    for k in range(1, len(words) - 1):
        if words[k - 1].lower() not in ("and", "or"):
            continue
        word = words[k]
        form = _FORMS.get(word.lower())
        if form is None or form[1] != shape or word != word.lower():
            continue
        after = words[k + 1].lower()
        if after in ("and", "or") or word.endswith((",", ";")):
            continue
        words[k] = _PAST[form[0]] if past else form[0]
    return " ".join(words)


def starts_with_verb(text: str) -> bool:
    words = text.split()
    return bool(words) and words[0].lower() in _FORMS


def list_items(line: str) -> tuple[str | None, list[str]]:
    """("skills", [...]) for "Skills: Python, SQL"; (None, [...]) for a bare list line."""
    label = _LABEL.match(line)
    body = line[label.end():] if label else line
    items = [i.strip(" .") for i in re.split(r"[,;]", body) if i.strip(" .")]
    return (label.group(1) if label else None), items


def list_clause(doc: ResumeDoc, index: int, evidence: str, requirement: str) -> Clause:
    """A list line ("Skills: A, B, C" or the lines of a skills or certifications section) as "My skills
    include B." with the item that shows the requirement."""
    label, items = list_items(doc.lines[index])
    section = heading(label) if label else doc.section_of.get(index)
    noun = {"certifications": "credentials", "education": "qualifications"}.get(section or "", "skills")
    tax = taxonomy()
    wanted = {tax.canonical(requirement), tax.canonical(evidence)} - {None}
    chosen = [i for i in items if i.lower() == evidence.strip().lower()] or \
        [i for i in items if wanted & set(tax.extract(i))] or \
        [i for i in items if requirement.lower() in i.lower()]
    shown = join(chosen[:2]) if chosen else evidence.strip().rstrip(".")
    if label and not section:  # "Food safety: HACCP plans, temperature logs" in a role
        return Clause("My work", "includes", f"{proper_label(label)} ({', '.join(items)})", "noun")
    return Clause(f"My {noun}", "include", shown, "list")


def proper_label(label: str) -> str:
    return label[0].lower() + label[1:] if label[:1].isupper() and not label[:2].isupper() else label


_DEGREE = re.compile(
    r"\b(?:Bachelor|Master|Doctor|Associate)(?:'s|’s)?(?:\s+of\s+[A-Z][\w ]+?)?(?:\s+(?:in|of)\s+[A-Z][\w ]+)?"
    r"(?=,|\||–|-|$|\s+\()"
    r"|\b(?:B\.?\s?Sc\.?|M\.?\s?Sc\.?|B\.S\.|M\.S\.|B\.A\.|M\.A\.|BSc|MSc|BA|MA|BS|MS|Ph\.?D\.?|MBA|BSN|"
    r"MSN|ADN|BEng|MEng|BBA|LLB|LLM|MPH|MD|PGCE|HND|BEd|MEd)\b(?:\s+(?:in\s+)?[A-Z][\w&]*(?:\s+[A-Z][\w&]*){0,3})?")
_SCHOOL = re.compile(r"\b(?:(?:University|College|Institute|Academy|School)\s+of\s+[\w&' ]+|"
                     r"(?:[A-Z][\w&'.-]*\s+){1,5}(?:University|College|Polytechnic|Institute(?: of Technology)?|School)"
                     r"(?:\s+[A-Z][\w&'.-]*){0,2})")


def education_clause(line: str) -> Clause:
    """"BSN, University of Illinois Chicago, 2016" -> "I hold a BSN from the University of Illinois Chicago"."""
    degree = _DEGREE.search(line)
    school = _SCHOOL.search(line)
    if degree:
        what = degree.group(0).strip(" ,")
        where = ""
        if school and school.start() >= degree.end():
            name = school.group(0).strip(" ,")
            the = "the " if re.match(r"(?:University|College|Institute|Academy|School) of", name) else ""
            where = f" from {the}{name}"
        return Clause("I", "hold", f"{article(what)} {what}{where}", "education")
    return Clause("My education", "includes", line.rstrip("."), "education")
