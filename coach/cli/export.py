"""The export command: sessions as MP3 (or WAV) files to play on a phone."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from coach.cli import pass_env
from coach.cli.options import option_group
from coach.cli.speech import SpeechOverrides, speech_options
from coach.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import date

    from click._termui_impl import ProgressBar

    from coach.audio.render import SessionRenderer
    from coach.compiler.timeline import CompileWarning
    from coach.env import Environment
    from coach.routines.model import Routine
    from coach.session import Engines, PreparedSession

AUDIO_SUFFIXES = (".mp3", ".wav")
BITRATES_HELP = "MP3 bitrate in kbit/s (22050 Hz mono: 8-160)."


def register(group: click.Group) -> None:
    group.add_command(export)


@dataclass(frozen=True)
class AudioOutput:
    """Where the export writes and how: ``-o``, ``--bitrate``, ``--format``."""

    output: str
    bitrate: int
    fmt: str | None  # None: from the output name


audio_output_options = option_group(
    "audio", AudioOutput,
    click.option("-o", "--output", required=True, metavar="FILE|DIR",
                 help="The .mp3/.wav file to write (one routine), or a folder (several "
                 "routines, --program)."),
    click.option("--bitrate", type=int, default=64, show_default=True, help=BITRATES_HELP),
    click.option("--format", "fmt", type=click.Choice(["mp3", "wav"]), default=None,
                 help="File format. Default: from the output name, else mp3."),
)


@click.command()
@click.argument("routines", nargs=-1, metavar="ROUTINE...")
@audio_output_options
@click.option("--cadence", is_flag=True, help="Add a soft step metronome at the routine's cadence.")
@click.option("--program", "program", is_flag=True,
              help="Export the upcoming sessions of your programme (see `coach plan`).")
@click.option("--weeks", type=click.IntRange(1, 12), default=1, show_default=True,
              help="With --program: how many weeks ahead.")
@speech_options
@pass_env
@click.pass_context
def export(ctx: click.Context, env: Environment, routines: tuple[str, ...], audio: AudioOutput,
           cadence: bool, program: bool, weeks: int, speech: SpeechOverrides) -> None:
    """Write sessions as audio files to copy to a phone and play offline.

    One routine and a file name: that file, with chapters per section, every
    cue as synced lyrics, and FILE.lrc beside it. A name without .mp3/.wav
    gets the format's suffix. Several routines, --program, or a folder as -o:
    one file per session in that folder (made if needed) plus playlist.m3u8.

    \b
    Examples:
      coach export gentle-start -o walk.mp3
      coach export figure-8 -o evening.mp3 --cadence --rate 150
      coach export gentle-start figure-8 brisk-30 -o ~/Music/walks
      coach export --program --weeks 2 -o ~/Music/walks
    """
    from click.core import ParameterSource

    from coach.audio.clip import SAMPLE_RATE_HZ
    from coach.export.tags import TagInfo
    from coach.export.writer import encoder_for, export_many, write_session
    from coach.routines.library import resolve_routine
    from coach.session import prepare_session

    if not program and ctx.get_parameter_source("weeks") is not ParameterSource.DEFAULT:
        raise UsageError("--weeks goes with --program (the sessions of your programme)")
    if program and routines:
        raise UsageError("give either routines or --program, not both")
    if not program and not routines:
        raise UsageError("name a routine to export (see `coach routines`), or use --program")
    several = "--program" if program else "exporting several routines" if len(routines) > 1 \
        else None
    target, to_folder, fmt = output_target(audio.output, audio.fmt, several)  # checks first
    bitrate = audio.bitrate
    encoder_for(fmt, bitrate)  # a bad bitrate, too, before any work
    names: list[str] | None = None
    hints: dict[str, str] = {}
    if program:
        resolved, names = _programme_routines(weeks, env.today())
    else:
        resolved = [resolve_routine(ref) for ref in routines]  # every bad name before any work
        hints = {routine.id: ref for routine, ref in zip(resolved, routines, strict=True)}
    tag_info = TagInfo(date=env.today().isoformat())
    engines: Engines = {}
    prepared: list[PreparedSession] = []
    for routine in resolved:  # every phrase synthesised (to the disk cache) before writing
        with click.progressbar(length=1, label=f"Preparing speech for {routine.id}",
                               file=sys.stderr, show_pos=True) as bar:
            prepared.append(prepare_session(routine, speech.apply(routine.speech),
                                            metronome=cadence, progress=_progress_to(bar),
                                            engines=engines))
    sessions = [(p.timeline.routine, p.timeline.warnings) for p in prepared]
    for line in summarise_warnings(sessions, hints):
        click.echo(line, err=True)
    total = sum(round(p.timeline.duration_s * SAMPLE_RATE_HZ) for p in prepared)
    count = "1 session" if len(prepared) == 1 else f"{len(prepared)} sessions"
    label = f"Writing {count} to {target}" if to_folder else f"Writing {target.name}"
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        if to_folder:
            written = export_many(_let_go(prepared), target, bitrate, fmt, bar.update,
                                  tag_info, names=names)
        else:
            written = [write_session(prepared[0].renderer, target, bitrate, fmt, bar.update,
                                     tag_info)]
    for path in written:
        click.echo(str(path))


def _progress_to(bar: ProgressBar[int]) -> Callable[[int, int], None]:
    """A ``progress(done, total)`` callback that moves ``bar``."""
    def progress(done: int, total: int) -> None:
        bar.length = total
        bar.update(done - bar.pos)

    return progress


def _let_go(prepared: list[PreparedSession]) -> Iterator[SessionRenderer]:
    """Each renderer in turn, dropped from the list once handed out: a session's audio
    caches are let go when it is written, so memory stays flat however many are written."""
    while prepared:
        yield prepared.pop(0).renderer


def output_target(output: str, fmt: str | None, several: str | None
                  ) -> tuple[Path, bool, str]:
    """(path, is it a folder, format) for ``-o output``; a UsageError for a bad name.

    ``several`` names what makes several files (e.g. ``"--program"``), or is
    None for one routine. Nothing is created here.
    """
    from coach.files import output_folder

    target = Path(output).expanduser()
    suffix = target.suffix.lower()
    says_folder = output.endswith(("/", "\\")) or target.is_dir()
    if several and not says_folder and suffix in AUDIO_SUFFIXES:
        raise UsageError(f"{several} writes one file per session, so -o needs a folder, "
                         f"not the file name {output} (e.g. -o {target.with_suffix('')})")
    if several or says_folder:
        return target, True, fmt or "mp3"
    if not suffix:
        fmt = fmt or "mp3"
        target = target.with_name(f"{target.name}.{fmt}")
    elif suffix not in AUDIO_SUFFIXES:
        raise UsageError(f"unsupported file type {suffix}; use .mp3 or .wav")
    elif fmt is not None and suffix != f".{fmt}":
        raise UsageError(f"{output} ends in {suffix} but --format is {fmt}: name the file "
                         f"{target.with_suffix('.' + fmt).name} or leave out --format")
    else:
        fmt = suffix[1:]
    output_folder(target.parent)
    return target, False, fmt


def summarise_warnings(sessions: list[tuple[str, tuple[CompileWarning, ...]]],
                       hints: dict[str, str] | None = None) -> list[str]:
    """The compiler's warnings for (routine id, warnings) pairs, once per routine id.

    Dropped cues (and other problems) stay one line each, without repeats;
    moved cues become one note per routine. ``hints`` maps a routine id to
    the name to give `coach compile` for the details.
    """
    hints = hints or {}
    by_routine: dict[str, dict[CompileWarning, None]] = {}
    for routine_id, warnings in sessions:
        by_routine.setdefault(routine_id, {}).update(dict.fromkeys(warnings))
    lines = []
    for routine_id, distinct in by_routine.items():
        late_s = [w.moved_by_s or 0.0 for w in distinct if w.action == "moved"]
        lines += [f"warning: {routine_id}: {w}" for w in distinct if w.action != "moved"]
        if late_s:
            cues = "1 cue" if len(late_s) == 1 else f"{len(late_s)} cues"
            hint = f" (see `coach compile {hints[routine_id]}`)" if routine_id in hints else ""
            lines.append(f"note: {routine_id}: {cues} moved up to {max(late_s):.0f} s later "
                         f"to avoid talking over each other{hint}")
    return lines


def _programme_routines(weeks: int, today: date) -> tuple[list[Routine], list[str]]:
    """The programme's sessions for the next ``weeks`` weeks, and a file stem for each."""
    from coach.programme.history import History
    from coach.programme.plan import upcoming_sessions
    from coach.programme.store import load_state

    state = load_state()
    if state is None:
        raise UsageError("you have no programme yet: run `coach plan` first")
    with History() as hist:
        records = hist.sessions()
    sessions = upcoming_sessions(state, records, today, weeks)
    names = [f"{i:02d}-{s.day.isoformat() if s.day else 'next'}-{s.routine.id}"
             for i, s in enumerate(sessions, 1)]
    return [s.routine for s in sessions], names
