"""The export command: sessions as MP3 (or WAV) files to play on a phone."""

from __future__ import annotations

import dataclasses
import datetime
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from coach.cli.speech import ENGINE_HELP
from coach.errors import UsageError

if TYPE_CHECKING:
    from coach.model import Routine, SpeechSettings

BITRATES_HELP = "MP3 bitrate in kbit/s (22050 Hz mono: 8-160)."


def register(group: click.Group) -> None:
    group.add_command(export)


@click.command()
@click.argument("routines", nargs=-1, required=True, metavar="ROUTINE...")
@click.option("-o", "--output", required=True, metavar="FILE|DIR",
              help="The file to write (one routine), or a folder (several routines).")
@click.option("--bitrate", type=int, default=64, show_default=True, help=BITRATES_HELP)
@click.option("--format", "fmt", type=click.Choice(["mp3", "wav"]), default=None,
              help="File format. Default: from the output name, else mp3.")
@click.option("--cadence", is_flag=True, help="Add a soft step metronome at the routine's cadence.")
@click.option("--engine", metavar="NAME", default=None, help=ENGINE_HELP)
@click.option("--voice", metavar="ID", default=None, help="Voice id (see `coach voices`).")
@click.option("--rate", "rate_wpm", type=click.IntRange(80, 450), default=None,
              help="Speaking rate in words per minute.")
def export(routines: tuple[str, ...], output: str, bitrate: int, fmt: str | None,
           cadence: bool, engine: str | None, voice: str | None, rate_wpm: int | None) -> None:
    """Write sessions as audio files to copy to a phone and play offline.

    One routine and a file name: that file, with chapters per section, every
    cue as synced lyrics, and FILE.lrc beside it. Several routines (or a
    folder as -o): one file per routine in that folder plus playlist.m3u8.

    \b
    Examples:
      coach export gentle-start -o walk.mp3
      coach export figure-8 -o evening.mp3 --cadence --rate 150
      coach export gentle-start figure-8 brisk-30 -o ~/Music/walks
    """
    from coach.export import export_many, export_session, prepare_session
    from coach.library import resolve_routine
    from coach.tags import TagInfo

    target = Path(output).expanduser()
    to_folder = len(routines) > 1 or target.is_dir() or output.endswith(("/", "\\"))
    fmt = fmt or _format_of(target, to_folder)
    if not to_folder and target.suffix.lower() != f".{fmt}":
        raise UsageError(f"{output} does not end in .{fmt}; name the file NAME.{fmt}")
    resolved = [resolve_routine(ref) for ref in routines]  # every bad name before any work
    tag_info = TagInfo(date=datetime.date.today().isoformat())
    engines: dict = {}
    prepared = []
    for routine in resolved:
        with click.progressbar(length=1, label=f"Voice for {routine.id}", file=sys.stderr,
                               show_pos=True) as bar:
            def warmed(done: int, total: int, bar=bar) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            prepared.append(prepare_session(routine, _speech(routine, engine, voice, rate_wpm),
                                            metronome=cadence, warm_progress=warmed,
                                            engines=engines))
        for warning in prepared[-1][0].warnings:
            click.echo(f"warning: {routine.id}: {warning}", err=True)
    total = sum(renderer.total_samples for _, renderer in prepared)
    with click.progressbar(length=total, label="Writing", file=sys.stderr) as bar:
        if to_folder:
            written = export_many(prepared, target, bitrate, fmt, bar.update, tag_info)
        else:
            timeline, renderer = prepared[0]
            written = [export_session(timeline, renderer, target, bitrate, fmt, bar.update,
                                      tag_info)]
    for path in written:
        click.echo(str(path))


def _format_of(target: Path, to_folder: bool) -> str:
    suffix = target.suffix.lower().lstrip(".")
    return suffix if not to_folder and suffix in ("mp3", "wav") else "mp3"


def _speech(routine: Routine, engine: str | None, voice: str | None, rate_wpm: int | None
            ) -> SpeechSettings:
    changes: dict[str, object] = {}
    if engine is not None:
        changes["engine"] = engine
    if voice is not None:
        changes["voice"] = voice
    if rate_wpm is not None:
        changes["rate_wpm"] = rate_wpm
    return dataclasses.replace(routine.speech, **changes)  # type: ignore[arg-type]
