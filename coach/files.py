"""Write a file the user asked for so it is either complete or absent.

One staged writer (:func:`staged_files`, and :func:`staged` for one file: a
temporary name in the destination folder, fsync, rename, with Ctrl-C and
SIGTERM held back for the final write), one signal hold
(:func:`hold_interrupts`) and one check of an output folder
(:func:`output_folder`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from coach.errors import OutputError, UsageError


def check_output_file(path: Path, suffixes: tuple[str, ...] = ()) -> Path:
    """The one rule for files the user names: the folder must exist, the suffix fit.

    Raises :class:`UsageError` (exit 2) before any work is done; folders are
    never created for the user.
    """
    path = Path(path).expanduser()
    output_folder(path.parent)
    if path.is_dir():
        raise UsageError(f"{path} is a folder; name a file in it")
    if suffixes and path.suffix.lower() not in suffixes:
        raise UsageError(f"{path} must end in {' or '.join(suffixes)}")
    return path


def output_folder(folder: Path, create: bool = False) -> Path:
    """The folder output goes into; :class:`UsageError` when it cannot be one.

    ``create`` makes a missing folder, but only inside an existing one (a typo
    in a parent is refused rather than built). :class:`OutputError` when it
    cannot be made.
    """
    folder = Path(folder).expanduser()
    if folder.is_dir():
        return folder
    if not create:
        raise UsageError(no_folder(folder))
    check_folder_to_make(folder)
    try:
        folder.mkdir()
    except OSError as err:
        raise OutputError(f"could not create {folder}: {err.strerror or err}") from None
    return folder


def check_folder_to_make(folder: Path) -> Path:
    """A folder that exists, or that :func:`output_folder` can make (its parent exists);
    :class:`UsageError` otherwise. Nothing is created: for checks before any work."""
    folder = Path(folder).expanduser()
    if folder.is_dir():
        return folder
    if folder.exists():
        raise UsageError(no_folder(folder))
    if not folder.parent.is_dir():
        raise UsageError(no_folder(folder.parent))
    return folder


def no_folder(folder: Path) -> str:
    """Why files cannot go into ``folder`` (which is not a folder)."""
    if folder.exists():
        return f"{folder} is not a folder"
    return f"folder {folder} does not exist"


@dataclass
class StagedFile:
    """A temporary file :func:`staged` renames onto :attr:`dest`: write to :attr:`file`.

    With interrupts held, at the end: each ``finish(file)`` (e.g. a header
    written over its placeholder), then fsync and close, then each
    ``before_rename(tmp)`` (e.g. tags written in place), then the rename.
    """

    dest: Path
    file: BinaryIO
    tmp: str
    finish: list[Callable[[BinaryIO], None]] = field(default_factory=list)
    before_rename: list[Callable[[str], None]] = field(default_factory=list)


@contextlib.contextmanager
def staged(dest: Path, make_folder: bool = False, durable: bool = True
           ) -> Iterator[StagedFile]:
    """A temporary file beside ``dest``, renamed onto it when the block ends cleanly.

    See :func:`staged_files`, which this is for one file.
    """
    with staged_files([dest], make_folder, durable) as (stage,):
        yield stage


@contextlib.contextmanager
def staged_files(dests: Sequence[Path], make_folder: bool = False, durable: bool = True
                 ) -> Iterator[tuple[StagedFile, ...]]:
    """Temporary files beside each of ``dests``, renamed into place together at the end.

    The finishing steps, fsyncs and renames (in order) run with SIGINT/SIGTERM
    held. On any error the temporary files are removed and the destinations
    are left as they were. ``make_folder`` creates missing parent folders (for
    coach's own files); files the user asked for need their folder to exist.
    ``durable=False`` (for caches that can be rebuilt) skips the fsync and the
    signal hold: the rename alone still keeps a half-written file from view.
    OS errors become :class:`OutputError`, naming the file that failed.
    """
    stages: list[StagedFile] = []
    current: Path | None = None
    try:
        for dest in map(Path, dests):
            stages.append(_stage(dest, make_folder))
        try:
            yield tuple(stages)
            with hold_interrupts() if durable else contextlib.nullcontext():
                for stage in stages:
                    current = stage.dest
                    for step in stage.finish:
                        step(stage.file)
                    stage.file.flush()
                    if durable:
                        os.fsync(stage.file.fileno())
                    stage.file.close()
                    for after in stage.before_rename:
                        after(stage.tmp)
                for stage in stages:
                    current = stage.dest
                    os.replace(stage.tmp, stage.dest)
        except OSError as err:
            failed = current or stages[0].dest
            raise OutputError(f"could not write {failed}: {err.strerror or err}") from err
    finally:
        for stage in stages:
            stage.file.close()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(stage.tmp)


def _stage(dest: Path, make_folder: bool) -> StagedFile:
    """The temporary file for ``dest`` (mode as a plain open() would give)."""
    if not make_folder and not dest.parent.is_dir():
        raise OutputError(no_folder(dest.parent))
    try:
        if make_folder:
            dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    except FileNotFoundError as err:
        raise OutputError(no_folder(dest.parent)) from err
    except OSError as err:
        raise OutputError(f"could not write in {dest.parent}: {err.strerror or err}") from err
    f = os.fdopen(fd, "w+b")
    try:
        os.chmod(tmp, _file_mode(dest))  # mkstemp makes 0600
    except OSError as err:
        f.close()
        os.unlink(tmp)
        raise OutputError(f"could not write in {dest.parent}: {err.strerror or err}") from err
    return StagedFile(dest, f, tmp)


def write_atomic(path: Path, data: str | bytes, make_folder: bool = False) -> None:
    """Write ``data`` to ``path`` through :func:`staged`: complete or not at all."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with staged(Path(path), make_folder) as stage:
        stage.file.write(raw)


@contextlib.contextmanager
def hold_interrupts() -> Iterator[None]:
    """Hold SIGINT/SIGTERM back for the duration; deliver them afterwards.

    As mutagen's command-line tools do while they rewrite a file. Outside the
    main thread signals cannot be caught, and nothing is held.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def remember(signum: int, _frame: object) -> None:
        received.append(signum)

    previous = {sig: signal.signal(sig, remember) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        if received:
            signal.raise_signal(received[0])


def _file_mode(dest: Path) -> int:
    """The mode a plain ``open(dest, "w")`` would give (or the replaced file's)."""
    try:
        return dest.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_umask()


@functools.cache
def _umask() -> int:
    """The process's umask, read once (reading it means setting it: never twice)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
