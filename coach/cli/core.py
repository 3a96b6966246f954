"""Core commands: routines, techniques, show, compile, check, schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from coach.cli import echo
from coach.cli.speech import SpeechOverrides, speech_options
from coach.cli.talk import talk_option, with_talk
from coach.env import Environment
from coach.errors import RoutineError, SettingError, UsageError

if TYPE_CHECKING:
    from coach.compiler.timeline import Timeline
    from coach.routines.model import Routine, SpeechSettings
    from coach.session import Engines



def routine_argument(f: Callable[..., None]) -> Callable[..., None]:
    return click.argument("routine", metavar="ROUTINE")(f)


#: Time speech by the words-per-minute guess (the engine is not opened).
estimate_option = click.option(
    "--estimate", is_flag=True,
    help="Time speech by words per minute instead of synthesising it.")


def register(group: click.Group) -> None:
    for command in (routines, techniques, show, compile_cmd, check, schema):
        group.add_command(command)


@click.command()
def routines() -> None:
    """List the routines you can walk: built-in and your own.

    \b
    Example:
      coach routines
    Your own routines go in the folder printed at the bottom.
    """
    from coach import paths
    from coach.routines.durations import format_clock
    from coach.routines.library import list_routines

    rows = []
    for entry in list_routines():
        if entry.routine is None:
            rows.append((entry.id, "--:--", f"(invalid: {entry.problem})"))
            continue
        mark = "" if entry.source.builtin else "  [yours]"
        if entry.replaces_builtin:
            mark = "  [yours: replaces the built-in one]"
        rows.append((entry.id, format_clock(entry.routine.duration_s), entry.routine.title + mark))
    width = max(len(r[0]) for r in rows) if rows else 10
    for rid, dur, title in rows:
        echo(f"{rid:<{width}}  {dur:>6}  {title}")
    echo(f"\nYour routines folder: {paths.user_routines_dir()}")


@click.command()
def techniques() -> None:
    """List the walking techniques routines can use.

    \b
    Example:
      coach techniques
    """
    from coach.routines.library import load_techniques

    techs = load_techniques()
    width = max(len(t) for t in techs)
    for tid, tech in sorted(techs.items()):
        echo(f"{tid:<{width}}  {tech.name}: {tech.description}")


@click.command()
@routine_argument
@estimate_option
@talk_option
def show(routine: str, estimate: bool) -> None:
    """Describe a routine: its sections, times and what the coach says.

    Times are those of the synthesised speech, as `coach compile` and `coach
    export` have them (or with --estimate a words-per-minute guess).

    \b
    Examples:
      coach show gentle-start
      coach show ./my-walk.yaml
    """
    from coach.routines.durations import format_clock

    r = with_talk(named_routine(routine))
    timeline = timed(r, estimate)
    echo(f"{r.title} ({r.id}), {format_clock(r.duration_s)}")
    if r.description:
        echo(click.wrap_text(r.description, initial_indent="  ", subsequent_indent="  "))
    echo("")
    for i, s in enumerate(timeline.sections):
        n = sum(1 for c in timeline.cues if c.section == i)
        pace = f", {s.pace} pace" if s.pace else ""
        spm = f", {s.cadence_spm:g} steps/min" if s.cadence_spm else ""
        echo(f"  {format_clock(s.start_s)}  {s.title} [{s.technique}] "
                   f"{format_clock(s.duration_s)}{pace}{spm}, {n} cues")
    echo(f"\n{len(timeline.cues)} spoken cues. See them all: coach compile {routine}")


@click.command("compile")
@routine_argument
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "lrc", "srt"]),
              default="text", show_default=True, help="Output format.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print warnings about moved cues.")
@estimate_option
@talk_option
@speech_options
def compile_cmd(routine: str, fmt: str, quiet: bool, estimate: bool,
                speech: SpeechOverrides) -> None:
    """Print the spoken timeline of a session: every cue at its time.

    The JSON form is a stable interface for other tools (see the README).
    Each cue's speech_s is the measured length of its synthesised speech
    (cached, so only new phrases take time), or with --estimate a
    words-per-minute guess.

    \b
    Examples:
      coach compile figure-8
      coach compile brisk-30 --format json > brisk.json
      coach compile heel-toe --format srt > heel-toe.srt
    """
    from coach.export.formats import render

    r = with_talk(named_routine(routine))
    timeline = timed(r, estimate, speech.apply(r.speech))
    if not quiet:
        for warning in timeline.warnings:
            echo(f"warning: {warning}", err=True)
    echo(render(timeline, fmt), nl=False)


def named_routine(ref: str) -> Routine:
    """The routine ``ref`` names; ``plan`` is today's programme session (the walker's day,
    from the command's environment)."""
    from coach.programme.today import routine_for_ref

    env = click.get_current_context().ensure_object(Environment)  # as @pass_env gets it
    return routine_for_ref(ref, env.today())


def timed(routine: Routine, estimate: bool, speech: SpeechSettings | None = None) -> Timeline:
    """The routine's timeline as it is played (:func:`coach.session.session_timeline`);
    the note on stderr when no engine could time it."""
    from coach.session import session_timeline

    timeline, note = session_timeline(routine, speech, estimate=estimate)
    if note is not None:
        echo(note, err=True)
    return timeline


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@estimate_option
def check(files: tuple[str, ...], estimate: bool) -> None:
    """Check routine files and report every problem as FILE:LINE:COL.

    Exits with 2 if any file has a problem. Cues are timed by their
    synthesised speech, as `coach compile` times them (or with --estimate by
    words per minute), so the warnings are the same. A routine's own translations
    (its `text:` parts) with a text left out, or a line still in the original
    language, are warnings (FILE:LINE:COL: warning: ...), not errors.

    \b
    Examples:
      coach check my-walk.yaml
      coach check ~/.config/coach/routines/*.yaml
    """
    from pathlib import Path

    from coach.cli import report
    from coach.compiler.compile import plural
    from coach.routines.durations import format_clock
    from coach.routines.library import load_techniques, read_user_file
    from coach.routines.loader import load_routine
    from coach.routines.texts import translation_warnings
    from coach.session import session_timeline

    techs = load_techniques()
    engines: Engines = {}
    failed = False
    for name in files:
        routine = None
        try:
            routine = load_routine(read_user_file(Path(name)), name, Path(name).stem, techs)
            timeline, note = session_timeline(routine, estimate=estimate, engines=engines)
            _check_music(routine)  # what check accepts, export and walk play (issue 12)
        except RoutineError as err:
            report(err)
            failed = True
            continue
        except UsageError as err:  # one line that names the file (and the key's place)
            at = dict(routine.speech_at).get(err.key) \
                if isinstance(err, SettingError) and routine is not None else None
            echo(f"{at}: {err}" if at else str(err) if str(err).startswith(name)
                 else f"{name}: {err}", err=True)
            failed = True
            continue
        if note is not None:  # said once: the other files are estimated too
            echo(note, err=True)
            estimate = True
        echo(f"{name}: ok, {format_clock(timeline.duration_s)}, "
                   f"{plural(len(timeline.sections), 'section')}, "
                   f"{plural(len(timeline.cues), 'cue')}")
        for warning in timeline.warnings:
            echo(f"{name}: warning: {warning}", err=True)
        for p in translation_warnings(routine, techs):  # its text: parts (routines.texts)
            echo(f"{p.file}:{p.line}:{p.col}: warning: {p.message}", err=True)
    if failed:
        raise click.exceptions.Exit(2)


def _check_music(routine: Routine) -> None:
    """The routine's ``music:`` names a music file or a folder with some, at its place:
    a FIFO or a device (which export and walk skip unopened) is refused here, so what
    check accepts is something they can play."""
    import os
    from pathlib import Path

    from coach.audio.music import music_files
    from coach.files import file_kind

    if routine.music is None:
        return
    try:
        files = music_files([Path(routine.music)])
        kinds = [file_kind(os.stat(path).st_mode) for path in files]
    except (UsageError, OSError) as err:
        raise UsageError(f"{routine.music_at}: music: {err}") from None
    if "a regular file" not in kinds:
        what = (f"it is {kinds[0]}, not a music file" if len(files) == 1 and files[0] ==
                Path(routine.music).expanduser() else "no regular music files in this folder")
        raise UsageError(f"{routine.music_at}: music: {routine.music}: {what}")


@click.command()
@click.option("--technique", is_flag=True, help="The schema of technique files instead.")
def schema(technique: bool) -> None:
    """Print the JSON Schema of routine files, for editors.

    \b
    With yaml-language-server (VS Code, Neovim, Helix), save it beside your
    routines and put this first line in each routine:
      coach schema > routine.schema.json
      # yaml-language-server: $schema=./routine.schema.json
    """
    from importlib import resources

    name = "technique.schema.json" if technique else "routine.schema.json"
    text = resources.files("coach").joinpath("data").joinpath(name).read_text("utf-8")
    click.echo(text, nl=False)
