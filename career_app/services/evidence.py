"""Skill evidence: a job's requirements matched against a resume, each matched one with the resume
line that shows it, every other one missing (never both), in the job's own words.

Two steps per requirement (see skills.Taxonomy.requirement_parts for the normalisation):
  1. canonical: one of its taxonomy skills is among the resume's (aliases and implied skills
     included: "PALS" shows "Pediatric Advanced Life Support", "Cerner" shows "EHR");
  2. by meaning: its phrase embedding is within the threshold of its kind (MEANING_THRESHOLDS) of
     one of the resume's phrase or sentence embeddings. Kinds: a specialization (a taxonomy skill
     not marked ordinary, or a phrase naming a licence or certificate: a patient population, a
     setting, a licence, a regulated method, a named framework or tool) needs direct evidence, so its
     threshold is high; an ordinary skill and a free phrase may be shown in other words. Each
     threshold is fitted on the fit part of the labelled phrase pairs in
     tests/data/labelled_phrases.json, near misses included, and reported on the held-out part
     (bench/bench_calibration.py).

The embeddings are computed once: a job's requirements when it is enriched (RQ worker), a resume's
phrases and sentences when it is uploaded. Both are stored as int8 rows (`pack`/`unpack`)."""

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from career_app.services import embeddings, seniority
from career_app.services.documents import normalize_symbols
from career_app.services.skills import RequirementPart, taxonomy

KINDS = ("specialization", "skill", "term", "duty")
# Per requirement kind, the cosine a resume phrase needs to show the requirement by meaning; fitted on
# the fit part of tests/data/labelled_phrases.json and of the near-miss cases in
# tests/data/labelled_near_misses.json (calibration.phrase_report; bench_calibration --fit).
MEANING_THRESHOLDS = {"specialization": 0.58, "skill": 0.46, "term": 0.49, "duty": 0.44}
MEANING_THRESHOLD = min(MEANING_THRESHOLDS.values())  # the loosest: below it nothing is shown by meaning
MAX_REQUIREMENTS = 20
MAX_UNITS = 120
PROFILE_VERSION = 2  # bump when the stored profile's shape or normalisation changes (re-profiled lazily)
_LIST_LINE = re.compile(r"^(?:[\w &/\-]{2,40}:\s*)?(?:[^,;]{1,60}[,;]\s*){2,}[^,;]{1,60}$")
_CONTACT = re.compile(r"@|https?://|www\.|\+?\d[\d ()\-]{7,}")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(])")
_LABEL = re.compile(r"^[\w &/\-]{2,40}:\s*")
# A free-text requirement naming a credential is a specialization too ("RN licence", "CDL class A").
_CREDENTIAL = re.compile(r"\b(?:licen[cs]ed?|certifi(?:ed|cation|cate)|registered|registration|accredit\w*|"
                         r"chartered|board[- ]certified|credential\w*)\b", re.I)
_EDUCATION = re.compile(r"\b(?:B\.?Sc|M\.?Sc|B\.?S\.|M\.?S\.|B\.?A\.|M\.?A\.|BSN|MSN|Ph\.?D|Bachelor|Master|University|College|"
                        r"Diploma|Degree|Certificate)\b")


# --- storage -----------------------------------------------------------------------------------


def pack(vectors: np.ndarray | list) -> bytes:
    """Unit vectors as int8 rows (384 bytes each): cosine error under 0.01."""
    array = np.asarray(vectors, dtype=np.float32).reshape(-1, embeddings.DIMENSIONS)
    return np.clip(np.rint(array * 127.0), -127, 127).astype(np.int8).tobytes()


def unpack(data: bytes | None, rows: np.ndarray | None = None) -> np.ndarray:
    """The rows (or those `rows` selects) back as float32, scaled by 1/127 (not renormalised: the
    quantisation moves a row's length by well under 1 %, and every path, match page and
    recommendations, reads them alike)."""
    if not data:
        return np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)
    array = np.frombuffer(bytes(data), dtype=np.int8).reshape(-1, embeddings.DIMENSIONS)
    array = (array if rows is None else array[rows]).astype(np.float32)
    array *= np.float32(1 / 127)
    return array


# --- resumes -----------------------------------------------------------------------------------


@dataclass
class ResumeProfile:
    skills: dict[str, str]  # canonical skill -> the resume line that shows it (implied skills included)
    units: list[str]  # phrases and sentences compared by meaning
    seniority: seniority.Seniority
    vectors: np.ndarray | None = None  # one row per unit

    def as_dict(self) -> dict:
        return {"v": PROFILE_VERSION, "skills": self.skills, "units": self.units,
                "seniority": self.seniority.as_dict()}

    @staticmethod
    def from_stored(data: dict | None, vectors: bytes | None) -> "ResumeProfile | None":
        if not data or data.get("v") != PROFILE_VERSION:
            return None
        units = list(data.get("units", []))
        unpacked = unpack(vectors)
        return ResumeProfile(dict(data.get("skills", {})), units, seniority.Seniority.from_dict(data.get("seniority")),
                             unpacked if len(unpacked) == len(units) else None)

    def with_profile_skills(self, labels: list[str]) -> "ResumeProfile":
        """Skills the seeker typed on their profile count too, shown as such."""
        skills = dict(self.skills)
        tax = taxonomy()
        for name in tax.normalise(labels):
            if name in tax.skills:
                for known in (name, *tax.implied(name)):
                    skills.setdefault(known, f"Profile skills: {name}")
        return ResumeProfile(skills, self.units, self.seniority, self.vectors)


def _resume_lines(text: str) -> list[str]:
    out = []
    for raw in normalize_symbols(text).splitlines():  # texts stored before symbols were normalized
        line = " ".join(raw.strip(" \t•|-*·▪◦").split())
        if len(line) >= 3 and not _CONTACT.search(line):
            out.append(line)
    return out


def resume_profile(text: str, embed: bool = True) -> ResumeProfile:
    """Canonical skills with their evidence lines, the units compared by meaning and the seniority;
    with `embed`, the units' embeddings too (one batch). The evidence for a skill is the first line
    of experience that names it; a bare list line ("Skills: ...") or a heading only when no
    sentence does."""
    tax = taxonomy()
    found: dict[str, tuple[int, str]] = {}  # skill -> (rank, line): 0 a sentence, 1 a list, 2 anything else
    units: dict[str, None] = {}
    for line in _resume_lines(text):
        is_list = bool(_LIST_LINE.match(line))
        rank = 1 if is_list else 0 if len(line.split()) >= 5 and not _EDUCATION.search(line) else 2
        for mention in tax.mentions(line):
            for name in (mention.name, *tax.implied(mention.name)):
                if name not in found or rank < found[name][0]:
                    found[name] = (rank, line)
        if is_list:
            for item in re.split(r"[,;]", _LABEL.sub("", line)):
                item = item.strip(" .")
                if len(item) >= 3 and not tax.canonical(item) and not tax.canonical(item.split(" (")[0]):
                    units.setdefault(item, None)
        else:
            for sentence in _SENTENCE.split(line):
                sentence = sentence.strip()
                if len(sentence.split()) >= 3:  # not a name or a heading
                    units.setdefault(sentence[:300], None)
    unit_list = list(units)[:MAX_UNITS]
    profile = ResumeProfile({name: line for name, (_, line) in found.items()}, unit_list, seniority.of_resume(text))
    if embed:
        profile.vectors = np.asarray(embeddings.embed_many(unit_list), dtype=np.float32).reshape(
            -1, embeddings.DIMENSIONS)
    return profile


# --- jobs --------------------------------------------------------------------------------------


@dataclass
class JobProfile:
    requirements: list[RequirementPart]
    seniority: seniority.Seniority
    vectors: np.ndarray | None = None  # one row per requirement

    def as_dict(self) -> dict:
        return {"v": PROFILE_VERSION, "requirements": [
            {"text": r.text, "phrase": r.phrase, "skills": list(r.skills), "must": r.must} for r in self.requirements],
            "seniority": self.seniority.as_dict()}

    @staticmethod
    def from_stored(data: dict | None, vectors: bytes | None) -> "JobProfile | None":
        if not data or data.get("v") != PROFILE_VERSION:
            return None
        requirements = [RequirementPart(r["text"], r["phrase"], tuple(r.get("skills", ())), bool(r.get("must", True)))
                        for r in data.get("requirements", [])]
        unpacked = unpack(vectors)
        return JobProfile(requirements, seniority.Seniority.from_dict(data.get("seniority")),
                          unpacked if len(unpacked) == len(requirements) else None)


def job_requirements(skills_required: list[str], skills: list[str]) -> list[RequirementPart]:
    """Every requirement the job lists, in its own words, normalised and without repeats: first the
    skills it asks for (must-haves), then the other skills enrichment found in its text (a duty such
    as Triage; shown on the job page, so matched or missing like the rest, but not a must-have).
    A job that asks for nothing by name has no must-haves: what enrichment found stands for them."""
    tax = taxonomy()
    out: dict[str, RequirementPart] = {}
    for phrase in skills_required:
        for part in tax.requirement_parts(phrase):
            out.setdefault(part.key, part)
    covered = {name for part in out.values() for name in part.skills}
    for phrase in skills:
        for part in tax.requirement_parts(phrase):
            if part.key not in out and not covered.intersection(part.skills):
                out[part.key] = replace(part, must=not skills_required)
    return list(out.values())[:MAX_REQUIREMENTS]


@lru_cache(maxsize=65536)
def requirement_kind(skills: tuple[str, ...], phrase: str) -> str:
    """specialization, skill (ordinary, transferable), term (a short free phrase) or duty (a longer one)."""
    if skills:
        tax = taxonomy()
        ordinary = all(name in tax.skills and tax.skills[name].kind == "skill" for name in skills)
        return "skill" if ordinary else "specialization"
    if _CREDENTIAL.search(phrase) or taxonomy().mentions(phrase):
        return "specialization"  # a credential, or a known skill narrowed by a modifier ("Oncology nursing")
    return "term" if len(phrase.split()) <= 3 else "duty"


def meaning_threshold(skills, phrase: str, thresholds: dict[str, float] | None = None) -> float:
    return (thresholds or MEANING_THRESHOLDS)[requirement_kind(tuple(skills), phrase)]


def job_profile(title: str, description: str, skills_required: list[str], skills: list[str],
                embed: bool = True) -> JobProfile:
    profile = JobProfile(job_requirements(skills_required, skills), seniority.of_job(title, description))
    if embed:
        profile.vectors = embeddings.embed_phrases([r.phrase for r in profile.requirements])
    return profile


# --- matching ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    requirement: str  # in the job's words
    evidence: str  # the resume line that shows it
    how: str  # "skill" (canonical) or "meaning"
    skill: str | None = None  # the canonical skill, when matched by name
    similarity: float | None = None  # the cosine, when matched by meaning


@dataclass
class Coverage:
    matched: list[Evidence] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    missing_must: list[str] = field(default_factory=list)  # the missing ones the job asks for by name

    @property
    def share(self) -> float | None:
        total = len(self.matched) + len(self.missing)
        return len(self.matched) / total if total else None


def best_similarities(job_vectors: np.ndarray | None, resume_vectors: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Per requirement row, the highest cosine against the resume's units and which unit."""
    if job_vectors is None or resume_vectors is None or not len(job_vectors) or not len(resume_vectors):
        n = 0 if job_vectors is None else len(job_vectors)
        return np.full(n, -1.0, dtype=np.float32), np.zeros(n, dtype=np.int64)
    sims = job_vectors @ resume_vectors.T
    return sims.max(axis=1), sims.argmax(axis=1)


def cover(job: JobProfile, resume: ResumeProfile, best: tuple[np.ndarray, np.ndarray] | None = None,
          thresholds: dict[str, float] | None = None) -> Coverage:
    """Each requirement matched (with evidence) or missing, once. `best` (from best_similarities)
    may be computed for many jobs at once by the caller; `thresholds` replaces MEANING_THRESHOLDS
    (calibration only)."""
    if best is None:
        best = best_similarities(job.vectors, resume.vectors)
    top, which = best
    out = Coverage()
    for i, req in enumerate(job.requirements):
        hit = next((name for name in req.skills if name in resume.skills), None)
        if hit is not None:
            out.matched.append(Evidence(req.text, resume.skills[hit], "skill", skill=hit))
        elif i < len(top) and top[i] >= meaning_threshold(req.skills, req.phrase, thresholds):
            out.matched.append(Evidence(req.text, resume.units[int(which[i])], "meaning",
                                        similarity=round(float(top[i]), 3)))
        else:
            out.missing.append(req.text)
            if req.must:
                out.missing_must.append(req.text)
    return out


# --- rows --------------------------------------------------------------------------------------


def store_job_profile(job, profile: JobProfile) -> None:
    """Onto a models.job.Job (enrichment, or the first match of a job enriched before profiles)."""
    job.match_profile = profile.as_dict()
    job.requirement_vectors = pack(profile.vectors) if profile.vectors is not None else None


def profile_job(job) -> JobProfile:
    profile = job_profile(job.title, job.description_raw, list(job.skills_required or []), list(job.skills or []))
    store_job_profile(job, profile)
    return profile


def store_resume_profile(resume, profile: ResumeProfile) -> None:
    """Onto a models.resume.Resume (upload, or the first match of a resume stored before profiles)."""
    resume.match_profile = profile.as_dict()
    resume.phrase_vectors = pack(profile.vectors) if profile.vectors is not None else None


def profile_resume(resume) -> ResumeProfile:
    profile = resume_profile(resume.text)
    store_resume_profile(resume, profile)
    return profile
