"""The offline mail classifier on messages written for the tests: accuracy on the half it was not
written against, and interview times read from invitations."""

from datetime import datetime, timezone

from career_app.services.mailbox.classify import classify, interview_time
from tests.data.mailbox_messages import MESSAGES

HELD_OUT_FLOOR = 0.85  # the README figure comes from this test's output


def accuracy(split: str) -> tuple[float, list]:
    rows = [m for m in MESSAGES if m[4] == split]
    wrong = [(m[1], m[3], classify(m[1], m[2]).value) for m in rows if classify(m[1], m[2]).value != m[3]]
    return 1 - len(wrong) / len(rows), wrong


def test_held_out_accuracy():
    assert len(MESSAGES) >= 30 and {m[3] for m in MESSAGES} == {
        "confirmation", "rejection", "interview", "offer", "outreach", "other"}
    tuned, tuned_wrong = accuracy("tune")
    held, held_wrong = accuracy("held_out")
    print(f"\nmail classifier: tune {tuned:.0%} ({sum(m[4] == 'tune' for m in MESSAGES)} messages), "
          f"held-out {held:.0%} ({sum(m[4] == 'held_out' for m in MESSAGES)} messages); held-out errors: {held_wrong}")
    assert tuned == 1.0, tuned_wrong
    assert held >= HELD_OUT_FLOOR, held_wrong


def test_interview_times():
    sent = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
    for sender, subject, body, kind, split, expected in MESSAGES:
        if expected:
            assert interview_time(body, sent) == datetime.fromisoformat(expected).replace(tzinfo=timezone.utc), body
    assert interview_time("We will be in touch soon.", sent) is None
    assert interview_time("Are you free on January 5 at 2 pm?", sent) == datetime(2027, 1, 5, 14, 0, tzinfo=timezone.utc)
