"""The export command: sessions as MP3 (or WAV) files to play on a phone."""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from coach.cli import pass_env
from coach.cli.mix import MixOverrides, mix_options
from coach.cli.options import option_group
from coach.cli.speech import SpeechOverrides, speech_options
from coach.cli.talk import talk_option, with_talk
from coach.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from coach.env import Environment
    from coach.export.batch import FileLabel
    from coach.programme.upcoming import ProgrammeSession
    from coach.routines.lines import CoachLines

BITRATES_HELP = "MP3 bitrate in kbit/s (22050 Hz mono: 8-160)."


def register(group: click.Group) -> None:
    group.add_command(export)


@dataclass(frozen=True)
class AudioOutput:
    """Where the export writes and how: ``-o``, ``--bitrate``, ``--format``."""

    output: str
    bitrate: int
    fmt: str | None  # None: from the output name
    jobs: int | None  # None: one process per core


audio_output_options = option_group(
    "audio", AudioOutput,
    click.option("-o", "--output", required=True, metavar="FILE|DIR",
                 help="The .mp3/.wav file to write (one routine), or a folder (several "
                 "routines, --program)."),
    click.option("--bitrate", type=int, default=64, show_default=True, help=BITRATES_HELP),
    click.option("--format", "fmt", type=click.Choice(["mp3", "wav"]), default=None,
                 help="File format. Default: from the output name, else mp3."),
    click.option("--jobs", type=click.IntRange(1, 64), default=None, metavar="N",
                 help="Encode up to N sessions at once, one process each. Default: one per "
                 "core."),
)


@click.command()
@click.argument("routines", nargs=-1, metavar="ROUTINE...")
@audio_output_options
@mix_options
@click.option("--program", "program", is_flag=True,
              help="Export the upcoming sessions of your programme (see `coach plan`).")
@click.option("--weeks", type=click.IntRange(1, 12), default=1, show_default=True,
              help="With --program: how many weeks ahead.")
@talk_option
@speech_options
@pass_env
@click.pass_context
def export(ctx: click.Context, env: Environment, routines: tuple[str, ...], audio: AudioOutput,
           mix: MixOverrides, program: bool, weeks: int, speech: SpeechOverrides) -> None:
    """Write sessions as audio files to copy to a phone and play offline.

    One routine and a file name: that file, with chapters per section, every
    cue as synced lyrics, and FILE.lrc beside it. A name without .mp3/.wav
    gets the format's suffix. Several routines, --program, or a folder as -o:
    one file per session in that folder (made if needed) plus playlist.m3u8,
    with track numbers in that order. --program titles each file by its week
    and day ("Week 2, day 3: 12-minute walk"), dates it the day it is for,
    and adds one playlist per week (week-2.m3u8).
    A file whose content would not change is left as it is (not even its
    modification time changes), so a second export is quick and a phone sync
    tool sees nothing new; the new files all appear together at the end.

    \b
    Examples:
      coach export gentle-start -o walk.mp3
      coach export figure-8 -o evening.mp3 --cadence --rate 150
      coach export gentle-start figure-8 brisk-30 -o ~/Music/walks
      coach export --program --weeks 2 -o ~/Music/walks
      coach export brisk-30 -o brisk.mp3 --music ~/Music/running --duck-db 15
    """
    from click.core import ParameterSource

    from coach.export.batch import ExportOptions, export_routines, export_target
    from coach.export.tags import TagInfo

    if not program and ctx.get_parameter_source("weeks") is not ParameterSource.DEFAULT:
        raise UsageError("--weeks goes with --program (the sessions of your programme)")
    if program and routines:
        raise UsageError("give either routines or --program, not both")
    if not program and not routines:
        raise UsageError("name a routine to export (see `coach routines`), or use --program")
    several = "--program" if program else "exporting several routines" if len(routines) > 1 \
        else None
    target = export_target(audio.output, audio.fmt, audio.bitrate, several)  # checks first
    names: list[str] | None = None
    labels: list[FileLabel] | None = None
    hints: dict[str, str] = {}
    if program:
        from coach.cli.walker import in_walkers_language, walker_lines
        from coach.programme.today import load_programme_sessions

        lines = walker_lines(speech.language)  # --language, else the settings' language:
        planned = load_programme_sessions(weeks, env.today())
        resolved = [in_walkers_language(s.routine, lines) for s in planned]
        names = [s.stem for s in planned]
        labels = [programme_label(s, lines) for s in planned]
    else:
        from coach.programme.today import routine_for_ref

        # every bad name before any work; `plan` is today's programme session
        resolved = [routine_for_ref(ref, env.today()) for ref in routines]
        hints = {routine.id: ref for routine, ref in zip(resolved, routines, strict=True)}
    resolved = [with_talk(r) for r in resolved]  # --talk
    own_music = mix.routine_music(_warn, resolved)  # each its own music:, unless --music
    levels = mix.levels(_warn, own_music=bool(own_music))  # --music plays under all
    options = ExportOptions(speech=speech.apply, metronome=mix.cadence, levels=levels,
                            tag_info=TagInfo(date=env.today().isoformat()),
                            routine_music=own_music)
    for path in export_routines(resolved, target, options, names=names, hints=hints,
                                progress=_ProgressBars(), workers=audio.jobs, labels=labels):
        click.echo(str(path))


def _warn(line: str) -> None:
    click.echo(line, err=True)


def programme_label(session: ProgrammeSession, lines: CoachLines) -> FileLabel:
    """A programme session's file: titled "Week 2, day 3: 12-minute walk, then stretches"
    (in the language of ``lines``), dated the day it is for, listed in its week's
    playlist (``week-2.m3u8``)."""
    from coach.export.batch import FileLabel
    from coach.routines.generated import week_title
    from coach.routines.texts import routine_in

    title = routine_in(session.routine, lines.language).title
    return FileLabel(title=week_title(lines, title, session.week, session.day),
                     date=session.date.isoformat(), playlist=f"week-{session.week}")


class _ProgressBars:
    """The export's progress as click progress bars on stderr, warnings as lines."""

    @contextlib.contextmanager
    def preparing(self, routine_id: str) -> Iterator[Callable[[int, int], None]]:
        """The voice's progress line, only while phrases are really synthesised (the
        callback is never called when every phrase is cached: nothing is shown)."""
        from coach.live.screen import ProgressLine

        line = ProgressLine(sys.stderr, after_s=0.0)
        try:
            yield line
        finally:
            line.done()

    @contextlib.contextmanager
    def writing(self, label: str, total_samples: int) -> Iterator[Callable[[int], None]]:
        with click.progressbar(length=total_samples, label=label, file=sys.stderr) as bar:
            yield bar.update

    def warn(self, line: str) -> None:
        click.echo(line, err=True)
