"""prepare_session, the one way a session is prepared: with the real espeak-ng engine."""

from __future__ import annotations

import numpy as np
import pytest

from coach.audio.clip import SAMPLE_RATE_HZ
from coach.audio.loudness import CEILING_DBTP, SPEECH_LUFS, loudness_lufs, true_peak_dbtp
from coach.routines.library import load_lines, resolve_routine
from coach.session import PreparedSession, compile_with_library, prepare_session, session_timeline
from tests.audiotest import SHORT_ROUTINE


@pytest.fixture(scope="module")
def routine(tmp_path_factory):
    source = tmp_path_factory.mktemp("session") / "short.yaml"
    source.write_bytes(SHORT_ROUTINE)
    return resolve_routine(str(source))


@pytest.fixture(scope="module")
def prepared(routine) -> PreparedSession:
    return prepare_session(routine)


def test_the_renderer_carries_the_timeline_timed_by_real_speech(routine, prepared):
    assert prepared.timeline is prepared.renderer.timeline
    assert prepared.sample_rate_hz == prepared.renderer.sample_rate_hz == SAMPLE_RATE_HZ
    estimated = compile_with_library(routine)
    assert [c.text for c in prepared.timeline.cues] == [c.text for c in estimated.cues]
    assert [c.speech_s for c in prepared.timeline.cues] != [c.speech_s for c in estimated.cues]
    for cue in prepared.timeline.cues:  # each cue's length is its clip as rendered
        samples = prepared.renderer.cue_end_sample(cue) - prepared.renderer.cue_start_sample(cue)
        assert cue.speech_s == pytest.approx(samples / SAMPLE_RATE_HZ, abs=0.05)


def test_extra_lines_are_warmed_in_the_same_pass_on_one_engine(routine):
    extra = ["Paused. Press space to carry on.", "Carrying on."]
    totals: list[int] = []
    engines: dict = {}
    first = prepare_session(routine, extra_lines=extra, engines=engines,
                            progress=lambda _done, total: totals.append(total))
    distinct_cues = {cue.text for cue in first.timeline.cues}
    assert set(totals) == {len(distinct_cues) + len(extra)}
    assert len(engines) == 1
    engine = next(iter(engines.values()))
    prepare_session(routine, engines=engines)
    assert next(iter(engines.values())) is engine  # shared, not reopened


def test_a_players_line_is_normalised_as_the_cues_are(prepared):
    lines = load_lines()
    assert prepared.lines == lines
    for text in (lines.paused, *lines.quit):
        clip = prepared.clip_for(text)
        assert clip.dtype == np.float32 and len(clip) > SAMPLE_RATE_HZ // 4
        assert loudness_lufs(clip, SAMPLE_RATE_HZ) == pytest.approx(SPEECH_LUFS, abs=0.15), text
        assert true_peak_dbtp(clip, SAMPLE_RATE_HZ) <= CEILING_DBTP + 0.05
    cue = prepared.timeline.cues[0]
    start = prepared.renderer.cue_start_sample(cue)
    np.testing.assert_array_equal(prepared.clip_for(cue.text),
                                  prepared.renderer.speech_clip(cue.text))
    assert start >= 0


def test_session_timeline_is_what_prepare_session_plays(routine):
    played = prepare_session(routine).timeline  # this test's cache: the same clips
    timeline, note = session_timeline(routine)
    assert note is None and timeline == played
    estimated, note = session_timeline(routine, estimate=True)
    assert note is None and estimated == compile_with_library(routine)


def test_speech_settings_override_the_routines(routine, prepared):
    import dataclasses

    fast = dataclasses.replace(routine.speech, rate_wpm=240)
    timeline, _note = session_timeline(routine, fast)
    normal = {c.text: c.speech_s for c in prepared.timeline.cues}
    assert all(c.speech_s < 0.85 * normal[c.text] for c in timeline.cues if c.text in normal)


class CountingEngine:
    """The real engine, counting what it is asked to say."""

    def __init__(self, engine):
        self.engine = engine
        self.said: list[str] = []

    def __getattr__(self, name):
        return getattr(self.engine, name)

    def synthesize(self, text, settings):
        self.said.append(text)
        return self.engine.synthesize(text, settings)


@pytest.mark.slow
@pytest.mark.parametrize("ref", ["gentle-start", "flare-up", "brisk-30"])
def test_only_the_cues_a_session_places_are_synthesised(ref):
    from coach.speech import open_engine

    routine = resolve_routine(ref)
    asked: set[str] = set()

    def asking(text: str) -> float:
        asked.add(text)
        return len(text.split()) * 0.4

    tried = asked - {cue.text for cue in compile_with_library(routine, asking).cues}
    counting = CountingEngine(open_engine("espeak"))
    prepared = prepare_session(routine, engines={"espeak": counting})
    placed = {cue.text for cue in prepared.timeline.cues}
    assert sorted(counting.said) == sorted(placed)  # each once, none it dropped
    if ref == "gentle-start":
        assert tried  # the compiler does try cues it drops: the check can fail
    counting.said.clear()
    assert prepare_session(routine, engines={"espeak": counting}).timeline == prepared.timeline
    assert counting.said == []  # warm: nothing synthesised, the same session
