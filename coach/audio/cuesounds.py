"""The short non-speech sounds of a session, loaded from ``audio_cues/``.

A chime marks each section change, a tick sits under each spoken countdown
number and a soft click is the step metronome. The WAVs are tiny package data
made by ``scripts/make_cue_sounds.py``; they are loaded with
:mod:`importlib.resources` and resampled to the renderer's rate.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from coach.audio.clip import SAMPLE_RATE_HZ, Clip, resample
from coach.errors import CoachError

SOUND_NAMES = ("chime", "tick", "step")


@dataclass(frozen=True, eq=False)
class CueSounds:
    """Float32 mono samples at ``sample_rate_hz``, in [-1, 1], played as they are."""

    chime: np.ndarray
    tick: np.ndarray
    step: np.ndarray
    sample_rate_hz: int

    @classmethod
    def load(cls, sample_rate_hz: int = SAMPLE_RATE_HZ) -> CueSounds:
        """The packaged sounds, resampled to ``sample_rate_hz``."""
        sounds = {}
        for name in SOUND_NAMES:
            try:
                data = resources.files("audio_cues").joinpath(f"{name}.wav").read_bytes()
            except (OSError, ModuleNotFoundError) as err:
                raise CoachError(f"cue sound {name}.wav is missing from audio_cues: {err}") \
                    from err
            samples, rate_hz = read_wav(data)
            sounds[name] = resample(samples, rate_hz, sample_rate_hz)
        return cls(sounds["chime"], sounds["tick"], sounds["step"], sample_rate_hz)

    def measure_levels(self, folder: Path) -> None:
        """Measure the loudness a renderer reads for these sounds and keep it in
        ``folder`` (what the first walk or export would otherwise measure itself,
        loading the loudness meter before it can start)."""
        from coach.audio import loudness

        for sound in (self.chime, self.tick):  # as the renderer levels them
            loudness.level_gain(sound, self.sample_rate_hz, loudness.SPEECH_LUFS, folder)
        loudness.metronome_gain(self.step, self.sample_rate_hz, loudness.SPEECH_LUFS, folder)

    @classmethod
    def silent(cls, sample_rate_hz: int = SAMPLE_RATE_HZ) -> CueSounds:
        """No chime, no tick, no click: speech only."""
        empty = np.zeros(0, np.float32)
        return cls(empty, empty, empty, sample_rate_hz)


def read_wav(data: bytes) -> tuple[np.ndarray, int]:
    """A mono 16-bit WAV as float32 samples in [-1, 1) and its rate."""
    with wave.open(io.BytesIO(data), "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise CoachError("cue sounds must be mono 16-bit WAV files")
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2")
        return Clip(pcm, w.getframerate()).as_float(), w.getframerate()

