"""The error hierarchy of the coach.

Every error the library raises on purpose is a :class:`CoachError`. Each also
inherits a built-in type (as mutagen does), so callers that only know Python's
own exceptions still catch it sensibly. The CLI turns these into one line on
stderr and an :class:`ExitStatus`.
"""

from __future__ import annotations

import enum
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


class EngineError(CoachError, RuntimeError):
    """The speech engine failed, hung, or produced unusable audio."""


class OutputError(CoachError, OSError):
    """A file or device could not be written."""
