"""The terminal side of a live walk: the lines as they are said, the status line
below them, and the progress line while the voice is prepared."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from coach.clock import Clock, MonotonicClock
from coach.errors import terminal_safe
from coach.live.player import PlayEvent, State, Status
from coach.routines.durations import format_clock
from coach.routines.lines import CoachLines

#: After a line the walk showed but could not say in time.
UNSPOKEN = "(not spoken: the voice was not ready in time)"


class StatusView:
    """Prints each line as it is said; on a terminal, a status line below them."""

    def __init__(self, out: TextIO, lines: CoachLines | None = None,
                 unspoken: Callable[[int, str], bool] | None = None) -> None:
        self.out = out
        self.lines = lines
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
            line = status_line(status, self.lines)
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


def status_line(status: Status, lines: CoachLines | None = None) -> str:
    """``Warm-up · 03:10 / 21:50 left · next 04:00 Tall back.`` (and the state), in
    ``lines``' language (default English)."""
    from coach.routines.library import load_lines

    say = (lines or load_lines()).say
    parts = [status.section or say("status_walk"),
             say("status_left", elapsed=format_clock(status.elapsed_s),
                 remaining=format_clock(status.remaining_s))]
    if status.next_cue is not None:
        text = status.next_cue.text
        text = text if len(text) <= 40 else text[:39] + "…"
        parts.append(say("status_next", at=format_clock(status.next_cue.at_s), text=text))
    if status.state is State.PAUSED:
        parts.insert(0, say("status_paused"))
    return " · ".join(parts)


class ProgressLine:
    """``Preparing the voice, first time only: 12/40 phrases`` on one line (on stderr), for
    the phrases not yet cached, shown only when it takes a while."""

    def __init__(self, out: TextIO, after_s: float = 0.5, clock: Clock | None = None,
                 lines: CoachLines | None = None) -> None:
        from coach.routines.library import load_lines

        self.out = out
        self.lines = lines or load_lines()
        self.clock = clock or MonotonicClock()
        self.after_s = after_s
        self._start_s = self.clock.now()
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self._shown and self.clock.now() - self._start_s < self.after_s:
            return
        self._shown = True
        self.out.write("\r" + self.lines.say("preparing", done=done, total=total))
        self.out.flush()

    def done(self) -> None:
        """End the progress line (if one was shown)."""
        if self._shown:
            self.out.write(" " + self.lines.say("preparing_done") + "\n")
            self.out.flush()
            self._shown = False
