"""Read and write coach's own small YAML files (programme, schedules); one-line errors.

The only module that reads or writes them: :mod:`coach.programme.store` and
:mod:`coach.scheduling.schedules` go through :func:`read_yaml` and :func:`write_yaml`.
:func:`read_small_file` is how every file a user may have put in place is read
(these, routines, techniques): only regular files, never more than a limit, so a
FIFO, ``/dev/zero`` or a folder named ``x.yaml`` is one line, not a hang.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection
from pathlib import Path
from typing import Any

from coach.errors import UsageError, one_line
from coach.files import file_kind

#: The most any YAML file of the coach may hold.
MAX_FILE_BYTES = 1_000_000


class NotAFileError(OSError):
    """The path is a folder, a device, a FIFO or a socket: nothing the coach reads."""


def read_small_file(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Opened without blocking (a FIFO with no writer would wait forever) and
    checked on the open descriptor: anything but a regular file raises
    :class:`NotAFileError` naming what it is; a larger file (or one that grows
    while read) raises :class:`ValueError`. ``FileNotFoundError`` and other
    ``OSError``s pass through.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotAFileError(f"{path}: is {file_kind(mode)}, not a file")
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ValueError(f"file is too large (over {limit:,} bytes)")
    return data


def read_yaml(path: Path, what: str, hint: str = "") -> Any:
    """The parsed file, or None when it does not exist.

    A broken file raises :class:`UsageError` on one line:
    ``FILE:LINE:COL: cannot read the WHAT: PROBLEM`` (plus ``hint``).
    """
    return read_yaml_node(path, what, hint)[0]


def read_yaml_node(path: Path, what: str, hint: str = "") -> tuple[Any, Any]:
    """:func:`read_yaml`'s value and the YAML node it was made from (None for no file
    or an empty one): its ``start_mark`` places a problem found in the value."""
    import yaml

    tail = f"; {hint}" if hint else ""
    try:
        text = read_small_file(path).decode("utf-8")
    except FileNotFoundError:
        return None, None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: cannot read the {what}: not UTF-8 text{tail}") from None
    except NotAFileError as err:
        raise UsageError(f"cannot read the {what}: {err}{tail}") from None
    except ValueError as err:
        raise UsageError(f"{path}: cannot read the {what}: {err}{tail}") from None
    except OSError as err:
        raise UsageError(f"{path}: cannot read the {what}: {err.strerror}{tail}") from None
    from coach.yamlnest import BoundedLoader, check_nesting

    try:
        check_nesting(text)
        loader = BoundedLoader(text)
        try:
            node = loader.get_single_node()
            return (None if node is None else loader.construct_document(node)), node
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = " ".join(str(p) for p in (err.context, err.problem) if p)
        raise UsageError(f"{where}: cannot read the {what}: {problem}{tail}") from None
    except yaml.YAMLError as err:  # pragma: no cover - PyYAML's errors are marked
        raise UsageError(f"{path}: cannot read the {what}: {one_line(err)}{tail}") from None


def write_yaml(path: Path, header: str, data: Any) -> Path:
    """Write ``data`` as YAML under a ``# comment`` ``header``, atomically (folders made)."""
    import yaml

    from coach.files import write_atomic

    write_atomic(path, header + yaml.safe_dump(data, sort_keys=False), make_folder=True)
    return path


def settings_path() -> Path:
    """The walker's settings: ``config.yaml`` in the config folder."""
    from coach import paths

    return paths.config_dir() / "config.yaml"


def user_language(known: Collection[str]) -> str | None:
    """The walker's language, ``language: de`` in :func:`settings_path` (None: not set):
    what ``coach log``, ``plan``, ``progress`` and ``history`` print in. A code not in
    ``known`` (the languages with text) is a :class:`UsageError` at its ``FILE:LINE:COL``."""
    path = settings_path()
    data, node = read_yaml_node(path, "settings")
    if data is None:
        return None
    if not isinstance(data, dict):
        raise UsageError(f"{path}:1:1: the settings must be a mapping, e.g. `language: de`")
    value = data.get("language")
    if value is None:
        return None
    where = next((f"{path}:{k.start_mark.line + 1}:{v.start_mark.column + 1}"
                  for k, v in node.value if k.value == "language"), str(path))
    code = str(value).strip().lower()
    if not isinstance(value, str) or code not in known:
        raise UsageError(f"{where}: language: the coach has no text in {str(value)!r}; "
                         f"languages with text: {', '.join(sorted(known))}")
    return code
