"""A walk that starts before its speech is all synthesised (coach.live.ahead), with the
real espeak-ng engine and renderer; the sound device is the player's pulled blocks."""

from __future__ import annotations

import io

import numpy as np
import pytest

from coach.live.ahead import AheadSource
from coach.live.player import Player
from coach.live.screen import UNSPOKEN, StatusView
from coach.routines.library import load_lines, resolve_routine
from coach.session import OPENING_S, prepare_session

pytestmark = pytest.mark.slow
BLOCK = 2048


def cold_walk(routine="gentle-start"):
    lines = load_lines("en")
    prepared = prepare_session(resolve_routine(routine), extra_lines=lines.player_lines,
                               live=True)
    assert prepared.ahead is not None
    source = AheadSource(prepared.timeline, prepared.ahead, prepared.sample_rate_hz)
    return prepared, source, Player(source, prepared.clip_for, prepared.lines, lead_in_s=0)


def play(player, until_s=None):
    """The stream as a device pulls it (no keys: stream sample = session sample)."""
    blocks = []
    limit = None if until_s is None else round(until_s * player.sample_rate_hz)
    while player.state.value != "ended" and (limit is None or player.stream_samples < limit):
        blocks.append(player.next_block(BLOCK))
    return np.concatenate(blocks)


def onset_s(audio, sr, from_s, within_s):
    """The first sample above -40 dBFS in [from_s, from_s + within_s), in seconds, or None."""
    a, b = round(from_s * sr), round((from_s + within_s) * sr)
    loud = np.flatnonzero(np.abs(audio[a:b]) > 0.01)
    return None if len(loud) == 0 else (a + int(loud[0])) / sr


def test_a_cold_walk_synthesises_only_the_opening_then_each_cue_starts_at_its_time():
    prepared, source, player = cold_walk()
    cues = prepared.timeline.cues
    opening = {c.text for c in cues if c.at_s < OPENING_S}
    assert set(prepared.ahead.pending).isdisjoint(opening)
    assert len(prepared.ahead.pending) >= len(cues) // 2  # the rest waits
    source.run()  # the background synthesis, done before the playhead gets anywhere
    assert source.pending == 0
    audio = play(player)
    sr = prepared.sample_rate_hz
    for cue, nxt in zip(cues, cues[1:], strict=False):
        # each clip sits in the room it was placed with: it ends before the next starts
        assert cue.at_s + prepared.ahead.length_s(cue.text) <= nxt.at_s + 1e-6
    # cue sounds (chimes, ticks) start with the sections and countdowns: check speech onsets
    # where no chime or tick sounds: the first sound after the cue's start is at its start
    for cue in cues:
        heard = onset_s(audio, sr, cue.at_s - 0.2, 0.5)
        assert heard is not None, cue.text
        assert heard >= cue.at_s - 0.2
        assert abs(heard - cue.at_s) < 0.06 or cue.kind == "countdown", (cue.text, heard)


def test_a_clip_not_ready_in_time_is_never_started_late_and_is_shown_unspoken():
    prepared, source, player = cold_walk()
    cues = prepared.timeline.cues
    sr = prepared.sample_rate_hz
    cut_s = 120.0
    audio = list(play(player, until_s=cut_s))  # the voice was slow: nothing arrived yet
    source.run()
    audio = np.array(audio + list(play(player)), np.float32)
    missed = [c for c in cues if OPENING_S <= c.at_s < cut_s]
    later = [c for c in cues if c.at_s >= cut_s + 0.5]
    assert missed and later
    for cue in missed:
        assert source.unspoken(round(cue.at_s * sr), cue.text)
        start = round(cue.at_s * sr)
        speech = audio[start + round(0.05 * sr):start + round(cue.speech_s * sr)]
        # no speech where it was placed (a chime may sound at a section's start)
        assert float(np.sqrt(np.mean(speech ** 2))) < 0.01, cue.text
    for cue in later:
        assert not source.unspoken(round(cue.at_s * sr), cue.text)
        heard = onset_s(audio, sr, cue.at_s - 0.2, 0.5)
        assert heard is not None and abs(heard - cue.at_s) < 0.06 or cue.kind == "countdown"
    out = io.StringIO()
    view = StatusView(out, unspoken=source.unspoken)
    view.update(player.status(), player.log, sr)
    shown = out.getvalue().splitlines()
    assert sum(UNSPOKEN in line for line in shown) == len(missed)
    assert any(missed[0].text in line and UNSPOKEN in line for line in shown)


def test_a_second_walk_has_at_most_a_cue_or_two_left_to_synthesise():
    cold = cold_walk()[0]
    cold_walk()[1].run()
    prepared, source, _ = cold_walk()
    # placed from measured lengths now, a cue the bounds left out may fit (then synthesised)
    assert prepared.ahead is not None and len(prepared.ahead.pending) <= 2
    assert source.pending == len(prepared.ahead.pending)
    assert len(prepared.timeline.cues) >= len(cold.timeline.cues)
