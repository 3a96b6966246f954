"""walk_routine end to end on a fake clock and a recording sink, with the real TTS,
the real renderer and a real history database."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import numpy as np
import pytest

from coach.audio.device import NoAudioDevice
from coach.live.screen import status_line
from coach.live.walk import WalkIO, WalkOptions, walk_routine
from coach.programme.history import History
from coach.routines.library import load_lines, resolve_routine
from tests.fakes import FakeClock, RecordingSink, ScriptedKeys

STARTED = datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc)
FLARE_MIN = resolve_routine("flare-up").duration_s / 60  # the whole session


class DeadSink(RecordingSink):
    def open(self) -> None:
        raise NoAudioDevice("no sound output could be opened (test)")


def walk(ref, options=None, script=(), sink_cls=RecordingSink, tmp_path=None,
         ask_pain=None):
    options = options or WalkOptions()
    clock = FakeClock()
    sink = sink_cls(clock)
    out = io.StringIO()
    with History(tmp_path / "history.sqlite3") as history:
        io_ = WalkIO(clock=clock, keys=ScriptedKeys(clock, list(script)), out=out, sink=sink,
                     history=history, ask_pain=ask_pain, now=lambda: STARTED)
        outcome = walk_routine(resolve_routine(ref), options, io_)
        records = history.sessions()
    return outcome, sink, out.getvalue(), records


def test_a_live_walk_plays_and_is_recorded(tmp_path):
    asked = []

    def ask(when):
        asked.append(when)
        return {"before": 4, "after": 3}[when]

    outcome, sink, text, records = walk("flare-up", WalkOptions(), [(120.0, "q")],
                                        tmp_path=tmp_path, ask_pain=ask)
    assert asked == ["before", "after"]
    assert sink.opened and sink.closed
    assert text.startswith("Playing on recording fake sink.")
    assert "[00:01] " in text and load_lines().quit[0] in text
    assert outcome.audio and outcome.ended_reason == "quit" and not outcome.completed
    stream = sink.stream
    assert np.abs(stream).max() > 0.1  # real speech was played
    [rec] = records
    assert (rec.routine, rec.completed, rec.ended_reason, rec.pain_before, rec.pain_after) == (
        "flare-up", False, "quit", 4, 3)
    assert rec.started_at == STARTED
    assert rec.walked_min == pytest.approx((120.0 - 1.0) / 60, abs=0.01)  # less the lead-in
    assert rec.session_min == pytest.approx((120.0 - 1.0) / 60, abs=0.01)  # all walking so far
    assert rec.planned_min == pytest.approx(4.0)  # walking minutes: the session less its stretches


def test_no_device_falls_back_to_text_and_says_why(tmp_path):
    outcome, sink, text, records = walk("flare-up", WalkOptions(pain_before=2), [(30.0, "p")],
                                        sink_cls=DeadSink, tmp_path=tmp_path)
    assert text.splitlines()[0].startswith(
        "No audio: no sound output could be opened (test). Showing the session as text")
    assert sink.closed and not sink.blocks
    assert not outcome.audio and outcome.ended_reason == "pain"
    assert records[0].pain_before == 2 and records[0].ended_reason == "pain"


def test_text_on_request_never_opens_the_device(tmp_path):
    outcome, sink, text, records = walk("flare-up", WalkOptions(text=True), tmp_path=tmp_path)
    assert not sink.opened
    assert text.startswith("No audio: you asked for text (--text).")
    assert outcome.completed and records[0].completed
    assert records[0].walked_min == records[0].planned_min == pytest.approx(4.0)
    assert records[0].session_min == pytest.approx(FLARE_MIN, abs=0.01)


def test_the_text_walk_shows_the_times_a_live_walk_plays(tmp_path):
    from coach.routines.durations import format_clock
    from coach.session import prepare_session

    measured = prepare_session(resolve_routine("flare-up")).timeline
    _outcome, _sink, text, _records = walk("flare-up", WalkOptions(text=True), tmp_path=tmp_path)
    for cue in measured.cues:
        assert f"[{format_clock(cue.at_s)}] {cue.text}" in text


def test_status_line_while_playing(tmp_path):
    from coach.compiler.timeline import Cue
    from coach.live.player import State, Status

    cue = Cue(75.0, "Shoulders relaxed and down, away from your ears, please.", "posture", 2,
              0, 2.0)
    line = status_line(Status(State.PLAYING, "Warm-up", 61.0, 539.0, cue))
    assert line == "Warm-up · 01:01 / 08:59 left · next 01:15 Shoulders relaxed and down, away " \
                   "from y…"


class UnpluggedSink(RecordingSink):
    """A device that fails (earphones unplugged) once 90 s have played."""

    def raise_if_failed(self) -> None:
        if self.pulled >= 90 * self.sample_rate_hz:
            from coach.errors import OutputError

            raise OutputError("the sound device stopped (test)")


def test_a_device_failure_mid_walk_still_records_the_walk(tmp_path):
    from coach.errors import OutputError

    with pytest.raises(OutputError, match="stopped"):
        walk("flare-up", WalkOptions(pain_before=3), sink_cls=UnpluggedSink, tmp_path=tmp_path)
    with History(tmp_path / "history.sqlite3") as history:
        [rec] = history.sessions()
    assert (rec.routine, rec.completed, rec.ended_reason, rec.pain_before) == (
        "flare-up", False, "device", 3)
    assert rec.walked_min == pytest.approx((90 - 1.0) / 60, abs=0.02)


def test_a_walk_ended_for_pain_says_the_advice_and_the_decision_aloud(tmp_path):
    from coach.programme.plan import make_state
    from coach.programme.store import save_state
    from coach.session import prepare_session

    save_state(make_state(10, 3, False, STARTED.date()))

    shown = []
    io_out = io.StringIO()
    clock = FakeClock()
    sink = RecordingSink(clock)
    with History(tmp_path / "history.sqlite3") as history:
        io_ = WalkIO(clock=clock, keys=ScriptedKeys(clock, [(120.0, "p")]), out=io_out,
                     sink=sink, history=history, now=lambda: STARTED,
                     on_saved=lambda o: shown.append((len(sink.starts), o)))
        outcome = walk_routine(resolve_routine("flare-up"),
                               WalkOptions(pain_before=2, pain_after=8), io_)
    reaction = outcome.reaction
    assert reaction is not None and shown == [(1, outcome)]  # printed before it is said
    assert any("8 out of 10" in line for line in reaction.advice)
    assert load_lines().red_flags in reaction.spoken
    assert reaction.spoken[-1] == "Your next walks switch to the gentle flare-up track."
    assert len(sink.starts) == 2 and sink.closed  # opened again after the walk, then closed
    after = sink.stream[sink.starts[1]:]
    say = prepare_session(resolve_routine("flare-up")).clip_for
    spoken_s = sum(len(say(t)) / sink.sample_rate_hz + 0.4 for t in reaction.spoken)
    assert len(after) / sink.sample_rate_hz == pytest.approx(spoken_s + sink.latency_s,
                                                              abs=0.05)
    first = say(reaction.spoken[0])
    assert np.allclose(after[:len(first)], first)  # the first advice line, as the voice says it


def test_a_calm_walk_says_nothing_after_it_ends(tmp_path):
    outcome, sink, _text, _records = walk("flare-up", WalkOptions(pain_before=2, pain_after=2),
                                          [(60.0, "q")], tmp_path=tmp_path)
    assert outcome.reaction is not None and outcome.reaction.advice == ()
    assert len(sink.starts) == 1


def _quietest_second_rms(stream: np.ndarray, rate_hz: int) -> float:
    """The RMS of the quietest second (after the first 5 s): no speech there, only clicks."""
    return min(float(np.sqrt(np.mean(stream[at:at + rate_hz] ** 2)))
               for at in range(5 * rate_hz, len(stream) - 6 * rate_hz, rate_hz // 2))


def test_a_live_walk_plays_the_routines_metronome_level_unless_one_is_given(tmp_path):
    from coach.audio.loudness import Levels
    from tests.audiotest import SHORT_ROUTINE

    def clicks_rms(key: bytes, levels: Levels | None = None) -> float:
        path = tmp_path / f"level{len(list(tmp_path.glob('*.yaml')))}.yaml"
        path.write_bytes(SHORT_ROUTINE.replace(b"cadence: 100\n", b"cadence: 100\n" + key))
        folder = tmp_path / path.stem
        folder.mkdir()
        _outcome, sink, _text, _records = walk(str(path), WalkOptions(metronome=True,
                                                                      levels=levels),
                                               tmp_path=folder)
        return _quietest_second_rms(sink.stream, sink.sample_rate_hz)

    quiet = clicks_rms(b"metronome_level: -30\n")
    loud = clicks_rms(b"metronome_level: -4\n")
    default = clicks_rms(b"")  # -10 LU
    given = clicks_rms(b"metronome_level: -4\n", Levels(metronome_lu=-30.0))
    # 26 LU apart is 20x in amplitude; 6 LU about 2x; the option wins over the key
    assert loud > 5 * quiet > 0, (quiet, loud)
    assert 1.5 < loud / default < 2.5, (default, loud)
    assert given == pytest.approx(quiet, rel=0.05), (given, quiet)
