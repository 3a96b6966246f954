"""The renderer: exact placement, random access, cue sounds, metronome, loudness."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.audio import render as render_module
from coach.audio.clip import Clip
from coach.audio.cuesounds import CueSounds
from coach.audio.loudness import (
    CEILING_DBTP,
    SPEECH_LUFS,
    Levels,
    db_gain,
    limiter_reach,
    loudness_lufs,
)
from coach.audio.render import CLIP_CACHE_SAMPLES, DUCK_GAIN, SessionRenderer
from coach.compiler.timeline import CadencePoint, Section
from tests.audiotest import RATE_HZ, make_timeline, sample_timeline
from tests.fakes import tone_clip

TIMELINE = sample_timeline()


def renderer(metronome: bool = False, sounds: bool = True, timeline=TIMELINE, clip_for=tone_clip
             ) -> SessionRenderer:
    return SessionRenderer(timeline, clip_for, RATE_HZ, metronome=metronome, cue_sounds=sounds)


FULL = renderer(metronome=True)
WHOLE = FULL.render(0, FULL.total_samples)


def test_length_is_the_timeline_duration():
    assert FULL.total_samples == round(TIMELINE.duration_s * RATE_HZ)
    assert len(WHOLE) == FULL.total_samples
    assert WHOLE.dtype == np.float32
    assert float(np.max(np.abs(WHOLE))) <= 1.0


def test_each_clip_starts_exactly_on_its_cue_sample():
    speech = renderer(sounds=False)
    audio = speech.render(0, speech.total_samples)
    for cue in TIMELINE.cues:
        start = speech.cue_start_sample(cue)
        assert start == round(cue.at_s * RATE_HZ)
        assert audio[start - 1] == 0.0, cue.text
        assert audio[start] != 0.0, cue.text
        end = speech.cue_end_sample(cue)
        assert np.any(audio[end - 50:end] != 0.0) and audio[end] == 0.0


@settings(max_examples=40, deadline=None)
@given(start=st.integers(0, FULL.total_samples + 100), n=st.integers(0, 70_000))
def test_random_access_equals_the_whole(start, n):
    got = FULL.render(start, n)
    assert np.array_equal(got, WHOLE[start:start + n])


@pytest.mark.slow
@pytest.mark.parametrize("block", [1, 1000, 8192, 44_101])
def test_blocks_concatenate_to_the_whole(block):
    if block == 1:  # every sample on its own is slow; a stretch with speech, ticks and beats
        parts = [FULL.render(i, 1) for i in range(10 * RATE_HZ, 14 * RATE_HZ)]
        assert np.array_equal(np.concatenate(parts), WHOLE[10 * RATE_HZ:14 * RATE_HZ])
        return
    assert np.array_equal(np.concatenate(list(FULL.blocks(block))), WHOLE)
    tail = np.concatenate(list(FULL.blocks(block, start_sample=123_457)))
    assert np.array_equal(tail, WHOLE[123_457:])


def test_a_second_renderer_gives_the_same_audio():
    assert np.array_equal(renderer(metronome=True).render(0, FULL.total_samples), WHOLE)


def test_past_the_end_is_empty_and_bad_ranges_are_refused():
    assert len(FULL.render(FULL.total_samples, 10)) == 0
    assert len(FULL.render(FULL.total_samples - 3, 10)) == 3
    with pytest.raises(ValueError):
        FULL.render(-1, 10)
    with pytest.raises(ValueError):
        list(FULL.blocks(0))


def test_chime_at_each_section_change_after_the_first_and_tick_under_countdowns():
    with_sounds = renderer(sounds=True).render(0, FULL.total_samples)
    without = renderer(sounds=False).render(0, FULL.total_samples)
    sounds = renderer(sounds=True).sounds  # at their levels relative to the speech
    expected = np.zeros(FULL.total_samples, np.float32)
    for section in TIMELINE.sections[1:]:
        at = round(section.start_s * RATE_HZ)
        expected[at:at + len(sounds.chime)] += sounds.chime
    ticks = [c for c in TIMELINE.cues if c.kind == "countdown"]
    assert len(ticks) == 3
    for cue in ticks:
        at = round(cue.at_s * RATE_HZ)
        expected[at:at + len(sounds.tick)] += sounds.tick
    # exact, except where a sound over speech passes the ceiling and the limiter acts
    _, _, reach = limiter_reach(RATE_HZ)
    over = np.abs(without + expected) > db_gain(CEILING_DBTP)
    near = np.convolve(over, np.ones(2 * reach + 1), "same") > 0
    assert near.mean() < 0.01
    np.testing.assert_allclose((with_sounds - without)[~near], expected[~near], atol=1e-6)
    assert np.max(np.abs(with_sounds)) <= db_gain(CEILING_DBTP) + 1e-6
    assert not np.any(expected[:round(15.0 * RATE_HZ)][:round(11 * RATE_HZ)])  # none at start


def click_starts(audio: np.ndarray, threshold: float) -> np.ndarray:
    loud = np.abs(audio) > threshold
    starts = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    keep = [starts[0]] if len(starts) else []
    for s in starts[1:]:
        if s - keep[-1] > 0.1 * RATE_HZ:  # one click = one burst
            keep.append(s)
    return np.array(keep)


def test_metronome_follows_the_cadence():
    met = step_only(make_timeline([], TIMELINE.sections, 45.0, cadence=TIMELINE.cadence))
    audio = met.render(0, met.total_samples)
    starts = click_starts(audio, 0.05) / RATE_HZ
    for lo, hi, spm in ((0.0, 15.0, 90.0), (15.0, 33.0, 100.0), (33.0, 45.0, 80.0)):
        beats = starts[(starts >= lo) & (starts < hi)]
        assert beats[0] == pytest.approx(lo, abs=0.002)
        assert np.diff(beats) == pytest.approx(60.0 / spm, abs=0.002)
        assert len(beats) == pytest.approx((hi - lo) * spm / 60.0, abs=1)


def step_only(timeline) -> SessionRenderer:
    sounds = CueSounds(np.zeros(0, np.float32), np.zeros(0, np.float32),
                       CueSounds.load(RATE_HZ).step, RATE_HZ)
    return SessionRenderer(timeline, tone_clip, RATE_HZ, metronome=True, cue_sounds=sounds)


def test_metronome_without_a_cadence_track_uses_the_sections():
    sections = (Section("A", "walk", 0.0, 6.0, cadence_spm=120.0),
                Section("Stretch", "cool-down", 6.0, 12.0))
    met = step_only(make_timeline([], sections, 12.0))
    starts = click_starts(met.render(0, met.total_samples), 0.05) / RATE_HZ
    assert np.diff(starts) == pytest.approx(0.5, abs=0.002)  # 120 spm
    assert starts[-1] < 6.0  # nobody walks in a stretch: no beat


def test_metronome_with_no_cadence_anywhere_beats_90():
    sections = (Section("A", "walk", 0.0, 6.0), Section("B", "walk", 6.0, 12.0))
    met = step_only(make_timeline([], sections, 12.0))
    starts = click_starts(met.render(0, met.total_samples), 0.05) / RATE_HZ
    assert np.diff(starts) == pytest.approx(60 / 90, abs=0.002)
    assert len(starts) == 18


def test_a_zero_cadence_point_is_silent():
    sections = (Section("A", "walk", 0.0, 12.0),)
    met = step_only(make_timeline([], sections, 12.0, cadence=(
        CadencePoint(0.0, 100.0), CadencePoint(4.0, 0.0), CadencePoint(8.0, 60.0))))
    starts = click_starts(met.render(0, met.total_samples), 0.05) / RATE_HZ
    assert not np.any((starts >= 4.0) & (starts < 8.0))
    assert starts[starts >= 8.0] == pytest.approx([8.0, 9.0, 10.0, 11.0], abs=0.002)


def test_metronome_is_ducked_under_speech():
    sections = (Section("A", "walk", 0.0, 10.0),)
    timeline = make_timeline([(3.0, "A long sentence said over the beat to hear ducking.",
                               "technique")], sections, 10.0,
                             cadence=(CadencePoint(0.0, 120.0),))
    met = step_only(timeline)
    step = met.sounds.step
    speech_only = SessionRenderer(timeline, tone_clip, RATE_HZ, cue_sounds=False)
    clicks = met.render(0, met.total_samples) - speech_only.render(0, met.total_samples)
    cue = timeline.cues[0]
    start, end = met.cue_start_sample(cue), met.cue_end_sample(cue)
    peaks = [float(np.max(np.abs(clicks[b:b + len(step)])))
             for b in range(0, met.total_samples - len(step), RATE_HZ // 2)]
    beat_at = list(range(0, met.total_samples - len(step), RATE_HZ // 2))
    under = [p for p, b in zip(peaks, beat_at) if start + 1000 < b < end - 1000]
    clear = [p for p, b in zip(peaks, beat_at) if b + len(step) < start - 1000 or b > end + 1000]
    assert under and clear
    assert max(under) == pytest.approx(DUCK_GAIN * min(clear), rel=0.05)


@pytest.mark.parametrize("volume", [1.0, 0.5])
def test_speech_is_brought_to_one_loudness_which_the_volume_moves(volume):
    sections = (Section("A", "walk", 0.0, 20.0),)
    quiet = Clip((tone_clip("quiet one").samples // 20), RATE_HZ)
    loud = tone_clip("a loud one, much louder")
    clips = {"quiet": quiet, "loud": loud}
    timeline = make_timeline([(1.0, "quiet", "technique"), (8.0, "loud", "technique")],
                             sections, 20.0)
    r = SessionRenderer(timeline, clips.__getitem__, RATE_HZ, cue_sounds=False,
                        levels=Levels(volume=volume))
    audio = r.render(0, r.total_samples)
    levels = [loudness_lufs(audio[r.cue_start_sample(c):r.cue_end_sample(c)], RATE_HZ)
              for c in timeline.cues]
    expected = SPEECH_LUFS + 20 * np.log10(volume)
    assert levels == pytest.approx([expected, expected], abs=0.15)


def test_clips_at_another_rate_are_resampled():
    sections = (Section("A", "walk", 0.0, 5.0),)
    timeline = make_timeline([(1.0, "hello", "technique")], sections, 5.0)
    low = tone_clip("hello", 11025)
    r = SessionRenderer(timeline, lambda _t: low, RATE_HZ, cue_sounds=False)
    cue = timeline.cues[0]
    assert r.cue_end_sample(cue) - r.cue_start_sample(cue) == pytest.approx(
        2 * len(low.samples), abs=3)


def test_memory_for_clips_stays_bounded_on_a_long_session():
    """300 different 2-s phrases: far more audio than the clip cache may hold."""
    sections = (Section("Long", "walk", 0.0, 900.0),)
    cues = [(1.5 + 3.0 * i, f"Phrase number {i:03d} of a long walk.", "technique")
            for i in range(299)]
    timeline = make_timeline(cues, sections, 900.0)
    calls: list[str] = []

    def clip_for(text: str) -> Clip:
        calls.append(text)
        return Clip(np.full(2 * RATE_HZ, 1000, np.int16), RATE_HZ)

    r = SessionRenderer(timeline, clip_for, RATE_HZ, cue_sounds=False)
    assert 299 * 2 * RATE_HZ > 2 * CLIP_CACHE_SAMPLES
    peak = 0
    for _block in r.blocks(65_536):
        peak = max(peak, r._cached_samples)
    assert peak <= CLIP_CACHE_SAMPLES
    assert len(set(calls)) == 299


def test_prime_loads_every_clip_so_no_block_loads_one_even_past_the_cache_size(monkeypatch):
    monkeypatch.setattr(render_module, "CLIP_CACHE_SAMPLES", 2_000_000)
    asked: list[str] = []

    def counting(text: str) -> Clip:
        asked.append(text)
        return tone_clip(text)

    long_speech = make_timeline(
        [(i * 10.0, f"cue number {i} " + "and on " * 20, "technique") for i in range(40)],
        [Section("Walk", "walk", 0.0, 410.0)], 410.0)
    assert sum(len(tone_clip(c.text).samples) for c in long_speech.cues) > 2_000_000
    for timeline in (TIMELINE, long_speech):
        asked.clear()
        primed = renderer(timeline=timeline, clip_for=counting)
        primed.prime()
        assert sorted(set(asked)) == sorted({c.text for c in timeline.cues})
        before = len(asked)
        for block in primed.blocks(block_samples=1 << 16):
            assert block.dtype == np.float32
        assert len(asked) == before  # the whole session played: nothing loaded again
