"""The outside world in one object, made once by ``main`` and passed down.

Like httpie's ``Environment``: the CLI (and the web server) read the clocks,
today's date, whether there is a terminal, and the output streams only from an
:class:`Environment`; tests make one with a fake clock and string streams
instead of patching module globals.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TextIO

from coach.clock import Clock, MonotonicClock, SystemWallClock, WallClock, local_now, local_today


def _stdin_is_tty() -> bool:
    return bool(sys.stdin is not None and sys.stdin.isatty())


def _stdout_is_tty() -> bool:
    return bool(sys.stdout is not None and sys.stdout.isatty())


@dataclass
class Environment:
    """Clocks, terminal flags and streams. Every field can be swapped in a test."""

    wall: WallClock = field(default_factory=SystemWallClock)
    clock: Clock = field(default_factory=MonotonicClock)
    stdin_isatty: bool = field(default_factory=_stdin_is_tty)
    stdout_isatty: bool = field(default_factory=_stdout_is_tty)
    stdin: TextIO | None = field(default_factory=lambda: sys.stdin)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)

    @property
    def interactive(self) -> bool:
        """A person at a terminal: questions may be asked and keys read."""
        return self.stdin_isatty and self.stdout_isatty

    def now(self) -> datetime:
        """The current local time (timezone-aware)."""
        return local_now(self.wall)

    def today(self) -> date:
        """Today's date where the walker is."""
        return local_today(self.wall)
