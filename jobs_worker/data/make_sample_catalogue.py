"""Writes sample_jobs.json, the sample catalogue (`make demo`, the admins' "load the sample
catalogue"): postings written for this project (fictional companies) across 20 occupational
families and 12 countries, with local currencies, salary ranges (some hourly, some only in the text,
some absent), remote options and employment types. Deterministic: the same file every time.

    .venv/bin/python jobs_worker/data/make_sample_catalogue.py"""

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUT = Path(__file__).with_name("sample_jobs.json")
PER_FAMILY = 16

# country: (currency, salary factor against the EUR bases below, cities)
COUNTRIES = {
    "Portugal": ("EUR", 0.55, ["Lisbon", "Porto", "Braga"]),
    "Germany": ("EUR", 1.0, ["Berlin", "Munich", "Hamburg"]),
    "Netherlands": ("EUR", 1.0, ["Amsterdam", "Rotterdam", "Utrecht"]),
    "France": ("EUR", 0.95, ["Paris", "Lyon", "Toulouse"]),
    "Spain": ("EUR", 0.65, ["Madrid", "Barcelona", "Valencia"]),
    "Ireland": ("EUR", 1.05, ["Dublin", "Cork"]),
    "United Kingdom": ("GBP", 0.85, ["London", "Manchester", "Edinburgh"]),
    "United States": ("USD", 1.55, ["New York, NY", "Austin, TX", "Chicago, IL", "Seattle, WA"]),
    "Canada": ("CAD", 1.45, ["Toronto, ON", "Vancouver, BC", "Montreal, QC"]),
    "India": ("INR", 22.0, ["Bengaluru", "Pune", "Hyderabad"]),
    "Poland": ("PLN", 2.6, ["Warsaw", "Krakow", "Wroclaw"]),
    "Sweden": ("SEK", 10.5, ["Stockholm", "Gothenburg"]),
}

FAMILIES = {
    "software engineering": {
        "base": 62000, "remote": 0.5,
        "titles": ["Backend Engineer", "Frontend Engineer", "Full-Stack Developer", "Mobile Developer (iOS)",
                   "Android Engineer", "Platform Engineer"],
        "companies": ["Northwind Labs", "Tidepool Software", "Brightloop", "Quillstack", "Harbor Systems"],
        "duties": ["design, build and operate services that handle millions of requests a day",
                   "review code with care and help teammates ship small, safe changes",
                   "own features from the first sketch to production monitoring",
                   "improve test coverage and make the CI pipeline faster",
                   "work with product managers and designers to shape what we build next",
                   "profile slow paths and fix performance problems at their root",
                   "write clear technical documents before large changes",
                   "take part in a humane on-call rotation for the services you own"],
        "skills": [["Python", "Django", "PostgreSQL", "Docker"], ["TypeScript", "React", "CSS", "Jest"],
                   ["Java", "Spring", "Kafka", "Kubernetes"], ["Swift", "SwiftUI", "iOS", "XCTest"],
                   ["Kotlin", "Android", "REST APIs", "Git"], ["Go", "gRPC", "Redis", "AWS"]],
    },
    "data and analytics": {
        "base": 60000, "remote": 0.45,
        "titles": ["Data Analyst", "Data Engineer", "Data Scientist", "Analytics Engineer", "Machine Learning Engineer"],
        "companies": ["Ledgerline Analytics", "Meridian Insights", "Cobalt Metrics", "Orbital Data"],
        "duties": ["build reliable pipelines that feed our warehouse every hour",
                   "turn messy business questions into clear analyses and dashboards",
                   "design experiments and read their results honestly",
                   "train, evaluate and monitor models that serve real customers",
                   "model data so that analysts can answer questions on their own",
                   "partner with finance and marketing teams on their metrics",
                   "document datasets and keep their quality checks green",
                   "present findings to leadership in plain language"],
        "skills": [["SQL", "Tableau", "Excel", "Statistics"], ["Python", "Apache Airflow", "dbt", "Snowflake"],
                   ["Python", "scikit-learn", "Machine Learning", "A/B Testing"], ["SQL", "dbt", "BigQuery", "Looker"],
                   ["PyTorch", "MLOps", "Docker", "Feature Engineering"]],
    },
    "devops and cloud": {
        "base": 66000, "remote": 0.55,
        "titles": ["DevOps Engineer", "Site Reliability Engineer", "Cloud Engineer", "Security Engineer"],
        "companies": ["Stratus Works", "Ironclad Cloud", "Keel Infrastructure", "Harbor Systems"],
        "duties": ["run our Kubernetes clusters across several regions",
                   "automate infrastructure with code reviewed like any other code",
                   "define service level objectives and the alerts that protect them",
                   "lead blameless incident reviews and follow up on their actions",
                   "harden our cloud accounts and review access regularly",
                   "cut build and deploy times for every engineering team",
                   "plan capacity and keep the cloud bill under control",
                   "coach developers on observability and safe releases"],
        "skills": [["Kubernetes", "Terraform", "AWS", "CI/CD"], ["Prometheus", "Grafana", "Linux", "Go"],
                   ["Azure", "Terraform", "Ansible", "GitHub Actions"], ["Cybersecurity", "OAuth", "Penetration Testing", "AWS"]],
    },
    "design": {
        "base": 52000, "remote": 0.5,
        "titles": ["Product Designer", "UX Researcher", "UI Designer", "Graphic Designer", "Brand Designer"],
        "companies": ["Paperkite Studio", "Lumen & Line", "Brightloop", "Fable Creative"],
        "duties": ["run interviews and usability tests with real customers",
                   "turn research into flows, wireframes and polished interfaces",
                   "grow and maintain our design system with engineers",
                   "design campaigns, illustrations and brand assets",
                   "present design decisions and the reasoning behind them",
                   "make every screen accessible and easy to read",
                   "prototype ideas quickly to test them before building",
                   "work closely with product and engineering from day one"],
        "skills": [["Figma", "Prototyping", "User Research", "Design Systems"], ["User Research", "Wireframing", "Interaction Design"],
                   ["Figma", "UI Design", "Typography", "Accessibility"], ["Adobe Illustrator", "Adobe Photoshop", "Graphic Design"],
                   ["Branding", "Adobe InDesign", "Typography", "Illustration"]],
    },
    "product and project management": {
        "base": 64000, "remote": 0.4,
        "titles": ["Product Manager", "Project Manager", "Program Manager", "Scrum Master", "Product Owner"],
        "companies": ["Northwind Labs", "Cobalt Metrics", "Vantage Projects", "Tidepool Software"],
        "duties": ["own the roadmap of a product area and explain its priorities",
                   "plan projects, track risks and keep stakeholders informed",
                   "run discovery with customers and turn insight into user stories",
                   "facilitate sprint ceremonies and remove blockers for the team",
                   "set goals with measurable outcomes and report on them",
                   "coordinate releases across several teams and vendors",
                   "manage budgets and timelines for cross-functional programs",
                   "write crisp requirements that engineers can build from"],
        "skills": [["Product Management", "Roadmapping", "Product Discovery", "OKRs"],
                   ["Project Management", "Project Scheduling", "Stakeholder Management", "Budget Management"],
                   ["Program Management", "Change Management", "Jira"], ["Scrum Master", "Agile", "Jira", "User Stories"],
                   ["User Stories", "Requirements Gathering", "Agile", "Product Management"]],
    },
    "nursing and healthcare": {
        "base": 40000, "remote": 0.0, "hourly": True,
        "titles": ["Registered Nurse", "ICU Nurse", "Emergency Room Nurse", "Pediatric Nurse", "Medical Assistant",
                   "Physical Therapist"],
        "companies": ["St. Aldric Hospital", "Riverbend Health", "Clearwater Clinics", "Northgate Medical Center"],
        "duties": ["assess patients and plan their care with the medical team",
                   "administer medication safely and document it in the EHR",
                   "monitor vital signs and respond quickly to changes",
                   "educate patients and families before discharge",
                   "follow infection control procedures on every shift",
                   "triage incoming patients in a busy department",
                   "mentor new nurses and nursing students",
                   "work rotating shifts including some weekends"],
        "skills": [["Nursing", "Patient Care", "Medication Administration", "EHR"], ["Critical Care", "BLS/ACLS", "Telemetry", "IV Therapy"],
                   ["Emergency Nursing", "Triage", "BLS/ACLS", "Wound Care"], ["Pediatrics", "Pediatric Advanced Life Support", "Patient Education"],
                   ["Medical Assisting", "Vital Signs", "Phlebotomy", "Medical Terminology"], ["Physical Therapy", "Care Planning", "Patient Education"]],
    },
    "teaching and education": {
        "base": 36000, "remote": 0.1,
        "titles": ["Primary School Teacher", "Secondary Mathematics Teacher", "Science Teacher", "Special Education Teacher",
                   "ESL Teacher", "Early Years Educator"],
        "companies": ["Oakridge Academy", "Bright Horizons School", "Lakeside International School", "Westfield College"],
        "duties": ["plan engaging lessons that meet the curriculum",
                   "adapt teaching to the different needs of every student",
                   "assess progress and give useful feedback",
                   "keep a calm, well-organised classroom",
                   "communicate regularly with parents and carers",
                   "work with colleagues on curriculum development",
                   "use educational technology where it helps learning",
                   "support extracurricular activities and school trips"],
        "skills": [["Lesson Planning", "Classroom Management", "Literacy Instruction"], ["Mathematics Teaching", "Student Assessment", "Differentiated Instruction"],
                   ["Science Teaching", "Lesson Planning", "Educational Technology"], ["Special Education", "Differentiated Instruction", "Parent Communication"],
                   ["ESL", "Lesson Planning", "Student Assessment"], ["Early Childhood Education", "Parent Communication", "Classroom Management"]],
    },
    "finance and accounting": {
        "base": 50000, "remote": 0.3,
        "titles": ["Accountant", "Financial Analyst", "Auditor", "Accounts Payable Specialist", "Tax Associate", "Credit Analyst"],
        "companies": ["Greystone Partners", "Ledgerline Analytics", "Fairhaven Bank", "Ashford & Cole"],
        "duties": ["prepare monthly financial statements and reconciliations",
                   "build financial models that support business decisions",
                   "audit processes and controls and report findings",
                   "process invoices and payments accurately and on time",
                   "prepare tax returns and keep up with regulation",
                   "analyse credit applications and recommend limits",
                   "support budgeting and forecasting cycles",
                   "work with auditors during the year-end close"],
        "skills": [["Accounting", "Month-End Close", "General Ledger", "IFRS"], ["Financial Modeling", "Forecasting", "Excel", "Valuation"],
                   ["Auditing", "Risk Management", "GAAP"], ["Accounts Payable", "Bank Reconciliation", "SAP"],
                   ["Tax Preparation", "Accounting", "Excel"], ["Credit Analysis", "Financial Analysis", "Risk Management"]],
    },
    "marketing": {
        "base": 48000, "remote": 0.45,
        "titles": ["Digital Marketing Manager", "SEO Specialist", "Content Marketer", "Social Media Manager", "Product Marketing Manager"],
        "companies": ["Fable Creative", "Signal & Spark", "Brightloop", "Copperleaf Media"],
        "duties": ["plan and run campaigns across paid and organic channels",
                   "improve search rankings with technical and content work",
                   "write articles, newsletters and landing pages",
                   "grow our social media presence with a consistent voice",
                   "position new features and prepare their launches",
                   "report on campaign performance and budget",
                   "run market research and share what customers need",
                   "work with sales on messaging and materials"],
        "skills": [["Digital Marketing", "Paid Advertising", "Google Analytics", "Campaign Management"], ["SEO", "Keyword Research", "Google Search Console"],
                   ["Content Writing", "Content Marketing", "Email Marketing"], ["Social Media Marketing", "Content Creation", "Influencer Marketing"],
                   ["Product Marketing", "Market Research", "Brand Strategy"]],
    },
    "sales": {
        "base": 45000, "remote": 0.3,
        "titles": ["Account Executive", "Sales Development Representative", "Key Account Manager", "Retail Sales Associate"],
        "companies": ["Signal & Spark", "Vantage Projects", "Harbor Systems", "Maple Street Retail"],
        "duties": ["build a pipeline of qualified opportunities",
                   "run discovery calls and tailored product demos",
                   "negotiate and close new business",
                   "grow existing accounts through trusted relationships",
                   "keep the CRM accurate and forecast honestly",
                   "work with marketing on campaigns for your territory",
                   "help customers in store find what they need",
                   "meet and exceed quarterly targets"],
        "skills": [["B2B Sales", "Negotiation", "Closing", "Salesforce"], ["Lead Generation", "CRM", "HubSpot"],
                   ["Account Management", "Solution Selling", "Pipeline Management"], ["Retail Sales", "Customer Service", "Cash Handling"]],
    },
    "human resources": {
        "base": 44000, "remote": 0.3,
        "titles": ["HR Generalist", "Recruiter", "Talent Acquisition Partner", "Payroll Specialist", "HR Business Partner"],
        "companies": ["Greystone Partners", "Peoplecraft", "Northgate Medical Center", "Keel Infrastructure"],
        "duties": ["manage the full recruiting cycle for several teams",
                   "source candidates and build diverse pipelines",
                   "run payroll accurately for several countries",
                   "advise managers on employee relations",
                   "improve onboarding for new employees",
                   "administer benefits and answer employee questions",
                   "support performance reviews and development plans",
                   "keep HR data accurate in our HRIS"],
        "skills": [["Employee Relations", "HRIS", "Onboarding", "Employment Law"], ["Recruiting", "Candidate Sourcing", "Interviewing"],
                   ["Recruiting", "Applicant Tracking Systems", "Stakeholder Management"], ["Payroll", "Benefits Administration", "Excel"],
                   ["Performance Management", "Compensation", "Change Management"]],
    },
    "legal": {
        "base": 58000, "remote": 0.2,
        "titles": ["Corporate Lawyer", "Paralegal", "Legal Counsel", "Compliance Officer", "Privacy Counsel"],
        "companies": ["Ashford & Cole", "Fairhaven Bank", "Whitlock Legal", "Meridian Insights"],
        "duties": ["draft and negotiate commercial contracts",
                   "research legal questions and write clear memos",
                   "support litigation and manage case files",
                   "run due diligence for acquisitions",
                   "monitor regulatory changes and advise the business",
                   "lead data protection assessments",
                   "train colleagues on compliance topics",
                   "work with outside counsel on complex matters"],
        "skills": [["Corporate Law", "Contract Drafting", "Due Diligence"], ["Paralegal", "Legal Research", "Case Management", "eDiscovery"],
                   ["Contract Drafting", "Legal Writing", "Intellectual Property"], ["Regulatory Compliance", "Risk Management"],
                   ["Data Privacy", "Regulatory Compliance", "Legal Writing"]],
    },
    "civil engineering": {
        "base": 52000, "remote": 0.05,
        "titles": ["Civil Engineer", "Structural Engineer", "Site Engineer", "Transportation Engineer", "Water Resources Engineer"],
        "companies": ["Granite & Rail", "Atlas Structures", "Blue River Engineering", "Vantage Projects"],
        "duties": ["design site grading, drainage and utilities",
                   "run structural calculations and check drawings",
                   "supervise contractors on site and keep work safe",
                   "model road networks and traffic flows",
                   "design stormwater systems that meet regulations",
                   "prepare permit applications and cost estimates",
                   "coordinate with architects, surveyors and clients",
                   "mentor graduate engineers"],
        "skills": [["Civil 3D", "Site Grading", "Stormwater Design", "AutoCAD"], ["Structural Analysis", "Revit", "Professional Engineer License"],
                   ["Construction Management", "Surveying", "OSHA Safety"], ["Transportation Engineering", "MicroStation", "Permitting"],
                   ["Water Resources Engineering", "Hydraulic Modeling", "Stormwater Design"]],
    },
    "mechanical engineering": {
        "base": 55000, "remote": 0.05,
        "titles": ["Mechanical Engineer", "Design Engineer", "Manufacturing Engineer", "Reliability Engineer"],
        "companies": ["Kestrel Dynamics", "Atlas Structures", "Norland Motors", "Pinecrest Manufacturing"],
        "duties": ["design mechanical parts and assemblies in CAD",
                   "run simulations to validate designs before prototyping",
                   "improve manufacturing processes and yields",
                   "lead root cause analysis of field failures",
                   "write test plans and analyse results",
                   "work with suppliers on tooling and quality",
                   "apply design for manufacturing from the start",
                   "document designs with clear drawings and tolerances"],
        "skills": [["SolidWorks", "Mechanical Design", "GD&T"], ["CATIA", "Finite Element Analysis", "CFD"],
                   ["Design for Manufacturing", "Lean Six Sigma", "Injection Molding"], ["Root Cause Analysis", "FMEA", "Preventive Maintenance"]],
    },
    "electrical engineering": {
        "base": 57000, "remote": 0.05,
        "titles": ["Electrical Engineer", "Hardware Engineer", "Power Systems Engineer", "Controls Engineer", "Embedded Systems Engineer"],
        "companies": ["Kestrel Dynamics", "Voltaic Grid", "Norland Motors", "Circuitry Works"],
        "duties": ["design circuits and lay out printed circuit boards",
                   "study power systems and protection schemes",
                   "program and commission PLC-based control systems",
                   "write firmware for embedded devices",
                   "test prototypes in the lab with the right equipment",
                   "prepare electrical drawings and specifications",
                   "support production and field teams",
                   "keep designs compliant with safety standards"],
        "skills": [["Electrical Design", "Circuit Design", "Test Equipment"], ["PCB Design", "Altium", "Circuit Design"],
                   ["Power Systems", "ETAP", "Electrical Design"], ["PLC Programming", "Motor Controls", "Troubleshooting"],
                   ["Embedded Systems", "C", "Signal Processing"]],
    },
    "skilled trades": {
        "base": 34000, "remote": 0.0, "hourly": True,
        "titles": ["Electrician", "HVAC Technician", "Plumber", "Welder", "CNC Machinist", "Maintenance Technician", "Carpenter"],
        "companies": ["Summit Building Services", "Pinecrest Manufacturing", "Ironworks Fabrication", "Cityline Facilities"],
        "duties": ["install, maintain and repair systems to code",
                   "read blueprints and plan the work before starting",
                   "diagnose faults and fix them right the first time",
                   "keep tools, vans and workshops safe and tidy",
                   "follow safety procedures on every job",
                   "carry out preventive maintenance on schedule",
                   "talk clearly with customers about the work done",
                   "train apprentices on the job"],
        "skills": [["Electrical Wiring", "National Electrical Code", "Journeyman License"], ["HVAC", "EPA 608 Certification", "Troubleshooting"],
                   ["Plumbing", "Blueprint Reading", "OSHA Safety"], ["Welding", "Blueprint Reading", "Hand and Power Tools"],
                   ["CNC Machining", "GD&T", "Blueprint Reading"], ["Preventive Maintenance", "Troubleshooting", "Motor Controls"],
                   ["Carpentry", "Hand and Power Tools", "Blueprint Reading"]],
    },
    "logistics and supply chain": {
        "base": 42000, "remote": 0.15,
        "titles": ["Supply Chain Analyst", "Warehouse Supervisor", "Logistics Coordinator", "Procurement Specialist", "Demand Planner"],
        "companies": ["Meridian Freight", "Maple Street Retail", "Norland Motors", "Portside Logistics"],
        "duties": ["plan inventory levels across warehouses",
                   "lead a warehouse team on day and evening shifts",
                   "coordinate shipments with carriers and customs brokers",
                   "negotiate with suppliers and manage purchase orders",
                   "forecast demand and share plans with operations",
                   "track KPIs and improve on-time delivery",
                   "keep the warehouse safe and audit-ready",
                   "work with finance on costs and savings"],
        "skills": [["Supply Chain Management", "Demand Planning", "Excel"], ["Warehouse Management", "Inventory Management", "Forklift Operation"],
                   ["Logistics", "Customs Compliance", "Fleet Management"], ["Procurement", "Vendor Management", "Negotiation"],
                   ["Demand Planning", "Forecasting", "SAP"]],
    },
    "hospitality": {
        "base": 28000, "remote": 0.0, "hourly": True,
        "titles": ["Sous Chef", "Front Desk Agent", "Restaurant Manager", "Bartender", "Event Coordinator", "Housekeeping Supervisor"],
        "companies": ["The Harbour Hotel", "Olive & Thyme", "Grand Meridian Resort", "Cityline Events"],
        "duties": ["prepare dishes to a consistent high standard",
                   "welcome guests and handle reservations smoothly",
                   "lead the floor team during busy services",
                   "mix drinks and keep the bar stocked and clean",
                   "plan events with clients from brief to final bill",
                   "train new team members in service standards",
                   "follow food safety rules at every step",
                   "resolve guest complaints calmly and quickly"],
        "skills": [["Culinary Arts", "Food Safety"], ["Guest Services", "Reservations", "Cash Handling"],
                   ["Food and Beverage Service", "Leadership", "Revenue Management"], ["Bartending", "Cash Handling", "Customer Service"],
                   ["Event Planning", "Budget Management", "Communication"], ["Housekeeping", "Guest Services", "Leadership"]],
    },
    "customer support": {
        "base": 33000, "remote": 0.6,
        "titles": ["Customer Support Specialist", "Technical Support Engineer", "Customer Success Manager", "Support Team Lead"],
        "companies": ["Tidepool Software", "Quillstack", "Fairhaven Bank", "Signal & Spark"],
        "duties": ["answer customer questions by email, chat and phone",
                   "troubleshoot technical problems and escalate bugs clearly",
                   "onboard new customers and help them succeed",
                   "write and improve knowledge base articles",
                   "meet response time targets without rushing people",
                   "calm frustrated customers and find a way forward",
                   "share customer feedback with product teams",
                   "coach a team of support agents"],
        "skills": [["Customer Service", "Ticketing Systems", "Live Chat Support"], ["Technical Support", "Troubleshooting", "SQL"],
                   ["Customer Success", "Account Management", "Communication"], ["SLA Management", "Leadership", "Knowledge Base"]],
    },
    "lab science": {
        "base": 46000, "remote": 0.0,
        "titles": ["Laboratory Technician", "Research Scientist", "Quality Control Analyst", "Microbiologist", "Clinical Laboratory Scientist"],
        "companies": ["Helix Biosciences", "Clearwater Clinics", "Northbridge Pharma", "Aster Diagnostics"],
        "duties": ["run assays and record results accurately",
                   "design experiments and analyse the data",
                   "test batches against specifications before release",
                   "culture and identify microorganisms",
                   "maintain instruments and the lab information system",
                   "follow GMP and good laboratory practice",
                   "write reports and standard operating procedures",
                   "keep the lab safe and well stocked"],
        "skills": [["PCR", "Sample Preparation", "Lab Safety"], ["Molecular Biology", "CRISPR", "Cell Culture"],
                   ["Quality Control", "HPLC", "GMP"], ["Microbiology", "Good Laboratory Practice", "LIMS"],
                   ["Clinical Laboratory Testing", "Phlebotomy", "Quality Control"]],
    },
}

LEVELS = [("Junior ", 0.75), ("", 1.0), ("", 1.0), ("Senior ", 1.3), ("Lead ", 1.5)]
INTROS = ["{company} is growing and looking for a {title} to join our team in {city}.",
          "At {company} we care about doing good work with good people. We are hiring a {title}.",
          "Join {company} as a {title} and help us serve thousands of customers better.",
          "{company} is a friendly, established employer. Our {city} team needs a {title}."]
OFFERS = ["Paid time off and a learning budget", "Flexible hours around core hours", "A pension plan with employer match",
          "Health insurance for you and your family", "Clear career paths and yearly reviews", "Parental leave above the legal minimum",
          "A modern workplace close to public transport", "Support for certifications and courses"]
EMPLOYMENT = ["full_time"] * 7 + ["part_time", "contract", "temporary"]


def main() -> None:
    rng = random.Random(20261125)
    now = datetime(2026, 11, 20, tzinfo=UTC)
    postings = []
    for family, spec in FAMILIES.items():
        used = set()
        while sum(1 for p in postings if p["family"] == family) < PER_FAMILY:
            index = rng.randrange(len(spec["titles"]))
            level, factor = rng.choice(LEVELS)
            title = level + spec["titles"][index]
            company = rng.choice(spec["companies"])
            country = rng.choice(list(COUNTRIES))
            currency, country_factor, cities = COUNTRIES[country]
            city = rng.choice(cities)
            remote = "remote" if rng.random() < spec["remote"] else "hybrid" if rng.random() < 0.35 else "onsite"
            location = "Remote" if remote == "remote" and rng.random() < 0.3 else f"{city}, {country}"
            if (title, company, location) in used:
                continue
            used.add((title, company, location))
            employment = "internship" if level == "Junior " and rng.random() < 0.2 else rng.choice(EMPLOYMENT)
            duties = rng.sample(spec["duties"], 5)
            skills = spec["skills"][index % len(spec["skills"])]
            yearly = spec["base"] * factor * country_factor * rng.uniform(0.9, 1.1)
            low, high = round(yearly * 0.9, -3), round(yearly * 1.15, -3)
            salary = {}
            style = rng.random()
            salary_line = ""
            if spec.get("hourly") and currency in ("USD", "CAD", "GBP") and style < 0.6:
                salary = {"salary_min": round(low / 2080, 2), "salary_max": round(high / 2080, 2),
                          "salary_currency": currency, "salary_period": "hour"}
            elif style < 0.6:
                salary = {"salary_min": int(low), "salary_max": int(high), "salary_currency": currency}
            elif style < 0.8:
                salary_line = f"<p>Salary: {currency} {int(low):,} - {int(high):,} per year.</p>"
            body = (f"<p>{rng.choice(INTROS).format(company=company, title=title, city=city)}</p>"
                    f"<h3>What you will do</h3><ul>{''.join(f'<li>You will {d}.</li>' for d in duties)}</ul>"
                    f"<h3>What you bring</h3><ul>"
                    f"<li>{rng.choice([2, 3, 4, 5, 6]) if level else 2}+ years of relevant experience "
                    f"{'(or a strong internship)' if level == 'Junior ' else ''}</li>"
                    f"{''.join(f'<li>Hands-on experience with {s}</li>' for s in skills)}"
                    f"<li>Clear communication in English{' and ' + {'Germany': 'German', 'France': 'French', 'Spain': 'Spanish', 'Portugal': 'Portuguese', 'Netherlands': 'Dutch', 'Poland': 'Polish', 'Sweden': 'Swedish'}.get(country, '') if country in ('Germany', 'France', 'Spain', 'Portugal', 'Netherlands', 'Poland', 'Sweden') and rng.random() < 0.5 else ''}</li></ul>"
                    f"<h3>What we offer</h3><ul>{''.join(f'<li>{o}</li>' for o in rng.sample(OFFERS, 3))}</ul>"
                    f"<p>Work mode: {remote}.</p>{salary_line}")
            number = len(postings) + 1
            slug = f"{family.split()[0]}-{number:04d}"
            postings.append({
                "id": f"sample-{number:04d}", "family": family, "title": title, "company": company,
                "location": location, "country": country, "remote": remote, "employment_type": employment,
                "description": body, "skills": skills,
                "posted_at": (now - timedelta(days=rng.randrange(0, 60), hours=rng.randrange(24))).isoformat(),
                "url": f"https://careers.example.com/{slug}", **salary})
    OUT.write_text(json.dumps({"about": "Sample catalogue written for Career Copilot: fictional employers, realistic "
                                        "postings. Generated by make_sample_catalogue.py.",
                               "postings": postings}, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(postings)} postings, {len(FAMILIES)} families, {len({p['country'] for p in postings})} countries -> {OUT}")


if __name__ == "__main__":
    main()
