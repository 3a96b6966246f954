"""Write a file the user asked for so it is either complete or absent."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from coach.errors import OutputError, UsageError


def check_output_file(path: Path, suffixes: tuple[str, ...] = ()) -> Path:
    """The one rule for files the user names: the folder must exist, the suffix fit.

    Raises :class:`UsageError` (exit 2) before any work is done; folders are
    never created for the user.
    """
    path = Path(path).expanduser()
    if not path.parent.is_dir():
        raise UsageError(no_folder(path.parent))
    if path.is_dir():
        raise UsageError(f"{path} is a folder; name a file in it")
    if suffixes and path.suffix.lower() not in suffixes:
        raise UsageError(f"{path} must end in {' or '.join(suffixes)}")
    return path


def no_folder(folder: Path) -> str:
    """Why files cannot go into ``folder`` (which is not a folder)."""
    if folder.exists():
        return f"{folder} is not a folder"
    return f"folder {folder} does not exist"


def write_atomic(path: Path, data: str | bytes, make_folder: bool = False) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place.

    ``make_folder`` creates missing parent folders (for coach's own files);
    files the user asked for need their folder to exist already.
    """
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if not make_folder and not path.parent.is_dir():
        raise OutputError(no_folder(path.parent))
    try:
        if make_folder:
            path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise OutputError(f"{path}: cannot write it ({err.strerror})") from None
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # as a plain open() would have made it
        with os.fdopen(fd, "wb") as out:
            out.write(raw)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise OutputError(f"{path}: cannot write it ({err.strerror})") from None
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
