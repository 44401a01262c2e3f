"""What a resume says of its owner: the headline is a role line, never a section heading or the name;
family and level read from it; learning links per family."""

import json

import pytest

from career_app.services import families, learning_links, resume_reading, resumes
from career_app.services.skills import taxonomy
from career_app.settings import settings

# Each opens with the person's name, then a "Summary"-style heading: the two lines the old reader
# took for a headline.
NURSE = """Hannah Whitfield
Summary
Compassionate registered nurse with six years of medical-surgical experience.
Columbus, OH | hannah.whitfield@example.com | (614) 555-0101
Experience
Registered Nurse, Riverside Methodist Hospital (2019 - present)
- Triage, IV therapy and medication administration for 5-6 patients per shift
Education
BSN, Ohio State University"""

TEACHER = """MARIA GONZALEZ
PROFESSIONAL SUMMARY
Dedicated fifth-grade teacher with eight years of classroom experience in differentiated instruction.
Austin, TX · maria.gonzalez@example.com
Professional Experience
Grade 5 Teacher, Lincoln Elementary School (2016 - present)
Skills: Lesson Planning, Classroom Management, IEP"""

ELECTRICIAN = """Dale Brooks
Profile
Licensed journeyman electrician, 12 years in commercial and residential wiring.
Tulsa, OK
dale.brooks@example.com
Work Experience
Journeyman Electrician - Brooks & Sons Electric, 2012 - present
Conduit bending, NEC code compliance, blueprint reading"""

ENGINEER = """Priya Raman
Summary:
Backend software engineer with seven years building Python services on PostgreSQL.
priya.raman@example.com | Pune, India
Experience
Senior Software Engineer, Acme Cloud (2020 - present)
Skills: Python, FastAPI, Docker, Kubernetes"""


def _read(text: str) -> resume_reading.ResumeReading:
    return resume_reading.read(text, taxonomy().extract(text))


@pytest.mark.parametrize("text, name, headline, family", [
    (NURSE, "Hannah Whitfield", "Registered nurse", "healthcare"),
    (TEACHER, "Maria Gonzalez", "Fifth-grade teacher", "education"),
    (ELECTRICIAN, "Dale Brooks", "Licensed journeyman electrician", "skilled trades"),
    (ENGINEER, "Priya Raman", "Backend software engineer", "software"),
])
def test_headline_is_the_role_line_not_a_heading_or_the_name(text, name, headline, family):
    found = _read(text)
    assert found.full_name == name
    assert found.headline == headline
    assert found.family == family
    assert not resume_reading.is_section_heading(found.headline)
    assert found.headline.casefold() != name.casefold()


def test_suggestions_carry_family_and_level():
    hints = resumes.suggestions(NURSE, taxonomy().extract(NURSE))
    assert hints["headline"] == "Registered nurse" and hints["location"] == "Columbus, OH"
    assert hints["family"] == "healthcare" and hints["seniority"] == "senior"  # six years of experience
    assert hints["full_name"] == "Hannah Whitfield" and "Triage" in hints["skills"]


@pytest.mark.parametrize("text, headline", [
    ("Jordan Rivera - Senior Backend Engineer\nSeven years building Python services.", "Senior Backend Engineer"),
    ("Jane Doe | Registered Nurse | jane@example.com | 555-123-4567\nSummary\nICU nurse.", "Registered Nurse"),
    ("Lena Fischer, CPA\nProfile\nStaff accountant focused on month-end close.", "Staff accountant"),
    ("Curriculum Vitae\nAmara Okafor\nProfile\nSecondary school mathematics teacher, 10 years.",
     "Secondary school mathematics teacher"),
    # no role line at the top: the most recent dated role
    ("Sam Carter\nSummary\nI like solving problems.\nExperience\nWarehouse Associate, DHL (2021 - present)",
     "Warehouse Associate"),
])
def test_headline_from_other_layouts(text, headline):
    assert resume_reading.headline(text) == headline


@pytest.mark.parametrize("text", [
    "Summary\nExperience\nProfile",
    "Sam Carter\nSummary\nI like solving problems.",
    "MARIA GONZALEZ\nSUMMARY\nEDUCATION",
])
def test_no_headline_rather_than_a_heading_or_a_name(text):
    assert resume_reading.headline(text) is None


def test_every_family_has_a_learning_link_of_its_own_field():
    shipped = json.loads(learning_links.SHIPPED_FILE.read_text())["families"]
    assert set(shipped) == set(families.names())
    programming = ("freecodecamp", "codecademy", "kaggle", "leetcode", "programming", "coding")
    for family in families.names():
        link = learning_links.link("Triage", family)
        assert link.url.startswith("https://") and "Triage" in link.url and "Triage" in link.title
        if family not in ("software", "data and machine learning"):
            assert not any(word in link.url.lower() for word in programming), (family, link.url)
    assert "nursing" in learning_links.link("Wound Care", "healthcare").url
    assert "apprenticeship" in learning_links.link("Conduit Bending", "skilled trades").url
    assert "freecodecamp" in learning_links.link("C++", "software").url
    assert learning_links.link("C++", "software").url.endswith("query=C%2B%2B")


def test_learning_links_file_is_replaceable_and_checked(tmp_path, monkeypatch):
    own = tmp_path / "links.json"
    own.write_text(json.dumps({"families": {
        "general": {"title": "Learn {skill}", "url": "https://learn.example.org/?q={skill}"},
        "healthcare": {"title": "CE: {skill}", "url": "https://ce.example.org/search?q={skill}"}}}))
    monkeypatch.setattr(settings, "learning_links_file", own)
    assert learning_links.link("Triage", "healthcare").url == "https://ce.example.org/search?q=Triage"
    assert learning_links.link("Budgeting", "finance and accounting").url == "https://learn.example.org/?q=Budgeting"

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"families": {"general": {"title": "Learn {skill}", "url": "http://x.example/"}}}))
    monkeypatch.setattr(settings, "learning_links_file", bad)
    with pytest.raises(learning_links.LinkFileError):
        learning_links.link("Triage", "healthcare")
