"""Exporting sessions: where they go, every routine's speech prepared, then the files written.

:func:`export_target` checks ``-o`` (and the format and bitrate) before any
work; :func:`export_routines` prepares each routine through
:func:`coach.session.prepare_session`, reports the compiler's warnings once per
routine, and writes one file, or a folder of files with a playlist. Progress
and warnings go to an :class:`ExportProgress` the caller gives (the CLI's
progress bars), so the library prints nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from coach.errors import UsageError

if TYPE_CHECKING:
    from coach.audio.loudness import Levels
    from coach.audio.render import SessionRenderer
    from coach.compiler.timeline import CompileWarning
    from coach.export.tags import TagInfo
    from coach.export.writer import Progress
    from coach.routines.model import Routine, SpeechSettings
    from coach.session import PreparedSession, WarmProgress

AUDIO_SUFFIXES = (".mp3", ".wav")


@dataclass(frozen=True)
class ExportTarget:
    """Where an export writes: one file, or a folder of files; in which format."""

    path: Path
    to_folder: bool
    fmt: str
    bitrate_kbps: int


class ExportProgress(Protocol):
    """How an export reports what it is doing."""

    def preparing(self, routine_id: str) -> contextlib.AbstractContextManager[WarmProgress]:
        """While ``routine_id``'s phrases are synthesised: gets ``(done, total)``."""
        ...

    def writing(self, label: str, total_samples: int) -> contextlib.AbstractContextManager[
            Progress]:
        """While the files are written: gets the samples written since the last call."""
        ...

    def warn(self, line: str) -> None:
        """A warning about a session (moved or dropped cues)."""
        ...


class SilentProgress:
    """An :class:`ExportProgress` that shows no progress; warnings go to ``warn`` if given."""

    def __init__(self, warn: Callable[[str], None] | None = None) -> None:
        self._warn = warn

    @contextlib.contextmanager
    def preparing(self, routine_id: str) -> Iterator[WarmProgress]:
        yield lambda done, total: None

    @contextlib.contextmanager
    def writing(self, label: str, total_samples: int) -> Iterator[Progress]:
        yield lambda samples: None

    def warn(self, line: str) -> None:
        if self._warn is not None:
            self._warn(line)


def export_target(output: str, fmt: str | None, bitrate_kbps: int, several: str | None
                  ) -> ExportTarget:
    """Check ``-o output`` (and the format and bitrate) before any work; UsageError if bad.

    ``several`` names what makes several files (e.g. ``"--program"``), or is
    None for one routine. A file name without a suffix gets the format's.
    Nothing is created here.
    """
    from coach.export.writer import encoder_for
    from coach.files import check_folder_to_make, output_folder

    target = Path(output).expanduser()
    suffix = target.suffix.lower()
    says_folder = output.endswith(("/", "\\")) or target.is_dir()
    if several and not says_folder and suffix in AUDIO_SUFFIXES:
        raise UsageError(f"{several} writes one file per session, so -o needs a folder, "
                         f"not the file name {output} (e.g. -o {target.with_suffix('')})")
    to_folder = bool(several or says_folder)
    if to_folder:
        fmt = fmt or "mp3"
    elif not suffix:
        fmt = fmt or "mp3"
        target = target.with_name(f"{target.name}.{fmt}")
    elif suffix not in AUDIO_SUFFIXES:
        raise UsageError(f"unsupported file type {suffix}; use .mp3 or .wav")
    elif fmt is not None and suffix != f".{fmt}":
        raise UsageError(f"{output} ends in {suffix} but --format is {fmt}: name the file "
                         f"{target.with_suffix('.' + fmt).name} or leave out --format")
    else:
        fmt = suffix[1:]
    if to_folder:
        check_folder_to_make(target)  # made when the files are written
    else:
        output_folder(target.parent)
    encoder_for(fmt, bitrate_kbps)  # a bad bitrate, too, before any work
    return ExportTarget(target, to_folder, fmt, bitrate_kbps)


@dataclass(frozen=True)
class ExportOptions:
    """What every exported session shares."""

    speech: Callable[[SpeechSettings], SpeechSettings] = lambda settings: settings
    metronome: bool = False
    tag_info: TagInfo | None = None
    levels: Levels | None = None  # None: the default levels (coach.audio.loudness)


def export_routines(routines: Sequence[Routine], target: ExportTarget,
                    options: ExportOptions = ExportOptions(), *,
                    names: Sequence[str] | None = None, hints: dict[str, str] | None = None,
                    progress: ExportProgress | None = None) -> list[Path]:
    """Prepare every routine's speech (all of it, before any file), then write the files.

    ``names`` gives the file stems in a folder (default ``NN-routine``);
    ``hints`` maps a routine id to the name to give `coach compile` for details
    of its moved cues. Returns the files written (the playlist last).
    """
    from coach.audio.clip import SAMPLE_RATE_HZ
    from coach.export.writer import export_many, write_session
    from coach.session import Engines, prepare_session

    progress = progress or SilentProgress()
    engines: Engines = {}
    prepared: list[PreparedSession] = []
    for routine in routines:
        with progress.preparing(routine.id) as warmed:
            prepared.append(prepare_session(routine, options.speech(routine.speech),
                                            metronome=options.metronome,
                                            levels=options.levels, progress=warmed,
                                            engines=engines))
    sessions = [(p.timeline.routine, p.timeline.warnings) for p in prepared]
    for line in summarise_warnings(sessions, hints):
        progress.warn(line)
    total = sum(round(p.timeline.duration_s * SAMPLE_RATE_HZ) for p in prepared)
    count = "1 session" if len(prepared) == 1 else f"{len(prepared)} sessions"
    label = (f"Writing {count} to {target.path}" if target.to_folder
             else f"Writing {target.path.name}")
    with progress.writing(label, total) as wrote:
        if target.to_folder:
            return export_many(_let_go(prepared), target.path, target.bitrate_kbps, target.fmt,
                               wrote, options.tag_info, names=names)
        return [write_session(prepared[0].renderer, target.path, target.bitrate_kbps,
                              target.fmt, wrote, options.tag_info)]


def _let_go(prepared: list[PreparedSession]) -> Iterator[SessionRenderer]:
    """Each renderer in turn, dropped from the list once handed out: a session's audio
    caches are let go when it is written, so memory stays flat however many are written."""
    while prepared:
        yield prepared.pop(0).renderer


def summarise_warnings(sessions: Sequence[tuple[str, tuple[CompileWarning, ...]]],
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
