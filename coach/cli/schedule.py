"""``coach schedule``: walks at set times, the daemon, and calendar export."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from coach.errors import CoachError, OutputError, UsageError

if TYPE_CHECKING:
    from coach.routines.model import Routine
    from coach.scheduling.scheduler import Firing, WalkSchedule

PLAN_REF = "plan"  # a schedule for "whatever the programme says today"


@click.group()
def schedule() -> None:
    """Walk at set times: add, list, remove, run, and export to your calendar.

    Times are local wall-clock times; they stay put when the clocks change.

    \b
    Examples:
      coach schedule figure-8                 morning 07:30 and evening 19:00
      coach schedule add brisk-30 --at 18:15 --days mon,wed,fri
      coach schedule add plan --at 08:00      the programme's session of the day
      coach schedule list
      coach schedule run
      coach schedule ics -o walks.ics
    """


def _check_ref(ref: str) -> str:
    """The reference to store: a known routine id, 'plan', or an absolute path (a
    relative one would break when the daemon, cron or systemd runs elsewhere)."""
    from coach.routines.library import looks_like_path, routine_ids
    from coach.routines.yamlsrc import suggest

    if ref == PLAN_REF:
        return ref
    if looks_like_path(ref):
        if not Path(ref).is_file():
            raise UsageError(f"{ref}: no such routine file")
        return str(Path(ref).resolve())
    known = routine_ids()
    if ref not in known:
        raise UsageError(f"unknown routine {ref!r}{suggest(ref, known)} "
                         f"(see `coach routines`, or use '{PLAN_REF}' for the programme)")
    return ref


@schedule.command("add")
@click.argument("routine")
@click.option("--at", "at_", required=True, metavar="HH:MM", help="Local time, 24-hour clock.")
@click.option("--days", default="daily", show_default=True,
              help="mon,tue,... or daily, weekdays, weekends.")
@click.option("--id", "schedule_id", help="A name for it (default: ROUTINE-HHMM).")
def add(routine: str, at_: str, days: str, schedule_id: str | None) -> None:
    """Walk ROUTINE at a set time on some days. ROUTINE 'plan' means the programme's session.

    \b
    Examples:
      coach schedule add gentle-start --at 07:30
      coach schedule add brisk-30 --at 18:15 --days mon,wed,fri
      coach schedule add plan --at 12:30 --days weekdays --id lunch
    """
    from coach.scheduling.scheduler import (
        add_schedule,
        load_schedules,
        parse_days,
        parse_time,
        save_schedules,
    )

    routine = _check_ref(routine)
    entries = add_schedule(load_schedules(), routine, parse_time(at_), parse_days(days),
                           schedule_id)
    save_schedules(entries)
    click.echo(f"Added {entries[-1].describe()}")


@schedule.command("figure-8")
@click.option("--morning", default="07:30", show_default=True, metavar="HH:MM")
@click.option("--evening", default="19:00", show_default=True, metavar="HH:MM")
@click.option("--days", default="daily", show_default=True, help="mon,tue,... or daily.")
def figure8(morning: str, evening: str, days: str) -> None:
    """Figure-8 walks twice a day, morning and evening (the common case).

    Replaces earlier figure-8-morning / figure-8-evening schedules.

    \b
    Examples:
      coach schedule figure-8
      coach schedule figure-8 --morning 06:45 --evening 20:00
    """
    from coach.scheduling.scheduler import (
        WalkSchedule,
        load_schedules,
        parse_days,
        parse_time,
        save_schedules,
    )

    wanted = parse_days(days)
    new = [WalkSchedule("figure-8-morning", "figure-8", parse_time(morning), wanted),
           WalkSchedule("figure-8-evening", "figure-8", parse_time(evening), wanted)]
    kept = [e for e in load_schedules() if e.id not in {n.id for n in new}]
    save_schedules([*kept, *new])
    for entry in new:
        click.echo(f"Scheduled {entry.describe()}")


@schedule.command("list")
def list_cmd() -> None:
    """List your schedules with the next time each is due.

    \b
    Example:
      coach schedule list
    """
    from coach.cli.programme import local_now
    from coach.scheduling.scheduler import SystemClock, load_schedules, next_due

    entries = load_schedules()
    if not entries:
        click.echo("No schedules yet. Try: coach schedule figure-8")
        return
    zone = SystemClock().zone()
    for e in entries:
        due = next_due(e, local_now(), zone)
        click.echo(f"{e.describe()}  (next: {due:%a %d %b %H:%M})")


@schedule.command("remove")
@click.argument("schedule_id", metavar="ID")
def remove(schedule_id: str) -> None:
    """Remove a schedule by its id (see `coach schedule list`).

    \b
    Example:
      coach schedule remove figure-8-evening
    """
    from coach.scheduling.scheduler import load_schedules, remove_schedule, save_schedules

    save_schedules(remove_schedule(load_schedules(), schedule_id))
    click.echo(f"Removed {schedule_id}.")


@schedule.command("run")
@click.option("--export-to", type=click.Path(file_okay=False), metavar="DIR",
              help="Write each day's sessions as audio files here (a phone sync folder) "
              "instead of playing them.")
@click.option("--grace", type=click.FloatRange(0, 180), default=15, show_default=True,
              help="Minutes late a walk may still start (after sleep); later ones are "
              "reported as missed.")
def run(export_to: str | None, grace: float) -> None:
    """Stay in the foreground and start each scheduled walk at its time.

    A walk missed while the computer slept is reported and offered, never
    started twice. Stop with Ctrl-C.

    \b
    Examples:
      coach schedule run
      coach schedule run --export-to ~/Sync/walks
    """
    import time as systime

    from coach.cli.programme import local_now
    from coach.scheduling.scheduler import SystemClock, load_schedules, make_scheduler, serve

    entries = load_schedules()
    if not entries:
        raise UsageError("no schedules yet: add one with `coach schedule figure-8` or "
                         "`coach schedule add ROUTINE --at HH:MM`")
    folder = None if export_to is None else export_folder(Path(export_to))
    exported_day: list[date] = []

    def keep_going() -> bool:
        today = local_now().date()
        if folder is not None and today not in exported_day:
            exported_day.append(today)
            export_day(entries, today, folder)
        return True

    def on_fire(firing: Firing) -> None:
        click.echo(f"{local_now():%H:%M} Time for {firing.schedule.routine} "
                   f"({firing.schedule.id}).")
        if folder is None:
            _start_safely(firing.schedule.routine)

    def on_missed(firing: Firing) -> None:
        hours = firing.late_s / 3600
        click.echo(f"{local_now():%H:%M} Missed {firing.schedule.routine} due "
                   f"{firing.due:%a %H:%M} ({hours:.1f} h ago; the computer was probably "
                   "asleep).")
        if folder is None and sys.stdin.isatty() and hours < 12 and click.confirm(
                "Start it now?", default=False):
            _start_safely(firing.schedule.routine)

    scheduler = make_scheduler(entries, SystemClock(), on_fire, on_missed, grace * 60)
    for e in entries:
        click.echo(f"Waiting for {e.describe()}")
    try:
        serve(scheduler, systime.sleep, keep_going)
    except KeyboardInterrupt:
        click.echo("Stopped.")


def export_folder(folder: Path) -> Path:
    """The --export-to folder: made if missing, but only inside an existing folder."""
    from coach.files import no_folder

    folder = folder.expanduser()
    if folder.is_dir():
        return folder
    if not folder.parent.is_dir():
        raise UsageError(no_folder(folder.parent))
    if folder.exists():
        raise UsageError(no_folder(folder))
    try:
        folder.mkdir()
    except OSError as err:
        raise OutputError(f"could not create {folder}: {err.strerror or err}") from None
    return folder


def _start_safely(ref: str) -> None:
    """The daemon keeps running when one session fails."""
    try:
        start_session(routine_for(ref))
    except CoachError as err:
        click.echo(f"coach: {err}", err=True)
    except Exception as err:  # noqa: BLE001 - a bug in one session must not stop the daemon
        click.echo(f"coach: the {ref} session failed: {type(err).__name__}: {err}", err=True)


def routine_for(ref: str, day: date | None = None) -> Routine:
    """A schedule's routine: the programme's session for 'plan', else a routine reference."""
    from coach.cli.programme import local_now
    from coach.routines.library import resolve_routine

    if ref != PLAN_REF:
        return resolve_routine(ref)
    from coach.programme.plan import todays_session

    session = todays_session(day or local_now().date())
    if session is None:
        raise UsageError("no programme yet: run `coach plan` first")
    return session.routine


def start_session(routine: Routine) -> None:
    """THE one place a scheduled session starts: played live, as `coach walk` plays it
    (spoken on the sound device, or printed as text where there is none)."""
    from coach.live.walk import walk_routine

    walk_routine(routine)


def export_day(entries: list[WalkSchedule], day: date, folder: Path) -> list[Path]:
    """Write the sessions due on ``day`` into ``folder`` (named by time and routine)."""
    written = []
    for e in sorted(entries, key=lambda e: e.at):
        if day.weekday() not in e.days:
            continue
        try:
            written.append(export_session(routine_for(e.routine, day), folder,
                                          f"{day:%Y-%m-%d}-{e.at:%H%M}"))
        except CoachError as err:
            click.echo(f"coach: {e.id}: {err}", err=True)
    for path in written:
        click.echo(f"Wrote {path}")
    return written


def export_session(routine: Routine, folder: Path, stem: str) -> Path:
    """The session as an MP3 named ``STEM-ROUTINE.mp3`` in ``folder`` (which must exist)."""
    from coach.export.writer import export_session as write_mp3
    from coach.export.writer import prepare_session

    timeline, renderer = prepare_session(routine)
    return write_mp3(timeline, renderer, folder / f"{stem}-{routine.id}.mp3")


@schedule.command("ics")
@click.option("--output", "-o", required=True, metavar="FILE.ics",
              help="Where to write the calendar (the folder must exist).")
@click.option("--alarm", type=click.IntRange(0, 240), default=10, show_default=True,
              help="Reminder this many minutes before each walk.")
def ics(output: str, alarm: int) -> None:
    """Write your schedules as a calendar file, and print crontab and systemd lines.

    Import the .ics into your phone's calendar: each walk repeats weekly on its
    days with a reminder before it.

    \b
    Examples:
      coach schedule ics -o walks.ics
      coach schedule ics -o walks.ics --alarm 15
    """
    from zoneinfo import ZoneInfo

    from coach.cli.programme import local_now
    from coach.files import check_output_file
    from coach.scheduling.calendar import coach_command, crontab_lines, systemd_units, write_ics
    from coach.scheduling.scheduler import load_schedules, local_zoneinfo

    target = check_output_file(Path(output), (".ics",))
    entries = load_schedules()
    if not entries:
        raise UsageError("no schedules yet: add one with `coach schedule figure-8`")
    minutes = {}
    for e in entries:
        try:
            minutes[e.routine] = routine_for(e.routine).duration_s / 60
        except CoachError:
            pass  # unknown length: the calendar shows the default half hour
    zone = local_zoneinfo()
    if not isinstance(zone, ZoneInfo):
        zone = ZoneInfo("UTC")
        click.echo("note: could not tell this computer's time zone, so the calendar uses UTC; "
                   "set TZ (e.g. TZ=Europe/London) and run this again", err=True)
    now = local_now()
    path = write_ics(target, entries, now.date(), zone, now, minutes, alarm)
    click.echo(f"Wrote {path} ({len(entries)} repeating walks, reminders {alarm} min before).")
    click.echo("\n# crontab -e (cron uses the computer's local time):")
    walk = f"{coach_command()} walk"
    for line in crontab_lines(entries, walk):
        click.echo(line)
    click.echo("\n# systemd user timers: save in ~/.config/systemd/user/, then "
               "systemctl --user enable --now NAME.timer")
    for name, text in systemd_units(entries, walk):
        click.echo(f"\n# --- {name}\n{text}", nl=False)

