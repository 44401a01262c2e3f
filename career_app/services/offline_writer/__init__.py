"""The offline writer: cover letters, tailored resumes and emails built from facts only, with no
model. The facts: the company and the role, the job's requirements the resume shows (each with the
resume line that shows it), the ones it does not, the seeker's resume itself (name, contact line,
roles with their dates, bullets and sections, read here), the account's name and the seeker's
application for the job as the tracker holds it. Nothing is stated that these do not hold; missing
skills are named as missing, with the closest evidence the resume has.

One module per part: `resume` reads the resume, `phrasing` turns its lines into sentences,
`letters` writes cover letters, `tailoring` tailored resumes, `emails` the emails."""

from career_app.services.offline_writer.brief import Applied, Brief, Match, Written, long_date, note
from career_app.services.offline_writer.emails import NO_APPLICATION, email
from career_app.services.offline_writer.letters import cover_letter
from career_app.services.offline_writer.resume import ResumeDoc, Role, period, read_resume
from career_app.services.offline_writer.tailoring import tailor_resume

__all__ = ["NO_APPLICATION", "Applied", "Brief", "Match", "ResumeDoc", "Role", "Written", "cover_letter", "email",
           "long_date", "note", "period", "read_resume", "tailor_resume", "write"]


def write(kind: str, brief: Brief) -> Written:
    if kind == "cover_letter":
        return cover_letter(brief)
    if kind == "resume_tailoring":
        return tailor_resume(brief)
    if kind == "email_template":
        return email(brief)
    raise ValueError(f"unknown content type {kind!r}")
