import pytest

from career_app.services.skills import taxonomy


@pytest.mark.parametrize("text,expected", [
    ("Built services in Python and Postgres", ["Python", "PostgreSQL"]),
    ("Strong JS, some TS and Node.js", ["JavaScript", "TypeScript", "Node.js"]),
    ("Styled everything with CSS", ["CSS"]),
    ("Embedded work in C and C++, tools in C#", ["C", "C++", "C#"]),
    ("HTML/CSS and CI/CD pipelines", ["HTML", "CSS", "CI/CD"]),
    ("Wrote JavaScript daily", ["JavaScript"]),
    ("React Native apps", ["React Native"]),
    ("K8s and Docker on AWS", ["Kubernetes", "Docker", "AWS"]),
    ("Shipped apps in Go and Swift", ["Go", "Swift"]),
])
def test_extracts_canonical_skills(text, expected):
    assert taxonomy().extract(text) == expected


@pytest.mark.parametrize("text,absent", [
    ("Managed R&D budgets for C-level executives", {"R", "C"}),
    ("Ready to go the extra mile with swift delivery", {"Go", "Swift"}),
    ("We react quickly and excel at service", {"React", "Excel"}),
    ("Objective-C maintenance", {"C"}),
    ("Used CSS daily", {"C"}),
])
def test_no_false_positives(text, absent):
    assert absent.isdisjoint(taxonomy().extract(text))


def test_normalise_labels():
    assert taxonomy().normalise(["postgres", "ReactJS", "golang", "Basket weaving", "Postgres"]) == [
        "PostgreSQL", "React", "Go", "Basket weaving"]
