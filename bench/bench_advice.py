"""What the family advice costs per posting, on the sample catalogue (no database, no model).

    .venv/bin/python bench/bench_advice.py [--runs 7]

Prints, per posting (best and median of the runs): the job's family and its offline guides as
enrichment makes them (enrichment.job_family + offline_ai.guides, what ingestion runs for each
posting), and the check a model's reply goes through (advice.check with the posting)."""

import argparse
import json
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CATALOGUE = ROOT / "jobs_worker" / "data" / "sample_jobs.json"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from career_app.services import advice, enrichment, ingestion, offline_ai
    from models.job import Job

    jobs = []
    for posting in json.loads(CATALOGUE.read_text())["postings"]:
        text = ingestion.html_to_text(posting["description"])
        job = Job(id=uuid.uuid4(), owner_id=uuid.uuid4(), title=posting["title"], company_name=posting["company"],
                  description_raw=text, skills_required=posting["skills"])
        jobs.append((job, offline_ai.analyse(job.title, text, job.skills_required, None)))

    def compose():
        return [offline_ai.guides(job.title, job.company_name, job.description_raw, a.skills, a.seniority,
                                  enrichment.job_family(job, a.skills)) for job, a in jobs]

    made = compose()  # warm: banks loaded, patterns compiled

    def check():
        for (job, a), guides in zip(jobs, made):
            advice.check(guides, guides._family, a.skills, job.description_raw, [job.title, job.company_name])

    for name, fn in (("family + offline guides (ingestion, per posting)", compose),
                     ("check of a reply (LLM path, per posting)", check)):
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000 / len(jobs))
        print(f"{name}: best {min(times):.3f} ms, median {statistics.median(times):.3f} ms ({len(jobs)} postings)")


if __name__ == "__main__":
    main()
