"""The truthfulness check: invented employers, degrees, numbers and dates are found with their
sentence and span; a letter that states only resume and job facts has none."""

import time

from career_app.services import truthfulness

RESUME = """Jordan Rivera
Senior Backend Engineer
Senior Backend Engineer, Acme Analytics — 2019 – Present
- Built Python services with FastAPI serving 2 million requests a day.
- Cut API latency by 40% and saved $120,000 a year in hosting.
Backend Developer, Brightwave Labs — 2015 – 2019
- Built Django apps on PostgreSQL.
Education: BSc Computer Science, University of Leeds, 2015
Certifications: AWS Certified Solutions Architect
Skills: Python, SQL, Redis, Docker"""
JOB = "Staff Platform Engineer at Northwind Health. Python and Kubernetes; 5+ years."
CLEAN = """Dear Hiring Manager,

I am applying for the Staff Platform Engineer role at Northwind Health. As a Senior Backend Engineer at Acme
Analytics since 2019, I built Python services with FastAPI serving 2 million requests a day, cut API latency by 40%
and saved $120k a year. Before that I was a Backend Developer at Brightwave Labs. I hold a BSc in Computer Science
from the University of Leeds and I am an AWS Certified Solutions Architect.

I have not used Kubernetes in production yet, and I am keen to learn it.

Kind regards,
Jordan Rivera"""


def facts():
    return truthfulness.facts_of(RESUME, JOB, "Northwind Health", "Staff Platform Engineer")


def _only(text: str) -> dict:
    found = truthfulness.check(text, facts())
    assert len(found) == 1, found
    return found[0]


def test_a_clean_letter_has_no_unsupported_claim():
    assert truthfulness.check(CLEAN, facts()) == []


def test_an_invented_employer_is_flagged_with_its_sentence_and_span():
    text = CLEAN + "\nI also spent a year at Initech Corp. It was great."
    claim = _only(text)
    assert claim["kind"] == "employer" and claim["text"] == "Initech Corp"
    assert text[claim["start"]:claim["end"]] == "Initech Corp"
    assert claim["sentence"] == "I also spent a year at Initech Corp."
    assert _only("Before that I worked at Google.")["text"] == "Google"


def test_an_invented_degree_is_flagged_but_the_real_one_in_other_words_is_not():
    claim = _only("I hold a Master of Science in Physics.")
    assert claim["kind"] == "degree"
    assert truthfulness.check("My Bachelor of Science in Computer Science taught me rigour.", facts()) == []
    assert _only("I studied at Stanford University.")["kind"] == "school"


def test_numbers_are_compared_by_value():
    assert truthfulness.check("I saved $120k a year and 2,000,000 requests a day ran at 40 %.", facts()) == []
    claim = _only("I cut latency by 45% across the fleet.")
    assert claim["kind"] == "number" and claim["text"] == "45%"
    assert _only("The platform made $5M.")["text"] == "$5M"


def test_an_invented_date_and_title_are_flagged():
    claim = _only("I have led teams since March 2012.")
    assert claim["kind"] == "date" and claim["text"] == "March 2012"
    assert _only("I was a Principal Architect there.")["kind"] == "title"
    assert _only("I am a Certified Kubernetes Administrator.")["kind"] == "certification"


def test_skills_after_with_are_not_taken_for_employers():
    assert truthfulness.check("I have worked with Python and Docker every day.", facts()) == []


def test_a_one_page_letter_is_checked_within_50_ms():
    text = (CLEAN + "\n") * 3  # about 2,700 characters: a full page
    f = facts()
    times = []
    for _ in range(30):
        started = time.perf_counter()
        truthfulness.check(text, f)
        times.append(time.perf_counter() - started)
    assert sorted(times)[int(len(times) * 0.95) - 1] < 0.05
