"""The export command: sessions as MP3 (or WAV) files to play on a phone."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from coach.cli.speech import SpeechOverrides, speech_options
from coach.errors import UsageError

if TYPE_CHECKING:
    from coach.model import Routine

BITRATES_HELP = "MP3 bitrate in kbit/s (22050 Hz mono: 8-160)."


def register(group: click.Group) -> None:
    group.add_command(export)


@click.command()
@click.argument("routines", nargs=-1, metavar="ROUTINE...")
@click.option("-o", "--output", required=True, metavar="FILE|DIR",
              help="The file to write (one routine), or a folder (several routines).")
@click.option("--bitrate", type=int, default=64, show_default=True, help=BITRATES_HELP)
@click.option("--format", "fmt", type=click.Choice(["mp3", "wav"]), default=None,
              help="File format. Default: from the output name, else mp3.")
@click.option("--cadence", is_flag=True, help="Add a soft step metronome at the routine's cadence.")
@click.option("--program", "program", is_flag=True,
              help="Export the upcoming sessions of your programme (see `coach plan`).")
@click.option("--weeks", type=click.IntRange(1, 12), default=1, show_default=True,
              help="With --program: how many weeks ahead.")
@speech_options
def export(routines: tuple[str, ...], output: str, bitrate: int, fmt: str | None,
           cadence: bool, program: bool, weeks: int, speech: SpeechOverrides) -> None:
    """Write sessions as audio files to copy to a phone and play offline.

    One routine and a file name: that file, with chapters per section, every
    cue as synced lyrics, and FILE.lrc beside it. Several routines (or a
    folder as -o): one file per routine in that folder plus playlist.m3u8.

    \b
    Examples:
      coach export gentle-start -o walk.mp3
      coach export figure-8 -o evening.mp3 --cadence --rate 150
      coach export gentle-start figure-8 brisk-30 -o ~/Music/walks
      coach export --program --weeks 2 -o ~/Music/walks
    """
    from coach.export import export_many, export_session, prepare_session
    from coach.library import resolve_routine
    from coach.tags import TagInfo

    names: list[str] | None = None
    if program:
        if routines:
            raise UsageError("give either routines or --program, not both")
        resolved, names = _programme_routines(weeks)
    elif not routines:
        raise UsageError("name a routine to export (see `coach routines`), or use --program")
    else:
        resolved = [resolve_routine(ref) for ref in routines]  # every bad name before any work
    target = Path(output).expanduser()
    to_folder = program or len(resolved) > 1 or target.is_dir() \
        or output.endswith(("/", "\\"))
    fmt = fmt or _format_of(target, to_folder)
    if not to_folder and target.suffix.lower() != f".{fmt}":
        raise UsageError(f"{output} does not end in .{fmt}; name the file NAME.{fmt}")
    tag_info = TagInfo(date=datetime.date.today().isoformat())
    engines: dict = {}
    prepared = []
    for routine in resolved:
        with click.progressbar(length=1, label=f"Voice for {routine.id}", file=sys.stderr,
                               show_pos=True) as bar:
            def warmed(done: int, total: int, bar=bar) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            prepared.append(prepare_session(routine, speech.apply(routine.speech),
                                            metronome=cadence, warm_progress=warmed,
                                            engines=engines))
        for warning in prepared[-1][0].warnings:
            click.echo(f"warning: {routine.id}: {warning}", err=True)
    total = sum(renderer.total_samples for _, renderer in prepared)
    with click.progressbar(length=total, label="Writing", file=sys.stderr) as bar:
        if to_folder:
            written = export_many(prepared, target, bitrate, fmt, bar.update, tag_info,
                                  names=names)
        else:
            timeline, renderer = prepared[0]
            written = [export_session(timeline, renderer, target, bitrate, fmt, bar.update,
                                      tag_info)]
    for path in written:
        click.echo(str(path))


def _programme_routines(weeks: int) -> tuple[list[Routine], list[str]]:
    """The programme's sessions for the next ``weeks`` weeks, and a file stem for each."""
    from coach.history import History
    from coach.programme import load_state, upcoming_sessions

    state = load_state()
    if state is None:
        raise UsageError("you have no programme yet: run `coach plan` first")
    with History() as hist:
        records = hist.sessions()
    sessions = upcoming_sessions(state, records, datetime.date.today(), weeks)
    names = [f"{i:02d}-{s.day.isoformat() if s.day else 'next'}-{s.routine.id}"
             for i, s in enumerate(sessions, 1)]
    return [s.routine for s in sessions], names


def _format_of(target: Path, to_folder: bool) -> str:
    suffix = target.suffix.lower().lstrip(".")
    return suffix if not to_folder and suffix in ("mp3", "wav") else "mp3"
