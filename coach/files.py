"""Write a file the user asked for so it is either complete or absent.

One staged writer (:func:`staged_files`, and :func:`staged` for one file: a
temporary name in the destination folder, fsync, rename, with Ctrl-C and
SIGTERM held back for the final write), one signal hold
(:func:`hold_interrupts`) and one check of an output folder
(:func:`output_folder`).

Files that must appear together (an export's MP3s, captions and playlists,
possibly written by several processes) are finished under their temporary
names and renamed together by :func:`land_together`, which puts the old
files back if one rename fails. Temporary names are ``.NAME.XXXXXXXX.part``
(:data:`PART_PATTERN`; NAME cut so the whole stays within 255 bytes).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import secrets
import signal
import stat
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
    if not create or folder.exists():
        raise UsageError(no_folder(folder))
    if not folder.parent.is_dir():
        raise UsageError(no_folder(folder.parent))
    try:
        folder.mkdir()
    except OSError as err:
        raise OutputError(f"could not create {folder}: {err.strerror or err}") from None
    return folder


def check_folder_to_make(folder: Path) -> Path:
    """A folder that exists, or that :func:`make_folders` can make (no existing part of
    its path is a file); :class:`UsageError` otherwise. Nothing is created."""
    folder = Path(folder).expanduser()
    for part in (folder, *folder.parents):
        if part.is_dir():
            return folder
        if os.path.lexists(part):
            raise UsageError(no_folder(part))
    return folder


def make_folders(folder: Path) -> list[Path]:
    """Make ``folder`` and any missing parents; the folders made, outermost first.

    :class:`OutputError` when one cannot be made. :func:`remove_folders` undoes it.
    """
    missing = [p for p in (folder, *folder.parents) if not p.is_dir()][::-1]
    made: list[Path] = []
    for part in missing:
        try:
            part.mkdir()
        except FileExistsError:
            if not part.is_dir():
                remove_folders(made)
                raise OutputError(no_folder(part)) from None
        except OSError as err:
            remove_folders(made)
            raise OutputError(f"could not create {part}: {err.strerror or err}") from None
        else:
            made.append(part)
    return made


def remove_folders(made: Sequence[Path]) -> None:
    """Remove the folders :func:`make_folders` made, innermost first, if still empty."""
    for part in reversed(made):
        with contextlib.suppress(OSError):
            part.rmdir()


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
def staged(dest: Path, make_folder: bool = False, durable: bool = True,
           handoff: list[tuple[str, Path]] | None = None) -> Iterator[StagedFile]:
    """A temporary file beside ``dest``, renamed onto it when the block ends cleanly.

    See :func:`staged_files`, which this is for one file.
    """
    with staged_files([dest], make_folder, durable, handoff) as (stage,):
        yield stage


@contextlib.contextmanager
def staged_files(dests: Sequence[Path], make_folder: bool = False, durable: bool = True,
                 handoff: list[tuple[str, Path]] | None = None
                 ) -> Iterator[tuple[StagedFile, ...]]:
    """Temporary files beside each of ``dests``, renamed into place together at the end.

    The finishing steps, fsyncs and renames (in order) run with SIGINT/SIGTERM
    held. On any error the temporary files are removed and the destinations
    are left as they were (a failed rename puts back the files already
    renamed). ``make_folder`` creates missing parent folders. ``durable=False``
    (for caches that can be rebuilt) skips the fsync and the signal hold: the
    rename alone still keeps a half-written file from view. With ``handoff``
    the finished files are not renamed here: their (temporary name,
    destination) pairs are appended to it, to land with others
    (:class:`coach.export.landing.Landing`). OS errors become
    :class:`OutputError`, naming the file that failed.
    """
    stages: list[StagedFile] = []
    current: Path | None = None
    handed = False
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
                current = None
                if handoff is not None:
                    handoff.extend((stage.tmp, stage.dest) for stage in stages)
                    handed = True
                else:
                    land_together([(stage.tmp, stage.dest) for stage in stages])
        except OSError as err:
            failed = current or stages[0].dest
            raise OutputError(f"could not write {failed}: {err.strerror or err}") from err
    finally:
        for stage in stages:
            with contextlib.suppress(OSError):  # a full disk fails the close's flush again
                stage.file.close()
            if not handed:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(stage.tmp)


def land_together(pairs: Sequence[tuple[str, Path]]) -> None:
    """Rename each temporary file onto its destination; if one fails, undo the others.

    A destination that already exists is first linked to a backup name, so
    it is never missing while it is replaced, and put back from it on
    failure. Raises the first :class:`OSError` (its ``filename`` the
    destination) after undoing; backups are removed either way.
    """
    done: list[tuple[Path, str | None]] = []
    try:
        for tmp, dest in pairs:
            backup = _backup(dest)
            try:
                os.replace(tmp, dest)
            except OSError as err:
                if backup is not None:
                    os.unlink(backup)
                raise OSError(err.errno, err.strerror, os.fspath(dest)) from err
            done.append((dest, backup))
    except OSError:
        for dest, backup in reversed(done):
            with contextlib.suppress(OSError):
                if backup is None:
                    os.unlink(dest)
                else:
                    os.replace(backup, dest)
        raise
    for _, backup in done:
        if backup is not None:
            with contextlib.suppress(OSError):
                os.unlink(backup)


def _backup(dest: Path) -> str | None:
    """A hard link to ``dest`` under a temporary name (None if there is no ``dest``, or it
    is a folder, which the rename then refuses)."""
    try:
        if stat.S_ISDIR(os.lstat(dest).st_mode):
            return None
    except FileNotFoundError:
        return None
    name = os.path.join(dest.parent, f"{temp_prefix(dest.name)}{secrets.token_hex(4)}.part")
    try:
        os.link(dest, name, follow_symlinks=False)
    except OSError as err:
        if err.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        os.rename(dest, name)  # no hard links (FAT on a phone's card): moved aside instead
    return name


#: Longest file name most file systems take, in bytes.
NAME_MAX_BYTES = 255
#: ``mkstemp``'s random part (8 characters) and the suffix.
_TEMP_TAIL = 8 + len(".part")
#: A temporary name of :func:`staged_files` or :func:`land_together`.
PART_PATTERN = re.compile(r"\..+\.[a-z0-9_]{8}\.part")
def temp_prefix(name: str) -> str:
    """``.NAME.``, with NAME cut (on a character) so the temporary name fits 255 bytes."""
    room = NAME_MAX_BYTES - _TEMP_TAIL - 2
    raw = name.encode("utf-8", "surrogateescape")
    if len(raw) > room:
        name = raw[:room].decode("utf-8", "ignore")
    return f".{name}."


def _stage(dest: Path, make_folder: bool) -> StagedFile:
    """The temporary file for ``dest`` (mode as a plain open() would give)."""
    if not make_folder and not dest.parent.is_dir():
        raise OutputError(no_folder(dest.parent))
    try:
        if make_folder:
            dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=temp_prefix(dest.name),
                                   suffix=".part")
    except FileNotFoundError as err:
        raise OutputError(no_folder(dest.parent)) from err
    except OSError as err:
        raise OutputError(f"could not write in {dest.parent}: {err.strerror or err}") from err
    f = _open_temp(fd)
    try:
        os.chmod(tmp, _file_mode(dest))  # mkstemp makes 0600
    except OSError as err:
        f.close()
        os.unlink(tmp)
        raise OutputError(f"could not write in {dest.parent}: {err.strerror or err}") from err
    return StagedFile(dest, f, tmp)


def _open_temp(fd: int) -> BinaryIO:
    """The temporary file's object (one place, so tests can make the disk fill up)."""
    return os.fdopen(fd, "w+b")


def check_not_special(path: Path, error: type[OutputError] | type[UsageError] = UsageError
                      ) -> None:
    """Refuse an output name that is a folder, a device, a FIFO or a socket (``error``):
    replacing it with a regular file would be wrong, and writing into it worse."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # nothing there (or a dangling link): a new file
    if stat.S_ISREG(mode):
        return
    raise error(f"{path} is {file_kind(mode)}, not a file; name a new or regular file")


def file_kind(mode: int) -> str:
    """What a file of ``mode`` (``os.stat``'s ``st_mode``) is, for a message: "a folder",
    "a FIFO (named pipe)", "a socket", "a device", "a regular file" or "not a regular file"."""
    if stat.S_ISREG(mode):
        return "a regular file"
    return ("a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")


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
