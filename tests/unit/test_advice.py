"""Advice written for the job's occupational family (services/advice.py, data/advice_banks.json):
the banks themselves, how reserved vocabulary matches, the composition with a job's requirements,
duties, credentials and a seeker's gap, and the check on a whole catalogue and on jobs written
here that the banks were not tuned on."""

import json
import re
from pathlib import Path

import pytest

from career_app.services import advice, families, ingestion, offline_ai

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "jobs_worker" / "data" / "sample_jobs.json"
# The sample catalogue's families and the taxonomy's
CATALOGUE_FAMILY = {"nursing and healthcare": "healthcare", "software engineering": "software",
                    "devops and cloud": "software", "data and analytics": "data and machine learning",
                    "teaching and education": "education"}


def _guides(title, company, description, skills_required, missing=()):
    """The offline guides as enrichment makes them: the requirements found in the posting after
    those it lists."""
    analysis = offline_ai.analyse(title, description, skills_required)
    return offline_ai.guides(title, company, description, analysis.skills, analysis.seniority, missing=missing,
                             required=skills_required)


def _text(guides) -> str:
    resume, prep = advice.guide_texts(guides)
    return f"{resume}\n{prep}"


# --- the banks ---------------------------------------------------------------------------------

def test_every_family_has_a_bank_with_every_slot():
    assert set(advice.banks()) == set(families.names())
    general = advice.banks()[families.GENERAL]
    assert all(general["resume"][slot] for slot in advice.RESUME_SLOTS)
    assert all(general["questions"][slot] for slot in advice.QUESTION_SLOTS)
    for family, bank in advice.banks().items():
        assert bank["prompt"] and bank["fallback_skill"] and bank["fallback_duty"], family
        assert set(bank["resume"]) <= set(advice.RESUME_SLOTS) and set(bank["questions"]) <= set(advice.QUESTION_SLOTS)
        if family != families.GENERAL:  # the field's own questions, not the general ones
            assert {"practice", "problem", "standards", "people"} <= set(bank["questions"]), family
            assert {"summary", "quantify", "evidence"} <= set(bank["resume"]), family
            assert len(bank["reserved"]) >= 10, family


def test_every_template_names_what_its_slot_needs():
    """A summary names the top requirements, a quantify bullet and a practice question the first,
    an evidence bullet and a problem question the second: so every guide names two of them."""
    for family, bank in advice.banks().items():
        for part in ("resume", "questions"):
            for slot, templates in bank.get(part, {}).items():
                for template in templates:
                    if isinstance(template, dict) and "q" in template:
                        text, about = template["q"] + template["a"], template.get("when")
                    else:
                        text, about = advice._fill(template, {}), None
                    needs = ("{credential}",) if about == "credential" else advice.REQUIRED.get((part, slot), ())
                    assert all(n in text for n in needs), (family, part, slot, text)
                    assert set(re.findall(r"\{(\w+)\}", text)) <= {
                        "title", "a_title", "company", "skill", "skill2", "skill3", "skills", "must", "duty", "level",
                        "gap", "credential"}, (family, text)
                    if isinstance(template, dict):
                        assert set(template) <= {"t", "q", "a", "for", "when"}, template


def test_no_template_borrows_another_familys_words():
    for family, bank in advice.banks().items():
        texts = [bank.get("prompt", "")]
        for part in ("resume", "questions"):
            for templates in bank.get(part, {}).values():
                for t in templates:
                    texts += [t["q"], t["a"]] if isinstance(t, dict) and "q" in t else [advice._fill(t, {})]
        for text in texts:
            assert not advice.foreign_terms(text, family), (family, text, advice.foreign_terms(text, family))


def test_every_reserved_term_is_found_as_written_and_belongs_to_its_family():
    for family, bank in advice.banks().items():
        for term in bank["reserved"]:
            written = term.rstrip("*")
            found = advice.reserved_terms(f"One line with {written} in it.")
            assert [t.entry for t in found] == [term] and family in found[0].owners, (family, term, found)


# --- how reserved vocabulary matches -----------------------------------------------------------

@pytest.mark.parametrize("text, family, foreign", [
    ("Something built with Pediatric Advanced Life Support is slow or failing in production.", "healthcare",
     ["in production"]),
    ("Quantify one project built with Pediatrics: its scale, users, speed-up or money saved.", "healthcare",
     ["users, speed-up"]),
    ("We deployed it and cut latency in half.", "education", ["deployed", "latency"]),
    ("Be patient with customers and calm on the phone.", "customer support", []),  # the adjective
    ("Patients and the patient's family come first.", "sales", ["Patients", "the patient"]),
    ("Check the production line and the pipeline of orders.", "logistics and supply chain", []),
    ("Track time to hire and time-to-fill.", "sales", ["time to hire", "time-to-fill"]),
    ("Report an OOS result to QA.", "healthcare", ["OOS"]),
    ("Serve the oos and rice dishes.", "hospitality", []),  # abbreviations only as written
    ("Rank features with RICE.", "design", ["RICE"]),
    ("Label the patient samples in the lab.", "lab science", []),  # shared: the longest term wins
    ("Label the patient samples in the lab.", "sales", ["patient samples"]),
    ("Run the deployment pipeline.", "software", []),
    ("Run the deployment pipeline.", "data and machine learning", []),  # shared with software
    ("Debug the firmware on the bench.", "electrical engineering", []),
    ("Debug the firmware on the bench.", "hospitality", ["Debug", "firmware"]),
])
def test_foreign_terms(text, family, foreign):
    assert [t.text for t in advice.foreign_terms(text, family)] == foreign


def test_a_jobs_own_words_are_never_borrowed():
    text = "Give Patient Education its own line at Northwind Freight Analytics."
    assert [t.text for t in advice.foreign_terms(text, "data and machine learning")] == ["Patient Education", "Freight"]
    assert advice.foreign_terms(text, "data and machine learning", own=["Patient Education", "Northwind Freight Analytics"]) == []
    # a model's reply may use what the posting itself says
    assert advice.foreign_terms("Reproduce the bug in production first.", "customer support",
                                posting="You will help our engineers debug issues in production.") == []


# --- composition -------------------------------------------------------------------------------

NURSE = ("Pediatric Nurse", "Clearwater Clinics",
         "You will assess patients and plan their care with the medical team.\n"
         "You will monitor vital signs and respond quickly to changes.\nPaid time off and a pension.",
         ["Pediatrics", "Pediatric Advanced Life Support", "Patient Education"])


def test_nurse_guides_are_clinical_and_name_the_jobs_requirements():
    guides = _guides(*NURSE)
    assert guides._family == "healthcare" and guides._check == advice.OFFLINE
    assert advice.check(guides, "healthcare", NURSE[3], own=[NURSE[0], NURSE[1]]) == []
    text = _text(guides)
    assert "production" not in text and "speed-up" not in text and "project built" not in text
    assert re.search(r"\bpatient", text) and re.search(r"clinical|care", text)
    assert "Pediatrics" in guides.resume_guide[0]  # must-haves first
    duty_question = guides.interview_questions[3].question
    assert "As a Pediatric Nurse at Clearwater Clinics you would" in duty_question
    assert "assess patients and plan their care" in duty_question or "monitor vital signs" in duty_question


def test_a_credential_is_asked_about_as_a_credential_not_as_a_practice():
    guides = _guides("Electrician", "Summit Building Services",
                     "You will install, maintain and repair systems to code.",
                     ["Electrical Wiring", "National Electrical Code", "Journeyman License"])
    questions = [q.question for q in guides.interview_questions]
    assert any(q.startswith("This role asks for National Electrical Code.") for q in questions), questions
    assert not any("involves National Electrical Code" in q or "your National Electrical Code experience" in q
                   for q in questions)
    assert "Electrical Wiring" in questions[0]


def test_duties_become_verb_phrases():
    text = ("Responsibilities:\n- Reading plans and quoting for small jobs\n- Diagnosing leaks and repairing them\n"
            "The technician receives and logs samples, and follows ISO 17025 procedures.\n"
            "- Support for certifications and courses\n- 3+ years of experience with welding\n"
            "- You will join our friendly team")
    assert advice.duties(text, "skilled trades", limit=5) == [
        "receive and log samples, and follow ISO 17025 procedures",
        "read plans and quote for small jobs", "diagnose leaks and repair them"]
    assert advice.duties("Our team is great.", "general") == []


def test_a_duty_in_another_familys_words_is_not_quoted():
    text = "You will deploy dashboards to production weekly.\nYou will keep a calm, well-organised classroom."
    assert advice.duties(text, "education") == ["keep a calm, well-organised classroom"]


def test_the_seekers_gap_gets_a_guide_line_and_a_question():
    guides = _guides(*NURSE, missing=["Pediatric Advanced Life Support"])
    gap_line = guides.resume_guide[3]
    assert "Pediatric Advanced Life Support" in gap_line and "does not show it yet" in gap_line
    gap_question = guides.interview_questions[3]
    assert gap_question.question.startswith("This role asks for Pediatric Advanced Life Support, which your experience "
                                            "does not show yet.")
    assert "patients safe" in gap_question.question
    assert advice.check(guides, "healthcare", NURSE[3], own=[NURSE[0], NURSE[1]]) == []


def test_gap_advice_for_the_job_page_covers_each_missing_requirement_in_the_jobs_field():
    title, company, description, skills = NURSE
    out = advice.gap_advice(title, company, description, skills, "healthcare",
                            ["Pediatric Advanced Life Support", "Triage", "Triage", "Telemetry", "Epic"])
    assert [g["requirement"] for g in out] == ["Pediatric Advanced Life Support", "Triage", "Telemetry"]
    for g in out:
        assert g["requirement"] in g["guide"] and g["requirement"] in g["question"] and g["strategy"]
        assert advice.foreign_terms(" ".join(g.values()), "healthcare", own=skills + ["Telemetry"]) == []
    electrician = advice.gap_advice("Electrician", None, "", ["Electrical Wiring"], "skilled trades", ["Journeyman License"])
    assert "under supervision" in electrician[0]["guide"] and "signed off" in electrician[0]["strategy"]
    assert advice.gap_advice(title, company, description, skills, "healthcare", []) == []


def test_a_skill_found_only_in_the_company_name_is_not_the_jobs():
    description = "Join Signal & Spark as a Support Team Lead. You will coach a team of support agents."
    analysis = offline_ai.analyse("Support Team Lead", description, ["SLA Management", "Knowledge Base"])
    assert "Apache Spark" in analysis.skills  # the taxonomy reads "Spark" in the company's name
    guides = offline_ai.guides("Support Team Lead", "Signal & Spark", description, analysis.skills, analysis.seniority,
                               required=["SLA Management", "Knowledge Base"])
    assert "Apache Spark" not in _text(guides)
    # a listed requirement stays, whatever the company is called
    guides = offline_ai.guides("Data Engineer", "Spark Data Ltd", "Build pipelines.", ["Apache Spark", "SQL"], "mid",
                               required=["Apache Spark", "SQL"])
    assert "Apache Spark" in guides.resume_guide[0]


def test_a_template_for_some_roles_is_chosen_by_title_before_requirements():
    designer = _guides("Lead Graphic Designer", "Fable Creative", "You will design brand assets and prototypes.",
                       ["Adobe Illustrator", "Adobe Photoshop", "Graphic Design"])
    assert "brand assets delivered" in designer.resume_guide[1] and "Usability" not in _text(designer)
    therapist = _guides("Physiotherapist", "Northgate Clinic", "You will treat patients after surgery.",
                        ["Physical Therapy", "Patient Education"])
    assert "outcome measures" in therapist.resume_guide[1] or "caseload" in therapist.resume_guide[1]
    assert "treatment plan" in therapist.interview_questions[2].question


def test_composition_is_stable_and_keeps_the_shape():
    first, again = _guides(*NURSE), _guides(*NURSE)
    assert first.model_dump() == again.model_dump()
    assert len(first.resume_guide) == 5 and len(first.interview_questions) == 5
    assert set(first.model_dump()) == {"resume_guide", "interview_questions"}


def test_a_job_with_nothing_to_tell_gets_general_advice_without_field_words():
    guides = _guides("Associate", None, "Join us.", [])
    assert guides._family == families.GENERAL
    assert advice.reserved_terms(_text(guides)) == []
    assert "the skills this posting lists" in guides.resume_guide[0]


def test_prompt_notes_carry_the_family_and_what_to_keep_out():
    notes = advice.prompt_notes("healthcare", ["Pediatrics", "Triage"])
    assert "Nursing and healthcare" in notes and "clinical case" in notes and "Pediatrics, Triage" in notes
    assert "in production" in notes and "patients" not in notes.split("for example:")[1]


# --- the whole sample catalogue ------------------------------------------------------------------

def _catalogue() -> dict[str, list[dict]]:
    by_family: dict[str, list[dict]] = {}
    for posting in json.loads(CATALOGUE.read_text())["postings"]:
        family = CATALOGUE_FAMILY.get(posting["family"], posting["family"])
        by_family.setdefault(family, []).append(posting)
    return by_family


def test_the_catalogue_covers_every_family_but_general():
    assert set(_catalogue()) == set(families.names()) - {families.GENERAL}


@pytest.mark.parametrize("family", sorted(_catalogue()))
def test_catalogue_guides_speak_their_family_and_name_the_jobs_requirements(family):
    """Every posting of the catalogue: its guides are written for its family, use no word reserved
    for another family (its own title, company and requirement names aside), and the resume guide
    and the interview prep each name at least two of the requirements the posting lists."""
    for posting in _catalogue()[family]:
        description = ingestion.html_to_text(posting["description"])
        guides = _guides(posting["title"], posting["company"], description, posting["skills"])
        assert guides._family == family, posting["title"]
        problems = advice.check(guides, family, posting["skills"], own=[posting["title"], posting["company"]])
        assert problems == [], (posting["title"], problems)
        resume, prep = advice.guide_texts(guides)
        assert len(advice.named_requirements(resume, posting["skills"])) >= 2, posting["title"]
        assert len(advice.named_requirements(prep, posting["skills"])) >= 2, posting["title"]


# --- jobs written here, not from the catalogue ------------------------------------------------

HANDWRITTEN = [  # (family, title, company, requirements, description, words of that field the text must use)
    ("healthcare", "Community Midwife", "Riverside Maternity Trust", ["Midwifery", "Neonatal Care", "CPR"],
     "Riverside Maternity Trust is looking for a community midwife to join a caseload team covering three towns.\n\n"
     "The midwife provides antenatal and postnatal care in clinics and in women's homes. Supports women in labour at "
     "home births and in the birth centre. Carries out newborn checks and feeding support.\nYou must hold current "
     "registration and a full driving licence.", ["clinical", "patient"]),
    ("skilled trades", "Plumber", "Dalton & Sons Heating", ["Plumbing", "Hand and Power Tools", "Blueprint Reading"],
     "Busy family firm needs a qualified plumber for domestic and light commercial work. Responsibilities:\n"
     "- Installing bathrooms, boilers and heating systems\n- Diagnosing leaks and blockages and repairing them\n"
     "- Reading plans and quoting for small jobs\nCompany van and tools provided.", ["safe", "job"]),
    ("legal", "Paralegal (Litigation)", "Hartley Moss LLP", ["Paralegal", "Litigation", "eDiscovery", "Legal Research"],
     "We are a mid-sized litigation practice. As our paralegal you will prepare trial bundles and court documents, "
     "manage document review in our e-discovery platform, and research points of procedure for the associates. You "
     "will keep matter files in order and track deadlines for three partners.", ["matter", "legal"]),
    ("data and machine learning", "Data Engineer", "Northwind Freight Analytics",
     ["Python", "Apache Airflow", "SQL", "Snowflake"],
     "You'll own the pipelines that load shipment and telematics data into our warehouse. Build and schedule Airflow "
     "DAGs, model tables for analysts, and monitor data quality. We use Python, SQL, Snowflake and dbt.",
     ["data", "pipeline"]),
    ("hospitality", "Pastry Chef", "Maison Lefèvre", ["Culinary Arts", "Food Safety", "Inventory Management"],
     "Maison Lefèvre, a 60-cover bistro, is hiring a pastry chef. Duties: prepare viennoiserie, plated desserts and "
     "celebration cakes daily; develop a seasonal dessert menu with the head chef; order ingredients and control "
     "stock; keep the pastry section spotless and follow food safety rules.", ["food", "service"]),
    ("education", "School Counsellor", "Oakfield Secondary School",
     ["Student Assessment", "Parent Communication", "Special Education"],
     "Oakfield Secondary School seeks a school counsellor to support pupils' wellbeing and learning. You will hold "
     "one-to-one and group sessions with students, assess needs and refer to outside services, advise teachers on "
     "supporting pupils with additional needs, and meet parents to plan support together.", ["pupil", "parent"]),
    ("finance and accounting", "Payroll and Accounts Assistant", "Brightwell Hotels Group",
     ["Accounts Payable", "Bank Reconciliation", "Excel", "Xero"],
     "Part of a small finance team. Processing supplier invoices in Xero, matching statements, preparing weekly bank "
     "reconciliations, and helping with month-end. Good Excel skills needed.", ["figures", "accura"]),
    ("lab science", "Microbiology Technician", "Clearbrook Water Testing",
     ["Microbiology", "Sample Preparation", "Lab Safety", "LIMS"],
     "Our accredited laboratory tests drinking and waste water. The technician receives and logs samples in LIMS, "
     "prepares media, performs membrane filtration and plate counts, and records results for review.",
     ["laborator", "sample"]),
    ("mechanical engineering", "HVAC Design Engineer", "Coldstream Building Services",
     ["HVAC", "AutoCAD", "Thermodynamics", "Mechanical Design"],
     "Design heating, ventilation and cooling systems for offices and schools. Calculate loads, size equipment and "
     "ductwork, produce drawings in AutoCAD, and support the site team during installation and commissioning.",
     ["design", "manufactur"]),
    ("human resources", "Talent Acquisition Coordinator", "Pinecrest Health",
     ["Recruiting", "Applicant Tracking Systems", "Interviewing", "Onboarding"],
     "Schedule interviews across departments, post roles on job boards, screen applications in our ATS, and "
     "coordinate offers and onboarding for new starters.", ["hir", "manager"]),
    ("customer support", "Customer Service Advisor", "Evergreen Energy", ["Customer Service", "De-escalation", "CRM"],
     "Answer customer calls and emails about bills, meter readings and moving home. Resolve complaints at the first "
     "point of contact where you can, record every interaction in the CRM.", ["customer"]),
    ("logistics and supply chain", "Warehouse Team Leader", "Harbour Distribution",
     ["Warehouse Management", "Forklift Operation", "Inventory Management"],
     "Lead a team of twelve in a chilled distribution centre. Allocate work, monitor productivity and accuracy, carry "
     "out stock counts, and make sure everyone works safely.", ["stock", "safe"]),
    ("healthcare", "Pharmacy Technician", "Greenway Community Pharmacy",
     ["Medication Administration", "Patient Education", "Medical Terminology"],
     "Dispense prescriptions accurately under the pharmacist's supervision, check stock and expiry dates, counsel "
     "patients on how to take their medicines, and keep patient records up to date.", ["prescri", "patient"]),
    ("education", "Early Years Practitioner", "Little Acorns Nursery",
     ["Early Childhood Education", "Parent Communication", "Lesson Planning"],
     "Plan play-based activities for the pre-school room, observe and record each child's development, keep the "
     "room safe and welcoming, and share progress with parents.", ["child", "parent"]),
    ("software", "Front-end Developer", "Paperlane", ["TypeScript", "React", "CSS", "Accessibility"],
     "Build accessible, fast interfaces for our invoicing app in React and TypeScript. Work with designers on the "
     "component library and review your colleagues' pull requests.", ["project", "test"]),
    ("legal", "Solicitor (Conveyancing)", "Ashby Lane Solicitors",
     ["Legal Research", "Contract Drafting", "Due Diligence"],
     "Run a caseload of residential sales and purchases from instruction to completion. Review title and searches, "
     "draft contracts and transfer deeds, and advise clients clearly on risks.", ["client", "risk"]),
    ("skilled trades", "Welder Fabricator", "Kiln Street Engineering",
     ["Welding", "Blueprint Reading", "Hand and Power Tools"],
     "MIG and TIG welding of steel and aluminium structures from drawings. Cut, shape and fit parts, check work "
     "against tolerances, and keep the bay safe.", ["weld", "inspection"]),
    ("hospitality", "Barista", "Copper Kettle Coffee", ["Food and Beverage Service", "Cash Handling", "Customer Service"],
     "Make great coffee, serve customers quickly and warmly during the morning rush, handle the till, and keep the "
     "counter and machines clean.", ["till", "shift"]),
]


@pytest.mark.parametrize("family, title, company, requirements, description, field_words", HANDWRITTEN,
                         ids=[job[1] for job in HANDWRITTEN])
def test_jobs_not_from_the_catalogue_get_advice_for_their_field(family, title, company, requirements, description,
                                                                field_words):
    guides = _guides(title, company, description, requirements)
    assert guides._family == family
    assert advice.check(guides, family, requirements, own=[title, company]) == []
    text = _text(guides).lower()
    assert all(word in text for word in field_words), (title, field_words, text)
