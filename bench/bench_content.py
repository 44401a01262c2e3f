"""The content studio's offline parts on this machine (no database, no model).

    .venv/bin/python bench/bench_content.py [--runs 200]

Per document type (cover letter, tailored resume, each email kind): the offline generation as the
worker runs it, from stored profiles (made at upload and at enrichment): skill evidence (evidence.cover),
the offline writer, and the truthfulness check of the result. Then the truthfulness check alone on
a one-page letter (about 2,700 characters). Targets: generation p95 <= 300 ms per document;
check p95 <= 50 ms."""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RESUME = """Jordan Rivera
Senior Backend Engineer
Summary
Backend engineer building Python services on PostgreSQL for data-heavy products.
Experience
Senior Backend Engineer, Acme Analytics, 2019 - Present
- Built Python services with FastAPI serving 2 million requests a day.
- Cut API latency by 40% and saved $120,000 a year in hosting.
- Led a migration to Docker on AWS with Terraform and GitHub Actions.
- Mentored four engineers and introduced pytest coverage gates.
Backend Developer, Brightwave Labs, 2015 - 2019
- Built Django apps on PostgreSQL and Redis for 30 retail clients.
- Wrote REST APIs consumed by iOS and Android apps.
Education
BSc Computer Science, University of Leeds, 2015
Certifications
AWS Certified Solutions Architect
Skills: Python, SQL, Redis, Docker, REST APIs, system design"""
JOB_TITLE, COMPANY = "Staff Platform Engineer", "Northwind Health"
JOB = ("Northwind Health is hiring a Staff Platform Engineer to design and build Python services on PostgreSQL, run "
       "them on Kubernetes in AWS and keep them fast with Redis. You will own our REST APIs and CI/CD pipelines, "
       "mentor engineers and improve observability with Prometheus and Grafana. 5+ years of experience.")
SKILLS = ["Python", "PostgreSQL", "Kubernetes", "AWS", "Redis", "REST APIs", "CI/CD", "Prometheus", "Go"]


def _report(name: str, samples: list[float], target_ms: float) -> None:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    verdict = "ok" if p95 <= target_ms else "OVER TARGET"
    print(f"{name:<34} median {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms   (target {target_ms:.0f} ms: "
          f"{verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    from career_app.services import content, evidence, offline_writer, truthfulness

    # Made once, as at upload and enrichment (embeddings included).
    resume_profile = evidence.resume_profile(RESUME)
    job_profile = evidence.job_profile(JOB_TITLE, JOB, SKILLS, [])
    kinds = [("cover_letter", None), ("resume_tailoring", None),
             *[("email_template", k) for k in ("follow_up", "thank_you", "withdrawal", "negotiation", "networking")]]
    print(f"offline generation, {args.runs} runs per type (evidence + writer + truthfulness check):")
    for kind, email_kind in kinds:
        samples = []
        for i in range(args.runs):
            started = time.perf_counter()
            coverage = evidence.cover(job_profile, resume_profile)
            brief = offline_writer.Brief(COMPANY, JOB_TITLE, RESUME, content._strongest(coverage), coverage.missing,
                                         tone=("formal", "warm", "confident", "concise")[i % 4],
                                         length=("short", "medium", "long")[i % 3], email_kind=email_kind)
            written = offline_writer.write(kind, brief)
            claims = truthfulness.check(written.text, truthfulness.facts_of(RESUME, JOB, COMPANY, JOB_TITLE))
            samples.append(time.perf_counter() - started)
            assert not claims, claims  # the offline writer states resume and job facts only
        _report(f"  {kind}{'/' + email_kind if email_kind else ''}", samples, 300)

    facts = truthfulness.facts_of(RESUME, JOB, COMPANY, JOB_TITLE)
    letter = offline_writer.write("cover_letter", offline_writer.Brief(
        COMPANY, JOB_TITLE, RESUME, content._strongest(evidence.cover(job_profile, resume_profile)), [], length="long"))
    page = letter.text
    while len(page) < 2700:
        page += "\n\n" + letter.text
    page = page[:3000]
    samples = []
    for _ in range(args.runs):
        started = time.perf_counter()
        truthfulness.check(page, facts)
        samples.append(time.perf_counter() - started)
    print(f"truthfulness check, one page ({len(page)} characters, {len(truthfulness.extract_claims(page))} claims):")
    _report("  check", samples, 50)


if __name__ == "__main__":
    main()
