"""Single key presses from the terminal, for the live walk's controls.

:class:`TerminalKeys` puts the terminal in cbreak mode (keys arrive one at a
time, unechoed; Ctrl-C still interrupts) and reads it on a background thread
into a queue. The terminal settings are restored on exit, also when the walk
ends with Ctrl-C or an error. Without a terminal on stdin there are no keys and
the walk still plays. Anything with ``poll() -> list[str]`` can stand in for it
(tests script their key presses).

Escape sequences (arrows, F1-F12, Home ...: ESC ``[`` ... or ESC ``O`` ...) are
dropped whole, so their letters never reach the player (F1 is ESC O P, and P
means pain).
"""

from __future__ import annotations

import codecs
import contextlib
import os
import queue
import select
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType, TracebackType
from typing import Any, Protocol, TextIO


class EndSignal(KeyboardInterrupt):
    """SIGTERM or SIGHUP (the terminal closed) during a walk: handled as Ctrl-C is."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


#: The signals that ended walks and are not yet taken (signals are process-wide).
_ended_by: list[int] = []


def take_end_signal() -> int | None:
    """The signal that ended the last walk (SIGTERM, SIGHUP), once; None after Ctrl-C
    or when no walk was ended by a signal."""
    signum = _ended_by[-1] if _ended_by else None
    _ended_by.clear()
    return signum


def interrupt_exit_status(signum: int | None = None) -> int:
    """The exit status of a command ended by a signal: 128 + the signal's number, as a
    shell reports a process the signal killed (SIGINT/Ctrl-C 130, SIGHUP 129,
    SIGTERM 143); ``None`` is Ctrl-C."""
    return 128 + int(signal.SIGINT if signum is None else signum)


@contextlib.contextmanager
def signals_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise :class:`EndSignal` (a KeyboardInterrupt)
    in the main thread, so a walk ended by ``kill`` or a closed terminal takes the
    Ctrl-C path: the terminal settings are restored and the walk is saved. Their
    default action killed the process with neither. Outside, the old handlers."""
    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        _ended_by.append(signum)
        raise EndSignal(signum)

    previous = {signum: signal.signal(signum, handler) for signum in wanted}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


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
        decoder = codecs.getincrementaldecoder("utf-8")(errors="ignore")
        sequences = EscapeFilter()
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._fd], [], [], ESCAPE_WAIT_S)
                if not ready:
                    sequences.pause()
                    continue
                data = os.read(self._fd, 32)
            except OSError:
                return
            if not data:  # end of input: no more keys
                return
            for key in sequences.feed(decoder.decode(data)):
                self._keys.put(key)


ESCAPE_WAIT_S = 0.1  # a terminal sends a whole sequence at once; a pause ends one


class EscapeFilter:
    """Passes plain key presses through and swallows terminal escape sequences.

    ESC ``[`` starts a CSI sequence: parameter and intermediate characters up
    to one final character from ``@`` to ``~`` (the Linux console's F1-F5 are
    ESC ``[[`` plus one letter). ESC ``O`` starts an SS3 sequence: optional
    digits and ``;``, then one final character. ESC followed by anything else
    (the Escape key, or Alt with a key) drops the ESC alone. Sequences may be
    split over several reads; :meth:`pause` (no input for a while) ends any
    unfinished one, so a lone Escape key press cannot eat the next key.
    """

    def __init__(self) -> None:
        self._state = ""  # "", "esc", "csi", "csi[", "ss3"

    def pause(self) -> None:
        self._state = ""

    def feed(self, text: str) -> list[str]:
        keys: list[str] = []
        for ch in text:
            if self._state == "":
                if ch == "\x1b":
                    self._state = "esc"
                else:
                    keys.append(ch)
            elif self._state == "esc":
                if ch == "[":
                    self._state = "csi["
                elif ch == "O":
                    self._state = "ss3"
                elif ch != "\x1b":  # ESC ESC: the second may start a sequence
                    self._state = ""
                    keys.append(ch)
            elif self._state == "csi[" and ch == "[":  # Linux console: ESC [ [ A
                self._state = "ss3"
            elif self._state in ("csi[", "csi"):
                self._state = "" if "@" <= ch <= "~" else "csi"
            elif not (ch.isdigit() or ch == ";"):  # ss3: the final character
                self._state = ""
        return keys
