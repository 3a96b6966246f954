"""Programme commands: log, history, plan, progress."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

import click

from coach.cli import echo, pass_env
from coach.cli.intake import RedFlagOptions, ask_intake, red_flag_intake, red_flag_options
from coach.cli.options import option_group
from coach.cli.walker import say_number, say_when, walker_lines
from coach.env import Environment
from coach.errors import UsageError
from coach.programme.intake import red_flag_list
from coach.programme.logbook import LoggedWalk, LogResult

if TYPE_CHECKING:
    from coach.programme.history import History, WalkRecord
    from coach.programme.plan import ProgrammeState
    from coach.routines.lines import CoachLines

PLOT_SUFFIXES = (".png", ".svg", ".pdf")
HISTORY_FIELDS = ("id", "routine", "started_at", "planned_min", "walked_min", "completed",
                  "ended_reason", "pain_before", "pain_after", "pain_next_morning", "effort",
                  "note", "session_min")


def register(group: click.Group) -> None:
    for command in (log, history, plan, progress):
        group.add_command(command)


yes_option = click.option("--yes", "-y", is_flag=True,
                          help="Do not ask to confirm (needed without a terminal).")

logged_walk_options = option_group(
    "logged", LoggedWalk,
    click.option("--minutes", "-m", type=float,
                 help="Walking minutes: the minutes you walked, without the stretches."),
    click.option("--planned", type=float, help="Walking minutes you meant to walk (default: "
                 "the session's, or --minutes)."),
    click.option("--when", help="When you started, local time: 2026-03-02 07:30 (default: now)."),
    click.option("--pain-before", type=int, help="Back pain before the walk, 0 (none) to 10."),
    click.option("--pain-after", type=int, help="Back pain after the walk, 0 to 10."),
    click.option("--effort", type=click.Choice(["easy", "conversational", "breathless"]),
                 help="Talk test: could you talk in full sentences?"),
    click.option("--stopped", metavar="REASON",
                 help="You ended early, and why: pain, dizzy, tired, weather ..."),
    click.option("--flare", is_flag=True, help="You are in a flare-up (switches the plan to the "
                 "flare-up track)."),
    click.option("--note", default="", help="Anything worth remembering."),
)


@click.command()
@click.argument("routine", required=False, metavar="[ROUTINE|SESSION-ID]")
@logged_walk_options
@click.option("--morning-pain", type=int,
              help="Add next-morning pain (0-10) to your last walk, or to --id.")
@click.option("--id", "session_id", type=int, help="The walk --morning-pain is for "
              "(see `coach history`).")
@click.option("--fix", "fix_id", type=int, metavar="ID",
              help="Correct walk ID (see `coach history`): give only what changes.")
@yes_option
@pass_env
def log(env: Environment, routine: str | None, logged: LoggedWalk, morning_pain: int | None,
        session_id: int | None, fix_id: int | None, yes: bool) -> None:
    """Record a walk you did without the coach, or the next morning's pain, or correct one.

    Pain is a whole number from 0 (none) to 10 (worst). The plan uses it:
    a rise of 2 points or a worse next morning holds your walk length.
    --fix ID changes a saved walk (asks first on a terminal; --yes without one)
    and says what the programme decides now.

    \b
    Examples:
      coach log gentle-start --minutes 8 --pain-before 3 --pain-after 3
      coach log figure-8 -m 5 --when "2026-03-02 07:30" --effort easy
      coach log heel-toe -m 4 --planned 10 --stopped pain --pain-after 6
      coach log --morning-pain 2              (for your last walk)
      coach log --morning-pain 4 --id 12
      coach log 2026-03-02-walk -m 10 --pain-after 3   (an id from `coach plan`)
      coach log --fix 12 --pain-after 4       (correct walk 12)
    """
    from coach.programme.logbook import add_morning_pain, log_walk

    lines = walker_lines()
    if fix_id is not None:
        if routine is not None or session_id is not None:
            raise UsageError("--fix ID corrects a saved walk: give no routine and no --id")
        _fix(env, fix_id, logged, morning_pain, yes, lines)
        return
    with open_history() as hist:
        if morning_pain is not None and routine is None:
            result = add_morning_pain(hist, morning_pain, session_id, env.now(), lines)
            walk = result.record
            click.echo(lines.said("morning_added", pain=morning_pain, id=walk.id,
                                  routine=walk.routine, when=say_when(lines, walk.started_at)))
        elif routine is None or logged.minutes is None:
            raise UsageError("give the routine and the minutes walked, e.g. "
                             "`coach log gentle-start --minutes 8` (or --morning-pain N)")
        else:
            result = log_walk(hist, routine, logged, env.now(), morning_pain, lines)
            stopped = ("" if logged.stopped is None
                       else " " + lines.said("logged_stopped", reason=logged.stopped))
            click.echo(lines.said("logged", id=result.id, routine=result.record.routine,
                                  minutes=say_number(lines, logged.minutes), stopped=stopped))
    print_reaction(result, lines)


def _fix(env: Environment, walk_id: int, logged: LoggedWalk, morning_pain: int | None,
         yes: bool, lines: CoachLines) -> None:
    from coach.programme.corrections import describe_fix, fix_walk, fixed_record

    with open_history() as hist:
        rec = hist.get(walk_id)
        fixed = fixed_record(rec, logged, morning_pain, env.now())
        changes = "; ".join(describe_fix(rec, fixed, lines))
        if not changes:
            click.echo(lines.said("fix_nothing", id=walk_id))
            return
        _confirm(env, yes, lines.said("fix_ask", walk=_walk_name(lines, rec), changes=changes),
                 "--fix")
        result = fix_walk(hist, fixed, env.now(), lines)
    click.echo(lines.said("fixed", id=walk_id, changes=changes))
    _print_advice(result.advice)
    click.echo(lines.say("next", next=result.next))


def _walk_name(lines: CoachLines, rec: WalkRecord) -> str:
    return lines.said("walk_name", id=rec.id, routine=rec.routine,
                      when=say_when(lines, rec.started_at),
                      minutes=say_number(lines, rec.walked_min))


def _confirm(env: Environment, yes: bool, question: str, option: str) -> None:
    """Ask ``question`` on a terminal unless --yes; without a terminal --yes is needed."""
    if yes:
        return
    if not env.interactive:
        raise UsageError(f"{option} changes your history: add --yes to do it without a "
                         "terminal to confirm on")
    if not click.confirm(question, default=False):
        raise click.exceptions.Exit(1)


def _print_advice(advice: tuple[str, ...]) -> None:
    if advice:
        click.echo("")
        for line in advice:
            click.echo(line)
        click.echo("")


@contextlib.contextmanager
def open_history() -> Iterator[History]:
    """The walk history; what it has to say (an empty file, damaged rows skipped) goes to
    stderr once it is closed."""
    from coach.programme.history import History

    hist = History()
    try:
        with hist:
            yield hist
    finally:
        for notice in dict.fromkeys(hist.notices):
            click.echo(notice, err=True)


def print_reaction(result: LogResult, lines: CoachLines) -> None:
    """The pain advice (if any) and the programme's next decision, as every walk ends
    (``lines``: the walk's language)."""
    _print_advice(result.advice)
    click.echo(lines.say("next", next=result.next))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a list of walks).")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV with a header row.")
@click.option("--since", help="Only walks on or after this day (YYYY-MM-DD).")
@click.option("--delete", "delete_id", type=int, metavar="ID",
              help="Delete walk ID (asks first on a terminal; --yes without one).")
@yes_option
@pass_env
def history(env: Environment, as_json: bool, as_csv: bool, since: str | None,
            delete_id: int | None, yes: bool) -> None:
    """Show the walks you have done: a table, JSON or CSV; or delete one.

    \b
    Examples:
      coach history
      coach history --since 2026-03-01
      coach history --csv > walks.csv
      coach history --json | jq '.[].walked_min'
      coach history --delete 12
    """
    from coach.programme.logbook import parse_when

    lines = walker_lines()
    if delete_id is not None:
        _delete(env, delete_id, yes, lines)
        return
    if as_json and as_csv:
        raise UsageError("choose one of --json and --csv")
    with open_history() as hist:
        now = env.now()
        records = hist.sessions(parse_when(since, "--since", now) if since else None)
    rows = [_row(r) for r in records]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif as_csv:
        import csv
        import io

        buf = io.StringIO()
        writer = csv.DictWriter(buf, HISTORY_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buf.getvalue(), nl=False)
    else:
        echo(format_history(records, lines))  # notes saved before they were checked: escaped


def _delete(env: Environment, walk_id: int, yes: bool, lines: CoachLines) -> None:
    from coach.programme.corrections import delete_walk

    with open_history() as hist:
        rec = hist.get(walk_id, damaged_ok=True)
        name = lines.said("damaged", id=walk_id) if rec is None else _walk_name(lines, rec)
        _confirm(env, yes, lines.said("delete_ask", walk=name), "--delete")
        result = delete_walk(hist, walk_id, env.now(), lines)
    click.echo(lines.said("deleted", walk=name))
    click.echo(lines.say("next", next=result.next))


def _row(rec: WalkRecord) -> dict[str, object]:
    row = {f: getattr(rec, f) for f in HISTORY_FIELDS}
    row["started_at"] = rec.started_at.isoformat()
    return row


def format_history(records: list[WalkRecord], lines: CoachLines) -> str:
    if not records:
        return lines.said("history_empty")
    rows = []
    for r in records:
        pains = "/".join("-" if p is None else str(p)
                         for p in (r.pain_before, r.pain_after, r.pain_next_morning))
        status = ("" if r.completed
                  else " " + lines.said("history_stopped", reason=r.ended_reason or "?"))
        session = "-" if r.session_min is None else lines.decimal(r.session_min)
        rows.append((str(r.id), f"{r.started_at:%Y-%m-%d %H:%M}", r.routine[:15],
                     f"{lines.decimal(r.walked_min):>5}/{lines.decimal(r.planned_min):<5}",
                     session, pains, r.effort or "-", f"{r.note}{status}"))
    table = lines.table("history_columns", ">4 <16 <15 <11 >7 <10 <6 <", rows)
    return "\n".join([*table, lines.said("history_note")])



@click.command(epilog=f"\b\nRed flags (asked at intake):\n{red_flag_list()}")
@click.option("--minutes", type=float, help="Intake: minutes of walking comfortable today.")
@click.option("--days", type=int, help="Intake: days a week you can walk (1-7).")
@click.option("--figure-8/--no-figure-8", "figure8", default=None,
              help="Add short figure-8 walks twice a day, morning and evening.")
@click.option("--restart", is_flag=True, help="Forget the saved programme and start again.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the next 7 days' sessions as JSON: a list of {id, date, title, "
              "routine, walking_minutes, session_minutes}.")
@red_flag_options
@pass_env
def plan(env: Environment, minutes: float | None, days: int | None, figure8: bool | None,
         restart: bool, as_json: bool, red: RedFlagOptions) -> None:
    """Your walking programme: this week and the next session, with the reason for its length.

    The first time, it asks once about the red flags below (any yes: get medical
    advice first; no programme until you have), how many minutes are comfortable
    today and how many days a week you can walk (or give them as options). The
    programme begins at 5-10 minutes and builds gently toward 30 minutes, five
    days a week, holding or stepping back when your logged pain says so.

    \b
    Examples:
      coach plan
      coach plan --minutes 8 --days 3 --figure-8 --no-red-flags
      coach plan --no-figure-8
      coach plan --restart --minutes 5 --days 2 --no-red-flags
    """
    from dataclasses import replace

    from coach.programme.plan import make_state, start_note
    from coach.programme.store import load_state, save_state

    lines = walker_lines()
    today = env.today()
    state = None if restart else load_state()
    if state is None:
        red_flag_intake(env, red, today, lines)
        if minutes is None or days is None:
            if not env.stdin_isatty:
                raise UsageError("pass --minutes and --days (no terminal to ask on)")
            minutes, days = ask_intake(minutes, days, lines)
            if figure8 is None:
                figure8 = click.confirm(lines.said("plan_figure8"), default=False)
        figure8 = bool(figure8)  # not asked when the answers came as options
        state = make_state(minutes, days, figure8, today)
        click.echo(f"{lines.said('plan_saved', path=save_state(state))}\n"
                   f"{lines.programme_start}")
        note = start_note(state, lines)
        click.echo("" if note is None else f"{note}\n")
    elif minutes is not None or days is not None:
        raise UsageError(f"a programme already runs since {state.started_on}; add --restart "
                         "to start again with new answers")
    elif figure8 is not None and figure8 != state.intake.figure8_twice_daily:
        state = replace(state, intake=replace(state.intake, figure8_twice_daily=figure8))
        save_state(state)
    with open_history() as hist:
        records = hist.sessions()
    from coach.cli.prewarm import prewarm  # voice stream (issue 9): never waits for it

    prewarm("your next sessions", ["--program", "--weeks", "1"], today)
    if as_json:
        from coach.programme.upcoming import upcoming

        click.echo(json.dumps([s.as_json() for s in upcoming(state, records, today, 7)],
                              indent=2, ensure_ascii=False))
        return
    click.echo(describe_plan(state, records, today, lines))


def describe_plan(state: ProgrammeState, records: list[WalkRecord], today: date,
                  lines: CoachLines) -> str:
    from coach.programme.plan import next_session
    from coach.programme.upcoming import upcoming
    from coach.routines.texts import routine_in

    nxt = next_session(state, records, today)
    total_min = f"{nxt.routine.duration_s / 60:.0f}"
    title = routine_in(nxt.routine, lines.language).title
    out = [lines.said("plan_week", week=nxt.week, date=lines.say_date(state.started_on),
                      year=state.started_on.year),
           "", lines.said("plan_next"),
           "  " + lines.said("plan_session", title=title, minutes=total_min,
                             walking=say_number(lines, nxt.walk_min)),
           "  " + lines.said("plan_why", reason=lines.say_why(nxt.why)), "",
           lines.said("plan_days")]
    rows = [(lines.say_date(s.date),
             lines.said("plan_minutes", minutes=say_number(lines, s.walking_minutes).rjust(4)),
             lines.said("plan_minutes", minutes=f"{s.session_minutes:>4.0f}"), s.id, s.title)
            for s in upcoming(state, records, today, 7, lines.language)]
    out += lines.table("plan_columns", "<10 >7 >7 <27 <", rows, "  ")
    out += ["", lines.said("plan_dose"), lines.said("plan_how"), lines.said("plan_phone")]
    return "\n".join(out)


@click.command()
@click.option("--plot", metavar="FILE.png",
              help="Draw a picture: .png, .svg or .pdf (needs the 'plot' extra: matplotlib).")
@pass_env
def progress(env: Environment, plot: str | None) -> None:
    """Minutes walked each week against the plan, and how your pain is trending.

    \b
    Examples:
      coach progress
      coach progress --plot progress.png
    """
    from pathlib import Path

    from coach.files import check_output_file
    from coach.programme.progress import format_table, plot_progress, weekly_progress
    from coach.programme.store import load_state

    lines = walker_lines()
    target = None if plot is None else check_output_file(Path(plot), PLOT_SUFFIXES)
    with open_history() as hist:
        records = hist.sessions()
    rows = weekly_progress(load_state(), records, env.today())
    if target is not None:
        click.echo(lines.said("wrote", path=plot_progress(rows, target, lines)))
    elif not rows:
        click.echo(lines.said("progress_empty"))
    else:
        click.echo(format_table(rows, lines), nl=False)
