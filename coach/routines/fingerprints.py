"""Which built-in translations are stale: their English source was reworded since.

Each translation (a string, or a pool of lines, at one place of a translated file)
is stored with a short fingerprint of the English it translates, in one file per
language, ``coach/data/text/LANG/sources.yaml``::

    lines:welcome: 1f3a9c02
    techniques/cool-down:stretches.0.left: 9be1d4a7
    routines/brisk-30:reminders.0.say: 40c2e81d

A translated file mirrors its English file key by key (``coach/data/lines/en.yaml``
for ``lines/LANG.yaml``, ``coach/data/techniques/ID.yaml`` for
``text/LANG/techniques/ID.yaml``, the same for routines), so the English source of
a translation is the English file's value at the same place. A pool (a list of
lines) is one translation: adding or rewording any of its English lines makes it
stale. :func:`stale` names the ones whose English no longer matches;
:func:`stamped` gives the English as it is now to record (after a translation was brought up
to date: ``python scripts/language_report.py --stamp LANG``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.abc import Traversable

SOURCES = "sources.yaml"
Place = tuple[str, str]  # (file, path inside it): ("techniques/cool-down", "intro")


@dataclass(frozen=True)
class Stale:
    language: str
    file: str  # "lines", "techniques/ID", "routines/ID"
    path: str  # "stretches.0.left"
    english: str  # the English it should translate now ("" if it has none)
    why: str  # "reworded", "new" (never stamped), "no English"

    def __str__(self) -> str:
        where = f"{self.language}: {self.file}:{self.path}"
        if self.why == "no English":
            return f"{where}: the English has no text here any more"
        said = self.english if len(self.english) <= 70 else self.english[:69] + "…"
        verb = "was reworded" if self.why == "reworded" else "has no fingerprint yet"
        return f"{where}: the English {verb}; translate again: {said!r}"


def fingerprint(english: str | list[str]) -> str:
    """8 hex digits of the English text (whitespace runs count as one space)."""
    lines = english if isinstance(english, list) else [english]
    text = "\n".join(" ".join(str(line).split()) for line in lines)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def texts_at(data: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every translatable place of a parsed file: strings and pools (lists of strings),
    with their dotted paths (list items by index)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from texts_at(value, f"{prefix}{key}.")
    elif isinstance(data, list) and data and all(isinstance(v, str) for v in data):
        yield prefix[:-1], list(data)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from texts_at(value, f"{prefix}{i}.")
    elif isinstance(data, str):
        yield prefix[:-1], data


def _at(data: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def _data() -> Traversable:
    from importlib import resources

    return resources.files("coach").joinpath("data")


def _yaml(path: Traversable) -> Any:
    import yaml

    return yaml.safe_load(path.read_text("utf-8")) if path.is_file() else None


def _files(language: str) -> Iterator[tuple[str, Any, Any]]:
    """(file, translation, English) for every translated file of ``language``."""
    data = _data()
    yield "lines", _yaml(data / "lines" / f"{language}.yaml"), _yaml(data / "lines" / "en.yaml")
    for kind in ("techniques", "routines"):
        folder = data / "text" / language / kind
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.name.endswith(".yaml"):
                part = entry.name[:-5]
                yield f"{kind}/{part}", _yaml(entry), _yaml(data / kind / entry.name)


def _places(language: str) -> Iterator[tuple[str, str, Any]]:
    """(file, path, English now) of every translation of ``language`` (None: no English)."""
    for file, translated, english in _files(language):
        for path, _ in texts_at(translated):
            if file == "lines" and path == "language":
                continue
            yield file, path, _at(english, path)


def stored(language: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in (_yaml(_data() / "text" / language / SOURCES)
                                          or {}).items()}


def stale(language: str) -> list[Stale]:
    """The translations of ``language`` whose English changed since they were stamped."""
    prints = stored(language)
    out = []
    for file, path, english in _places(language):
        if english is None or english == []:
            out.append(Stale(language, file, path, "", "no English"))
            continue
        was = prints.get(f"{file}:{path}")
        if was != fingerprint(english):
            shown = english if isinstance(english, str) else " / ".join(english)
            out.append(Stale(language, file, path, shown, "new" if was is None else "reworded"))
    return out


def stamped(language: str) -> tuple[str, int]:
    """The ``sources.yaml`` of ``language`` with the English as it is now for every
    translation, and how many there are (the caller writes it: :func:`sources_file`)."""
    import yaml

    prints = {f"{file}:{path}": fingerprint(english)
              for file, path, english in _places(language) if english not in (None, [])}
    head = (f"# Fingerprints of the English each {language} translation translates "
            "(coach.routines.fingerprints).\n# Written by `python scripts/language_report.py "
            f"--stamp {language}` after the translations were brought up to date.\n")
    return head + yaml.safe_dump(prints, sort_keys=True, allow_unicode=True, width=100), \
        len(prints)


def sources_file(language: str) -> str:
    """Where ``language``'s fingerprints are kept (in the source tree)."""
    return str(_data() / "text" / language / SOURCES)
