"""Resumes and jobs of six occupations, written for the studio's tests: each resume mixes the line
shapes real resumes have (lines led by a past or present verb, a third-person verb, a gerund, a noun,
an adjective, a role title; two sentences on one line; a label and a list), a contact line under the
name, and roles that are not in reverse-chronological order."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Occupation:
    key: str
    name: str  # the name the resume is signed with
    contact: str  # the contact line under the name
    resume: list[str]
    company: str
    title: str
    skills: list[str]  # the job's required skills
    description: str
    newest_role: str  # the header of the current role: first in a tailored resume
    oldest_role: str


NURSE = Occupation(
    key="nurse",
    name="Maria Santos",
    contact="maria.santos@example.com | (555) 214-7788 | linkedin.com/in/mariasantos",
    resume=[
        "Maria Santos",
        "maria.santos@example.com | (555) 214-7788 | linkedin.com/in/mariasantos",
        "Registered Nurse",
        "Summary",
        "Registered Nurse with 6 years of experience on cardiac step-down and telemetry units. Skilled in cardiac "
        "monitoring, patient education and rapid response.",
        "Experience",
        "Staff Nurse, St. Luke's Medical Center, 2016 - 2020",
        "- Monitored telemetry for 5 patients per shift on a cardiac step-down unit.",
        "- Patient education on heart failure and discharge medications.",
        "- Precepted 4 new graduate nurses.",
        "Registered Nurse, Mercy General Hospital, Jan 2020 - Present",
        "- Manage care for 4 to 5 patients on a 32-bed telemetry unit.",
        "- Responding to rapid response calls and escalating changes in condition to the physician.",
        "- Triage of incoming admissions from the emergency department.",
        "Education",
        "BSN, University of Illinois Chicago, 2016",
        "Licenses and Certifications",
        "Illinois RN License; BLS; ACLS",
    ],
    company="Clearwater Clinics",
    title="ICU Nurse",
    skills=["Telemetry", "Patient education", "ACLS", "Critical care", "Triage"],
    description="Clearwater Clinics is hiring an ICU Nurse for its 20-bed intensive care unit. You will monitor "
                "telemetry, educate patients and families, triage admissions and keep ACLS current. Critical care "
                "experience required.",
    newest_role="Registered Nurse, Mercy General Hospital, Jan 2020 - Present",
    oldest_role="Staff Nurse, St. Luke's Medical Center, 2016 - 2020",
)

TEACHER = Occupation(
    key="teacher",
    name="Daniel Okafor",
    contact="Chicago, IL · daniel.okafor@example.org · 312-555-0147",
    resume=[
        "Daniel Okafor",
        "Chicago, IL · daniel.okafor@example.org · 312-555-0147",
        "Summary",
        "Certified elementary teacher who plans engaging, standards-based lessons for diverse learners.",
        "Experience",
        "Student Teacher, Hawthorne Academy, January 2018 to June 2019",
        "Co-taught third-grade reading groups and led parent conferences.",
        "Grade 4 Teacher — Lincoln Park Elementary School — August 2019 – Present",
        "Plan and deliver daily lessons in math, reading and science for a class of 28 students.",
        "Differentiated instruction for English language learners and students with IEPs.",
        "Classroom management using positive behavior supports; reduced office referrals by 30%.",
        "Education",
        "Bachelor of Science in Elementary Education, Illinois State University, 2018",
        "Certifications",
        "Illinois Professional Educator License",
    ],
    company="Maple Grove School District",
    title="Elementary Teacher",
    skills=["Lesson planning", "Classroom management", "Differentiated instruction", "Special education"],
    description="Maple Grove School District seeks an Elementary Teacher to plan lessons, manage a classroom with "
                "positive behavior supports, differentiate instruction and support students in special education.",
    newest_role="Grade 4 Teacher — Lincoln Park Elementary School — August 2019 – Present",
    oldest_role="Student Teacher, Hawthorne Academy, January 2018 to June 2019",
)

ELECTRICIAN = Occupation(
    key="electrician",
    name="Luis Herrera",
    contact="luis.herrera@example.com | 303-555-0182 | Denver, CO",
    resume=[
        "Luis Herrera",
        "luis.herrera@example.com | 303-555-0182 | Denver, CO",
        "Licensed Journeyman Electrician",
        "Profile",
        "Journeyman electrician with 8 years in commercial and industrial electrical work. OSHA 30 certified.",
        "Work History",
        "Electrician, Summit Electric Co., 03/2016 - 05/2019",
        "Installed conduit, panels and lighting for retail fit-outs.",
        "Journeyman Electrician, Front Range Industrial Services, 2019 – Current",
        "Troubleshoots motor controls and PLC panels on production lines.",
        "Installs and terminates 480V three-phase power distribution.",
        "Responsible for NEC code compliance on every job and for passing inspections.",
        "Lockout/tagout and arc-flash safety on energized equipment",
        "Certifications",
        "Colorado Journeyman Electrician License; OSHA 30",
    ],
    company="Peak Power Contractors",
    title="Industrial Electrician",
    skills=["Troubleshooting", "NEC", "Conduit installation", "Lockout/tagout", "Medium voltage"],
    description="Peak Power Contractors needs an Industrial Electrician to troubleshoot motor controls, install "
                "conduit, work to the NEC and follow lockout/tagout. Medium voltage experience is required.",
    newest_role="Journeyman Electrician, Front Range Industrial Services, 2019 – Current",
    oldest_role="Electrician, Summit Electric Co., 03/2016 - 05/2019",
)

ACCOUNTANT = Occupation(
    key="accountant",
    name="Priya Natarajan",
    contact="priya.natarajan@example.com · +1 415 555 0199",
    resume=[
        "Priya Natarajan, CPA",
        "priya.natarajan@example.com · +1 415 555 0199",
        "Professional Summary",
        "Detail-oriented staff accountant with 5 years of experience in month-end close and reconciliations.",
        "Professional Experience",
        "Staff Accountant | Harbor & Main LLP | Sep 2018 - Jun 2021",
        "• Accounts payable and accounts receivable for 120 clients.",
        "• Supported the annual external audit, preparing PBC schedules.",
        "Senior Accountant | Bayview Logistics | Jul 2021 - now",
        "• Own the month-end close for three entities, finishing in 5 business days.",
        "• Reconciled 40 balance sheet accounts monthly and cleared aged items.",
        "• Prepares journal entries and accruals in NetSuite.",
        "Education",
        "B.S. in Accounting, San Francisco State University",
        "Skills",
        "GAAP, Excel, NetSuite, QuickBooks, account reconciliation",
    ],
    company="Redwood Financial Group",
    title="Senior Accountant",
    skills=["Month-end close", "Account reconciliation", "GAAP", "NetSuite", "SOX compliance"],
    description="Redwood Financial Group is hiring a Senior Accountant to own the month-end close, reconcile accounts "
                "under GAAP in NetSuite and support SOX compliance testing.",
    newest_role="Senior Accountant | Bayview Logistics | Jul 2021 - now",
    oldest_role="Staff Accountant | Harbor & Main LLP | Sep 2018 - Jun 2021",
)

SOFTWARE = Occupation(
    key="software",
    name="Jordan Rivera",
    contact="jordan.rivera@example.com | github.com/jrivera | Austin, TX",
    resume=[
        "Jordan Rivera",
        "jordan.rivera@example.com | github.com/jrivera | Austin, TX",
        "Senior Backend Engineer",
        "Summary",
        "Backend engineer who builds reliable Python services.",
        "Experience",
        "Backend Developer, Brightwave Labs, 2015 - 2019",
        "Built Django apps on PostgreSQL and Redis.",
        "Senior Backend Engineer, Acme Analytics, 2019 - Present",
        "Built Python services with FastAPI serving 2 million requests a day.",
        "Cut API latency by 40% and saved $120,000 a year in hosting.",
        "Led a migration to Docker on AWS with Terraform.",
        "Education",
        "BSc Computer Science, University of Leeds, 2015",
        "Skills: Python, SQL, Redis, Docker",
    ],
    company="Northwind Health",
    title="Platform Engineer",
    skills=["Python", "PostgreSQL", "Kubernetes", "Redis"],
    description="Northwind Health is hiring a Platform Engineer to build Python services on PostgreSQL, run them on "
                "Kubernetes and AWS, and keep them fast with Redis caching.",
    newest_role="Senior Backend Engineer, Acme Analytics, 2019 - Present",
    oldest_role="Backend Developer, Brightwave Labs, 2015 - 2019",
)

CIVIL = Occupation(
    key="civil",
    name="Hannah Lindqvist",
    contact="hannah.lindqvist@example.com | +44 20 7946 0321",
    resume=[
        "HANNAH LINDQVIST",
        "hannah.lindqvist@example.com | +44 20 7946 0321",
        "Civil Engineer (CEng)",
        "Experience",
        "Graduate Engineer - Arup - Sept 2014 - Aug 2017",
        "Assisted with drainage design for two highway schemes.",
        "Civil Engineer - Atkins - Sept 2017 - present",
        "Designing stormwater drainage and SuDS for residential developments of up to 400 homes.",
        "Led site supervision on a £4.2M flood alleviation scheme, delivered on programme.",
        "Experienced in AutoCAD Civil 3D and MicroDrainage.",
        "Education",
        "MEng Civil Engineering, University of Bristol, 2014",
    ],
    company="Thames Water Partners",
    title="Drainage Engineer",
    skills=["Stormwater design", "AutoCAD Civil 3D", "Site supervision", "Hydraulic modelling"],
    description="Thames Water Partners is looking for a Drainage Engineer for stormwater design in AutoCAD Civil 3D, "
                "site supervision and hydraulic modelling of sewer networks.",
    newest_role="Civil Engineer - Atkins - Sept 2017 - present",
    oldest_role="Graduate Engineer - Arup - Sept 2014 - Aug 2017",
)

ALL = [NURSE, TEACHER, ELECTRICIAN, ACCOUNTANT, SOFTWARE, CIVIL]
