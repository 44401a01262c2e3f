"""Skill evidence and seniority on the examples of issue 8: every requirement matched (with the
resume line that shows it) or missing, never both, in the job's own words."""

import numpy as np
import pytest

from career_app.services import evidence, matching, seniority

NURSE = """Hannah Whitfield
hannah@example.com | Columbus, OH
Pediatric registered nurse with five years of experience on a children's medical-surgical unit.
Experience
Registered Nurse, Riverside Children's Hospital (2020 - present)
- Start and maintain peripheral IVs in infants; the unit's go-to nurse for difficult access.
- Document assessments and care plans in Cerner PowerChart.
Skills: PALS, IV therapy, Cerner charting, family education"""

TEACHER = """Rebecca Lindholm
Middle school mathematics teacher with seven years of experience in mixed-ability classrooms.
Experience
Mathematics Teacher, Lakeview Middle School (2018 - present)
- Use flexible grouping and tiered tasks so every student works at the right level of challenge.
Skills: differentiated instruction, classroom management, lesson planning"""

CIVIL = """Marcus Delgado
Civil engineer with six years of experience in land development.
Experience
Project Engineer, Valley Ridge Engineering (2019 - present)
- Design grading and detention basins for residential subdivisions in Civil 3D.
Skills: Civil 3D, stormwater design, site grading"""

DEVELOPER = """Sam Carter
Backend developer with four years of experience.
Experience
Backend Developer, Lindenfield (2021 - present)
- Built Go and Python services; background jobs with Celery; reporting queries in SQL.
Skills: Go, Python, Celery, SQL"""

INTERN = """Tyler Nakamura
Civil engineering student looking for a summer internship.
Education
B.S. Civil Engineering (in progress), Portland State University, expected graduation 2026
Skills: AutoCAD, Civil 3D, stormwater design, surveying"""


def _cover(resume_text, requirements, title="Engineer", description=""):
    job = evidence.job_profile(title, description, requirements, [])
    resume = evidence.resume_profile(resume_text)
    return evidence.cover(job, resume), job, resume


def _by_requirement(coverage):
    return {e.requirement: e for e in coverage.matched}


def test_pediatric_nurse():
    cov, _, _ = _cover(NURSE, ["Pediatric Advanced Life Support", "IV insertion", "EHR documentation"])
    matched = _by_requirement(cov)
    assert cov.missing == [] and set(matched) == {"Pediatric Advanced Life Support", "IV insertion",
                                                  "EHR documentation"}
    assert matched["IV insertion"].evidence.startswith("Start and maintain peripheral IVs")
    assert "Cerner" in matched["EHR documentation"].evidence  # Cerner is an EHR
    assert matched["Pediatric Advanced Life Support"].evidence == "Skills: PALS, IV therapy, Cerner charting, family education"


def test_teacher():
    cov, _, _ = _cover(TEACHER, ["differentiating instruction for mixed-ability classes", "Classroom Management"])
    assert cov.missing == []
    assert _by_requirement(cov)["differentiating instruction for mixed-ability classes"].skill == "Differentiated Instruction"


def test_civil_engineer():
    cov, _, _ = _cover(CIVIL, ["Civil 3D", "Stormwater management", "AutoCAD", "Bridge inspection"])
    matched = _by_requirement(cov)
    assert set(matched) == {"Civil 3D", "Stormwater management", "AutoCAD"}
    assert matched["AutoCAD"].skill == "AutoCAD" and "Civil 3D" in matched["AutoCAD"].evidence  # implied
    assert cov.missing == ["Bridge inspection"]


def test_software_requirements_with_qualifiers():
    cov, job, _ = _cover(DEVELOPER, ["Go (Golang)", "Go", "Python 3", "Celery with Redis",
                                     "SQL (joins, window functions)"])
    assert [r.text for r in job.requirements] == ["Go (Golang)", "Python 3", "Celery", "Redis",
                                                  "SQL (joins, window functions)"]  # "Go" once
    assert [e.requirement for e in cov.matched] == ["Go (Golang)", "Python 3", "Celery", "SQL (joins, window functions)"]
    assert cov.missing == ["Redis"]
    assert all(e.how == "skill" and "Built Go and Python services" in e.evidence or e.skill != "Go"
               for e in cov.matched)


def test_meaning_step_with_evidence_and_threshold():
    resume = evidence.resume_profile("Ray Kowalski\nLogistics professional in distribution.\nExperience\n"
                                     "Operations, MidSouth (2019 - present)\n"
                                     "- Supervised a team of 45 associates across receiving, picking and shipping.")
    job = evidence.job_profile("Supervisor", "", ["Team supervision", "Conduit bending (EMT, rigid)"], [])
    cov = evidence.cover(job, resume)
    assert [e.requirement for e in cov.matched] == ["Team supervision"]
    hit = cov.matched[0]
    assert hit.how == "meaning" and hit.evidence == "Supervised a team of 45 associates across receiving, picking and shipping."
    assert hit.similarity >= evidence.MEANING_THRESHOLD
    assert cov.missing == ["Conduit bending (EMT, rigid)"]
    strict = evidence.cover(job, resume, thresholds=dict.fromkeys(evidence.KINDS, 0.99))
    assert strict.matched == [] and len(strict.missing) == 2


def test_stored_profiles_round_trip():
    job = evidence.job_profile("Civil Engineer", "3+ years of experience", ["Civil 3D", "Grading plans"], [])
    again = evidence.JobProfile.from_stored(job.as_dict(), evidence.pack(job.vectors))
    assert [r.text for r in again.requirements] == [r.text for r in job.requirements]
    assert np.abs((again.vectors * job.vectors).sum(axis=1) - 1).max() < 0.01
    assert again.seniority == job.seniority
    resume = evidence.resume_profile(CIVIL)
    back = evidence.ResumeProfile.from_stored(resume.as_dict(), evidence.pack(resume.vectors))
    assert back.skills == resume.skills and back.units == resume.units and back.vectors.shape == resume.vectors.shape
    assert evidence.ResumeProfile.from_stored({"v": -1}, None) is None  # another version: profiled again


@pytest.mark.parametrize("text,level,years", [
    (NURSE, "mid", 5.0), (TEACHER, "senior", 7.0), (INTERN, "intern", None),
    ("Ana Ruiz\nSenior Accountant with twelve years of experience.", "senior", 12.0),
    ("Li Wei\nDirector of Nursing\nExperience\nDirector of Nursing, Mercy (2015 - present)", "director", None),
    ("Bo Lund\nJunior developer\nExperience\nDeveloper, Acme (2022 - 2024)", "junior", 2.0),
    # The title beside the name, and a sentence opening with its years.
    ("Jordan Rivera - Senior Backend Engineer\nSeven years building Python services.", "senior", 7.0),
    ("Dean Okafor\nBackend engineer\nTwo years ago I moved to Lisbon.", None, None),  # a name, not a dean
])
def test_resume_seniority(text, level, years):
    found = seniority.of_resume(text)
    assert found.level == level
    if years is not None:
        assert found.years == years


@pytest.mark.parametrize("title,description,level,years", [
    ("Director of Civil Engineering", "15+ years of civil engineering experience", "director", 15.0),
    ("Senior Electrical Engineer", "8+ years of power design experience", "senior", 8.0),
    ("Civil Engineering Intern (Summer)", "For students.", "intern", None),
    ("HR Generalist", "three or more years of HR generalist experience", "mid", 3.0),
    ("Product Manager", "", "mid", None),
    ("Staff Nurse", "", "mid", None),
])
def test_job_seniority(title, description, level, years):
    assert seniority.of_job(title, description) == seniority.Seniority(level, years)


def test_intern_against_director_is_a_gap_even_with_every_skill():
    intern = seniority.of_resume(INTERN)
    director = seniority.of_job("Director of Civil Engineering", "15+ years of experience")
    fit, distance = seniority.fit(intern, director)
    assert fit == "under" and distance <= -4
    assert matching.combine(0.9, 1.0, distance) < 0.7 <= matching.combine(0.9, 1.0, 0)
    senior = seniority.Seniority("senior", 9.0)
    assert seniority.fit(senior, seniority.of_job("Civil Engineer", "3+ years")) == ("fit", 1)
    assert seniority.fit(seniority.Seniority("director", 20.0), seniority.Seniority("junior", 1.0))[0] == "over"
