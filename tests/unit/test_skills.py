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


# --- requirement normalisation (issue 8) -------------------------------------------------------


def _parts(phrase):
    return [(p.text, p.skills) for p in taxonomy().requirement_parts(phrase)]


@pytest.mark.parametrize("phrase,expected", [
    ("Go (Golang)", [("Go (Golang)", ("Go",))]),
    ("Python 3", [("Python 3", ("Python",))]),
    ("Java 17", [("Java 17", ("Java",))]),
    ("Celery with Redis", [("Celery", ("Celery",)), ("Redis", ("Redis",))]),
    ("SQL (joins, window functions)", [("SQL (joins, window functions)", ("SQL",))]),
    ("experience with Kubernetes", [("experience with Kubernetes", ("Kubernetes",))]),
    ("5+ years of experience with Python", [("5+ years of experience with Python", ("Python",))]),
    ("Strong knowledge of PostgreSQL", [("Strong knowledge of PostgreSQL", ("PostgreSQL",))]),
    ("Jira or similar", [("Jira or similar", ("Jira",))]),
    ("PostgreSQL or MySQL", [("PostgreSQL or MySQL", ("PostgreSQL", "MySQL"))]),
    ("Python and SQL", [("Python", ("Python",)), ("SQL", ("SQL",))]),
    ("React/Redux", [("React", ("React",)), ("Redux", ("Redux",))]),
    ("C/C++", [("C", ("C",)), ("C++", ("C++",))]),
    ("BLS/ACLS", [("BLS/ACLS", ("BLS/ACLS",))]),
    ("CI/CD", [("CI/CD", ("CI/CD",))]),
    ("AutoCAD Civil 3D", [("AutoCAD Civil 3D", ("Civil 3D",))]),
    ("Pediatric Advanced Life Support", [("Pediatric Advanced Life Support", ("Pediatric Advanced Life Support",))]),
    ("IV insertion", [("IV insertion", ("IV Therapy",))]),
    ("EHR documentation", [("EHR documentation", ("EHR",))]),
    ("differentiating instruction for mixed-ability classes",
     [("differentiating instruction for mixed-ability classes", ("Differentiated Instruction",))]),
    ("Stormwater design", [("Stormwater design", ("Stormwater Design",))]),
    ("Ability to lift 50 lbs", [("Ability to lift 50 lbs", ())]),
])
def test_requirement_normalisation(phrase, expected):
    assert _parts(phrase) == expected


def test_normalised_phrases_drop_qualifiers():
    tax = taxonomy()
    assert [p.phrase for p in tax.requirement_parts("Python 3")] == ["Python"]
    assert [p.phrase for p in tax.requirement_parts("Hands-on experience with grading and drainage plans")] == [
        "grading and drainage plans"]
    assert [p.phrase for p in tax.requirement_parts("Hydrology (HEC-HMS or similar)")] == ["Hydrology"]
    assert tax.requirement_parts("Go")[0].key == tax.requirement_parts("Go (Golang)")[0].key


@pytest.mark.parametrize("text,expected", [
    ("PALS, IV therapy, Cerner charting", ["Pediatric Advanced Life Support", "IV Therapy", "Cerner"]),
    ("differentiated instruction, classroom management", ["Differentiated Instruction", "Classroom Management"]),
    ("Civil 3D, stormwater design", ["Civil 3D", "Stormwater Design"]),
    ("Started peripheral IVs and charted in Epic", ["IV Therapy", "Epic"]),
    ("GD&T and FEA in SolidWorks", ["GD&T", "Finite Element Analysis", "SolidWorks"]),
    ("QuickBooks, month-end close and accruals", ["QuickBooks", "Month-End Close", "General Ledger"]),
    # a named tool is its own skill and implies its category (Manhattan WMS -> Warehouse Management)
    ("Forklift certified; cycle counts in Manhattan WMS", ["Forklift Operation", "Inventory Management",
                                                          "Manhattan WMS"]),
    ("qPCR, ELISA and cell culture under GLP", ["PCR", "ELISA", "Cell Culture", "Good Laboratory Practice"]),
    ("Conduit bending, blueprint reading, NEC", ["Electrical Wiring", "Blueprint Reading", "National Electrical Code"]),
])
def test_extracts_beyond_software(text, expected):
    assert taxonomy().extract(text) == expected


def test_named_tools_imply_their_category_but_not_each_other():
    """Zendesk shows Ticketing Systems; Freshdesk does not show Zendesk (issue 21's near misses)."""
    tax = taxonomy()
    assert "Ticketing Systems" in tax.implied("Zendesk") and "Zendesk" not in tax.implied("Freshdesk")
    assert "HRIS" in tax.implied("BambooHR") and tax.extract("PMP certified") == ["PMP Certification"]
    assert tax.extract("electric pallet jack") == ["Pallet Jack Operation"]


@pytest.mark.parametrize("text,absent", [
    ("Stayed in touch with my pen pals", {"Pediatric Advanced Life Support"}),
    ("Taught PE to year 9", {"Professional Engineer License"}),
    ("An epic journey through the mountains", {"Epic"}),
    ("Worked in a greenhouse and a sketch club", {"Applicant Tracking Systems", "Sketch"}),
    ("Fluent in Spanish; excel at macros", {"CFD", "Excel", "Knowledge Base"}),
])
def test_abbreviations_and_common_words_match_only_as_written(text, absent):
    assert absent.isdisjoint(taxonomy().extract(text))


def test_implied_skills():
    tax = taxonomy()
    assert "EHR" in tax.implied("Cerner") and "EHR" in tax.implied("Epic")
    assert tax.implied("Civil 3D") == ["AutoCAD", "CAD"]
    assert tax.implied("EHR") == []


def test_taxonomy_covers_every_occupational_family():
    tax = taxonomy()
    families = {skill.family for skill in tax.skills.values()}
    assert len(families - {"general"}) >= 15
    for family in ("healthcare", "education", "civil engineering", "mechanical engineering", "electrical engineering",
                   "finance and accounting", "legal", "sales", "marketing", "design", "logistics and supply chain",
                   "hospitality", "skilled trades", "human resources", "customer support", "data and machine learning",
                   "software", "product and project management", "lab science"):
        assert sum(skill.family == family for skill in tax.skills.values()) >= 5, family


def test_trie_pattern_finds_what_one_alternative_per_alias_finds():
    """The taxonomy's search pattern is a trie of its aliases; the plain form, one alternative per
    alias tried longest first, is the reference: the same mentions on the sample catalogue and on
    texts made of aliases in other cases, cut short, and run together with separators."""
    import json
    import random
    import re
    from pathlib import Path

    from career_app.services import skills

    tax = taxonomy()

    def plain(aliases, flags):
        parts = [re.escape(a).replace(r"\ ", r"\s+") + (skills._AFTER_SHORT if len(a) == 1 else skills._AFTER)
                 for a in sorted(aliases, key=len, reverse=True)]
        return re.compile(skills._BEFORE + "(?:" + "|".join(parts) + ")", flags)

    reference = [(plain(tax._folded, re.IGNORECASE), tax._folded), (plain(tax._exact, 0), tax._exact)]

    def expected(text):
        found = [(m.start(), m.end(), names[" ".join(m.group().split()) if names is tax._exact
                                            else " ".join(m.group().lower().split())])
                 for pattern, names in reference for m in pattern.finditer(text)]
        out, until = [], -1
        for start, end, name in sorted(found, key=lambda m: (m[0], m[0] - m[1])):
            if start >= until:
                out.append((start, end, name))
                until = end
        return out

    catalogue = json.loads((Path(skills.__file__).parents[2] / "jobs_worker/data/sample_jobs.json").read_text())
    texts = [f"{p['title']}\n{p['description']}" for p in catalogue["postings"][:80]]
    rng = random.Random(3)
    aliases = [*tax._folded, *tax._exact]
    for _ in range(600):
        words = []
        for _ in range(rng.randint(1, 10)):
            alias = rng.choice([str.upper, str.title, str.lower, str])(rng.choice(aliases))
            if rng.random() < 0.2:
                alias = alias.replace(" ", rng.choice(["  ", "\n", "-"]))
            if rng.random() < 0.2 and len(alias) > 2:
                alias = alias[:rng.randint(1, len(alias) - 1)]
            words += [alias, rng.choice([" ", "-", "/", ".", ",", "+", "#", "&", "'", "", "x", ". ", ".x", "\n"])]
        texts.append("".join(words))
    for text in texts:
        assert [(m.start, m.end, m.name) for m in tax.mentions(text)] == expected(text), text
