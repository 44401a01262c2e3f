"""Checks that a letter or an email reads as something a person would send: whole sentences, no
pasted resume fragments, the name under the sign-off. The checks are the tests' own (their own word
lists), not the writer's, so a writer bug cannot hide behind them."""

import re

SIGN_OFFS = ("Sincerely,", "Warm regards,", "Best regards,", "Regards,", "Kind regards,", "Thanks,")
# Words a resume line starts with that are never a verb after "I" ("I registered Nurse", "I skilled").
NOT_VERBS = {"registered", "licensed", "certified", "skilled", "experienced", "responsible", "proficient",
             "journeyman", "detail-oriented", "staff", "patient", "triage", "classroom", "accounts", "lockout",
             "lockout/tagout", "grade", "senior", "backend", "civil", "student", "summary", "profile", "bsn", "bsc",
             "meng", "osha", "telemetry", "critical", "graduate", "compassionate", "dedicated"}
# Finite verbs and auxiliaries: a sentence has at least one (or "I" followed by a lower-case word).
FINITE = re.compile(
    r"\b(?:am|is|are|was|were|have|has|had|would|will|could|can|do|does|include|includes|included|calls|need|"
    r"bring|look|want|know|enjoyed|appreciate|hope|let|tell|remain|decided|fits|interests|asks|covers|thank)\b",
    re.IGNORECASE)
_ABBREVIATIONS = r"(?<!\bSt\.)(?<!\bCo\.)(?<!\bDr\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bNo\.)(?<!\bInc\.)(?<!\bLtd\.)"
_SENTENCE_END = re.compile(_ABBREVIATIONS + r"(?<=[.!?])\s+(?=[A-Z])")


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def body_paragraphs(text: str, name: str) -> list[str]:
    """The paragraphs that must be prose: not the subject, heading, greeting or sign-off."""
    out = []
    for k, para in enumerate(paragraphs(text)):
        first = para.split("\n")[0]
        if para.startswith("Subject:") or (k == 0 and first == name) or (para.endswith(",") and "\n" not in para) \
                or first in SIGN_OFFS:
            continue
        out.append(para)
    return out


def sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(" ".join(paragraph.split())) if s.strip()]


def problems(text: str, name: str) -> list[str]:
    """Everything that would make a reader stop: [] for a letter a person would send."""
    found = []
    paras = paragraphs(text)
    sign = next((p for p in paras if p.split("\n")[0] in SIGN_OFFS), None)
    if sign is None:
        found.append("no sign-off")
    elif sign.split("\n")[1:2] != [name]:
        found.append(f"not signed by {name!r}: {sign!r}")
    if re.search(r"(?:Cover letter|Resume tailored|Tailored for)\b", text):
        found.append("an internal title in the text")
    for para in body_paragraphs(text, name):
        if "\n" in para:
            found.append(f"a line break inside a paragraph: {para!r}")
        for sentence in sentences(para):
            words = sentence.split()
            if not re.search(r"[.!?]$", sentence):
                found.append(f"no end punctuation: {sentence!r}")
            if len(words) < 4:
                found.append(f"a fragment: {sentence!r}")
            if not sentence[0].isupper():
                found.append(f"starts in lower case: {sentence!r}")
            if not (FINITE.search(sentence) or re.search(r"\bI (?:also )?[a-z]", sentence)):
                found.append(f"no verb: {sentence!r}")
            for after in re.findall(r"\bI (?:also )?([\w/-]+)", sentence):
                if after.lower() in NOT_VERBS or after[:1].isupper() and after != "I":
                    found.append(f"'I {after}' is not a verb: {sentence!r}")
            plain = re.sub(r"\b(?:Co|Inc|Ltd|St|Dr|Jr|Sr)\.", "X", sentence)
            if re.search(r"\b(?:a|an) (?:a|an|the)\b|\b(\w+) \1\b|[.,;:]{2}|\s[.,;:]|:\s*I\b|You ask for", plain):
                found.append(f"broken grammar: {sentence!r}")
            if '"' in sentence:
                found.append(f"a pasted quotation: {sentence!r}")
    return found
