"""``coach schedule``: walks at set times, the daemon, and calendar export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from coach.cli import echo, pass_env
from coach.cli.serve import listen_options, serving_beside
from coach.env import Environment
from coach.errors import CoachError, UsageError

if TYPE_CHECKING:
    from coach.live.walk import WalkOutcome
    from coach.routines.model import Routine


def register(group: click.Group) -> None:
    group.add_command(schedule)


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
    from coach.scheduling.schedules import (
        add_schedule,
        load_schedules,
        parse_days,
        parse_time,
        routine_ref_to_store,
        save_schedules,
    )

    routine = routine_ref_to_store(routine)
    entries = add_schedule(load_schedules(), routine, parse_time(at_), parse_days(days),
                           schedule_id)
    save_schedules(entries)
    echo(f"Added {entries[-1].describe()}")
    from coach.cli.prewarm import prewarm_schedule  # voice stream (issue 9)

    prewarm_schedule(routine)


@schedule.command("figure-8")
@click.option("--morning", default="07:30", show_default=True, metavar="HH:MM")
@click.option("--evening", default="19:00", show_default=True, metavar="HH:MM")
@click.option("--days", default="daily", show_default=True, help="mon,tue,... or daily.")
def figure8(morning: str, evening: str, days: str) -> None:
    """Figure-8 walks twice a day, morning and evening (the common case).

    Replaces earlier figure-8-morning / figure-8-evening schedules. When your
    programme has figure-8 walks (`coach plan --figure-8`), each plays the
    programme's walk of that morning or evening, at its dose, as the phone feed
    offers it; otherwise the built-in figure-8 routine.

    \b
    Examples:
      coach schedule figure-8
      coach schedule figure-8 --morning 06:45 --evening 20:00
    """
    from coach.scheduling.schedules import (
        WalkSchedule,
        add_schedule,
        load_schedules,
        parse_days,
        parse_time,
        save_schedules,
    )

    wanted = parse_days(days)
    new = [WalkSchedule("figure-8-morning", "figure-8", parse_time(morning), wanted),
           WalkSchedule("figure-8-evening", "figure-8", parse_time(evening), wanted)]
    entries = [e for e in load_schedules() if e.id not in {n.id for n in new}]
    for entry in new:  # refused like any other schedule when it repeats or overlaps one
        entries = add_schedule(entries, entry.routine, entry.at, entry.days, entry.id)
    save_schedules(entries)
    for entry in new:
        echo(f"Scheduled {entry.describe()}")
    from coach.cli.prewarm import prewarm_schedule  # voice stream (issue 9)

    prewarm_schedule("figure-8")


@schedule.command("list")
@pass_env
def list_cmd(env: Environment) -> None:
    """List your schedules with the next time each is due.

    \b
    Example:
      coach schedule list
    """
    from coach.scheduling.scheduler import next_due
    from coach.scheduling.schedules import load_schedules

    entries = load_schedules()
    if not entries:
        echo("No schedules yet. Try: coach schedule figure-8")
        return
    zone, now = env.wall.zone(), env.now()
    for e in entries:
        due = next_due(e, now, zone)
        echo(f"{e.describe()}  (next: {due:%a %d %b %H:%M})")


@schedule.command("remove")
@click.argument("schedule_id", metavar="ID")
def remove(schedule_id: str) -> None:
    """Remove a schedule by its id (see `coach schedule list`).

    \b
    Example:
      coach schedule remove figure-8-evening
    """
    from coach.scheduling.schedules import load_schedules, remove_schedule, save_schedules

    save_schedules(remove_schedule(load_schedules(checked=False), schedule_id))
    echo(f"Removed {schedule_id}.")


@schedule.command("run")
@click.option("--export-to", type=click.Path(file_okay=False), metavar="DIR",
              help="Write each day's sessions as audio files here (a phone sync folder) "
              "instead of playing them.")
@click.option("--grace", type=click.FloatRange(0, 180), default=15, show_default=True,
              help="Minutes late a walk may still start (after sleep); later ones are "
              "reported as missed.")
@click.option("--serve", "serve_too", is_flag=True,
              help="Serve the podcast feed and the pain page too (as `coach serve` does), "
              "in this one process.")
@listen_options
@pass_env
def run(env: Environment, export_to: str | None, grace: float, serve_too: bool,
        host: str | None, port: int | None, all_interfaces: bool) -> None:
    """Stay in the foreground and start each scheduled walk at its time.

    A walk missed while the computer slept is reported and offered, never
    started twice. Stop with Ctrl-C.

    \b
    Examples:
      coach schedule run
      coach schedule run --export-to ~/Sync/walks
      coach schedule run --serve --port 8765
    """
    from coach.files import output_folder
    from coach.scheduling.daemon import DaemonIO, WalkDaemon
    from coach.scheduling.schedules import load_schedules

    entries = load_schedules()
    if not entries:
        raise UsageError("no schedules yet: add one with `coach schedule figure-8` or "
                         "`coach schedule add ROUTINE --at HH:MM`")
    folder = None if export_to is None else output_folder(Path(export_to), create=True)
    io = DaemonIO(say=echo, warn=lambda line: echo(line, err=True),
                  ask=_confirm if env.stdin_isatty else None)
    daemon = WalkDaemon(entries, env.wall, env.clock,
                        start_walk=lambda routine: start_session(routine, env), io=io,
                        export_to=folder, grace_s=grace * 60)
    from coach.live.keys import EndSignal, interrupt_exit_status

    with serving_beside(env, serve_too, host, port, all_interfaces):
        for e in entries:
            echo(f"Waiting for {e.describe()}")
        try:
            daemon.run()
        except KeyboardInterrupt as err:  # Ctrl-C: exit 0; SIGTERM/SIGHUP in a walk: 128+N
            echo("Stopped.")
            if isinstance(err, EndSignal):
                raise SystemExit(interrupt_exit_status(err.signum)) from None


def _confirm(question: str, timeout_s: float) -> bool:
    """Ask on the terminal; no answer within ``timeout_s`` is no (the daemon's loop waits
    on this, and the next walk is due after it)."""
    import select
    import sys

    click.echo(f"{question} [y/N] (within {timeout_s:.0f} s) ", nl=False)
    try:
        ready, _, _ = select.select([sys.stdin], [], [], timeout_s)
    except (OSError, ValueError):  # no selectable stdin: nobody to answer
        ready = []
    if not ready:
        click.echo("\nNo answer: not started.")
        return False
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def start_session(routine: Routine, env: Environment) -> WalkOutcome:
    """THE one place a scheduled session starts: played live, as `coach walk` plays it
    (spoken on the sound device, or printed as text where there is none), on the
    environment's clocks."""
    from coach.cli.live import print_outcome
    from coach.live.keys import EndSignal, take_end_signal
    from coach.live.walk import WalkIO, WalkOptions, walk_routine

    outcome = walk_routine(routine, WalkOptions(), WalkIO(clock=env.clock, now=env.now,
                                                          out=env.stdout,
                                                          on_saved=print_outcome))
    signum = take_end_signal()
    if signum is not None:  # SIGTERM/SIGHUP stop the daemon too (the walk is saved)
        raise EndSignal(signum)
    return outcome


@schedule.command("ics")
@click.option("--output", "-o", required=True, metavar="FILE.ics",
              help="Where to write the calendar (the folder must exist).")
@click.option("--alarm", type=click.IntRange(0, 240), default=10, show_default=True,
              help="Reminder this many minutes before each walk.")
@pass_env
def ics(env: Environment, output: str, alarm: int) -> None:
    """Write your schedules as a calendar file, and print crontab and systemd lines.

    Import the .ics into your phone's calendar: each walk repeats weekly on its
    days with a reminder before it.

    \b
    Examples:
      coach schedule ics -o walks.ics
      coach schedule ics -o walks.ics --alarm 15
    """
    from zoneinfo import ZoneInfo

    from coach.files import check_output_file
    from coach.scheduling.calendar import coach_command, crontab_lines, systemd_units, write_ics
    from coach.scheduling.schedules import load_schedules, scheduled_session

    target = check_output_file(Path(output), (".ics",))
    entries = load_schedules()
    if not entries:
        raise UsageError("no schedules yet: add one with `coach schedule figure-8`")
    now = env.now()
    minutes, languages = {}, {}
    for e in entries:
        try:
            routine = scheduled_session(e, entries, now.date()).routine  # as it plays
            minutes[e.routine] = routine.duration_s / 60
            languages[e.routine] = routine.speech.language
        except CoachError:
            pass  # unknown length: the calendar shows the default half hour
    zone = env.wall.zone()
    if not isinstance(zone, ZoneInfo):
        zone = ZoneInfo("UTC")
        echo("note: could not tell this computer's time zone, so the calendar uses UTC; "
                   "set TZ (e.g. TZ=Europe/London) and run this again", err=True)
    path = write_ics(target, entries, now.date(), zone, now, minutes, alarm, languages)
    echo(f"Wrote {path} ({len(entries)} repeating walks, reminders {alarm} min before).")
    echo("\n# crontab -e (cron uses the computer's local time):")
    walk = f"{coach_command()} walk"
    for line in crontab_lines(entries, walk):
        echo(line)
    echo("\n# systemd user timers: save in ~/.config/systemd/user/, then "
               "systemctl --user enable --now NAME.timer")
    for name, text in systemd_units(entries, walk):
        echo(f"\n# --- {name}\n{text}", nl=False)

