"""The technique library and the routines a user can name.

Built-in techniques and routines are package data (``coach/data``). Users add
their own in the config folder (``routines/ID.yaml``, ``techniques/ID.yaml``);
a user file with a built-in's id shadows it.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from coach import paths
from coach.errors import UsageError, shorten
from coach.routines.lines import CoachLines, lines_from_data
from coach.routines.loader import load_routine, load_technique
from coach.routines.model import Routine, Technique, Texts
from coach.routines.yamlsrc import suggest

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from importlib.resources.abc import Traversable
    else:
        from importlib.abc import Traversable


@dataclass(frozen=True)
class RoutineSource:
    id: str
    path: str  # for messages: the file name
    builtin: bool

    def read(self) -> bytes:
        if self.builtin:
            return _data_dir().joinpath("routines").joinpath(f"{self.id}.yaml").read_bytes()
        return read_user_file(Path(self.path))


def _data_dir() -> Traversable:
    return resources.files("coach").joinpath("data")


def read_user_file(path: Path) -> bytes:
    """Read a file the user named or put in a folder: a regular file of at most 1 MB,
    else one line (a FIFO or ``/dev/zero`` is refused, never read)."""
    from coach.config import NotAFileError, read_small_file
    from coach.errors import RoutineError
    from coach.routines.yamlsrc import MAX_FILE_BYTES

    try:
        return read_small_file(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except NotAFileError as err:
        raise UsageError(str(err)) from None
    except ValueError:
        raise RoutineError.at(str(path), 1, 1, f"file is too large (the limit is "
                              f"{MAX_FILE_BYTES:,} bytes)") from None
    except OSError as err:
        raise UsageError(f"{path}: cannot read it ({err.strerror})") from None


#: Files in the user's folders that were skipped, with a line saying why: each reported once
#: (:func:`take_skipped`), the rest of the coach carries on without them.
_SKIPPED: dict[str, str] = {}
_REPORTED: set[str] = set()


def take_skipped() -> list[str]:
    """Lines about user files skipped since the last call (each file once per process)."""
    new = [line for path, line in _SKIPPED.items() if path not in _REPORTED]
    _REPORTED.update(_SKIPPED)
    return new


def _builtin_ids(kind: str) -> list[str]:
    folder = _data_dir().joinpath(kind)
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def _user_ids(folder: Path) -> list[str]:
    """Ids of the ``ID.yaml`` entries in a user folder (whatever they are: reading says)."""
    try:
        return sorted(p.stem for p in folder.glob("*.yaml"))
    except OSError as err:  # an unreadable folder is skipped, not fatal
        _SKIPPED[str(folder)] = f"{folder}: cannot list it ({err.strerror}); skipped"
        return []


@functools.lru_cache(maxsize=8)
def _load_techniques(user_dir: str) -> dict[str, Technique]:
    from coach.errors import CoachError, RoutineError

    out: dict[str, Technique] = {}
    for tid in _builtin_ids("techniques"):
        data = _data_dir().joinpath("techniques").joinpath(f"{tid}.yaml").read_bytes()
        tech = load_technique(data, f"<built-in>/techniques/{tid}.yaml")
        out[tid] = dataclasses.replace(tech, texts=builtin_texts("techniques", tid))
    for tid in _user_ids(Path(user_dir)):
        path = Path(user_dir) / f"{tid}.yaml"
        try:
            out[tid] = load_technique(read_user_file(path), str(path))
        except RoutineError as err:  # one bad file never breaks the other commands
            _SKIPPED[str(path)] = f"{err.problems[0]}; technique skipped"
        except CoachError as err:
            _SKIPPED[str(path)] = f"{err}; technique skipped"
    return out


def load_techniques() -> dict[str, Technique]:
    """Every technique by id: built-in, then the user's (which may shadow)."""
    return dict(_load_techniques(str(paths.config_dir() / "techniques")))


@functools.lru_cache(maxsize=8)
def load_lines(language: str = "en") -> CoachLines:
    """The coach's fixed lines in ``language`` (the catalogue ``data/lines/LANG.yaml``)."""
    import yaml

    from coach.routines.language import text_language

    language = text_language(language)
    known = sorted(p.name[:-5] for p in _data_dir().joinpath("lines").iterdir()
                   if p.name.endswith(".yaml"))
    if language not in known:
        raise UsageError(f"no coach lines in language {language!r}{suggest(language, known)} "
                          f"(there are: {', '.join(known)})")
    name = f"<built-in>/lines/{language}.yaml"
    path = _data_dir().joinpath("lines").joinpath(f"{language}.yaml")
    data = yaml.safe_load(path.read_text("utf-8"))
    return lines_from_data(data, name)


def text_languages() -> list[str]:
    """The languages the built-in techniques and routines are translated into."""
    return sorted(p.name for p in _data_dir().joinpath("text").iterdir() if p.is_dir())


@functools.lru_cache(maxsize=64)
def builtin_texts(kind: str, part_id: str) -> Texts:
    """A built-in technique's or routine's text in other languages: the overlays
    ``data/text/LANG/KIND/ID.yaml`` (see :mod:`coach.routines.overlay`)."""
    from coach.routines.loader import PLACEHOLDERS
    from coach.routines.overlay import parse_overlay
    from coach.routines.yamlsrc import Reader, compose

    out = []
    for lang in text_languages():
        path = _data_dir().joinpath("text").joinpath(lang).joinpath(kind)
        path = path.joinpath(f"{part_id}.yaml")
        if not path.is_file():
            continue
        name = f"<built-in>/text/{lang}/{kind}/{part_id}.yaml"
        r = Reader(name, lang)
        overlay = parse_overlay(r, compose(path.read_bytes(), name), kind.rstrip("s"),
                                PLACEHOLDERS)
        r.raise_if_any()
        assert overlay is not None
        out.append((lang, overlay))
    return tuple(out)


def routine_sources() -> dict[str, RoutineSource]:
    out = {rid: RoutineSource(rid, f"<built-in>/routines/{rid}.yaml", True)
           for rid in _builtin_ids("routines")}
    user = paths.user_routines_dir()
    for rid in _user_ids(user):
        out[rid] = RoutineSource(rid, str(user / f"{rid}.yaml"), False)
    return out


def routine_ids() -> list[str]:
    return sorted(routine_sources())


def builtin_routine_ids() -> list[str]:
    return _builtin_ids("routines")


def looks_like_path(ref: str) -> bool:
    return os.sep in ref or "/" in ref or ref.endswith((".yaml", ".yml"))


def resolve_routine(ref: str) -> Routine:
    """A routine by built-in id, user routine id, or path to a YAML file."""
    techniques = load_techniques()
    if looks_like_path(ref):
        path = Path(ref)
        return load_routine(read_user_file(path), ref, path.stem, techniques)
    sources = routine_sources()
    source = sources.get(ref)
    if source is None and ref in techniques:
        raise UsageError(f"{ref!r} is a technique, not a routine: routines name it in their "
                         f"segments (`technique: {ref}`); see `coach routines` for the "
                         "routines and `coach techniques` for the techniques")
    if source is None:
        raise UsageError(f"unknown routine {shorten(ref)}{suggest(ref, sources)} "
                         "(see `coach routines`, or give a path to a .yaml file)")
    routine = load_routine(source.read(), source.path, source.id, techniques)
    if source.builtin:
        routine = dataclasses.replace(routine, texts=builtin_texts("routines", source.id))
    return routine


@dataclass(frozen=True)
class RoutineEntry:
    """One line of `coach routines`: a routine a walker can name, or why it is broken."""

    id: str
    source: RoutineSource
    routine: Routine | None  # None: the file has a problem (``problem`` says which)
    problem: str | None = None
    replaces_builtin: bool = False


def list_routines() -> list[RoutineEntry]:
    """Every routine a walker can name, by id: built-in and their own (which may replace
    a built-in). A broken file (or a folder, FIFO or device named ID.yaml) is listed with
    its first problem, never raised. Each file is read once: linear in the folder's size."""
    from coach.errors import CoachError, RoutineError

    builtin = set(builtin_routine_ids())
    techniques = load_techniques()
    entries = []
    for rid, source in sorted(routine_sources().items()):
        replaces = not source.builtin and rid in builtin
        try:
            routine = load_routine(source.read(), source.path, source.id, techniques)
            entries.append(RoutineEntry(rid, source, routine, replaces_builtin=replaces))
        except RoutineError as err:
            entries.append(RoutineEntry(rid, source, None, err.problems[0].message, replaces))
        except CoachError as err:
            entries.append(RoutineEntry(rid, source, None,
                                        str(err).removeprefix(f"{source.path}: "), replaces))
    return entries
