"""The speech engines, run for real: libespeak-ng directly and pyttsx3 in its worker."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import numpy as np
import pytest

from coach.audio.clip import SILENCE_LEVEL, Clip
from coach.errors import EngineError, UsageError
from coach.routines.model import SpeechSettings
from coach.speech import (
    ATTEMPTS,
    EspeakEngine,
    Pyttsx3Engine,
    clip_problem,
    default_engine_name,
    open_engine,
    synthesize_checked,
)

SHORT = "Stop."
MEDIUM = "Slow down and walk tall."
LONG = "Slow down and walk tall. Let your arms swing and keep your shoulders loose."
AT_160 = SpeechSettings(rate_wpm=160)


@pytest.fixture(scope="module")
def espeak() -> EspeakEngine:
    return EspeakEngine()


@pytest.fixture(scope="module")
def pyttsx3_engine():
    engine = Pyttsx3Engine()
    try:
        engine.synthesize(SHORT, AT_160)
    except EngineError as err:  # pragma: no cover - only where pyttsx3 truly cannot run
        engine.close()
        pytest.skip(f"pyttsx3 cannot run here: {err}")
    yield engine
    engine.close()


@pytest.fixture(params=["espeak", "pyttsx3"])
def engine(request):
    return request.getfixturevalue("espeak" if request.param == "espeak" else "pyttsx3_engine")


def test_a_clip_is_mono_int16_speech_trimmed_to_its_onset_and_end(engine):
    clip = engine.synthesize(MEDIUM, AT_160)
    assert clip.samples.dtype == np.int16 and clip.samples.ndim == 1
    assert clip.sample_rate_hz == 22050
    assert 0.8 < clip.duration_s < 3.0
    assert abs(int(clip.samples[0])) > SILENCE_LEVEL  # the first sample is speech
    assert abs(int(clip.samples[-1])) > SILENCE_LEVEL
    assert np.abs(clip.samples.astype(np.int32)).max() > 5000


def test_duration_grows_with_the_text(engine):
    lengths = [engine.synthesize(t, AT_160).duration_s for t in (SHORT, MEDIUM, LONG)]
    assert lengths[0] < lengths[1] < lengths[2]


def test_duration_shrinks_with_the_rate(engine):
    slow = engine.synthesize(LONG, SpeechSettings(rate_wpm=120)).duration_s
    fast = engine.synthesize(LONG, SpeechSettings(rate_wpm=240)).duration_s
    assert 1.6 < slow / fast < 2.4


def test_both_engines_say_the_same_thing_at_about_the_same_length(espeak, pyttsx3_engine):
    direct = espeak.synthesize(LONG, AT_160)
    contained = pyttsx3_engine.synthesize(LONG, AT_160)
    assert contained.sample_rate_hz == direct.sample_rate_hz
    assert abs(contained.duration_s - direct.duration_s) < 0.1 * direct.duration_s


def test_volume_scales_the_level(espeak):
    loud = espeak.synthesize(MEDIUM, SpeechSettings(volume=1.0)).samples.astype(np.float64)
    quiet = espeak.synthesize(MEDIUM, SpeechSettings(volume=0.5)).samples.astype(np.float64)
    ratio = np.sqrt(np.mean(quiet**2) / np.mean(loud**2))
    assert 0.35 < ratio < 0.7


def test_nothing_reaches_stdout_or_stderr(capfd):
    engine = Pyttsx3Engine()  # a fresh worker: start-up chatter counts too
    try:
        engine.synthesize(MEDIUM, AT_160)
        EspeakEngine().synthesize(MEDIUM, AT_160)
    finally:
        engine.close()
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_voices_are_listed_and_english_is_there(engine):
    voices = engine.voices()
    assert len(voices) > 20
    assert any(lang.startswith("en") for v in voices for lang in v.languages)
    assert all(v.id and v.name for v in voices)


def test_a_listed_voice_can_be_used(espeak):
    us = next(v for v in espeak.voices() if "en-us" in v.languages)
    clip = espeak.synthesize(MEDIUM, SpeechSettings(voice=us.id))
    assert clip.duration_s > 0.5


def test_an_unknown_voice_is_a_usage_error(engine):
    with pytest.raises(UsageError, match="unknown voice 'no-such-voice'"):
        engine.synthesize(MEDIUM, SpeechSettings(voice="no-such-voice"))
    assert engine.synthesize(SHORT, AT_160).duration_s > 0  # still works afterwards


def test_nothing_to_say_is_a_usage_error(espeak):
    with pytest.raises(UsageError, match="nothing to say"):
        espeak.synthesize(" ... ", AT_160)


def test_open_engine_takes_the_default_from_coach_engine_and_rejects_unknown_names(
        monkeypatch):
    assert open_engine(None).name == "espeak"  # tests/conftest.py sets COACH_ENGINE=espeak
    monkeypatch.setenv("COACH_ENGINE", "pyttsx3")
    assert default_engine_name() == "pyttsx3"
    assert open_engine("pyttsx3").name == "pyttsx3"
    with pytest.raises(UsageError, match="piper, espeak, pyttsx3"):
        open_engine("festival")
    monkeypatch.setenv("COACH_ENGINE", "festival")
    with pytest.raises(UsageError, match="unknown speech engine 'festival'"):
        default_engine_name()


def test_versions_name_the_library(espeak, pyttsx3_engine):
    assert "espeak-ng 1." in espeak.version
    assert pyttsx3_engine.version.startswith("pyttsx3 ")


# -- the check and the retries -----------------------------------------------------

def test_clip_problem_accepts_real_speech_and_names_what_is_wrong(espeak):
    good = espeak.synthesize(MEDIUM, AT_160)
    assert clip_problem(good, MEDIUM, 160) is None
    assert clip_problem(Clip(good.samples[:0], 22050), MEDIUM, 160) == "no audio"
    silent = Clip(np.zeros(22050, np.int16), 22050)
    assert "silent" in (clip_problem(silent, MEDIUM, 160) or "")
    assert "expected" in (clip_problem(good, LONG * 3, 160) or "")  # far too short
    slow = espeak.synthesize(MEDIUM, SpeechSettings(rate_wpm=80))
    assert "expected" in (clip_problem(slow, MEDIUM, 450) or "")  # far off the rate
    assert "expected" in (clip_problem(good, SHORT, 160) or "")  # far too long


def test_a_bad_clip_is_retried(espeak):
    calls = []

    def truncating_first(text: str, settings: SpeechSettings) -> Clip:
        """The real engine, except that its first clip comes out empty (as pyttsx3's can)."""
        clip = espeak.synthesize(text, settings)
        calls.append(text)
        return Clip(clip.samples[:0], clip.sample_rate_hz) if len(calls) == 1 else clip

    clip = synthesize_checked("espeak", MEDIUM, AT_160, truncating_first)
    assert len(calls) == 2
    assert clip.duration_s > 0.8


def test_a_clip_that_stays_bad_is_an_engine_error(espeak):
    calls = []

    def always_silent(text: str, settings: SpeechSettings) -> Clip:
        clip = espeak.synthesize(text, settings)
        calls.append(text)
        return Clip(np.zeros_like(clip.samples), clip.sample_rate_hz)

    with pytest.raises(EngineError, match=f"after {ATTEMPTS} attempts: silent audio"):
        synthesize_checked("espeak", MEDIUM, AT_160, always_silent)
    assert len(calls) == ATTEMPTS


# -- containment of pyttsx3 ----------------------------------------------------------

def hang_after_start(conn, lib_path: str, data_path: str | None) -> None:
    """A worker loop that starts, then hangs on the first request (pyttsx3 #126, #194)."""
    Path(os.environ["COACH_HOME"], "hung.pid").write_text(str(os.getpid()))
    conn.send(("ready",))
    conn.recv()
    time.sleep(3600)


def die_at_start(conn, lib_path: str, data_path: str | None) -> None:
    raise RuntimeError("no audio library here")


@pytest.mark.slow
def test_a_hang_is_cut_off_with_a_clear_error(coach_home):
    engine = Pyttsx3Engine(attempts=1, clip_timeout_s=0.3, serve=hang_after_start)
    with pytest.raises(EngineError, match=r"pyttsx3 did not finish saying 'Stop.' within"):
        engine.synthesize(SHORT, AT_160)
    pid = int((coach_home / "hung.pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the hung worker was killed and reaped


@pytest.mark.slow
def test_a_hang_is_retried_in_a_fresh_worker_then_reported(coach_home):
    engine = Pyttsx3Engine(attempts=2, clip_timeout_s=0.2, serve=hang_after_start)
    with pytest.raises(EngineError, match="after 2 attempts: pyttsx3 did not finish"):
        engine.synthesize(SHORT, AT_160)


def test_the_real_worker_is_cut_off_by_a_tiny_deadline():
    engine = Pyttsx3Engine(attempts=1, clip_timeout_s=0.001)
    with pytest.raises(EngineError, match="pyttsx3 did not finish saying .* within 0.001 s"):
        engine.synthesize(LONG, AT_160)


@pytest.mark.slow
def test_a_worker_that_dies_is_an_engine_error():
    engine = Pyttsx3Engine(attempts=1, serve=die_at_start)
    with pytest.raises(EngineError, match="worker died during start: RuntimeError: no audio"):
        engine.synthesize(SHORT, AT_160)


@pytest.mark.parametrize("voice, hint", [
    ("en+" + "x" * 40, "unknown voice variant"),  # overflowed espeak-ng's buffer (issue 12)
    ("../../etc", "unknown voice '../../etc'"),    # a path out of espeak-ng's data folder
    ("en-gbb", "did you mean 'en-gb'"),
    ("en+f33", "did you mean 'en+f3'"),
])
def test_espeak_refuses_voices_not_in_its_own_lists_before_synthesis(espeak, voice, hint):
    with pytest.raises(UsageError, match=re.escape(hint)):
        espeak.synthesize("Hello there.", SpeechSettings(voice=voice))
    assert espeak.synthesize("Hello there.", SpeechSettings(voice="en+f3")).duration_s > 0.3
