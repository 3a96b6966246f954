"""The error hierarchy of the coach.

Every error the library raises on purpose is a :class:`CoachError`. Each also
inherits a built-in type (as mutagen does), so callers that only know Python's
own exceptions still catch it sensibly. The CLI turns these into one line on
stderr and an :class:`ExitStatus`.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass


class ExitStatus(enum.IntEnum):
    """Process exit codes (documented in the README)."""

    OK = 0
    FAILURE = 1  # runtime failure: device, engine, disk
    BAD_INPUT = 2  # bad usage or an invalid routine


class CoachError(Exception):
    """Base of every error the coach raises on purpose."""

    exit_status: ExitStatus = ExitStatus.FAILURE


@dataclass(frozen=True)
class Problem:
    """One problem in one place of one file (1-based line and column)."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class RoutineError(CoachError, ValueError):
    """A routine or technique file is invalid. Holds every problem found."""

    exit_status = ExitStatus.BAD_INPUT

    def __init__(self, problems: Sequence[Problem]):
        if not problems:
            raise ValueError("RoutineError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, file: str, line: int, col: int, message: str) -> RoutineError:
        return cls([Problem(file, line, col, message)])


class UsageError(CoachError, ValueError):
    """The user asked for something that does not exist or makes no sense."""

    exit_status = ExitStatus.BAD_INPUT


class SettingError(UsageError):
    """A routine's speech setting the engine refuses (an unknown voice, a voice for another
    language): ``key`` is the routine key it came from ("voice" or "language"), so `coach
    check` can say where it is (issue 12)."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key


class EngineError(CoachError, RuntimeError):
    """The speech engine failed, hung, or produced unusable audio."""


class OutputError(CoachError, OSError):
    """A file or device could not be written."""


#: Characters of a user's input quoted back in a message at most.
QUOTE_CHARS = 60


def shorten(value: object, limit: int = QUOTE_CHARS) -> str:
    """``repr(value)``, cut to about ``limit`` characters with the full length said:
    an error line never echoes a 900 KB input."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = len(value) if isinstance(value, str) else len(text)
    return f"{text[:limit]}... ({size:,} characters)"


def one_line(err: BaseException, limit: int = 2 * QUOTE_CHARS) -> str:
    """``err``'s message on one line, cut to about ``limit`` characters with the full length
    said (a damaged file's 900 KB value is quoted by ``date.fromisoformat`` whole)."""
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


#: Format characters that reorder or hide text on a terminal (bidi embeddings,
#: overrides and isolates; the Trojan Source characters).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")


def bad_character(text: str, allow: str = "") -> str | None:
    """Why ``text`` cannot be stored, spoken or printed as it is, or None.

    Refused: control characters (NUL, ESC, BEL, ...), lone surrogates (no
    character at all; they crash the first encode), private-use and unassigned
    code points, and the bidi controls. Every reader of user text applies it,
    and :func:`terminal_safe` escapes the same characters in what is printed.
    ``allow`` lists characters accepted anyway (YAML text may break lines).
    """
    for ch in text:
        if _unsafe(ch) and ch not in allow:
            return f"contains {_describe(ch)}, which cannot be said or printed"
    return None


def terminal_safe(text: str) -> str:
    """``text`` with every character :func:`bad_character` refuses written as ``\\xNN`` /
    ``\\uNNNN``: nothing from a file or an argument can move the cursor, clear the
    screen, set the window title, ring the bell or reorder a line. Tabs and newlines
    stay (they are the printer's own)."""
    if not any(_unsafe(ch) and ch not in "\n\t" for ch in text):
        return text
    return "".join(ch if ch in "\n\t" or not _unsafe(ch)
                   else ascii(ch)[1:-1] for ch in text)


def _unsafe(ch: str) -> bool:
    if ch.isprintable() and ch not in BIDI_CONTROLS:
        return False
    if ch == " ":
        return False
    category = unicodedata.category(ch)
    return category in ("Cc", "Cs", "Co", "Cn") or ch in BIDI_CONTROLS or category in ("Zl", "Zp")


_CONTROL_NAMES = {"\0": "NUL", "\a": "BEL, the bell", "\b": "BACKSPACE", "\x1b": "ESC",
                  "\r": "CARRIAGE RETURN", "\n": "LINE FEED", "\t": "TAB", "\x7f": "DELETE"}


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, _CONTROL_NAMES.get(ch, ""))
    code = f"U+{ord(ch):04X}"
    if unicodedata.category(ch) == "Cs":
        return f"a lone surrogate ({code})"
    return f"the control character {code}{f' ({name})' if name else ''}"
