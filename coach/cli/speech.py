"""Speech commands (voices) and the speech options other commands share."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from coach.cli import pass_env
from coach.env import Environment

if TYPE_CHECKING:
    from datetime import date

    from coach.routines.model import SpeechSettings

ENGINE_HELP = ("Speech engine: piper (the natural voice, the default when the `voice` extra "
               "is installed), espeak (the fallback) or pyttsx3; $COACH_ENGINE sets the "
               "default.")


def register(group: click.Group) -> None:
    group.add_command(voices)
    group.add_command(prepare)


@dataclasses.dataclass(frozen=True)
class SpeechOverrides:
    """Speech settings given on the command line; ``None`` keeps the routine's own."""

    engine: str | None = None
    voice: str | None = None
    language: str | None = None
    rate_wpm: int | None = None
    volume: float | None = None

    def apply(self, settings: SpeechSettings) -> SpeechSettings:
        given = {k: v for k, v in dataclasses.asdict(self).items() if v is not None}
        return dataclasses.replace(settings, **given)


def speech_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Add --engine/--voice/--language/--rate/--volume; the command gets ``speech``.

    ``speech`` is a :class:`SpeechOverrides`: ``speech.apply(routine.speech)``.
    """
    @functools.wraps(f)
    def wrapper(*args: Any, engine: str | None, voice: str | None, language: str | None,
                rate: int | None, volume: float | None, **kwargs: Any) -> Any:
        if engine is None:
            note_fallback()
        return f(*args, speech=SpeechOverrides(engine, voice, language, rate, volume), **kwargs)

    for option in reversed((
        click.option("--engine", metavar="NAME", help=ENGINE_HELP),
        click.option("--voice", metavar="ID", help="Voice (see `coach voices`)."),
        click.option("--language", metavar="CODE", help="Language of the voice, e.g. en-gb."),
        click.option("--rate", type=click.IntRange(80, 450), metavar="WPM",
                     help="Speech rate in words per minute (80-450)."),
        click.option("--volume", type=click.FloatRange(0.05, 1.0), metavar="0-1",
                     help="Speech volume, 0.05 to 1."),
    )):
        wrapper = option(wrapper)
    return wrapper


def note_fallback() -> None:
    """Say once, on stderr, that the natural voice is missing and how to get it."""
    from coach.speech import fallback_note

    note = fallback_note()
    if note is not None:
        click.echo(note, err=True)


@click.command()
@click.option("--engine", metavar="NAME", default=None,
              help="Only this engine's voices (piper, espeak or pyttsx3).")
@click.option("--language", metavar="CODE", default=None,
              help="Only voices for this language, e.g. en (also matches en-gb, en-us).")
def voices(engine: str | None, language: str | None) -> None:
    """List every speech engine's voices; * marks the default engine's default voice.

    Put a voice's ID as `voice:` in a routine, or pass it as --voice (with
    --engine for another engine than the default), to use it. Your own Piper
    voices go in the folder named under `piper` as NAME.onnx + NAME.onnx.json.

    \b
    Examples:
      coach voices --language en
      coach voices --engine piper
    """
    from coach.speech.listing import list_engines

    listed = list_engines(engine)
    shown = 0
    for part in listed:
        default = " (the default engine)" if part.default else ""
        click.echo(f"{part.engine}{default}: {part.problem or part.about}")
        rows = [v for v in part.voices if language is None or _speaks(v.languages, language)]
        shown += len(rows)
        if not rows:
            if part.voices:
                click.echo(f"  no voices for language {language!r}")
            continue
        id_width = max(len(v.id) for v in rows)
        name_width = max(len(v.name) for v in rows)
        for v in sorted(rows, key=lambda v: (v.id != part.default_voice, v.id)):
            mark = "*" if part.default and v.id == part.default_voice else " "
            click.echo(f"{mark} {v.id:<{id_width}}  {v.name:<{name_width}}  "
                       f"{', '.join(v.languages)}".rstrip())
    if not shown and language is not None:
        click.echo(f"No voices for language {language!r}.", err=True)


def _speaks(languages: tuple[str, ...], wanted: str) -> bool:
    wanted = wanted.casefold()
    return any(lang.casefold() == wanted or lang.casefold().startswith(wanted + "-")
               for lang in languages)


@click.command()
@click.argument("routines", nargs=-1, metavar="[ROUTINE]...")
@click.option("--program", "program", is_flag=True,
              help="Prepare the upcoming sessions of your programme (see `coach plan`).")
@click.option("--weeks", type=click.IntRange(1, 12), default=None,
              help="With --program: how many weeks ahead (default 1).")
@click.option("--background", "background_on", hidden=True, metavar="YYYY-MM-DD",
              help="Run as a pre-warm (coach.cli.prewarm), the programme from this day.")
@speech_options
@pass_env
def prepare(env: Environment, routines: tuple[str, ...], program: bool, weeks: int | None,
            background_on: str | None, speech: SpeechOverrides) -> None:
    """Synthesise the voice for routines ahead of time, so walks and exports start at once.

    Every phrase is synthesised once, in parallel across the cores, and kept in
    the phrase cache; a walk or export then starts without waiting. Without
    ROUTINE or --program: every built-in routine.

    \b
    Examples:
      coach prepare gentle-start brisk-30
      coach prepare --program --weeks 2
      coach prepare
    """
    if background_on is not None:
        from datetime import date

        from coach import paths
        from coach.cli.prewarm import background_turn

        with background_turn(paths.cache_dir()):
            _prepare(date.fromisoformat(background_on), routines, program, weeks, speech)
        return
    _prepare(env.today(), routines, program, weeks, speech)


def _prepare(today: date, routines: tuple[str, ...], program: bool, weeks: int | None,
             speech: SpeechOverrides) -> None:
    from coach.errors import UsageError
    from coach.routines.library import builtin_routine_ids, resolve_routine
    from coach.session import warm_routines

    if weeks is not None and not program:
        raise UsageError("--weeks goes with --program (the sessions of your programme)")
    if program and routines:
        raise UsageError("give either routines or --program, not both")
    if program:
        from coach.programme.today import upcoming_programme_routines

        chosen = [r for r, _ in upcoming_programme_routines(weeks or 1, today)]
    else:
        chosen = [resolve_routine(ref) for ref in routines or builtin_routine_ids()]
    shown = False

    def progress(done: int, total: int) -> None:
        nonlocal shown
        shown = True
        click.echo(f"\rPreparing the voice, first time only: {done}/{total} phrases",
                   nl=False, err=True)

    total, made = warm_routines(chosen, speech.apply, progress)
    if shown:
        click.echo(err=True)
    click.echo(f"{len(chosen)} routine(s), {total} phrases ready "
               f"({made} synthesised, {total - made} already cached).")
