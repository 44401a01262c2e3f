"""AI enrichment of a job: skills, occupational family, resume guide, interview prep and embedding.

Runs in an RQ worker. Status goes processing -> active, or enrich_failed with the error kept on
the job (RQ retries with backoff; owners and admins can retry by hand). A failure is never shown
as active. Identical postings reuse an enriched twin's results, except placeholders and very
short descriptions, which would otherwise hand one job's guides to unrelated ones. No salary is
generated: a job's estimate comes from similar listings' posted salaries when it is shown
(services/salary.py), never from a model's guess."""

import hashlib
import logging
import re
import time
import uuid
from collections.abc import Callable
from functools import cache

import redis
from sqlalchemy import bindparam, or_
from sqlmodel import Session, col, select

from career_app.services import advice, embeddings, evidence, families, live, llm, offline_ai, tasks
from career_app.services.errors import Conflict
from career_app.services.skills import taxonomy
from models.ai import JobAnalysis, JobGuides
from models.base import utcnow
from models.job import Job, JobStatus, Visibility
from models.user import User

log = logging.getLogger(__name__)

MIN_REUSABLE_CHARS = 200
REENRICH_LOCK_SECONDS = 6 * 3600  # the task's own timeout: a crashed run cannot block the next one longer
_PLACEHOLDER_RE = re.compile(
    r"lorem ipsum|\b(tbd|tba|n/?a|to be (announced|determined|confirmed))\b|no description|description "
    r"(not available|coming soon|to follow)|see (the )?(website|link|posting|attached|careers page)|"
    r"(click|apply) (here|via the link)", re.I)

_SYSTEM = ("You are a careful career advisor. Base everything on the job posting given; be specific to it, "
           "never generic, and never invent requirements the posting does not imply.")


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


def is_placeholder(description: str) -> bool:
    text = _normalised(description)
    return len(text) < MIN_REUSABLE_CHARS or bool(_PLACEHOLDER_RE.search(text))


def description_hash(job: Job) -> str:
    """What enrichment depends on; equal to the stored hash while the enrichment is current."""
    skills = ",".join(sorted(_normalised(s) for s in job.skills_required))
    material = f"{_normalised(job.title)}\n{_normalised(job.description_raw)}\n{skills}\n{job.salary_currency or ''}"
    return hashlib.sha256(material.encode()).hexdigest()


def is_current(job: Job) -> bool:
    """The job's AI content was made from its present title, description, skills and currency, and
    its guides for its occupational family (advice written before the family banks is not)."""
    return (job.description_hash == description_hash(job) and job.embedding is not None
            and job.resume_guide_generated is not None and job.prep_guide_generated is not None
            and "family" in job.resume_guide_generated)


def _guides_for_a_family():
    """SQL: the job's guides were written for its family (they record it)."""
    return col(Job.resume_guide_generated).has_key("family")


def embedding_text(job: Job) -> str:
    skills = ", ".join(job.skills or job.skills_required)
    return f"{job.title}\nSkills: {skills}\n{job.description_raw}"


@cache
def _twin_query():
    """Built once: an enriched listing with the same description hash (its id: most jobs have none)."""
    return (select(Job.id)
            .where(Job.description_hash == bindparam("digest"), Job.id != bindparam("job_id"),
                   col(Job.embedding).is_not(None), col(Job.resume_guide_generated).is_not(None),
                   col(Job.prep_guide_generated).is_not(None), _guides_for_a_family())
            .limit(1))


def _twin(session: Session, job: Job, digest: str) -> Job | None:
    if is_placeholder(job.description_raw):
        return None
    found = session.exec(_twin_query(), params={"digest": digest, "job_id": job.id}).first()
    return None if found is None else session.get(Job, found)


def _prompt(job: Job, family: str = families.GENERAL) -> str:
    return (f"Title: {job.title}\nCompany: {job.company_name or 'not given'}\nLocation: {job.location or 'not given'}\n"
            f"Occupational family: {families.label(family)}\n"
            f"Skills listed: {', '.join(job.skills_required) or 'none'}\n\nPosting:\n{job.description_raw[:6000]}")


def job_family(job: Job, skills: list[str] | None = None) -> str:
    """The family the job's advice is written for, read afresh from its title, its listed skills and
    `skills` (those found in its posting when not given): an edited title re-enriches, and _apply
    stores the same family on the job."""
    listed = list(job.skills_required or [])
    if skills is None:
        skills = offline_ai.job_skills(job.title, job.description_raw, listed)
    return families.of_role(job.title, listed + list(skills))


def generate(job: Job) -> tuple[JobAnalysis, JobGuides, str]:
    """Analysis and guides from the configured LLM, or from the offline generator when none is.
    The guides are written for the job's occupational family; a model's are checked like the
    offline ones (advice.check), repaired once, or replaced by the offline text."""
    if not llm.configured("generation"):
        analysis = offline_ai.analyse(job.title, job.description_raw, job.skills_required)
        family = job_family(job, analysis.skills)
        guides = offline_ai.guides(job.title, job.company_name, job.description_raw, analysis.skills, analysis.seniority,
                                   family, required=job.skills_required)
        return analysis, guides, llm.OFFLINE
    family = job_family(job)
    prompt = _prompt(job, family)
    analysis, model = llm.structured(
        "analysis", _SYSTEM + " Extract the skills the job needs (canonical names such as 'PostgreSQL', "
        "'JavaScript') and the seniority. Do not estimate a salary.", prompt, JobAnalysis)
    named = taxonomy().normalise(job.skills_required)
    analysis.skills = list(dict.fromkeys(named + taxonomy().normalise(analysis.skills)))[:30]
    system = (_SYSTEM + " Write exactly 5 resume-tailoring bullets for applicants to this job and exactly 5 interview "
              "questions for it, each with an answer strategy." + advice.prompt_notes(family, analysis.skills))
    guides, guides_model = llm.structured("generation", system, prompt, JobGuides)
    return analysis, _checked(job, family, analysis, guides, guides_model, system, prompt), model


def _checked(job: Job, family: str, analysis: JobAnalysis, guides: JobGuides, model: str, system: str,
             prompt: str) -> advice.FamilyGuides:
    """A model's guides as they passed the check, or repaired once by the same model, or else the
    offline generator's (marked "replaced", with what the model's reply got wrong)."""
    posting = f"{job.title}\n{job.description_raw}\n{', '.join(job.skills_required)}"
    own = [job.title, job.company_name or ""]
    problems = advice.check(guides, family, analysis.skills, posting, own)
    if not problems:
        return advice.mark(guides, family, advice.PASSED)
    try:
        fixed = llm.repair("generation", model, system, prompt, JobGuides, guides, advice.repair_request(problems))
        problems = advice.check(fixed, family, analysis.skills, posting, own)
        if not problems:
            return advice.mark(fixed, family, advice.REPAIRED)
    except Exception as exc:  # the repair round itself failed: the offline text stands in
        log.warning("repairing %s's guides for job %s failed: %s", model, job.id, exc)
        problems = [*problems, f"the repair round failed ({type(exc).__name__})"]
    offline = offline_ai.guides(job.title, job.company_name, job.description_raw, analysis.skills,
                                (analysis.seniority or "mid").lower(), family, required=job.skills_required)
    return advice.mark(offline, family, advice.REPLACED, generated_by=llm.OFFLINE, problems=problems)


def _apply(job: Job, analysis: JobAnalysis, guides: JobGuides, generated_by: str) -> None:
    job.skills = analysis.skills
    job.family = families.of_role(job.title, list(job.skills_required or []) + list(job.skills))
    # the family the guides were written for and how their check went; who wrote them, when the
    # offline text replaced a model's reply
    about = guides.provenance() if isinstance(guides, advice.FamilyGuides) else {}
    guides_by = (guides._generated_by if isinstance(guides, advice.FamilyGuides) else None) or generated_by
    job.resume_guide_generated = {"resume_guide": guides.resume_guide, "generated_by": guides_by, **about}
    job.prep_guide_generated = {
        "prep_questions": [q.question for q in guides.interview_questions],
        "questions": [q.model_dump() for q in guides.interview_questions],
        "generated_by": guides_by, **about,
    }
    job.generated_by = generated_by


def _copy_from(job: Job, twin: Job) -> None:
    for field in ("skills", "family", "resume_guide_generated", "prep_guide_generated", "generated_by",
                  "embedding", "match_profile", "requirement_vectors"):
        setattr(job, field, getattr(twin, field))
    job.family = families.of_job(twin)  # a twin enriched before families were stored is read now


def profile_many(jobs: list[Job]) -> None:
    """Skill-evidence profiles (evidence.profile_job) of several jobs with one embedding call for all
    their requirement phrases: the batch path of ingestion, where one call per job would cost a model
    round per listing."""
    profiles = [evidence.job_profile(job.title, job.description_raw, list(job.skills_required or []),
                                     list(job.skills or []), embed=False) for job in jobs]
    phrases = [req.phrase for profile in profiles for req in profile.requirements]
    vectors = embeddings.embed_phrases(phrases)  # one call; a phrase seen before costs no model time
    at = 0
    for job, profile in zip(jobs, profiles):
        profile.vectors = vectors[at:at + len(profile.requirements)]
        at += len(profile.requirements)
        evidence.store_job_profile(job, profile)


def enrich(session: Session, job_id: uuid.UUID, on_status: Callable[[Job], None] = lambda _job: None) -> Job | None:
    """Enrich one job now. Raises after recording enrich_failed, so the queue can retry.
    `on_status(job)` follows each committed status (the attempt started, then active or failed)."""
    job = session.get(Job, job_id)
    if job is None or job.status == JobStatus.closed:
        return job
    if job.status == JobStatus.active and is_current(job):
        return job  # a late automatic retry after a manual one already succeeded: nothing to redo
    job.status, job.enrich_attempts = JobStatus.processing, job.enrich_attempts + 1
    job.updated_at = utcnow()  # an attempt started: what tells a running enrichment from a stalled one
    session.add(job)
    session.commit()
    on_status(job)
    try:
        digest = description_hash(job)
        twin = _twin(session, job, digest)
        if twin is not None:
            _copy_from(job, twin)
        else:
            analysis, guides, generated_by = generate(job)
            _apply(job, analysis, guides, generated_by)
            job.embedding = embeddings.embed(embedding_text(job))
            evidence.profile_job(job)  # requirements and their embeddings, for skill evidence
        job.description_hash = digest
        job.status, job.enrich_error, job.enriched_at = JobStatus.active, None, utcnow()
        job.updated_at = utcnow()
        session.add(job)
        session.commit()
        on_status(job)
    except Exception as exc:
        session.rollback()
        job = session.get(Job, job_id)
        job.status, job.enrich_error = JobStatus.enrich_failed, f"{type(exc).__name__}: {exc}"[:1000]
        job.updated_at = utcnow()
        session.add(job)
        session.commit()
        on_status(job)
        raise
    return job


REENRICH_LOCK = "jobs:reenrich:running"


def start_reenrich(r: redis.Redis, conn: redis.Redis, admin: User, batch_size: int | None,
                   pause_seconds: float | None) -> str:
    """Queue the batch re-enrichment unless one is already queued or running (409)."""
    placeholder = "starting"
    if not r.set(REENRICH_LOCK, placeholder, nx=True, ex=REENRICH_LOCK_SECONDS):
        raise Conflict("A re-enrichment is already running")
    try:
        task_id = tasks.enqueue(conn, "reenrich_jobs", admin, batch_size, pause_seconds)
    except BaseException:
        r.delete(REENRICH_LOCK)
        raise
    r.set(REENRICH_LOCK, task_id, ex=REENRICH_LOCK_SECONDS)
    return task_id


def finish_reenrich(r: redis.Redis) -> None:
    r.delete(REENRICH_LOCK)


def announce_reenrich(r: redis.Redis, status: str, progress: float = 0, result: dict | None = None,
                      error: str = "") -> None:
    """The batch re-enrichment's progress for the admins' tabs: "started" with a percentage after each
    batch, then "finished" with the result or "failed" with the error."""
    event = {"type": "reenrich", "status": status, "progress": round(progress, 1), "result": result or {},
             "error": error}
    try:
        live.publish(r, live.ADMINS, event)
    except redis.RedisError as exc:
        log.warning("re-enrichment event not published: %s", exc)


def missing_pillars(session: Session) -> list[uuid.UUID]:
    """Live or failed listings lacking a resume guide, interview prep or embedding, or whose guides
    were written before advice followed the job's occupational family. Processing ones are left
    out: their own enrichment task is queued (or will be retried once it stalls)."""
    return list(session.exec(
        select(Job.id).where(Job.visibility == Visibility.public,
                             col(Job.status).in_((JobStatus.active, JobStatus.enrich_failed)),
                             or_(col(Job.resume_guide_generated).is_(None), col(Job.prep_guide_generated).is_(None),
                                 col(Job.embedding).is_(None), ~_guides_for_a_family()))
        .order_by(col(Job.created_at))
    ).all())


def reenrich_missing(session: Session, batch_size: int, pause_seconds: float,
                     progress: Callable[[float], None] = lambda _: None, after_each: Callable[[], None] = lambda: None,
                     on_status: Callable[[Job], None] = lambda _job: None) -> dict:
    """Enrich, in batches with a pause between them, every listing missing a pillar."""
    ids = missing_pillars(session)
    enriched = failed = 0
    for start in range(0, len(ids), batch_size):
        if start:
            time.sleep(pause_seconds)
        for job_id in ids[start:start + batch_size]:
            try:
                enrich(session, job_id, on_status)
                enriched += 1
            except Exception as exc:
                log.warning("re-enrichment of %s failed: %s", job_id, exc)
                failed += 1
            after_each()
        progress(100 * min(start + batch_size, len(ids)) / len(ids))
    return {"total": len(ids), "enriched": enriched, "failed": failed}
