"""The live player on a fake clock and a recording fake sink.

Every test plays a whole session in milliseconds and compares the produced
stream, sample for sample, with what the session renderer says belongs there:
key presses must move the rest of the session by exactly the expected amount.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
import pytest

from coach.audio.render import SessionRenderer
from coach.compiler.compile import compile_routine
from coach.live.keys import NoKeys
from coach.live.playback import TICK_S, play_live
from coach.live.player import Player, State
from coach.live.screen import StatusView, status_line
from coach.routines.library import load_lines
from coach.routines.model import Routine, Segment
from tests.fakes import (
    SR,
    FakeClock,
    RecordingSink,
    ScriptedKeys,
    tone_clip,
    tone_speech_s,
)

LINES = load_lines()

LEAD_S = 0.5
LEAD = round(LEAD_S * SR)


def three_part_walk(techniques, name: str, start_s: int, main_s: int, stretch_s: int):
    """Easy start, brisk main walk, stretches: compiled with the tone clip lengths."""
    routine = Routine(name, name.title(), (
        Segment("walk", start_s, title="Easy start"),
        Segment("walk", main_s, title="Main walk", pace="brisk"),
        Segment("cool-down", stretch_s, title="Stretches")))
    tl = compile_routine(routine, tone_speech_s, techniques=techniques, lines=LINES)
    assert tl.duration_s == pytest.approx(start_s + main_s + stretch_s)
    return tl


@pytest.fixture(scope="module")
def forty(small_techniques):
    """A 40-minute walk in three sections."""
    tl = three_part_walk(small_techniques, "forty", 600, 1500, 300)
    assert len(tl.cues) > 40
    return tl


@pytest.fixture(scope="module")
def eight(small_techniques):
    """An 8-minute walk shaped like ``forty``: what the key tests need, in a fifth of the time."""
    return three_part_walk(small_techniques, "eight", 120, 240, 120)


@dataclass
class Run:
    player: Player
    stream: np.ndarray
    text: str
    walked_s: float
    reason: str | None
    renderer: SessionRenderer
    clock: FakeClock
    sink: RecordingSink

    def said(self, text: str) -> np.ndarray:
        """``text`` as the player says it: the renderer's own clip of it."""
        return self.renderer.speech_clip(text)


def player_for(tl, lead_in_s: float = LEAD_S, renderer: SessionRenderer | None = None) -> Player:
    renderer = renderer or SessionRenderer(tl, tone_clip, SR)
    return Player(renderer, renderer.speech_clip, LINES, lead_in_s=lead_in_s)


def walk(tl, script=(), keys=None) -> Run:
    clock = FakeClock()
    sink = RecordingSink(clock)
    player = player_for(tl)
    out = io.StringIO()
    keys = keys if keys is not None else ScriptedKeys(clock, list(script))
    walked_s, reason = play_live(player, sink, clock, keys, StatusView(out))
    assert sink.closed
    return Run(player, sink.stream, out.getvalue(), walked_s, reason, player._renderer,
               clock, sink)


def silence(n: int) -> np.ndarray:
    return np.zeros(n, np.float32)


def assert_stream(run: Run, parts: list[np.ndarray]) -> None:
    """The stream is exactly ``parts`` in a row, then only silence."""
    want = np.concatenate(parts)
    assert len(run.stream) >= len(want)
    got = run.stream[:len(want)]
    if not np.array_equal(got, want):
        first = int(np.flatnonzero(got != want)[0])
        raise AssertionError(f"stream differs from sample {first} ({first / SR:.3f} s) on")
    assert not run.stream[len(want):].any()


def cue_starts_in_stream(run: Run) -> list[tuple[int, str]]:
    return [(e.stream_sample, e.text) for e in run.player.log]


def session(run: Run, a: int, b: int) -> np.ndarray:
    return run.renderer.render(a, b - a)


def tick_at(t_s: float) -> float:
    """The first key-poll tick at or after ``t_s``."""
    return math.ceil(t_s / TICK_S) * TICK_S


@pytest.mark.slow
def test_forty_minute_walk_plays_every_cue_on_its_sample(forty):
    run = walk(forty, keys=NoKeys())
    total = run.renderer.total_samples
    assert_stream(run, [silence(LEAD), session(run, 0, total)])
    assert run.reason is None and run.player.state is State.ENDED
    assert run.walked_s == pytest.approx(forty.duration_s)
    # every cue announced, in order, with its time
    lines = [line for line in run.text.splitlines() if line.startswith("[")]
    assert [line.split("] ", 1)[1] for line in lines] == [c.text for c in forty.cues]
    assert run.clock.now() - 1000.0 < forty.duration_s + 2  # no extra waiting


@pytest.mark.slow
def test_pause_freezes_the_session_and_resume_continues_exactly(eight):
    pause_s, resume_s = 61.25, 80.0
    run = walk(eight, [(pause_s, " "), (resume_s, " ")])
    p_stream, r_stream = round(pause_s * SR), round(resume_s * SR)
    p = p_stream - LEAD  # session position when paused
    total = run.renderer.total_samples
    paused, resuming = run.said(LINES.paused), run.said(LINES.resuming)
    assert_stream(run, [silence(LEAD), session(run, 0, p), paused,
                        silence(r_stream - p_stream - len(paused)), resuming,
                        session(run, p, total)])
    # every cue after the pause starts exactly (pause + "Resuming.") later
    shift = r_stream - p_stream + len(resuming)
    starts = [(LEAD + run.renderer.cue_start_sample(c) + (shift if
               run.renderer.cue_start_sample(c) >= p else 0), c.text) for c in eight.cues]
    events = cue_starts_in_stream(run)
    assert [e for e in events if e[1] not in (LINES.paused, LINES.resuming)] == starts
    assert (p_stream, LINES.paused) in events and (r_stream, LINES.resuming) in events
    assert run.walked_s == pytest.approx(eight.duration_s)


@pytest.mark.slow
def test_skip_jumps_to_the_next_section_start(eight):
    skip_s = 30.0
    run = walk(eight, [(skip_s, "n")])
    p = round(skip_s * SR) - LEAD
    s = round(eight.sections[1].start_s * SR)
    total = run.renderer.total_samples
    assert_stream(run, [silence(LEAD), session(run, 0, p), session(run, s, total)])
    skipped = [c for c in eight.cues if p <= run.renderer.cue_start_sample(c) < s]
    assert skipped
    texts_heard = [t for _, t in cue_starts_in_stream(run)]
    assert len(texts_heard) == len(eight.cues) - len(skipped)
    assert run.walked_s == pytest.approx(eight.duration_s - (s - p) / SR)
    assert run.reason is None  # the rest was walked to the end


@pytest.mark.slow
def test_repeat_in_a_gap_says_the_last_cue_now_and_delays_the_rest(eight):
    cue = eight.cues[5]
    gap_s = tick_at(LEAD_S + cue.end_s + 0.1)
    nxt = eight.cues[6]
    assert gap_s < LEAD_S + nxt.at_s, "need a gap after cue 5"
    run = walk(eight, [(gap_s, "r")])
    p = round(gap_s * SR) - LEAD
    total = run.renderer.total_samples
    assert_stream(run, [silence(LEAD), session(run, 0, p), run.said(cue.text),
                        session(run, p, total)])


@pytest.mark.slow
def test_repeat_while_a_cue_is_spoken_waits_for_its_end(eight):
    cue = next(c for c in eight.cues if c.speech_s > 1.5 and c.at_s > 20)
    k = eight.cues.index(cue)
    press_s = tick_at(LEAD_S + cue.at_s + 0.3)
    run = walk(eight, [(press_s, "r")])
    end = run.renderer.cue_end_sample(cue)
    assert round(press_s * SR) - LEAD < end
    total = run.renderer.total_samples
    assert_stream(run, [silence(LEAD), session(run, 0, end), run.said(cue.text),
                        session(run, end, total)])
    later = eight.cues[k + 1]
    at = run.renderer.cue_start_sample(later)
    [event] = [e for e in run.player.log if e.kind == "cue" and e.session_sample == at]
    assert event.stream_sample == LEAD + at + len(run.said(cue.text))


@pytest.mark.slow
@pytest.mark.parametrize(("key", "reason", "lines"), [("q", "quit", LINES.quit),
                                                      ("p", "pain", LINES.pain),
                                                      ("Q", "quit", LINES.quit),
                                                      ("P", "pain", LINES.pain)])
def test_quit_and_pain_end_with_their_spoken_lines(eight, key, reason, lines):
    at_s = 140.0
    run = walk(eight, [(at_s, key)])
    p = round(at_s * SR) - LEAD
    assert_stream(run, [silence(LEAD), session(run, 0, p), *(run.said(t) for t in lines)])
    assert run.reason == reason
    assert run.walked_s == pytest.approx(p / SR)
    assert [t for _, t in cue_starts_in_stream(run)][-len(lines):] == list(lines)


@pytest.mark.slow
def test_unknown_keys_change_nothing(eight):
    run = walk(eight, [(10.0, "x"), (20.0, "Z"), (30.0, "\n"), (40.0, "\x1b"), (50.0, "O"),
                       (60.0, "[")])
    assert_stream(run, [silence(LEAD), session(run, 0, run.renderer.total_samples)])


def test_handle_key_maps_exact_keys_only(eight):
    player = player_for(eight)
    for key in ("o", "O", "\x1b", "[", "~", "pp", ""):
        assert player.handle_key(key) is False
    assert player.state is State.PLAYING
    assert player.handle_key("N") is True and player.position_samples > 0  # skipped ahead
    assert player.handle_key(" ") is True and player.state is State.PAUSED
    assert player.handle_key("P") is True and player.ended_reason == "pain"


def test_ctrl_c_stops_at_once_and_closes_the_device(eight):
    clock = FakeClock()
    sink = RecordingSink(clock)
    player = player_for(eight)

    class Interrupting:
        def poll(self):
            if clock.now() - 1000.0 >= 50:
                raise KeyboardInterrupt
            return []

    walked_s, reason = play_live(player, sink, clock, Interrupting(), StatusView(io.StringIO()))
    assert reason == "interrupted" and sink.closed
    assert walked_s == pytest.approx(50 - LEAD_S)
    assert not player.next_block(100).any()


def test_paused_status_line_shows_section_times_and_next_cue(eight):
    player = player_for(eight, lead_in_s=0)
    player.next_block(round(130 * SR))
    player.pause()
    line = status_line(player.status())
    assert line.startswith("PAUSED · Main walk · 02:10 / 05:50 left · next ")
    nxt = player.status().next_cue
    assert nxt is not None and nxt.at_s >= 130 and nxt.text[:20] in line


def test_blocks_of_any_size_give_the_same_stream(eight):
    renderer = SessionRenderer(eight, tone_clip, SR)
    a, b = player_for(eight, renderer=renderer), player_for(eight, renderer=renderer)
    n = round(100 * SR)
    one = a.next_block(n)
    sizes = [1, 7, 4096, 333, 100_000]
    parts, done, i = [], 0, 0
    while done < n:
        k = min(sizes[i % len(sizes)], n - done)
        parts.append(b.next_block(k))
        done += k
        i += 1
    np.testing.assert_array_equal(one, np.concatenate(parts))


@pytest.mark.slow
def test_skip_cuts_a_repeat_short(eight):
    cue = next(c for c in eight.cues if c.speech_s > 1.5 and c.at_s > 20)
    press_s = tick_at(LEAD_S + cue.end_s + 0.1)
    run = walk(eight, [(press_s, "r"), (press_s + 0.5, "n")])
    p = round(press_s * SR) - LEAD
    # the fake device pulls round(t * SR) samples by time t: the cut is what it pulled
    cut = round((press_s + 0.5) * SR) - round(press_s * SR)
    s = round(eight.sections[cue.section + 1].start_s * SR)
    total = run.renderer.total_samples
    assert_stream(run, [silence(LEAD), session(run, 0, p), run.said(cue.text)[:cut],
                        session(run, s, total)])
