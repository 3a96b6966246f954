"""The session as text, cue by cue at its time: the fallback when there is no sound.

Each line is printed when it would have been said (``[02:15] Stand tall.``),
waiting on the injected clock until absolute times, so printing never drifts.
The same keys work as in the live walk: space pauses, n skips to the next
section, r shows the last cue again, q ends, p ends because of pain.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TextIO

from coach.clock import Clock
from coach.compiler.timeline import Timeline
from coach.errors import terminal_safe
from coach.live.keys import KeySource, NoKeys
from coach.live.player import KEY_COMMANDS
from coach.routines.durations import format_clock
from coach.routines.lines import CoachLines

TICK_S = 0.25  # how often keys are read while waiting


@dataclass(frozen=True)
class _Line:
    at_s: float
    text: str
    section_start: bool


def no_audio_explanation(why: str, lines: CoachLines | None = None) -> str:
    """The one line that says why the walk is shown instead of heard (in ``lines``'
    language; default English)."""
    from coach.routines.library import load_lines

    return (lines or load_lines()).say("no_audio", why=why)


def play_text(timeline: Timeline, clock: Clock, out: TextIO, keys: KeySource,
              why: str, lines: CoachLines) -> tuple[float, str | None]:
    """Print ``timeline`` in real time; return (seconds walked, ended reason or None).

    ``lines`` are the coach's own (what pause, quit and pain say).
    """
    print(no_audio_explanation(why, lines), file=out, flush=True)
    if not isinstance(keys, NoKeys):
        print(lines.say("keys"), file=out, flush=True)
    walk = _TextWalk(timeline, out, lines, origin_s=clock.now())
    reason: str | None = None
    try:
        while True:
            now = clock.now()
            at_clock_s = walk.at_clock_s(now)
            pos_s = at_clock_s - walk.origin_s
            walk.show_due(at_clock_s)
            if walk.origin_s + timeline.duration_s <= at_clock_s:
                pos_s = timeline.duration_s
                break
            reason = walk.read_keys(keys.poll(), now, pos_s)
            if reason is not None:
                break
            clock.sleep_until(walk.wake_s(now))
    except KeyboardInterrupt:
        reason = "interrupted"
        print("\n" + lines.say("stopped"), file=out, flush=True)
        pos_s = walk.at_clock_s(clock.now()) - walk.origin_s
    walked_s = max(0.0, min(pos_s, timeline.duration_s) - walk.skipped_s)
    return walked_s, reason


class _TextWalk:
    """Where a text walk is: the lines shown, the clock time of session time 0
    (moved by pauses and skips), the pause, the seconds skipped."""

    def __init__(self, timeline: Timeline, out: TextIO, lines: CoachLines,
                 origin_s: float) -> None:
        self.timeline = timeline
        self.out = out
        self.lines = lines
        self.rows = sorted([_Line(s.start_s, f"== {s.title} ==", True)
                            for s in timeline.sections]
                           + [_Line(c.at_s, c.text, False) for c in timeline.cues],
                           key=lambda line: (line.at_s, not line.section_start))
        self.starts = [line.at_s for line in self.rows]
        self.origin_s = origin_s  # clock time of session time 0
        self.tick_base_s = origin_s
        self.paused_at: float | None = None
        self.skipped_s = 0.0
        self.shown = 0
        self.last_cue: str | None = None

    def at_clock_s(self, now: float) -> float:
        """The clock time the session stands at (the pause's while paused)."""
        return self.paused_at if self.paused_at is not None else now

    def show_due(self, at_clock_s: float) -> None:
        """Print every line whose clock time has come (the same sum the wake-up uses)."""
        rows = self.rows
        while self.shown < len(rows) and self.origin_s + rows[self.shown].at_s <= at_clock_s:
            _show(self.out, rows[self.shown])
            if not rows[self.shown].section_start:
                self.last_cue = rows[self.shown].text
            self.shown += 1

    def read_keys(self, keys: list[str], now: float, pos_s: float) -> str | None:
        """Act on the keys pressed; the reason the walk ends (quit, pain), or None."""
        for key in keys:
            command = KEY_COMMANDS.get(key)
            if command == "toggle_pause":
                self._toggle_pause(now)
            elif command == "skip":
                self._skip(pos_s)
            elif command == "repeat" and self.last_cue is not None:
                self._say(f"[{format_clock(pos_s)}] {self.last_cue}")
            elif command in ("quit", "pain"):
                for text in self.lines.quit if command == "quit" else self.lines.pain:
                    self._say(text)
                return command
        return None

    def wake_s(self, now: float) -> float:
        """When to look again: the next tick, or the next line if sooner (not while paused)."""
        wake_s = self.tick_base_s + (int((now - self.tick_base_s) / TICK_S) + 1) * TICK_S
        if self.paused_at is None:
            rows = self.rows
            next_s = rows[self.shown].at_s if self.shown < len(rows) else self.timeline.duration_s
            wake_s = min(wake_s, self.origin_s + next_s)
        return wake_s

    def _toggle_pause(self, now: float) -> None:
        if self.paused_at is None:
            self.paused_at = now
            self._say(self.lines.paused)
        else:
            self.origin_s += now - self.paused_at
            self.paused_at = None
            self._say(self.lines.resuming)

    def _skip(self, pos_s: float) -> None:
        target_s = _next_section_s(self.timeline, pos_s)
        self.skipped_s += target_s - pos_s
        self.origin_s -= target_s - pos_s  # also right while paused: pos follows
        self.shown = bisect.bisect_left(self.starts, target_s)

    def _say(self, text: str) -> None:
        print(terminal_safe(text), file=self.out, flush=True)


def _show(out: TextIO, line: _Line) -> None:
    print(terminal_safe(f"[{format_clock(line.at_s)}] {line.text}"), file=out, flush=True)


def _next_section_s(timeline: Timeline, pos_s: float) -> float:
    for section in timeline.sections:
        if section.start_s > pos_s:
            return section.start_s
    return timeline.duration_s
