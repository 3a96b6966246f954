"""Stretch sections: left/right pairs, time to move, holds from the end of the instruction."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from coach.compiler.compile import compile_routine
from coach.compiler.stretches import POSITION_MS, TRANSITION_MS
from coach.compiler.timeline import Cue, Timeline
from coach.routines.library import load_lines, load_techniques
from coach.routines.model import Routine, Segment, Stretch, Technique

LINES = load_lines()
TECHS = load_techniques()


@dataclass
class Held:
    """One side of a stretch as said: its instruction and its release."""

    stretch: Stretch
    side: int  # 0: left (or both), 1: right
    said: Cue
    release: Cue


def held(tl: Timeline, tech: Technique) -> list[Held]:
    """Every hold in the stretch sections of ``tl`` done with ``tech``, in order."""
    out: list[Held] = []
    sections = {i for i, s in enumerate(tl.sections) if s.technique == tech.id}
    cues = [c for c in tl.cues if c.section in sections]
    for i, cue in enumerate(cues):
        for stretch in tech.stretches:
            for side, text in enumerate(stretch.say):
                if cue.text.endswith(text):
                    release = next(c for c in cues[i:] if c.text == LINES.release)
                    out.append(Held(stretch, side if stretch.sided else 0, cue, release))
    return out


def assert_pairs_and_transitions(tl: Timeline, tech: Technique) -> list[Held]:
    holds = held(tl, tech)
    sided = [h for h in holds if h.stretch.sided]
    assert [h.side for h in sided] == [0, 1] * (len(sided) // 2), "left, right, left, right"
    for a, b in zip(sided[::2], sided[1::2], strict=True):
        assert a.stretch is b.stretch
    previous_release: float | None = None
    for h in holds:
        hold_s = h.release.at_s - h.said.end_s
        assert hold_s == pytest.approx(h.stretch.hold_s, abs=0.002), "held from the words' end"
        if previous_release is not None:
            assert h.said.end_s - previous_release >= TRANSITION_MS / 1000 - 1e-9
        previous_release = h.release.end_s
    return holds


def cool(tid: str, seconds: float) -> Timeline:
    routine = Routine("t", "Test", (Segment("walk", 300), Segment(tid, seconds)))
    return compile_routine(routine, techniques=TECHS, lines=LINES)


@pytest.mark.parametrize("tid", ["cool-down", "cool-down-gentle", "cool-down-seated"])
def test_every_length_gives_whole_pairs_and_time_to_move(tid: str) -> None:
    tech = TECHS[tid]
    done = []
    for seconds in range(60, 660, 15):
        tl = cool(tid, seconds)
        holds = assert_pairs_and_transitions(tl, tech)
        done.append(len(holds))
        shortened = [w for w in tl.warnings if w.action == "shortened"]
        assert bool(shortened) == (not holds), (seconds, shortened)  # only when nothing fits
    assert done == sorted(done) and done[-1] == 2 * len(tech.stretches) * tech.rounds


def test_a_short_cool_down_does_the_first_stretches_and_a_long_one_every_round() -> None:
    tech = TECHS["cool-down"]
    one = held(cool("cool-down", 130), tech)
    assert [h.stretch.name for h in one] == ["Hip flexor stretch"] * 2
    every = held(cool("cool-down", 560), tech)
    assert len(every) == 12
    labels = [h.said.text for h in every if h.said.text.startswith("Round")]
    assert len(labels) == 1 and labels[0].startswith("Round 2 of 2. Hip flexor")


def test_sitting_down_and_standing_up_are_announced_and_given_time() -> None:
    tech = TECHS["cool-down-seated"]
    tl = cool("cool-down-seated", 560)
    holds = held(tl, tech)
    texts = [c.text for c in tl.cues]
    assert texts.count(LINES.sit_down) == 1 and texts.count(LINES.stand_up) == 1
    sit = next(c for c in tl.cues if c.text == LINES.sit_down)
    stand = next(c for c in tl.cues if c.text == LINES.stand_up)
    first_seated = next(h for h in holds if h.stretch.sitting)
    last = holds[-1]
    assert all(not h.stretch.sitting for h in holds[:holds.index(first_seated)])
    assert all(h.stretch.sitting for h in holds[holds.index(first_seated):])
    assert first_seated.said.at_s - sit.end_s >= POSITION_MS / 1000 - 1e-9
    assert stand.at_s >= last.release.end_s
    assert stand.end_s <= tl.duration_s


def test_a_say_list_still_gives_one_text_per_round() -> None:
    tech = Technique("c", "C", "d", stretches=(Stretch("Reach", ("Up.", "Higher.")),), rounds=2)
    techs = {**TECHS, "c": tech}
    routine = Routine("t", "Test", (Segment("walk", 120), Segment("c", 200)))
    tl = compile_routine(routine, techniques=techs, lines=LINES)
    assert [c.text for c in tl.cues if c.text.endswith(("Up.", "Higher."))] == [
        "Reach. Up.", "Round 2 of 2. Reach. Higher."]


def test_a_section_too_short_for_any_stretch_says_how_long_it_needs() -> None:
    tl = cool("cool-down", 40)
    (warning,) = [w for w in tl.warnings if w.action == "shortened"]
    assert "Hip flexor stretch needs about" in str(warning)
    assert not held(tl, TECHS["cool-down"])


def test_measured_speech_keeps_the_pairs() -> None:
    slow = compile_routine(Routine("t", "Test", (Segment("walk", 300), Segment("cool-down", 320))),
                           lambda text: 0.5 + len(text.split()) * 0.5, techniques=TECHS,
                           lines=LINES)
    holds = assert_pairs_and_transitions(slow, TECHS["cool-down"])
    assert len(holds) >= 2


def programme_sessions(weeks: int):
    from datetime import date

    from coach.programme.plan import make_state, upcoming_sessions

    start = date(2026, 11, 30)
    out = []
    for minutes, days, figure8 in [(5, 3, False), (10, 5, True), (15, 4, False)]:
        state = make_state(minutes, days, figure8, start)
        out += upcoming_sessions(state, [], start, weeks)
    return out


@pytest.mark.slow
def test_every_programme_session_of_weeks_1_to_8_stretches_in_pairs_without_warnings() -> None:
    from coach.session import compile_with_library

    seen = set()
    for session in programme_sessions(8):
        key = (session.routine.title, session.routine.segments)
        if key in seen:
            continue
        seen.add(key)
        tl = compile_with_library(session.routine)
        unfixable = [str(w) for w in tl.warnings if w.action != "moved"]
        assert not unfixable, (session.routine.title, unfixable)
        for tid in {s.technique for s in tl.sections if TECHS[s.technique].stretches}:
            holds = assert_pairs_and_transitions(tl, TECHS[tid])
            assert len(holds) >= 2, session.routine.title
    assert len(seen) > 20
