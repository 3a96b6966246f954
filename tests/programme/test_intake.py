"""The red-flag answer: what the options decide, and the stored answer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from coach.errors import UsageError
from coach.programme.intake import RedFlagAnswer, decide, load_answer, save_answer

DAY = date(2026, 3, 2)
PENDING = RedFlagAnswer("pending", date(2026, 3, 1))


def test_the_options_give_an_answer_or_leave_it_to_the_question() -> None:
    assert decide(None, False, False, DAY) is None
    assert decide(PENDING, False, False, DAY) is None
    assert decide(None, True, False, DAY) == RedFlagAnswer("none", DAY)
    assert decide(PENDING, False, True, DAY) == RedFlagAnswer("advised", DAY)
    assert RedFlagAnswer("none", DAY).clear and RedFlagAnswer("advised", DAY).clear
    assert not PENDING.clear


def test_a_yes_is_not_overruled_by_no_red_flags() -> None:
    with pytest.raises(UsageError, match="on 2026-03-01 you said one of the red flags"):
        decide(PENDING, True, False, DAY)
    with pytest.raises(UsageError, match="choose one"):
        decide(None, True, True, DAY)


def test_the_answer_round_trips_and_a_damaged_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "red-flags.yaml"
    assert load_answer(path) is None
    save_answer(PENDING, path)
    assert load_answer(path) == PENDING
    path.write_text("answer: maybe\nanswered_on: 2026-03-01\n")
    with pytest.raises(UsageError, match="red-flag answer is damaged .*answer 'maybe'"):
        load_answer(path)
