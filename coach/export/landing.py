"""The files of one export land together, and the leftovers of killed exports go.

An export finishes every file it writes (audio, captions, playlists; some
in worker processes) under a temporary name, collects them in one
:class:`Landing`, and renames them all at the end (:func:`coach.files.land_together`):
if one rename fails the others are undone, so the folder holds the old
export or the new one, never a mix. :func:`export_folder_lock` holds the
folder for the export and first removes the temporary files that killed
exports left there.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from coach.errors import OutputError
from coach.files import PART_PATTERN, hold_interrupts, land_together

#: A temporary file untouched this long, in a folder no other export holds, is stale.
STALE_PART_S = 60.0


class Landing:
    """Finished temporary files waiting to be renamed onto their destinations together.

    Use as a context manager: :meth:`land` renames them all; leaving the
    block without landing (an error, Ctrl-C) removes every temporary file it
    holds. :attr:`pairs` is the list :func:`coach.files.staged_files` appends to.
    """

    def __init__(self) -> None:
        self.pairs: list[tuple[str, Path]] = []

    def add_all(self, pairs: Iterable[tuple[str, str | os.PathLike[str]]]) -> None:
        self.pairs.extend((tmp, Path(dest)) for tmp, dest in pairs)

    def land(self) -> list[Path]:
        """Rename every file into place, or none (:class:`OutputError`); the destinations."""
        pairs, self.pairs = self.pairs, []
        try:
            with hold_interrupts():
                land_together(pairs)
        except OSError as err:
            raise OutputError(f"could not write {err.filename}: {err.strerror or err}; "
                              "no file of this export was changed") from err
        finally:
            _remove_all(tmp for tmp, _ in pairs)
        return [dest for _, dest in pairs]

    def discard(self) -> None:
        pairs, self.pairs = self.pairs, []
        _remove_all(tmp for tmp, _ in pairs)

    def __enter__(self) -> Landing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()


def _remove_all(tmps: Iterable[str]) -> None:
    for tmp in tmps:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


@contextlib.contextmanager
def export_folder_lock(folder: Path, stale_s: float = STALE_PART_S) -> Iterator[list[Path]]:
    """Hold ``folder`` for an export; first remove the stale temporary files of killed ones.

    Every export holds a shared lock (``flock``) on the folder itself (no lock
    file is made). A file is removed only when all of these hold: this
    process got the lock exclusively (so no other export is writing there),
    its name is exactly ``.NAME.XXXXXXXX.part`` (:data:`coach.files.PART_PATTERN`),
    it is a regular file of this user, and nothing wrote to it for
    ``stale_s`` seconds. Yields the files removed. A folder that cannot be
    locked is exported into without cleaning.
    """
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield []
        return
    removed: list[Path] = []
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            removed = _remove_stale(folder, stale_s)
        except OSError:
            pass  # another export is writing here: leave its files alone
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_SH)
        yield removed
    finally:
        os.close(fd)


def _remove_stale(folder: Path, stale_s: float) -> list[Path]:
    removed = []
    now = time.time()
    with os.scandir(folder) as entries:
        for entry in entries:
            if not PART_PATTERN.fullmatch(entry.name):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
                if (stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid()
                        and now - info.st_mtime >= stale_s):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
            except OSError:
                continue
    return removed


def parts_in(folder: Path) -> Sequence[str]:
    """The names of the temporary files in ``folder`` (for checks and tests)."""
    return sorted(e for e in os.listdir(folder) if PART_PATTERN.fullmatch(e))
