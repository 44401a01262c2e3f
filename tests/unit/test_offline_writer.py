"""The offline writer for every occupation: letters in whole sentences in each tone and length, signed
with the seeker's name, stating only resume, job and tracker facts; resume lines of every shape told
as first-person sentences; dates read in every common format; tailored resumes newest role first
with the contact line kept; emails that say "I applied" only with an application, and name its date."""

from datetime import date

import pytest

from career_app.services import content, content_files, evidence, offline_writer, truthfulness
from career_app.services.offline_writer import phrasing
from career_app.services.offline_writer.resume import period, read_resume
from models.content import ContentType
from tests.unit import occupations, prose

TONES = ("formal", "warm", "confident", "concise")
LENGTHS = ("short", "medium", "long")


def brief(occ: occupations.Occupation, tone="formal", length="medium", **extra) -> offline_writer.Brief:
    """The brief the studio builds, with evidence by skill name (no embeddings: deterministic)."""
    text = "\n".join(occ.resume)
    coverage = evidence.cover(evidence.job_profile(occ.title, occ.description, occ.skills, [], embed=False),
                              evidence.resume_profile(text, embed=False))
    return offline_writer.Brief(occ.company, occ.title, text, content._strongest(coverage), list(coverage.missing),
                                tone, length, job_text=occ.description, **extra)


def facts(occ: occupations.Occupation, *more: str) -> truthfulness.Facts:
    return truthfulness.facts_of("\n".join(occ.resume), occ.description, occ.company, occ.title, *more)


@pytest.mark.parametrize("occ", occupations.ALL, ids=lambda o: o.key)
@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize("length", LENGTHS)
def test_every_letter_is_whole_sentences_signed_and_true(occ, tone, length):
    letter = offline_writer.cover_letter(brief(occ, tone, length))
    text = letter.text
    assert prose.problems(text, occ.name) == [], text
    assert truthfulness.check(text, facts(occ)) == [], text
    assert text.startswith(f"{occ.name}\n{occ.contact}\n\n"), text  # the heading: name and contact line
    assert occ.title in text and occ.company in text
    assert "You ask for" not in text and "I registered" not in text and "Skilled." not in text


@pytest.mark.parametrize("occ", occupations.ALL, ids=lambda o: o.key)
def test_tone_and_length_change_the_letter(occ):
    letters = {(t, n): offline_writer.cover_letter(brief(occ, t, n)).text for t in TONES for n in LENGTHS}
    words = {key: len(text.split()) for key, text in letters.items()}
    for tone in TONES:
        assert words[(tone, "short")] < words[(tone, "medium")] <= words[(tone, "long")], (tone, words)
    greetings = {prose.paragraphs(letters[(t, "medium")])[1] for t in TONES}
    sign_offs = {next(p for p in prose.paragraphs(letters[(t, "medium")]) if p.split("\n")[0] in prose.SIGN_OFFS)
                 for t in TONES}
    assert len(greetings) == 4 and len(sign_offs) == 4
    assert words[("concise", "medium")] < words[("formal", "medium")]


def test_the_nurse_letter_reads_as_the_nurse_wrote_it():
    text = offline_writer.cover_letter(brief(occupations.NURSE)).text
    assert "I am a Registered Nurse with 6 years of experience on cardiac step-down and telemetry units." in text
    assert "In my current role at Mercy General Hospital, I manage care for 4 to 5 patients" in text
    assert "Before that, at St. Luke's Medical Center," in text  # the earlier role, in the past tense
    assert text.rstrip().endswith("Sincerely,\nMaria Santos")


def test_requirements_named_in_title_case_read_as_ordinary_words_inside_a_sentence():
    """The nurse's letter once read "medication Administration, patient Education": a title-case name is
    lowered word by word, while tools and abbreviations keep their case."""
    occ = occupations.NURSE
    job = occupations.Occupation(**{**occ.__dict__, "skills": ["Medication Administration", "Patient Education",
                                                                "Epic", "ACLS"]})
    text = offline_writer.cover_letter(brief(job)).text
    assert "medication administration" in text and "medication Administration" not in text
    assert "patient Education" not in text and "ACLS" in text
    assert prose.problems(text, occ.name) == [], text


def test_the_electrician_letter_names_the_gap_as_a_gap():
    text = offline_writer.cover_letter(brief(occupations.ELECTRICIAN)).text
    assert "I am responsible for NEC code compliance on every job" in text
    gap = next(s for s in prose.sentences(text.replace("\n", " ")) if "I do not yet have direct experience" in s)
    assert "medium voltage" in gap
    assert "medium voltage" not in text.lower().split("i do not yet")[0]  # never claimed before it is named a gap


def test_a_long_letter_says_which_role_its_extra_lines_come_from():
    text = offline_writer.cover_letter(brief(occupations.ELECTRICIAN, "confident", "long")).text
    extra = prose.paragraphs(text)[-4]  # after the evidence (which ends with the earlier role), before the gap
    assert extra.startswith("In my work at Front Range Industrial Services, I also "), extra
    assert "the same role" not in text


def test_the_name_comes_from_the_resume_else_the_account():
    occ = occupations.ACCOUNTANT  # "Priya Natarajan, CPA": the credential is not part of the name
    assert read_resume("\n".join(occ.resume)).name == "Priya Natarajan"
    assert read_resume("\n".join(occupations.CIVIL.resume)).name == "Hannah Lindqvist"  # from capitals
    nameless = offline_writer.Brief(occ.company, occ.title, "\n".join(occ.resume[1:]), [], [], signer="Priya N.")
    text = offline_writer.cover_letter(nameless).text
    assert text.rstrip().endswith("Sincerely,\nPriya N.") and prose.problems(text, "Priya N.") == []
    headed = offline_writer.Brief(occ.company, occ.title, "Senior Backend Engineer\nSummary\nBuilt things.", [], [])
    assert read_resume(headed.resume_text).name is None  # a role line is never taken for a name


@pytest.mark.parametrize("line,current,expected", [
    ("Registered Nurse with 6 years of experience on telemetry units", None,
     "I am a Registered Nurse with 6 years of experience on telemetry units."),
    ("Skilled in cardiac monitoring and patient education", None,
     "I am skilled in cardiac monitoring and patient education."),
    ("Monitored telemetry for 5 patients per shift", False, "I monitored telemetry for 5 patients per shift."),
    ("Manage care for 4 to 5 patients", True, "I manage care for 4 to 5 patients."),
    ("Manage care for 4 to 5 patients", False, "I managed care for 4 to 5 patients."),
    ("Troubleshoots motor controls and PLC panels", True, "I troubleshoot motor controls and PLC panels."),
    ("Installs and terminates 480V power distribution", True, "I install and terminate 480V power distribution."),
    ("Start and maintain peripheral IVs in infants", False, "I started and maintained peripheral IVs in infants."),
    ("Designing stormwater drainage for new homes", None,
     "I have experience designing stormwater drainage for new homes."),
    ("Designing stormwater drainage for new homes", True, "I design stormwater drainage for new homes."),
    ("Triage of incoming admissions from the emergency department", None,
     "My experience includes triage of incoming admissions from the emergency department."),
    ("Accounts payable and accounts receivable for 120 clients", False,
     "My experience included accounts payable and accounts receivable for 120 clients."),
    ("OSHA 30 certified", None, "I am OSHA 30 certified."),
    ("Promoted to charge nurse in 2019", False, "I was promoted to charge nurse in 2019."),
    ("Lead nurse for a 30-bed unit", True, "I am a lead nurse for a 30-bed unit."),
    ("Lead a team of 6 nurses", True, "I lead a team of 6 nurses."),
    ("Trained in ACLS and PALS", None, "I am trained in ACLS and PALS."),
    ("Responsible for NEC code compliance on every job", True,
     "I am responsible for NEC code compliance on every job."),
    ("Detail-oriented staff accountant with 5 years of experience", None,
     "I am a detail-oriented staff accountant with 5 years of experience."),
    ("Certified elementary teacher who plans engaging lessons", None,
     "I am a certified elementary teacher who plans engaging lessons."),
    ("ICU nurse with 3 years of experience", None, "I am an ICU nurse with 3 years of experience."),
    ("Patient falls dropped by 20% on the unit", None, "Patient falls dropped by 20% on the unit."),
    ("Document assessments in Epic", True, "I document assessments in Epic."),
])
def test_a_resume_line_of_every_shape_becomes_a_sentence(line, current, expected):
    proper = phrasing.Proper("Charting in Epic every shift.\npatient education, triage, accounts payable")
    assert phrasing.clause(line, proper, current).render() == expected


def test_lists_and_education_become_sentences():
    doc = read_resume("Jo Park\nSkills: Python, SQL, Redis\nEducation\nBSN, University of Illinois Chicago, 2016")
    assert phrasing.list_clause(doc, 1, "Skills: Python, SQL, Redis", "SQL").render() == "My skills include SQL."
    assert phrasing.education_clause("BSN, University of Illinois Chicago, 2016").render() == \
        "I hold a BSN from the University of Illinois Chicago."
    assert phrasing.education_clause("MEng Civil Engineering, University of Bristol, 2014").render() == \
        "I hold an MEng Civil Engineering from the University of Bristol."
    assert phrasing.pieces("Registered Nurse at St. Luke's. Skilled in triage; calm under pressure.") == \
        ["Registered Nurse at St. Luke's", "Skilled in triage", "calm under pressure"]


@pytest.mark.parametrize("text,start,end", [
    ("2019 - Present", (2019, 1), None),
    ("Jan 2020 – Mar 2022", (2020, 1), (2022, 3)),
    ("January 2018 to June 2019", (2018, 1), (2019, 6)),
    ("03/2016 - 05/2019", (2016, 3), (2019, 5)),
    ("2019 – Current", (2019, 1), None),
    ("Sept 2017 - now", (2017, 9), None),
    ("(2020 - present)", (2020, 1), None),
    ("2019 – 2021", (2019, 1), (2021, 12)),
    ("2016-03 to 2018-11", (2016, 3), (2018, 11)),
    ("Since 2015", (2015, 1), None),
    ("Aug. 2012 — Dec. 2014", (2012, 8), (2014, 12)),
])
def test_date_ranges_in_every_common_format(text, start, end):
    found = period(f"Staff Nurse, Mercy Hospital, {text}")
    assert found is not None and found.start == start and found.end == end


@pytest.mark.parametrize("occ", occupations.ALL, ids=lambda o: o.key)
def test_a_tailored_resume_is_newest_first_with_the_contact_line(occ):
    written = offline_writer.tailor_resume(brief(occ, length="long"))
    text = written.text
    lines = text.split("\n")
    assert lines[0] == occ.resume[0] and lines[1] == occ.contact  # the header as the resume has it
    assert text.index(occ.newest_role) < text.index(occ.oldest_role)
    assert "Tailored for" not in text and "TO DEVELOP" not in text
    assert truthfulness.check(text, facts(occ)) == []
    sources = [s["source_index"] for s in written.structure if s["section"] == "experience"]
    assert sources and all(isinstance(i, int) for i in sources)
    resume_lines = read_resume("\n".join(occ.resume)).lines
    assert all(s["text"].rstrip(".") in resume_lines[s["source_index"]] + "." for s in written.structure
               if s["section"] == "experience")
    notes = [s["text"] for s in written.structure if s["section"] == "note"]
    assert bool(notes) == bool(brief(occ).missing)


def test_roles_are_ordered_by_their_dates_not_by_the_resume():
    doc = read_resume("\n".join(["Sam Lee", "Experience", "Nurse, A Hospital, 2010 - 2012", "Did a.",
                                 "Nurse, B Hospital, Jan 2015 - Present", "Did b.", "Nurse, C Clinic, 2012 – 2015",
                                 "Did c.", "Nurse, D Clinic", "Jun 2013 - Dec 2014", "Did d."]))
    assert [r.employer for r in doc.chronological()] == ["B Hospital", "C Clinic", "D Clinic", "A Hospital"]


def test_a_follow_up_says_applied_only_with_an_application_and_names_its_date():
    occ = occupations.NURSE
    without = offline_writer.email(brief(occ, "formal", "long", email_kind="follow_up"))
    assert "applied" not in without.text.lower() and "my application" not in without.text.lower()
    assert [s["text"] for s in without.structure if s["section"] == "note"] == [offline_writer.NO_APPLICATION]
    assert prose.problems(without.text, occ.name) == []
    applied = offline_writer.Applied("applied", date(2025, 3, 3))
    with_app = offline_writer.email(brief(occ, "formal", "long", email_kind="follow_up", application=applied))
    assert "I applied for the ICU Nurse position at Clearwater Clinics on 3 March 2025" in with_app.text
    assert with_app.structure == [] and prose.problems(with_app.text, occ.name) == []
    assert truthfulness.check(with_app.text, facts(occ, content.tracker_facts(applied))) == []
    # The date is a fact of the tracker: without it, the check flags it.
    assert {c["kind"] for c in truthfulness.check(with_app.text, facts(occ))} == {"date", "number"}


@pytest.mark.parametrize("occ", occupations.ALL, ids=lambda o: o.key)
@pytest.mark.parametrize("kind", ["follow_up", "thank_you", "withdrawal", "negotiation", "networking"])
def test_every_email_is_whole_sentences_and_claims_no_application_it_lacks(occ, kind):
    for tone in TONES:
        written = offline_writer.email(brief(occ, tone, "long", email_kind=kind))
        assert prose.problems(written.text, occ.name) == [], written.text
        assert truthfulness.check(written.text, facts(occ)) == [], written.text
        assert content.tracker_claims(written.text, None, ContentType.email_template) == [], written.text
    interviewed = offline_writer.Applied("interviewing", date(2025, 3, 3), date(2025, 3, 12))
    written = offline_writer.email(brief(occ, "warm", "medium", email_kind=kind, application=interviewed))
    assert truthfulness.check(written.text, facts(occ, content.tracker_facts(interviewed))) == []
    if kind == "thank_you":
        assert "on 12 March 2025" in written.text


def test_the_tracker_check_flags_an_application_the_tracker_lacks():
    text = ("Subject: Follow-up\n\nDear Hiring Manager,\n\nI recently applied for the role. Is my application "
            "still open?")
    flagged = content.tracker_claims(text, None, ContentType.email_template)
    assert [c["text"] for c in flagged] == ["I recently applied", "my application"]
    assert flagged[0]["sentence"] == "I recently applied for the role." and flagged[0]["kind"] == "application"
    applied = offline_writer.Applied("applied", date(2025, 3, 3))
    assert content.tracker_claims(text, applied, ContentType.email_template) == []
    assert content.tracker_claims(text, None, ContentType.cover_letter) == []  # a letter is the application


def test_export_blocks_start_with_the_letter_and_keep_line_breaks():
    occ = occupations.ELECTRICIAN
    text = offline_writer.cover_letter(brief(occ)).text
    blocks = content_files.blocks(text, name_first=True, name="Someone Else")
    assert blocks[0] == ("name", occ.name) and blocks[1] == ("para", occ.contact)
    assert blocks[2] == ("para", "Dear Hiring Manager,")
    assert blocks[-1] == ("para", f"Sincerely,\n{occ.name}")
    assert not any("Cover letter" in t for _, t in blocks)
    edited = "Dear Hiring Manager,\n\nI am writing about the role.\n\nSincerely,\nLuis Herrera"
    assert content_files.blocks(edited, name_first=True, name="Luis Herrera")[0] == ("para", "Dear Hiring Manager,")
    resume = offline_writer.tailor_resume(brief(occupations.CIVIL)).text
    parts = content_files.blocks(resume, name_first=True, name=None)
    assert parts[0] == ("name", "Hannah Lindqvist") and ("heading", "Experience") in parts
    assert content_files.docx(blocks, "Luis Herrera – Industrial Electrician", "Luis Herrera")[:2] == b"PK"
    assert content_files.pdf(blocks, "Luis Herrera – Industrial Electrician", "Luis Herrera")[:4] == b"%PDF"
