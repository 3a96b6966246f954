"""Read and write coach's own small YAML files (programme, schedules); one-line errors.

The only module that reads or writes them: :mod:`coach.programme.store` and
:mod:`coach.scheduling.schedules` go through :func:`read_yaml` and :func:`write_yaml`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coach.errors import UsageError


def read_yaml(path: Path, what: str, hint: str = "") -> Any:
    """The parsed file, or None when it does not exist.

    A broken file raises :class:`UsageError` on one line:
    ``FILE:LINE:COL: cannot read the WHAT: PROBLEM`` (plus ``hint``).
    """
    import yaml

    tail = f"; {hint}" if hint else ""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: cannot read the {what}: not UTF-8 text{tail}") from None
    except OSError as err:
        raise UsageError(f"{path}: cannot read the {what}: {err.strerror}{tail}") from None
    from coach.yamlnest import BoundedLoader, check_nesting

    try:
        check_nesting(text)
        return yaml.load(text, Loader=BoundedLoader)  # noqa: S506 - a SafeLoader
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = " ".join(str(p) for p in (err.context, err.problem) if p)
        raise UsageError(f"{where}: cannot read the {what}: {problem}{tail}") from None
    except yaml.YAMLError as err:  # pragma: no cover - PyYAML's errors are marked
        one_line = " ".join(str(err).split())
        raise UsageError(f"{path}: cannot read the {what}: {one_line}{tail}") from None


def write_yaml(path: Path, header: str, data: Any) -> Path:
    """Write ``data`` as YAML under a ``# comment`` ``header``, atomically (folders made)."""
    import yaml

    from coach.files import write_atomic

    write_atomic(path, header + yaml.safe_dump(data, sort_keys=False), make_folder=True)
    return path
