"""The skills taxonomy: canonical names and aliases for every occupational family, found in free
text, and job requirements normalised onto it.

Word-boundary aware: "C" is not found in "CSS" or "Objective-C", "C++" and "C#" stay apart,
"Java" is not found in "JavaScript". Names that are also ordinary words ("Go", "Swift",
"Express") only match when written as proper nouns, and so do abbreviations listed as `exact`
aliases ("PALS", "SEN", "IEP"). A skill may imply others: Cerner is an EHR, Civil 3D is AutoCAD."""

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

TAXONOMY_FILE = Path(__file__).parent / "data" / "skills.json"
_BEFORE = r"(?<![\w+#.\-])"
_AFTER = r"(?![\w+#])"
_AFTER_SHORT = r"(?![\w+#&'\-]|\.\w)"  # single letters: not "R&D", "C-level", "C.V"


@dataclass(frozen=True)
class Skill:
    name: str
    category: str
    family: str = "general"
    implies: tuple[str, ...] = ()
    kind: str = "specialization"  # or "skill": ordinary and transferable, may be shown in other words


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str


@dataclass(frozen=True)
class RequirementPart:
    """One requirement of a job after normalisation: the words shown (the job's own), the phrase
    compared by meaning, and the canonical skills any one of which satisfies it (empty: none known)."""
    text: str
    phrase: str
    skills: tuple[str, ...] = field(default=())
    must: bool = True  # listed by the job as required; False: named in its description only

    @property
    def key(self) -> str:
        """Two requirements with one key are one requirement ("Go" and "Go (Golang)")."""
        return "|".join(sorted(self.skills)) if self.skills else self.phrase.lower()


class Taxonomy:
    def __init__(self, data: dict):
        self.skills: dict[str, Skill] = {}
        self.families: dict[str, list[str]] = dict(data.get("families", {}))
        family_of = {category: family for family, categories in self.families.items() for category in categories}
        self._folded: dict[str, str] = {}  # lower-cased alias -> canonical name
        self._exact: dict[str, str] = {}  # case-sensitive alias -> canonical name
        for name, entry in data["skills"].items():
            category = entry.get("category", "other")
            self.skills[name] = Skill(name=name, category=category, family=family_of.get(category, "general"),
                                      implies=tuple(entry.get("implies", ())),
                                      kind=entry.get("kind", "specialization"))
            for alias in (name, *entry.get("aliases", [])):
                if entry.get("case_sensitive"):
                    self._exact[alias] = name
                else:
                    self._folded[alias.lower()] = name
            for alias in entry.get("exact", []):
                self._exact[alias] = name
        self._folded_re = self._compile(self._folded, re.IGNORECASE)
        self._exact_re = self._compile(self._exact, 0)

    @staticmethod
    def _compile(aliases: dict[str, str], flags: int) -> re.Pattern:
        """One pattern finding every alias, the longest first where several start at one place, as
        a trie: each branch of the pattern is a character shared by the aliases below it, so at a
        position the engine follows the text's own characters instead of trying every alias in turn
        (3.6 -> 0.12 ms a catalogue description against one alternative per alias, the same matches:
        tests/unit/test_skills.py).
        The longest first holds because at a node the longer aliases are tried before the one that
        ends there; aliases that both match at one place always share the path to the shorter one
        (their characters are plain ASCII, a space matching any run of whitespace)."""
        trie: dict = {}
        for alias in aliases:
            node = trie
            for char in alias:
                node = node.setdefault(r"\s+" if char == " " else re.escape(char), {})
            node[""] = _AFTER_SHORT if len(alias) == 1 else _AFTER  # the alias ends here

        def pattern(node: dict) -> str:
            units = []
            while len(node) == 1 and "" not in node:  # a single path: no branch needed
                (unit, node), = node.items()
                units.append(unit)
            branches = [unit + pattern(child) for unit, child in node.items() if unit]
            if "" in node:
                branches.append(node[""])  # after every longer alias through this node
            return "".join(units) + (branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")")

        # The lookbehind once per position, not once per alias.
        return re.compile(_BEFORE + pattern(trie), flags)

    def mentions(self, text: str) -> list[Mention]:
        """Every place a skill is named, left to right; at one place the longest alias wins."""
        matches = [Mention(m.start(), m.end(), self._folded[" ".join(m.group().lower().split())])
                   for m in self._folded_re.finditer(text)]
        matches += [Mention(m.start(), m.end(), self._exact[" ".join(m.group().split())])
                    for m in self._exact_re.finditer(text)]
        out, taken_until = [], -1
        for mention in sorted(matches, key=lambda m: (m.start, m.start - m.end)):
            if mention.start >= taken_until:
                out.append(mention)
                taken_until = mention.end
        return out

    def extract(self, text: str) -> list[str]:
        """Canonical skills mentioned in `text`, in order of first mention."""
        return list(dict.fromkeys(m.name for m in self.mentions(text)))

    def implied(self, name: str) -> list[str]:
        """The skills that having `name` shows too, transitively (Civil 3D -> AutoCAD -> CAD)."""
        out: dict[str, None] = {}
        todo = list(self.skills[name].implies) if name in self.skills else []
        while todo:
            other = todo.pop(0)
            if other not in out and other != name:
                out[other] = None
                todo.extend(self.skills[other].implies if other in self.skills else ())
        return list(out)

    def canonical(self, label: str) -> str | None:
        """The canonical name for a skill label typed by a person ("postgres" -> "PostgreSQL")."""
        label = " ".join(label.split())
        return self._folded.get(label.lower()) or self._exact.get(label) or next(
            (name for alias, name in self._exact.items() if alias.lower() == label.lower()), None)

    def normalise(self, labels: list[str]) -> list[str]:
        """Canonical names where known, the label as typed otherwise; duplicates dropped."""
        out: dict[str, None] = {}
        for label in labels:
            label = " ".join(str(label).split())[:60]
            if label:
                out.setdefault(self.canonical(label) or label, None)
        return list(out)

    def family(self, name: str) -> str | None:
        skill = self.skills.get(name)
        return skill.family if skill else None

    # --- job requirements ------------------------------------------------------------------

    def requirement_parts(self, phrase: str) -> list[RequirementPart]:
        """A requirement as a job words it, normalised onto the taxonomy:

        "Go (Golang)" -> Go; "Python 3" -> Python; "experience with Kubernetes" -> Kubernetes;
        "SQL (joins, window functions)" -> SQL; "Celery with Redis" -> Celery and Redis, two
        requirements; "PostgreSQL or MySQL" -> one requirement either satisfies; "Jira or similar"
        -> Jira. A phrase naming no known skill is kept whole (cleaned) for matching by meaning."""
        text = " ".join(str(phrase).split()).strip(" .;:-•*")
        if not text:
            return []
        known = self.canonical(text)
        if known:
            return [RequirementPart(text, _clean(text) or text, (known,))]
        cleaned = _clean(text)
        if not cleaned:
            return []
        known = self.canonical(cleaned) or self.canonical(_VERSION_RE.sub("", cleaned))
        if known:
            return [RequirementPart(text, _VERSION_RE.sub("", cleaned), (known,))]
        alternatives = [a for a in _OR_RE.split(cleaned) if a.strip()]
        if len(alternatives) > 1:
            names = [n for a in alternatives for n in self._names(a)]
            if names:
                return [RequirementPart(text, cleaned, tuple(dict.fromkeys(names)))]
        pieces = [p.strip() for p in _AND_RE.split(cleaned) if p.strip()]
        if len(pieces) > 1 and all(self._names(p) for p in pieces):
            parts: list[RequirementPart] = []
            for piece in pieces:
                parts.extend(self.requirement_parts(piece))
            return parts
        names = self._names(cleaned)
        if len(names) > 1 and len(pieces) > 1:  # "Python and SQL": each its own requirement, named as written
            return [RequirementPart(m_text, m_text, (name,)) for m_text, name in self._named_mentions(cleaned)]
        if len(names) == 1 and self._qualified(cleaned):
            return [RequirementPart(text, cleaned, ())]  # "Oncology nursing" is more than Nursing
        return [RequirementPart(text, cleaned, tuple(names[:1]))]

    def _qualified(self, text: str) -> bool:
        """A skill named with a modifier that narrows it ("Oncology nursing", "Construction project
        management", "Technical recruiting"): the skill alone does not show it. Not an adjective that
        only grades it ("Safe medication administration") nor an activity on it ("Documentation in Epic")."""
        if self.canonical(text) or self.canonical(_VERSION_RE.sub("", text)):
            return False
        found = self.mentions(text)
        if len(found) != 1:
            return False
        credential = _CREDENTIAL_WORD.search(text)
        if credential and text[found[0].end:credential.start()].strip():
            return True  # "ESL Supplemental Certification" is more than teaching ESL; "RN license" is the RN
        after = re.findall(r"[A-Za-z][\w'\-]*", text[found[0].end:])
        if after and after[0][0].isupper() and after[0].lower() not in _GENERIC_AFTER:
            return True  # a product of its own: "Tableau Prep", "AWS Lambda"
        words = re.findall(r"[a-z][\w'\-]*", text[:found[0].start].lower())
        return bool(words) and not any(w in _LINKING_WORDS for w in words) and not all(
            w in _GRADING_WORDS for w in words)

    def _names(self, text: str) -> list[str]:
        known = self.canonical(text) or self.canonical(_VERSION_RE.sub("", text))
        return [known] if known else self.extract(text)

    def _named_mentions(self, text: str) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for m in self.mentions(text):
            seen.setdefault(m.name, text[m.start:m.end])
        return [(words, name) for name, words in seen.items()]


# Words before a skill's name that do not narrow it (see Taxonomy._qualified).
_LINKING_WORDS = frozenset("in with using on for of at to and or by from via into across within".split())
_GRADING_WORDS = frozenset(
    "safe safely effective efficient accurate strong excellent good great clear basic advanced modern daily general "
    "professional written verbal proven solid working current active valid relevant practical timely confident "
    "reliable fluent proficient independent solid sound thorough expert senior junior hands-on up-to-date "
    "day-to-day end-to-end high-quality quality-focused a an the your backend back-end frontend front-end "
    "full-stack server-side client-side".split())
_CREDENTIAL_WORD = re.compile(r"\b(?:certifi(?:cation|cate|ed)|licen[cs]e[ds]?|endorsement|credential)\b", re.I)
_GENERIC_AFTER = frozenset(
    "programming development developer skills experience knowledge expertise proficiency administration configuration "
    "design modeling modelling scripting testing tests framework frameworks platform ecosystem services environment "
    "tools tooling stack systems system basics fundamentals applications apps projects concepts best practices "
    "principles queries code coding engineering".split())
_PAREN_RE = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")
_LEAD_RE = re.compile(
    r"^(?:(?:at\s+least|minimum(?:\s+of)?|min\.?)\s+)?(?:\d+\s*(?:\+|-\s*\d+|to\s+\d+)?\s*\+?\s*(?:years?|yrs?)'?\s*"
    r"(?:of\s+)?)?(?:(?:strong|solid|proven|deep|good|excellent|demonstrated|working|hands[- ]on|practical|basic|"
    r"advanced|expert|professional|some|prior|relevant|previous|extensive|thorough|in[- ]depth|commercial)\s+)*"
    r"(?:(?:experience|knowledge|understanding|proficiency|familiarity|expertise|skills?|background|fluency|"
    r"competence|command|mastery|track\s+record)\s+(?:with|in|of|using|on|at|across)\s+(?:the\s+|a\s+)?|"
    r"(?:proficient|experienced|skilled|fluent|familiar|comfortable|versed|competent|expert)\s+(?:with|in|at|using)\s+"
    r"(?:the\s+|a\s+)?|(?:ability|able)\s+to\s+(?:use\s+|work\s+with\s+)?|(?:must\s+have|must\s+know|knows?)\s+)?",
    re.I)
_TRAIL_RE = re.compile(
    r"(?:,?\s+(?:or|and)\s+(?:similar|equivalent|related|comparable|other|alike)(?:\s+[\w\-]+)?"
    r"|\s+(?:experience|skills?|knowledge|expertise|proficiency|a\s+plus|is\s+a\s+plus|preferred|required|"
    r"nice\s+to\s+have|highly\s+desirable|desirable|essential|\(?preferred\)?)"
    r"|,?\s+(?:etc\.?|e\.g\.?.*)|\s+(?:tools?|frameworks?|stack))+$", re.I)
_VERSION_RE = re.compile(r"\s+v?\d+(?:\.\d+)*(?:\.x)?\+?$", re.I)
_OR_RE = re.compile(r"\s*(?:,\s*)?\bor\b\s*", re.I)
_AND_RE = re.compile(r"\s*(?:,|;|&|/|\band\b|\bwith\b|\bplus\b)\s*", re.I)


def _clean(text: str) -> str:
    """The phrase without qualifiers: parenthesised notes, "experience with", "N+ years of",
    "or similar", "a plus", trailing versions ("Python 3", "Java 17")."""
    out = _PAREN_RE.sub("", text)
    for _ in range(2):
        out = _LEAD_RE.sub("", out.strip())
        out = _TRAIL_RE.sub("", out.strip())
    out = out.strip(" ,.;:-")
    return " ".join(out.split())


def strip_version(text: str) -> str:
    return _VERSION_RE.sub("", text)


@cache
def taxonomy() -> Taxonomy:
    return Taxonomy(json.loads(TAXONOMY_FILE.read_text()))
