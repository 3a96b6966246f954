"""Schedules: ids and routines cannot inject lines into crontab or systemd units, and a
schedule that repeats or overlaps another is refused."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from coach.errors import UsageError
from coach.scheduling.calendar import crontab_lines, systemd_units
from coach.scheduling.schedules import (
    WalkSchedule,
    add_schedule,
    load_schedules,
    parse_days,
    schedules_path,
)

TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()),
               max_size=40) | st.sampled_from(["a\nb", "x\rExecStart=/bin/sh", "ok\x1b[2J",
                                                "walk\n* * * * * rm -rf ~", "/p/a b.yaml"])


@settings(max_examples=300)
@given(schedule_id=TEXT, routine=TEXT)
def test_any_id_and_routine_is_refused_or_prints_one_line_each(schedule_id: str, routine: str):
    try:
        entry = WalkSchedule(schedule_id, routine, time(7, 30))
    except UsageError as err:
        assert "\n" not in str(err) and len(str(err)) < 300
        return
    (line,) = crontab_lines([entry])
    assert "\n" not in line and "\r" not in line
    for name, text in systemd_units([entry]):
        assert "/" not in name and "\n" not in name
        keys = [row.split("=", 1)[0] for row in text.splitlines() if "=" in row]
        assert keys in (["Description", "OnCalendar", "Persistent", "WantedBy"],
                        ["Description", "Type", "ExecStart"])


def test_a_hand_edited_file_with_a_newline_in_an_id_is_one_line(coach_home: Path) -> None:
    path = schedules_path()
    path.parent.mkdir(parents=True)
    path.write_text('schedules:\n  - {id: "x\\nExecStart=/bin/sh", routine: figure-8, '
                    'at: "07:30"}\n')
    with pytest.raises(UsageError) as err:
        load_schedules()
    assert str(err.value).startswith(f"{path}: cannot read the schedules (schedule id ")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("first, second, word", [
    (("figure-8", time(7, 30), "daily"), ("figure-8", time(7, 30), "daily"), "repeats"),
    (("figure-8", time(7, 30), "daily"), ("figure-8", time(7, 30), "mon"), "repeats"),
    (("figure-8", time(7, 30), "mon"), ("brisk-30", time(7, 50), "mon,tue"), "overlaps"),
    (("figure-8", time(23, 50), "sun"), ("brisk-30", time(0, 5), "mon"), "overlaps"),
])
def test_repeating_or_overlapping_schedules_are_refused(first, second, word) -> None:
    entries = add_schedule([], first[0], first[1], parse_days(first[2]))
    with pytest.raises(UsageError, match=f"{word} {entries[0].id}:"):
        add_schedule(entries, second[0], second[1], parse_days(second[2]))


def test_walks_far_enough_apart_or_on_other_days_are_fine() -> None:
    entries = add_schedule([], "figure-8", time(7, 30), parse_days("mon"))
    entries = add_schedule(entries, "figure-8", time(8, 0), parse_days("mon"))
    entries = add_schedule(entries, "brisk-30", time(7, 30), parse_days("tue"))
    assert [e.id for e in entries] == ["figure-8-0730", "figure-8-0800", "brisk-30-0730"]


def test_an_id_made_from_a_path_is_a_safe_unit_name() -> None:
    (entry,) = add_schedule([], "/home/me/my evening walk.yaml", time(19, 0))
    assert entry.id == "my-evening-walk-1900"


def test_figure_8_times_that_overlap_another_schedule_are_refused(run) -> None:
    run("schedule", "add", "gentle-start", "--at", "07:20")
    result = run("schedule", "figure-8", code=2)
    assert "figure-8 at 07:30 overlaps gentle-start-0720" in result.output
    run("schedule", "figure-8", "--morning", "06:30")
    run("schedule", "figure-8", "--morning", "06:40")  # replaces its own, no clash with itself
