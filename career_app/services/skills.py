"""The skills taxonomy: canonical names and aliases, found in free text.

Word-boundary aware: "C" is not found in "CSS" or "Objective-C", "C++" and "C#" stay apart,
"Java" is not found in "JavaScript". Names that are also ordinary words ("Go", "Swift",
"Express") only match when written as proper nouns."""

import json
import re
from dataclasses import dataclass
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


class Taxonomy:
    def __init__(self, data: dict):
        self.skills: dict[str, Skill] = {}
        self._folded: dict[str, str] = {}  # lower-cased alias -> canonical name
        self._exact: dict[str, str] = {}  # case-sensitive alias -> canonical name
        for name, entry in data["skills"].items():
            self.skills[name] = Skill(name=name, category=entry.get("category", "other"))
            target = self._exact if entry.get("case_sensitive") else self._folded
            for alias in (name, *entry.get("aliases", [])):
                if entry.get("case_sensitive"):
                    target[alias] = name
                else:
                    target[alias.lower()] = name
        self._folded_re = self._compile(self._folded, re.IGNORECASE)
        self._exact_re = self._compile(self._exact, 0)

    @staticmethod
    def _compile(aliases: dict[str, str], flags: int) -> re.Pattern:
        parts = []
        for alias in sorted(aliases, key=len, reverse=True):  # longest first: "React Native" before "React"
            after = _AFTER_SHORT if len(alias) == 1 else _AFTER
            parts.append(_BEFORE + re.escape(alias).replace(r"\ ", r"\s+") + after)
        return re.compile("|".join(parts), flags)

    def extract(self, text: str) -> list[str]:
        """Canonical skills mentioned in `text`, in order of first mention."""
        matches = [(m.start(), m.end(), self._folded[" ".join(m.group().lower().split())])
                   for m in self._folded_re.finditer(text)]
        matches += [(m.start(), m.end(), self._exact[" ".join(m.group().split())])
                    for m in self._exact_re.finditer(text)]
        found: dict[str, int] = {}
        taken_until = -1
        for start, end, name in sorted(matches, key=lambda m: (m[0], m[0] - m[1])):  # longest at a place wins
            if start >= taken_until:
                found.setdefault(name, start)
                taken_until = end
        return sorted(found, key=found.__getitem__)

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


@cache
def taxonomy() -> Taxonomy:
    return Taxonomy(json.loads(TAXONOMY_FILE.read_text()))
