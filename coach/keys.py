"""Single key presses from the terminal, for the live walk's controls.

:class:`TerminalKeys` puts the terminal in cbreak mode (keys arrive one at a
time, unechoed; Ctrl-C still interrupts) and reads it on a background thread
into a queue. The terminal settings are restored on exit, also when the walk
ends with Ctrl-C or an error. Without a terminal on stdin there are no keys and
the walk still plays. Anything with ``poll() -> list[str]`` can stand in for it
(tests script their key presses).
"""

from __future__ import annotations

import os
import queue
import select
import sys
import threading
from types import TracebackType
from typing import Any, Protocol, TextIO


class KeySource(Protocol):
    def poll(self) -> list[str]:
        """Keys pressed since the last call, oldest first (never blocks)."""
        ...


class NoKeys:
    """No keyboard: the walk plays to the end (or until Ctrl-C)."""

    def poll(self) -> list[str]:
        return []


class TerminalKeys:
    """Keys from a tty in cbreak mode, read on a daemon thread.

    Use as a context manager. If ``stream`` is not a terminal (a pipe, a file,
    /dev/null, Windows without termios) it yields nothing.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream if stream is not None else sys.stdin
        self._keys: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._saved: Any = None
        self._fd = -1

    @property
    def active(self) -> bool:
        return self._thread is not None

    def __enter__(self) -> TerminalKeys:
        try:
            import termios
            import tty
        except ImportError:  # pragma: no cover - not POSIX
            return self
        try:
            fd = self._stream.fileno()
            if not os.isatty(fd):
                return self
            self._saved = termios.tcgetattr(fd)
            tty.setcbreak(fd)
        except (OSError, ValueError, termios.error):
            return self
        self._fd = fd
        self._thread = threading.Thread(target=self._read, name="coach-keys", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
            self._thread = None
        if self._saved is not None:
            import termios

            try:
                termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
            except (OSError, termios.error):
                pass
            self._saved = None

    def poll(self) -> list[str]:
        keys: list[str] = []
        while True:
            try:
                keys.append(self._keys.get_nowait())
            except queue.Empty:
                return keys

    def _read(self) -> None:
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._fd], [], [], 0.1)
                if not ready:
                    continue
                data = os.read(self._fd, 32)
            except OSError:
                return
            if not data:  # end of input: no more keys
                return
            for ch in data.decode(errors="ignore"):
                self._keys.put(ch)
