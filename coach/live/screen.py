"""The terminal side of a live walk: the lines as they are said, the status line
below them, and the progress line while the voice is prepared."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from coach.clock import Clock, MonotonicClock
from coach.errors import terminal_safe
from coach.live.player import PlayEvent, State, Status
from coach.routines.durations import format_clock

#: After a line the walk showed but could not say in time.
UNSPOKEN = "(not spoken: the voice was not ready in time)"


class StatusView:
    """Prints each line as it is said; on a terminal, a status line below them."""

    def __init__(self, out: TextIO,
                 unspoken: Callable[[int, str], bool] | None = None) -> None:
        self.out = out
        #: ``unspoken(session_sample, text)``: a cue played silent (its voice was not
        #: ready in time, :mod:`coach.live.ahead`); its line is marked so.
        self.unspoken = unspoken
        self.tty = bool(getattr(out, "isatty", lambda: False)())
        self._shown = ""

    def update(self, status: Status, events: list[PlayEvent], sample_rate_hz: int) -> None:
        for event in events:
            mark = ""
            if (event.kind == "cue" and self.unspoken is not None
                    and self.unspoken(event.session_sample, event.text)):
                mark = f" {UNSPOKEN}"
            self._line(f"[{format_clock(event.session_sample / sample_rate_hz)}] "
                       f"{event.text}{mark}")
        if self.tty:
            line = status_line(status)
            if line != self._shown:
                self.out.write("\r\x1b[K" + line)
                self.out.flush()
                self._shown = line

    def _line(self, text: str) -> None:
        if self.tty and self._shown:
            self.out.write("\r\x1b[K")
            self._shown = ""
        print(terminal_safe(text), file=self.out, flush=True)

    def finish(self) -> None:
        if self.tty and self._shown:
            self.out.write("\n")
            self.out.flush()


def status_line(status: Status) -> str:
    """``Warm-up · 03:10 / 21:50 left · next 04:00 Tall back.`` (and the state)."""
    parts = [status.section or "Walk",
             f"{format_clock(status.elapsed_s)} / {format_clock(status.remaining_s)} left"]
    if status.next_cue is not None:
        text = status.next_cue.text
        text = text if len(text) <= 40 else text[:39] + "…"
        parts.append(f"next {format_clock(status.next_cue.at_s)} {text}")
    if status.state is State.PAUSED:
        parts.insert(0, "PAUSED")
    return " · ".join(parts)


class ProgressLine:
    """``Preparing the voice, first time only: 12/40 phrases`` on one line (on stderr), for
    the phrases not yet cached, shown only when it takes a while."""

    def __init__(self, out: TextIO, after_s: float = 0.5, clock: Clock | None = None) -> None:
        self.out = out
        self.clock = clock or MonotonicClock()
        self.after_s = after_s
        self._start_s = self.clock.now()
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self._shown and self.clock.now() - self._start_s < self.after_s:
            return
        self._shown = True
        self.out.write(f"\rPreparing the voice, first time only: {done}/{total} phrases")
        self.out.flush()

    def done(self) -> None:
        """End the progress line (if one was shown)."""
        if self._shown:
            self.out.write(" done.\n")
            self.out.flush()
            self._shown = False
