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


def no_audio_explanation(why: str) -> str:
    """The one line that says why the walk is shown instead of heard."""
    return (f"No audio: {why}. Showing the session as text instead: each line appears "
            "when it would be spoken.")


def play_text(timeline: Timeline, clock: Clock, out: TextIO, keys: KeySource,
              why: str, lines: CoachLines) -> tuple[float, str | None]:
    """Print ``timeline`` in real time; return (seconds walked, ended reason or None).

    ``lines`` are the coach's own (what pause, quit and pain say).
    """
    print(no_audio_explanation(why), file=out, flush=True)
    if not isinstance(keys, NoKeys):
        print("Keys: space pause/resume · n next section · r repeat · q end · p pain",
              file=out, flush=True)
    rows = sorted([_Line(s.start_s, f"== {s.title} ==", True) for s in timeline.sections]
                   + [_Line(c.at_s, c.text, False) for c in timeline.cues],
                   key=lambda line: (line.at_s, not line.section_start))
    starts = [line.at_s for line in rows]
    origin_s = clock.now()  # clock time of session time 0
    paused_at: float | None = None
    skipped_s = 0.0
    shown = 0
    last_cue: str | None = None
    reason: str | None = None
    tick_base_s = origin_s
    try:
        while True:
            now = clock.now()
            at_clock_s = paused_at if paused_at is not None else now
            pos_s = at_clock_s - origin_s
            # due when its clock time has come (the same sum the wake-up uses)
            while shown < len(rows) and origin_s + rows[shown].at_s <= at_clock_s:
                _show(out, rows[shown])
                last_cue = last_cue if rows[shown].section_start else rows[shown].text
                shown += 1
            if origin_s + timeline.duration_s <= at_clock_s:
                pos_s = timeline.duration_s
                break
            for key in keys.poll():
                command = KEY_COMMANDS.get(key)
                if command == "toggle_pause":
                    if paused_at is None:
                        paused_at = now
                        print(lines.paused, file=out, flush=True)
                    else:
                        origin_s += now - paused_at
                        paused_at = None
                        print(lines.resuming, file=out, flush=True)
                elif command == "skip":
                    target_s = _next_section_s(timeline, pos_s)
                    skipped_s += target_s - pos_s
                    origin_s -= target_s - pos_s  # also right while paused: pos follows
                    shown = bisect.bisect_left(starts, target_s)
                elif command == "repeat" and last_cue is not None:
                    print(f"[{format_clock(pos_s)}] {last_cue}", file=out, flush=True)
                elif command in ("quit", "pain"):
                    reason = command
                    for text in lines.quit if command == "quit" else lines.pain:
                        print(text, file=out, flush=True)
                    break
            if reason is not None:
                break
            wake_s = tick_base_s + (int((now - tick_base_s) / TICK_S) + 1) * TICK_S
            if paused_at is None:
                next_s = rows[shown].at_s if shown < len(rows) else timeline.duration_s
                wake_s = min(wake_s, origin_s + next_s)
            clock.sleep_until(wake_s)
    except KeyboardInterrupt:
        reason = "interrupted"
        print("\nStopped.", file=out, flush=True)
        now = clock.now()
        pos_s = (paused_at if paused_at is not None else now) - origin_s
    walked_s = max(0.0, min(pos_s, timeline.duration_s) - skipped_s)
    return walked_s, reason


def _show(out: TextIO, line: _Line) -> None:
    print(f"[{format_clock(line.at_s)}] {line.text}", file=out, flush=True)


def _next_section_s(timeline: Timeline, pos_s: float) -> float:
    for section in timeline.sections:
        if section.start_s > pos_s:
            return section.start_s
    return timeline.duration_s
