"""The .ics file read back with icalendar; crontab and systemd lines."""

from __future__ import annotations

import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr

from coach.errors import OutputError
from coach.scheduling.calendar import (
    build_calendar,
    coach_command,
    crontab_lines,
    systemd_units,
    write_ics,
)
from coach.scheduling.scheduler import due_times
from coach.scheduling.schedules import WalkSchedule, parse_days

LONDON = ZoneInfo("Europe/London")
STAMP = datetime(2026, 10, 20, 9, tzinfo=timezone.utc)
ENTRIES = [
    WalkSchedule("figure-8-0730", "figure-8", time(7, 30)),
    WalkSchedule("figure-8-1900", "figure-8", time(19, 0)),
    WalkSchedule("brisk", "brisk-30", time(18, 15), parse_days("mon,wed,fri")),
]


def events(data: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(data)
    return {str(ev["uid"]): ev for ev in cal.walk("VEVENT")}


def test_each_schedule_is_a_weekly_event_with_an_alarm(tmp_path: Path) -> None:
    path = write_ics(tmp_path / "walks.ics", ENTRIES, date(2026, 10, 20), LONDON, STAMP,
                     {"figure-8": 6.0, "brisk-30": 30.0}, alarm_min=15)
    assert [p.name for p in tmp_path.iterdir()] == ["walks.ics"]
    evs = events(path.read_bytes())
    assert sorted(evs) == ["brisk@coach", "figure-8-0730@coach", "figure-8-1900@coach"]
    for entry in ENTRIES:
        ev = evs[f"{entry.id}@coach"]
        start = ev.decoded("dtstart")
        assert start.tzinfo is not None and str(ev["dtstart"].params["TZID"]) == "Europe/London"
        assert start.time() == entry.at and start.weekday() in entry.days
        minutes = 30 if entry.routine == "brisk-30" else 6
        assert ev.decoded("dtend") - start == timedelta(minutes=minutes)
        rule = ev["rrule"]
        assert rule["FREQ"] == ["WEEKLY"]
        assert rule["BYDAY"] == [("MO", "TU", "WE", "TH", "FR", "SA", "SU")[d] for d in entry.days]
        (alarm,) = ev.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY"
        assert alarm.decoded("trigger") == timedelta(minutes=-15)
        assert entry.routine in str(ev["summary"])


def test_the_rrule_expands_to_the_same_times_the_scheduler_uses() -> None:
    # Over the clocks going back on 25 Oct 2026: an independent expander (dateutil)
    # on the parsed event agrees with the scheduler's own due times.
    evs = events(build_calendar(ENTRIES, date(2026, 10, 20), LONDON, STAMP))
    window_end = datetime(2026, 11, 3, tzinfo=LONDON)
    for entry in ENTRIES:
        ev = evs[f"{entry.id}@coach"]
        start = ev.decoded("dtstart")
        rule = rrulestr(ev["rrule"].to_ical().decode(), dtstart=start)
        from_ics = [d.astimezone(timezone.utc) for d in rule.between(start, window_end, inc=True)]
        from_scheduler = [d.astimezone(timezone.utc) for d in due_times(
            entry, start - timedelta(seconds=1), window_end, LONDON)]
        assert from_ics == from_scheduler and len(from_ics) >= 6


def test_the_calendar_carries_the_time_zone_definition() -> None:
    cal = icalendar.Calendar.from_ical(build_calendar(ENTRIES[:1], date(2026, 10, 20),
                                                      LONDON, STAMP))
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]


def test_an_unwritable_place_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="file is not a folder"):
        write_ics(tmp_path / "file" / "walks.ics", ENTRIES, date(2026, 10, 20), LONDON, STAMP)
    with pytest.raises(OutputError, match="folder .*nowhere does not exist"):
        write_ics(tmp_path / "nowhere" / "walks.ics", ENTRIES, date(2026, 10, 20), LONDON, STAMP)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]  # no folder made


def test_the_scheduled_command_is_an_absolute_path(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    script = tmp_path / "bin" / "coach"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    monkeypatch.setattr("sys.argv", [str(script), "schedule", "ics"])
    assert coach_command() == str(script.resolve())
    monkeypatch.setattr("sys.argv", ["/not/there/pytest"])
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert coach_command() == f"{sys.executable} -m coach"
    monkeypatch.setenv("PATH", str(script.parent))
    script.chmod(0o755)
    assert coach_command() == str(script.resolve())
    unit = dict(systemd_units(ENTRIES, f"{coach_command()} walk"))
    exec_lines = [line for text in unit.values() for line in text.splitlines()
                  if line.startswith("ExecStart=")]
    assert exec_lines and all(line.startswith(f"ExecStart={script.resolve()} walk")
                              for line in exec_lines)


def test_crontab_lines_count_sunday_as_zero() -> None:
    lines = crontab_lines([*ENTRIES, WalkSchedule("sun", "x", time(9, 5), (6,))])
    assert lines[0].startswith("30 7 * * *  coach walk figure-8")
    assert lines[2].startswith("15 18 * * 1,3,5  coach walk brisk-30")
    assert lines[3].startswith("5 9 * * 0 ")


def test_systemd_timers() -> None:
    units = dict(systemd_units(ENTRIES))
    assert "OnCalendar=*-*-* 07:30:00" in units["coach-walk-figure-8-0730.timer"]
    assert "OnCalendar=Mon,Wed,Fri *-*-* 18:15:00" in units["coach-walk-brisk.timer"]
    assert "ExecStart=coach walk brisk-30" in units["coach-walk-brisk.service"]


def test_a_programme_schedule_walks_todays_session() -> None:
    entry = WalkSchedule("plan-0800", "plan", time(8, 0), parse_days("weekdays"))
    assert crontab_lines([entry]) == ["0 8 * * 1,2,3,4,5  coach walk  # plan-0800"]
    assert "ExecStart=coach walk\n" in dict(systemd_units([entry]))["coach-walk-plan-0800.service"]
