"""Weekly progress against the plan, the pain trend, the picture."""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from coach.errors import UsageError
from coach.programme.history import WalkRecord
from coach.programme.plan import make_state, upcoming_sessions
from coach.programme.progress import format_table, pain_trend, plot_progress, weekly_progress

MONDAY = date(2026, 3, 2)


def walk(day: date, minutes: float, after: int | None, morning: int | None = None,
         routine: str = "week-1-walk") -> WalkRecord:
    return WalkRecord(routine, datetime.combine(day, datetime.min.time(), timezone.utc)
                      + timedelta(hours=8), minutes, minutes, True, pain_before=after,
                      pain_after=after, pain_next_morning=morning)


def followed_plan(weeks: int, pains: list[int]) -> tuple[list[WalkRecord], object]:
    """Walk exactly what the projection says, with the given pain for each week."""
    state = make_state(6, 3, False, MONDAY)
    records: list[WalkRecord] = []
    for s in upcoming_sessions(state, [], MONDAY, weeks):
        assert s.day is not None
        records.append(walk(s.day, s.walk_min, pains[s.week - 1]))
    return records, state


def test_weeks_walked_against_the_plan() -> None:
    records, state = followed_plan(3, [5, 4, 2])
    rows = weekly_progress(state, records, MONDAY + timedelta(days=20))  # type: ignore[arg-type]
    assert [r.week for r in rows] == [1, 2, 3]
    assert [r.walks for r in rows] == [3, 3, 4]  # a fourth walking day from week 3
    # the user walked the plan, so walked == planned each week, in walking minutes
    assert [r.walked_min for r in rows] == [r.planned_min for r in rows] == [18, 24, 40]
    assert [line.split()[5] for line in format_table(rows).splitlines()[2:5]] == ["100"] * 3
    assert [r.pain_after for r in rows] == [5, 4, 2]
    assert pain_trend(rows) == "falling"


def test_walking_less_than_planned_shows() -> None:
    state = make_state(6, 3, False, MONDAY)
    rows = weekly_progress(state, [walk(MONDAY, 3, 3)], MONDAY + timedelta(days=6))
    assert rows[0].walked_min == 3 and rows[0].planned_min == 18  # 3 x 6 walking minutes
    table = format_table(rows)
    assert "  17  " in table  # percent of plan
    assert "not enough pain scores yet" in table


def test_figure8_sessions_are_part_of_the_plan() -> None:
    state = make_state(6, 3, True, MONDAY)
    rows = weekly_progress(state, [], MONDAY + timedelta(days=6))
    assert rows[0].planned_min == 18 + 7 * 2 * 4  # two 4-minute figure-8 walks a day


def test_no_programme_still_lists_weeks_from_the_first_walk() -> None:
    rows = weekly_progress(None, [walk(MONDAY + timedelta(days=2), 10, 3, 6),
                                  walk(MONDAY + timedelta(days=9), 12, 6)],
                           MONDAY + timedelta(days=10))
    assert [(r.starts, r.walked_min, r.planned_min) for r in rows] == [
        (MONDAY, 10, None), (MONDAY + timedelta(days=7), 12, None)]
    assert rows[0].pain_morning == 6
    assert pain_trend(rows) == "rising"
    assert weekly_progress(None, [], MONDAY) == []


def test_plot_writes_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.image

    records, state = followed_plan(3, [5, 4, 2])
    rows = weekly_progress(state, records, MONDAY + timedelta(days=20))  # type: ignore[arg-type]
    out = plot_progress(rows, tmp_path / "progress.png")
    image = matplotlib.image.imread(out)
    assert image.shape[:2] == (600, 800)
    assert image.std() > 0.05  # something was drawn
    assert [p.name for p in tmp_path.iterdir()] == ["progress.png"]


def test_missing_matplotlib_is_a_clear_error(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    rows = weekly_progress(None, [walk(MONDAY, 10, 3)], MONDAY)
    with pytest.raises(UsageError, match=r"pip install 'walking-coach\[plot\]'"):
        plot_progress(rows, tmp_path / "p.png")
    assert not (tmp_path / "p.png").exists()
