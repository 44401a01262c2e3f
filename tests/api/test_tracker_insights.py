"""GET /api/v1/jobs/insights and tracker_insights.insights: counts, salary histogram, ISO weeks,
funnel and median days per stage from the timelines; only the caller's live applications."""

from datetime import date, timedelta

from sqlalchemy import text

from career_app.db import session_scope
from career_app.services import tracker_insights
from tests.api.conftest import bearer
from tests.api.jobs_helpers import unique_title

APPS = "/api/v1/applications"
INSIGHTS = "/api/v1/jobs/insights"


def add(client, token, **body) -> dict:
    body = {"company_name": "Initech", "job_title": unique_title("Analyst"), **body}
    resp = client.post(APPS, headers=bearer(token), json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()


def walk(client, token, app_id, *statuses):
    for status in statuses:
        resp = client.post(f"{APPS}/{app_id}/status", headers=bearer(token), json={"status": status})
        assert resp.status_code == 200, resp.text


def tracked_job(client, token, low, high, currency="EUR") -> str:
    resp = client.post("/api/v1/jobs", headers=bearer(token),
                       json={"title": unique_title("Engineer"), "company_name": "Globex", "salary_min": low,
                             "salary_max": high, "salary_currency": currency})
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def backdate(app_id: str, days_per_step: list[float]) -> None:
    """Spread an application's status events: the k-th happened sum(days_per_step[k:]) days ago."""
    with session_scope() as session:
        ids = [row[0] for row in session.connection().execute(
            text("SELECT id FROM application_events WHERE application_id = :a AND to_status IS NOT NULL "
                 "ORDER BY at, id"), {"a": app_id}).all()]
        assert len(ids) == len(days_per_step) + 1
        for k, event_id in enumerate(ids):
            ago = sum(days_per_step[k:])
            session.connection().execute(text("UPDATE application_events SET at = now() - make_interval(secs => :s) "
                                              "WHERE id = :id"), {"s": ago * 86400, "id": event_id})
        session.commit()


def test_insights_figures(client, register):
    seeker, _ = register("seeker")
    other, _ = register("seeker")
    empty = client.get(INSIGHTS, headers=bearer(seeker))
    assert empty.status_code == 200, empty.text
    body = empty.json()
    assert body["total"] == 0 and body["salary_histogram"] == [] and body["weekly"] == []
    assert body["funnel"] == {"applied": 0, "interviewing": 0, "offer": 0, "applied_to_interview_rate": None,
                              "interview_to_offer_rate": None}
    assert set(body["by_status"]) == set(body["median_days_in_stage"]) and body["by_status"]["saved"] == 0

    today = date.today()
    last_week = today - timedelta(days=7)
    a = add(client, seeker, job_id=tracked_job(client, seeker, 50000, 60000))  # mid 55k
    walk(client, seeker, a["id"], "applied", "interviewing", "offer")
    backdate(a["id"], [2, 4, 1])  # saved 2 days, applied 4, interviewing 1, offer ongoing
    b = add(client, seeker, job_id=tracked_job(client, seeker, 70000, 70000))  # 70k
    walk(client, seeker, b["id"], "applied", "interviewing", "rejected")
    backdate(b["id"], [4, 6, 3])  # saved 4, applied 6, interviewing 3
    c = add(client, seeker, status="applied", applied_on=last_week.isoformat())
    walk(client, seeker, c["id"], "withdrawn")
    backdate(c["id"], [8])
    d = add(client, seeker, job_id=tracked_job(client, seeker, 120000, 130000))  # 125k, saved only
    gone = add(client, seeker, status="applied")
    assert client.delete(f"{APPS}/{gone['id']}", headers=bearer(seeker)).status_code == 200
    add(client, other, status="applied")  # someone else's: never counted

    body = client.get(INSIGHTS, headers=bearer(seeker)).json()
    assert body["total"] == 4
    assert body["by_status"] == {"saved": 1, "applied": 0, "interviewing": 0, "offer": 1, "accepted": 0,
                                 "declined": 0, "rejected": 1, "withdrawn": 1}
    assert body["funnel"] == {"applied": 3, "interviewing": 2, "offer": 1, "applied_to_interview_rate": 0.667,
                              "interview_to_offer_rate": 0.5}
    medians = body["median_days_in_stage"]
    assert medians["saved"] == 3.0 and medians["applied"] == 6.0 and medians["interviewing"] == 2.0
    assert medians["offer"] is None and medians["rejected"] is None
    bins = body["salary_histogram"]
    assert body["salary_currency"] == "EUR" and body["salaries_in_other_currencies"] == 0
    assert sum(b["count"] for b in bins) == 3 and bins[0]["low"] <= 55000 < bins[0]["high"]
    assert bins[-1]["low"] <= 125000 < bins[-1]["high"]
    assert all(x["high"] - x["low"] == bins[0]["high"] - bins[0]["low"] for x in bins)
    assert [x["high"] for x in bins[:-1]] == [x["low"] for x in bins[1:]]
    weeks = {w["week"]: w["count"] for w in body["weekly"]}
    y, w, _ = last_week.isocalendar()
    assert weeks[f"{y}-W{w:02d}"] >= 1
    ty, tw, _ = today.isocalendar()
    assert weeks[f"{ty}-W{tw:02d}"] >= 2 and sum(weeks.values()) == 3  # a, b applied today (c last week)

    # The service the web page calls gives the same figures; a change shows at once.
    me = client.get("/api/v1/auth/me", headers=bearer(seeker)).json()["id"]
    with session_scope() as session:
        assert tracker_insights.insights(session, me)["funnel"] == body["funnel"]
    walk(client, seeker, d["id"], "applied")
    assert client.get(INSIGHTS, headers=bearer(seeker)).json()["funnel"]["applied"] == 4

    assert client.get(INSIGHTS).status_code == 401
    provider, _ = register("provider")
    assert client.get(INSIGHTS, headers=bearer(provider)).status_code == 403


def test_salary_histogram_keeps_to_one_currency(client, register):
    """Amounts in two currencies never share the histogram: the most common currency is drawn and the
    others are counted as left out."""
    seeker, _ = register("seeker")
    for low, high, currency in ((50000, 60000, "EUR"), (70000, 80000, "EUR"), (9000000, 9000000, "JPY")):
        add(client, seeker, job_id=tracked_job(client, seeker, low, high, currency))
    body = client.get(INSIGHTS, headers=bearer(seeker)).json()
    assert body["salary_currency"] == "EUR" and body["salaries_in_other_currencies"] == 1
    bins = body["salary_histogram"]
    assert sum(b["count"] for b in bins) == 2 and bins[-1]["high"] <= 100000  # the yen amount is not on this axis


def test_histogram_and_weeks_units():
    bins = tracker_insights.salary_histogram([30000, 30000, 45000, 99999])
    assert [(b.low, b.high, b.count) for b in bins][:1] == [(30000, 40000, 2)] and sum(b.count for b in bins) == 4
    assert tracker_insights.salary_histogram([50000]) == [tracker_insights.SalaryBin(low=50000, high=50001, count=1)]
    weeks = tracker_insights.weekly([date(2026, 1, 1), date(2026, 1, 20)])
    assert [w.week for w in weeks] == ["2026-W01", "2026-W02", "2026-W03", "2026-W04"]
    assert [w.count for w in weeks] == [1, 0, 0, 1]
    many = tracker_insights.weekly([date(2020, 1, 1), date(2026, 1, 1)])
    assert len(many) == tracker_insights.MAX_WEEKS and many[-1].week == "2026-W01" and many[-1].count == 1
