"""A chat pane shows a conversation's messages in its stored order, whatever order their live events
arrive in (two processes publish after their commits, so a later reply can overtake an earlier one)."""

from state.coach import PANE_MESSAGES, add_message


def _row(message_id: int) -> dict[str, str]:
    return {"id": str(message_id), "role": "admin", "author": "Ada", "content": f"m{message_id}", "time": "10:00",
            "interrupted": "", "badge": ""}


def _ids(rows) -> list[int]:
    return [int(r["id"]) for r in rows]


def test_a_reply_that_arrives_late_takes_its_place_by_id():
    rows = [_row(1), _row(2), _row(4)]
    assert _ids(add_message(rows, _row(3))) == [1, 2, 3, 4]
    assert _ids(add_message(rows, _row(5))) == [1, 2, 4, 5]
    assert _ids(add_message([], _row(7))) == [7]


def test_a_message_already_shown_is_not_added_twice():
    rows = [_row(1), _row(2)]
    assert add_message(rows, _row(2)) is rows


def test_the_pane_keeps_the_latest_messages():
    rows = [_row(i) for i in range(1, PANE_MESSAGES + 1)]
    shown = add_message(rows, _row(PANE_MESSAGES + 1))
    assert len(shown) == PANE_MESSAGES and _ids(shown)[-1] == PANE_MESSAGES + 1 and _ids(shown)[0] == 2
