"""Walk schedules for other tools: an iCalendar file, crontab and systemd-timer lines.

The only module that imports :mod:`icalendar`. Each schedule becomes one
weekly-repeating event (RRULE with BYDAY) in the walker's time zone, with a
display alarm some minutes before each walk, so a phone calendar reminds them.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from coach.files import write_atomic
from coach.scheduling.schedules import WalkSchedule

ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
SYSTEMD_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DEFAULT_WALK_MIN = 30.0


def first_day(entry: WalkSchedule, start: date) -> date:
    """The first day on or after ``start`` that the schedule walks on."""
    day = start
    while day.weekday() not in entry.days:
        day += timedelta(days=1)
    return day


def build_calendar(entries: Sequence[WalkSchedule], start: date, zone: ZoneInfo,
                   stamp: datetime, walk_min: Mapping[str, float] | None = None,
                   alarm_min: int = 10, languages: Mapping[str, str] | None = None) -> bytes:
    """An iCalendar document (bytes) with one repeating event per schedule.

    ``walk_min`` gives each routine's length in minutes (default 30);
    ``stamp`` is the DTSTAMP (creation time) of every event. Each event's
    summary, alarm and description (the coach's calendar reminder line) are in the
    language of its routine (``languages``: routine -> language code; default English).
    """
    import icalendar

    from coach.routines.library import load_lines


    cal = icalendar.Calendar()
    cal.add("prodid", "-//coach//walking coach//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Walks")
    for entry in entries:
        lines = load_lines((languages or {}).get(entry.routine, "en"))
        minutes = (walk_min or {}).get(entry.routine, DEFAULT_WALK_MIN)
        begin = datetime.combine(first_day(entry, start), entry.at, zone)
        event = icalendar.Event()
        event.add("uid", f"{entry.id}@coach")
        event.add("dtstamp", stamp.astimezone(timezone.utc))
        event.add("summary", lines.calendar_summary.format(routine=entry.routine))
        event.add("description", f"coach walk {entry.routine}\n{lines.calendar_reminder}")
        event.add("dtstart", begin)
        event.add("dtend", begin + timedelta(minutes=minutes))
        event.add("rrule", {"freq": "weekly", "byday": [ICAL_DAYS[d] for d in entry.days]})
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", lines.calendar_alarm.format(
            minutes=lines.count_minutes(alarm_min), routine=entry.routine))
        alarm.add("trigger", timedelta(minutes=-alarm_min))
        event.add_component(alarm)
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def write_ics(path: Path, entries: Sequence[WalkSchedule], start: date, zone: ZoneInfo,
              stamp: datetime, walk_min: Mapping[str, float] | None = None,
              alarm_min: int = 10, languages: Mapping[str, str] | None = None) -> Path:
    write_atomic(path, build_calendar(entries, start, zone, stamp, walk_min, alarm_min,
                                      languages))
    return path


def coach_command() -> str:
    """How to run this coach from cron or systemd: an absolute path, never a bare name."""
    import shlex
    import shutil
    import sys

    argv0 = Path(sys.argv[0])  # the coach running now, when started as `coach`
    found = str(argv0) if argv0.name == "coach" and argv0.is_file() else shutil.which("coach")
    if found:
        return shlex.quote(str(Path(found).resolve()))
    return f"{shlex.quote(sys.executable)} -m coach"


def crontab_lines(entries: Sequence[WalkSchedule], command: str = "coach walk") -> list[str]:
    """One crontab line per schedule (cron counts Sunday as 0)."""
    lines = []
    for e in entries:
        dow = "*" if len(e.days) == 7 else ",".join(str((d + 1) % 7) for d in e.days)
        lines.append(f"{e.at.minute} {e.at.hour} * * {dow}  {_command(command, e)}  # {e.id}")
    return lines


def systemd_units(entries: Sequence[WalkSchedule], command: str = "coach walk"
                  ) -> list[tuple[str, str]]:
    """(file name, text) pairs: a user .timer and .service per schedule."""
    units = []
    for e in entries:
        days = "" if len(e.days) == 7 else ",".join(SYSTEMD_DAYS[d] for d in e.days) + " "
        name = f"coach-walk-{e.id}"
        units.append((f"{name}.timer",
                      f"[Unit]\nDescription=Walk: {e.routine} at {e.at:%H:%M}\n\n"
                      f"[Timer]\nOnCalendar={days}*-*-* {e.at:%H:%M}:00\n"
                      "Persistent=false\n\n[Install]\nWantedBy=timers.target\n"))
        units.append((f"{name}.service",
                      f"[Unit]\nDescription=Walk: {e.routine}\n\n"
                      f"[Service]\nType=simple\nExecStart={_command(command, e)}\n"))
    return units



def _command(command: str, entry: WalkSchedule) -> str:
    """``coach walk ROUTINE``; a schedule of the programme ('plan') walks today's session."""
    return command if entry.routine == "plan" else f"{command} {shlex.quote(entry.routine)}"
