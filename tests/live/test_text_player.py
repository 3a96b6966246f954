"""The text fallback on a fake clock: each line printed exactly at its time."""

from __future__ import annotations

import io

import pytest

from coach.compiler.compile import compile_routine
from coach.live.keys import NoKeys
from coach.live.text_player import no_audio_explanation, play_text
from coach.routines.library import load_lines
from coach.routines.model import Routine, Segment
from tests.fakes import FakeClock, ScriptedKeys

LINES = load_lines()

T0 = 1000.0


class TimedOut(io.StringIO):
    """Remembers the clock time at which each line began."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock
        self.lines: list[tuple[float, str]] = []
        self._open = False

    def write(self, s: str) -> int:
        for part in s.splitlines(keepends=True):
            if not self._open:
                self.lines.append((self.clock.now() - T0, ""))
            at, text = self.lines[-1]
            self.lines[-1] = (at, text + part.rstrip("\n"))
            self._open = not part.endswith("\n")
        return len(s)


@pytest.fixture(scope="module")
def timeline(small_techniques):
    routine = Routine("t", "Twenty", (Segment("walk", 600, title="Walk one"),
                                      Segment("walk", 300, title="Walk two"),
                                      Segment("cool-down", 300, title="Stretch")))
    return compile_routine(routine, techniques=small_techniques, lines=LINES)


def run(timeline, script=(), keys=None):
    clock = FakeClock(T0)
    out = TimedOut(clock)
    keys = keys if keys is not None else ScriptedKeys(clock, list(script))
    walked_s, reason = play_text(timeline, clock, out, keys, why="no sound device was found",
                                 lines=LINES)
    return out.lines, walked_s, reason


def cue_lines(lines):
    return [(at, text) for at, text in lines if text.startswith("[") and "==" not in text]


def test_every_cue_printed_at_its_time(timeline):
    lines, walked_s, reason = run(timeline, keys=NoKeys())
    assert lines[0] == (0.0, no_audio_explanation("no sound device was found"))
    assert "No audio: no sound device was found." in lines[0][1]
    cues = cue_lines(lines)
    assert [at for at, _ in cues] == pytest.approx([c.at_s for c in timeline.cues], abs=1e-9)
    assert [text.split("] ", 1)[1] for _, text in cues] == [c.text for c in timeline.cues]
    headers = [(at, t) for at, t in lines if "==" in t]
    assert [at for at, _ in headers] == pytest.approx([s.start_s for s in timeline.sections])
    assert [t for _, t in headers] == [f"[{int(s.start_s) // 60:02d}:{int(s.start_s) % 60:02d}] "
                                       f"== {s.title} ==" for s in timeline.sections]
    assert reason is None and walked_s == pytest.approx(timeline.duration_s)
    assert not any("Keys:" in t for _, t in lines)  # no keyboard, no key help


def test_pause_shifts_the_rest_by_the_pause(timeline):
    lines, walked_s, reason = run(timeline, [(100.0, " "), (160.0, " ")])
    cues = cue_lines(lines)
    want = [c.at_s if c.at_s <= 100.0 else c.at_s + 60.0 for c in timeline.cues]
    assert [at for at, _ in cues] == pytest.approx(want)
    assert (100.0, "Paused.") in lines and (160.0, "Resuming.") in lines  # on the tick grid
    assert walked_s == pytest.approx(timeline.duration_s)


def test_skip_goes_to_the_next_section(timeline):
    lines, walked_s, reason = run(timeline, [(30.0, "n")])
    cues = cue_lines(lines)
    start = timeline.sections[1].start_s
    want = [c.at_s if c.at_s <= 30.0 else c.at_s - (start - 30.0)
            for c in timeline.cues if c.at_s <= 30.0 or c.at_s >= start]
    assert [at for at, _ in cues] == pytest.approx(want)
    assert walked_s == pytest.approx(timeline.duration_s - (start - 30.0))


def test_skip_while_paused_lands_on_the_next_section_and_stays_paused(timeline):
    # pause at 10 s, press n 60 s later, resume 30 s after that
    lines, walked_s, reason = run(timeline, [(10.0, " "), (70.0, "n"), (100.0, " ")])
    cues = cue_lines(lines)
    start = timeline.sections[1].start_s
    # nothing of section two is printed while still paused; it starts on resuming
    later = [(at, text) for at, text in cues if at > 10.0]
    first = next(c for c in timeline.cues if c.section == 1)
    assert later[0] == (pytest.approx(100.0 + first.at_s - start), f"[10:00] {first.text}")
    assert walked_s == pytest.approx(timeline.duration_s - (start - 10.0))


@pytest.mark.parametrize(("key", "reason", "said"), [("q", "quit", LINES.quit),
                                                     ("p", "pain", LINES.pain),
                                                     ("Q", "quit", LINES.quit),
                                                     ("P", "pain", LINES.pain)])
def test_quit_and_pain_print_their_lines_and_stop(timeline, key, reason, said):
    lines, walked_s, got = run(timeline, [(250.0, key)])
    assert got == reason and walked_s == pytest.approx(250.0)
    assert [t for _, t in lines[-len(said):]] == list(said)
    assert all(at == 250.0 for at, _ in lines[-len(said):])


def test_repeat_reprints_the_last_cue(timeline):
    last = [c for c in timeline.cues if c.at_s <= 200.0][-1]
    lines, _, _ = run(timeline, [(200.0, "r")])
    assert (200.0, f"[03:20] {last.text}") in lines


def test_ctrl_c_stops_cleanly(timeline):
    clock = FakeClock(T0)

    class Interrupting:
        def poll(self):
            if clock.now() - T0 >= 42.0:
                raise KeyboardInterrupt
            return []

    out = TimedOut(clock)
    walked_s, reason = play_text(timeline, clock, out, Interrupting(), why="test", lines=LINES)
    assert reason == "interrupted" and walked_s == pytest.approx(42.0)
    assert out.lines[-1] == (42.0, "Stopped.")
