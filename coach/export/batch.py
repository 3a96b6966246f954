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
from coach.export.many import ExportOptions, FileJob, prepare_for_export, write_files
from coach.files import check_not_special

__all__ = ["ExportOptions", "ExportProgress", "ExportTarget", "SilentProgress",
           "export_routines", "export_target", "summarise_warnings"]

if TYPE_CHECKING:
    from coach.audio.render import SessionRenderer
    from coach.compiler.timeline import CompileWarning
    from coach.export.writer import Progress
    from coach.routines.model import Routine
    from coach.session import Engines, WarmProgress

AUDIO_SUFFIXES = (".mp3", ".wav")
DEFAULT_OPTIONS = ExportOptions()


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
    from coach.files import check_folder_to_make

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
    if not to_folder:
        check_not_special(Path(output).expanduser())  # not DEV.mp3 beside a device either
        check_not_special(target)
    check_folder_to_make(target if to_folder else target.parent)  # made when written
    encoder_for(fmt, bitrate_kbps)  # a bad bitrate, too, before any work
    return ExportTarget(target, to_folder, fmt, bitrate_kbps)


def export_routines(routines: Sequence[Routine], target: ExportTarget,
                    options: ExportOptions = DEFAULT_OPTIONS, *,
                    names: Sequence[str] | None = None, hints: dict[str, str] | None = None,
                    progress: ExportProgress | None = None, workers: int | None = None
                    ) -> list[Path]:
    """Prepare every routine's speech (all of it, before any file), then write the files.

    ``names`` gives the file stems in a folder (default ``NN-routine``);
    ``hints`` maps a routine id to the name to give `coach compile` for details
    of its moved cues. A file whose content is unchanged since the last export
    is left untouched; the others are encoded in ``workers`` processes
    (default: one per core) and all files land together at the end. Returns
    the files of the export (the playlist last).
    """
    from coach.export.writer import slug

    progress = progress or SilentProgress()
    folder = target.path if target.to_folder else target.path.parent
    if target.to_folder:
        stems = list(names) if names is not None else [
            f"{i:02d}-{slug(r.id)}" for i, r in enumerate(routines, 1)]
        dests = [folder / f"{stem}.{target.fmt}" for stem in stems]
    else:
        dests = [target.path]
    for dest in dests:  # before any work
        check_not_special(dest)
        check_not_special(dest.with_suffix(".lrc"))
    engines: Engines = {}
    jobs: list[FileJob] = []
    renderers: list[SessionRenderer] = []
    for routine, dest in zip(routines, dests, strict=True):
        with progress.preparing(routine.id) as warmed:
            prepared = prepare_for_export(routine, options, engines, warmed)
        jobs.append(FileJob.of(routine, prepared, dest, options, target.fmt,
                               target.bitrate_kbps))
        renderers.append(prepared.renderer)
    del prepared
    sessions = [(job.timeline.routine, job.timeline.warnings) for job in jobs]
    for line in summarise_warnings(sessions, hints):
        progress.warn(line)
    return write_files(jobs, renderers, folder, progress, workers,
                       playlist=target.to_folder)


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
