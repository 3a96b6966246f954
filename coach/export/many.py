"""The files of an export: unchanged ones left alone, the rest encoded in parallel, all
landing together.

Each session becomes a :class:`FileJob` (its routine, where it goes, its
content key). :func:`write_files` skips a file whose tag already carries the
key (:mod:`coach.export.content`), encodes the others one per process
(:mod:`coach.export.pool`; a worker prepares its session again from the warm
phrase cache, so only the routine is sent), and renames every new file (MP3s,
their ``.lrc``, the playlist) into place together at the end
(:class:`coach.export.landing.Landing`). Captions and playlists whose text is
unchanged are not rewritten either.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from coach.export.content import content_key, is_unchanged
from coach.export.landing import Landing, export_folder_lock
from coach.export.pool import default_workers, run_jobs
from coach.files import make_folders, remove_folders, staged

if TYPE_CHECKING:
    import contextlib

    from coach.audio.loudness import Levels
    from coach.audio.music import Music
    from coach.audio.render import SessionRenderer
    from coach.compiler.timeline import Timeline
    from coach.export.tags import TagInfo
    from coach.export.writer import Progress
    from coach.routines.model import Routine, SpeechSettings
    from coach.session import Engines, PreparedSession, WarmProgress


def same_speech(settings: SpeechSettings) -> SpeechSettings:
    """The speech settings as the routine has them (the default override)."""
    return settings


@dataclass(frozen=True)
class ExportOptions:
    """What every exported session shares.

    Every field but ``speech`` is part of each file's content key
    (:mod:`coach.export.content`): a changed option rewrites the files.
    """

    speech: Callable[[SpeechSettings], SpeechSettings] = same_speech
    metronome: bool = False
    tag_info: TagInfo | None = None
    levels: Levels | None = None  # None: the default levels (coach.audio.loudness)
    #: Each routine's own ``music:`` (its key's value -> the music found there, before any
    #: work), played where ``levels`` has no music (no ``--music``).
    routine_music: tuple[tuple[str, Music], ...] = ()


def prepare_for_export(routine: Routine, options: ExportOptions, engines: Engines,
                       progress: WarmProgress | None = None) -> PreparedSession:
    """``routine``'s session as the export renders it (its speech overridden by ``options``)."""
    from coach.session import prepare_session

    return prepare_session(routine, options.speech(routine.speech), metronome=options.metronome,
                           levels=levels_for(routine, options), progress=progress,
                           engines=engines)


def levels_for(routine: Routine, options: ExportOptions) -> Levels | None:
    """The session's levels as :func:`coach.session.prepare_session` resolves them
    (:meth:`Levels.for_routine`: ``--metronome-level``, else the routine's
    ``metronome_level:``), with the routine's own ``music:`` where the export sets no
    music (``options.routine_music``), for the file's content key; None: the defaults."""
    from coach.audio.loudness import Levels

    levels = options.levels
    own = dict(options.routine_music).get(routine.music) if routine.music else None
    if own is not None and (levels is None or levels.music is None):
        levels = dataclasses.replace(levels or Levels(), music=own)
    if routine.metronome_lu is None:
        return levels
    return (levels or Levels()).for_routine(routine.metronome_lu)


@dataclass(frozen=True)
class FileJob:
    """One session's file: what a worker process needs to write it (picklable)."""

    routine: Routine  # with the export's speech settings applied
    options: ExportOptions  # ``speech`` is :func:`same_speech`
    dest: Path
    key: str
    timeline: Timeline
    fmt: str
    bitrate_kbps: int

    @classmethod
    def of(cls, routine: Routine, prepared: PreparedSession, dest: Path,
           options: ExportOptions, fmt: str, bitrate_kbps: int) -> FileJob:
        applied = dataclasses.replace(routine, speech=options.speech(routine.speech))
        # the levels as resolved: a changed `metronome_level:` changes the file's key
        options = dataclasses.replace(options, speech=same_speech,
                                      levels=levels_for(routine, options), routine_music=())
        return cls(applied, options, dest, key_of(prepared, options, fmt, bitrate_kbps),
                   prepared.timeline, fmt, bitrate_kbps)

    @property
    def title(self) -> str:
        """The file's title: its tag's, else the session's."""
        info = self.options.tag_info
        return info.title if info is not None and info.title else self.timeline.title

    @property
    def total_samples(self) -> int:
        from coach.audio.clip import SAMPLE_RATE_HZ

        return round(self.timeline.duration_s * SAMPLE_RATE_HZ)


def key_of(prepared: PreparedSession, options: ExportOptions, fmt: str,
           bitrate_kbps: int) -> str:
    return content_key(prepared.timeline, prepared.phrase_key,
                       lambda text: prepared.clip_for(text).tobytes(), options, fmt,
                       bitrate_kbps)


class WritingProgress(Protocol):
    def writing(self, label: str, total_samples: int) -> contextlib.AbstractContextManager[
            Progress]: ...


def write_files(jobs: Sequence[FileJob], renderers: list[SessionRenderer], folder: Path,
                progress: WritingProgress, workers: int | None = None,
                playlists: Mapping[str, Sequence[int]] | None = None) -> list[Path]:
    """Write every job's files into ``folder`` (see the module docstring); the paths.

    ``playlists`` maps a playlist's file name to the indices of the jobs it
    lists, in order (none: a one-file export).
    ``renderers`` are the jobs' sessions as prepared here: used (and let go
    one by one) when writing in this process, dropped when workers write.
    Folders missing on the way to ``folder`` are made (and removed again if
    the export fails).
    """
    workers = default_workers() if workers is None else workers
    made = make_folders(folder)
    try:
        return _write_files(jobs, renderers, folder, progress, workers, playlists or {})
    except BaseException:
        remove_folders(made)  # nothing of a failed export stays, not even its folders
        raise


def _write_files(jobs: Sequence[FileJob], renderers: list[SessionRenderer], folder: Path,
                 progress: WritingProgress, workers: int,
                 playlists: Mapping[str, Sequence[int]]) -> list[Path]:
    from coach.export.formats import to_lrc
    from coach.export.writer import to_m3u8

    with export_folder_lock(folder), Landing() as landing:
        todo: list[tuple[FileJob, SessionRenderer]] = []
        for job, renderer in zip(jobs, renderers, strict=True):
            if is_unchanged(job.dest, job.key, job.total_samples, job.fmt, job.bitrate_kbps):
                _stage_if_changed(job.dest.with_suffix(".lrc"), to_lrc(job.timeline), landing)
            else:
                todo.append((job, renderer))
        renderers.clear()
        total = sum(job.total_samples for job, _ in todo)
        label = (_label(len(todo), len(jobs), folder, workers) if playlists
                 else f"Writing {jobs[0].dest.name}" if todo
                 else f"{jobs[0].dest.name} is unchanged")
        with progress.writing(label, total) as wrote:
            if workers <= 1 or len(todo) <= 1:
                while todo:  # each session's audio caches let go once it is written
                    job, renderer = todo.pop(0)
                    landing.add_all(_write(job, renderer, wrote))
            else:
                # largest first: the last job to start is a short one, so no process
                # sits idle at the end while another encodes a long session
                todo_jobs = sorted((job for job, _ in todo), key=lambda j: -j.total_samples)
                todo.clear()
                run_jobs(write_in_worker, todo_jobs, workers, wrote, landing.add_all)
        written = [job.dest for job in jobs]
        for name, members in playlists.items():
            entries = [(jobs[i].timeline.duration_s, jobs[i].title, jobs[i].dest.name)
                       for i in members]
            _stage_if_changed(folder / name, to_m3u8(entries), landing)
            written.append(folder / name)
        landing.land()
    return written


def _label(writing: int, total: int, folder: Path, workers: int) -> str:
    sessions = "1 session" if total == 1 else f"{total} sessions"
    if writing == 0:
        return f"All {sessions} unchanged in {folder}"
    what = sessions if writing == total else f"{writing} of {sessions} (the rest unchanged)"
    procs = f" in {min(workers, writing)} processes" if workers > 1 and writing > 1 else ""
    return f"Writing {what} to {folder}{procs}"


def _write(job: FileJob, renderer: SessionRenderer, progress: Progress,
           key: str | None = None) -> list[tuple[str, Path]]:
    from coach.export.tags import TagInfo
    from coach.export.writer import write_session

    handoff: list[tuple[str, Path]] = []
    info = dataclasses.replace(job.options.tag_info or TagInfo(), content_key=key or job.key)
    write_session(renderer, job.dest, job.bitrate_kbps, job.fmt, progress, info,
                  handoff=handoff)
    return handoff


_ENGINES: Engines = {}  # a worker's open speech engines, kept between its jobs


def write_in_worker(job: FileJob, progress: Progress) -> list[tuple[str, Path]]:
    """In a worker process: prepare the session again (a warm phrase cache) and write it.

    The key is computed again from what is rendered here, so the tag tells
    the truth even if a file the session reads changed meanwhile.
    """
    prepared = prepare_for_export(job.routine, job.options, _ENGINES)
    key = key_of(prepared, job.options, job.fmt, job.bitrate_kbps)
    return _write(job, prepared.renderer, progress, key)


def _stage_if_changed(dest: Path, text: str, landing: Landing) -> None:
    """Stage ``text`` for ``dest`` in ``landing``, unless ``dest`` already holds it."""
    data = text.encode("utf-8")
    try:
        if dest.read_bytes() == data:
            return
    except OSError:
        pass
    with staged(dest, handoff=landing.pairs) as stage:
        stage.file.write(data)
