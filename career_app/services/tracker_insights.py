"""Insights over a seeker's own applications (the tracker dashboard and GET /api/v1/jobs/insights):
counts by status, a salary histogram, applications per ISO week, the funnel applied -> interview ->
offer, and the median days spent in each stage. Two queries whatever the number of applications;
only the caller's live (not deleted) applications count."""

import math
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session

from models.application import ApplicationStatus
from models.application_schemas import Funnel, SalaryBin, TrackerInsights, WeekCount

# How far along the pipeline a status is: reaching a later stage means the earlier ones were passed.
_RANK_SQL = ("CASE {col} WHEN 'applied' THEN 1 WHEN 'interviewing' THEN 2 WHEN 'offer' THEN 3 "
             "WHEN 'accepted' THEN 4 WHEN 'declined' THEN 4 ELSE 0 END")
MAX_WEEKS = 52
HISTOGRAM_BINS = 8

# One row per application: its status, applied date, the salary of its job (a saved listing's own
# while the listing is public) and the furthest stage its timeline ever reached.
_APPLICATIONS_SQL = text(f"""
SELECT a.status, a.applied_on,
       CASE WHEN l.visibility = 'public' THEN l.salary_min ELSE j.salary_min END AS salary_min,
       CASE WHEN l.visibility = 'public' THEN l.salary_max ELSE j.salary_max END AS salary_max,
       CASE WHEN l.visibility = 'public' THEN l.salary_currency ELSE j.salary_currency END AS salary_currency,
       GREATEST({_RANK_SQL.format(col="a.status")},
                COALESCE((SELECT max({_RANK_SQL.format(col="e.to_status")}) FROM application_events e
                          WHERE e.application_id = a.id), 0),
                CASE WHEN a.applied_on IS NOT NULL THEN 1 ELSE 0 END) AS reached
FROM applications a
LEFT JOIN jobs j ON j.id = a.job_id
LEFT JOIN jobs l ON l.id = j.listing_id
WHERE a.user_id = :user_id AND a.deleted_at IS NULL
""")

# Each stay in a status ends at the application's next status change; the median of those that
# ended, per status (a stay still going on is not counted: its length is not known yet).
_STAGES_SQL = text("""
SELECT status, percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median_days, count(*) AS stays
FROM (
  SELECT e.to_status AS status,
         EXTRACT(EPOCH FROM lead(e.at) OVER (PARTITION BY e.application_id ORDER BY e.at, e.id) - e.at) / 86400.0
           AS days
  FROM application_events e JOIN applications a ON a.id = e.application_id
  WHERE a.user_id = :user_id AND a.deleted_at IS NULL AND e.to_status IS NOT NULL
) stays
WHERE days IS NOT NULL
GROUP BY status
""")


def _nice_width(span: float, bins: int) -> int:
    """A round bin width (1, 2, 2.5 or 5 times a power of ten) giving about `bins` bins."""
    raw = max(span / bins, 1.0)
    power = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 2.5, 5, 10):
        if raw <= step * power:
            return max(1, int(step * power))
    return int(10 * power)


def salary_histogram(values: list[float], bins: int = HISTOGRAM_BINS) -> list[SalaryBin]:
    """Counts of salaries in equal round-numbered bins [low, high) covering them all."""
    if not values:
        return []
    low, high = min(values), max(values)
    width = _nice_width(high - low, bins)
    start = int(low // width * width)
    count = int((high - start) // width) + 1
    counts = [0] * count
    for value in values:
        counts[int((value - start) // width)] += 1
    return [SalaryBin(low=start + i * width, high=start + (i + 1) * width, count=n) for i, n in enumerate(counts)]


def _iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def weekly(days: list[date], max_weeks: int = MAX_WEEKS) -> list[WeekCount]:
    """Applications per ISO week of their applied date, every week from the first to the last (empty
    ones included), at most the last `max_weeks`."""
    if not days:
        return []
    counts: dict[str, int] = {}
    for day in days:
        counts[_iso_week(day)] = counts.get(_iso_week(day), 0) + 1
    last = max(days)
    monday = last - timedelta(days=last.weekday())
    span = timedelta(weeks=max_weeks - 1)
    first = min(days) if monday - date.min < span else max(min(days), monday - span)  # no week before year 1
    week, out = first - timedelta(days=first.weekday()), []
    while week <= monday:
        out.append(WeekCount(week=_iso_week(week), count=counts.get(_iso_week(week), 0)))
        if week > date.max - timedelta(weeks=1):  # the calendar's last week (an applied date in 9999)
            break
        week += timedelta(weeks=1)
    return out


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def insights(session: Session, user_id: uuid.UUID | str) -> dict:
    """Everything the tracker dashboard shows, for one seeker: TrackerInsights as a plain dict (keys
    total, by_status, salary_histogram, weekly, funnel, median_days_in_stage)."""
    user_id = user_id if isinstance(user_id, uuid.UUID) else uuid.UUID(str(user_id))
    rows = session.connection().execute(_APPLICATIONS_SQL, {"user_id": user_id}).all()
    stages = {status: (float(median), stays)
              for status, median, stays in session.connection().execute(_STAGES_SQL, {"user_id": user_id}).all()}
    by_status = {status.value: 0 for status in ApplicationStatus}
    salaries: dict[str | None, list[float]] = {}  # by currency
    applied_days, reached = [], [0, 0, 0, 0, 0]
    for status, applied_on, salary_min, salary_max, currency, rank in rows:
        by_status[status] = by_status.get(status, 0) + 1
        known = [v for v in (salary_min, salary_max) if v is not None]
        if known:
            salaries.setdefault(currency, []).append(sum(known) / len(known))
        if applied_on is not None:
            applied_days.append(applied_on if isinstance(applied_on, date) else datetime.fromisoformat(applied_on))
        reached[rank] += 1
    # One histogram, in the currency most of the salaries are in: amounts in two currencies do not
    # share an axis. The others are counted, not converted (no exchange rates here).
    currency = min(salaries, key=lambda c: (-len(salaries[c]), c is None, c or "")) if salaries else None
    shown = salaries.get(currency, [])
    at_least = [sum(reached[k:]) for k in range(len(reached))]
    applied, interviewing, offer = at_least[1], at_least[2], at_least[3]
    return TrackerInsights(
        total=len(rows), by_status=by_status, salary_histogram=salary_histogram(shown), salary_currency=currency,
        salaries_in_other_currencies=sum(len(v) for v in salaries.values()) - len(shown), weekly=weekly(applied_days),
        funnel=Funnel(applied=applied, interviewing=interviewing, offer=offer,
                      applied_to_interview_rate=_rate(interviewing, applied),
                      interview_to_offer_rate=_rate(offer, interviewing)),
        median_days_in_stage={status.value: round(stages[status.value][0], 2) if status.value in stages else None
                              for status in ApplicationStatus}).model_dump(mode="json")
