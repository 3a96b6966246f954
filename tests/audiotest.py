"""Helpers for the audio tests: hand-made timelines, tone clips, decoding, onsets.

Tone clips stand in for speech where a test is about placement, not voice;
the export tests also run with the real speech engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from coach.audio.clip import SAMPLE_RATE_HZ
from coach.compiler.timeline import CadencePoint, Cue, Section, Timeline
from tests.fakes import tone_speech_s

RATE_HZ = SAMPLE_RATE_HZ
#: A routine of 85 s for the tests that speak it with the real engine.
SHORT_ROUTINE = b"""
title: Short test walk
cadence: 100
segments:
  - technique: walk
    duration: 50s
  - technique: walk
    duration: 35s
    title: Brisker part
    pace: brisk
"""




def make_timeline(texts_at: Sequence[tuple[float, str, str]], sections: Sequence[Section],
                  duration_s: float, speech_s=tone_speech_s, cadence=None,
                  routine: str = "hand-made", title: str = "Hand-made walk") -> Timeline:
    cues = []
    for at_s, text, kind in texts_at:
        index = max(i for i, s in enumerate(sections) if s.start_s <= at_s)
        cues.append(Cue(at_s, text, kind, 4, index, round(speech_s(text), 3)))
    return Timeline(routine, title, duration_s, tuple(sections), tuple(cues), cadence)


def sample_timeline(speech_s=tone_speech_s) -> Timeline:
    """Three sections over 45 s: openings, form cues, a countdown, a closing line."""
    sections = (
        Section("Warm-up", "walk", 0.0, 15.0, "easy", 90.0),
        Section("Figure-8 walking", "figure-8", 15.0, 33.0, "moderate", 100.0),
        Section("Cool-down", "walk", 33.0, 45.0, "slow", 80.0),
    )
    cues = [
        (1.5, "Welcome. Today's walk is a short test.", "technique"),
        (6.25, "Stand tall and look ahead.", "posture"),
        (11.0, "Three", "countdown"), (12.0, "Two", "countdown"), (13.0, "One", "countdown"),
        (15.8, "Figure-8 walking now. Small steps.", "technique"),
        (22.37, "Keep your pelvis level.", "technique"),
        (27.9, "Shoulders away from your ears.", "posture"),
        (33.8, "Slow, gentle pace now.", "pace"),
        (40.1, "That's the end of today's walk.", "technique"),
    ]
    return make_timeline(cues, sections, 45.0, speech_s,
                         (CadencePoint(0.0, 90.0), CadencePoint(15.0, 100.0),
                          CadencePoint(33.0, 80.0)), routine="sample", title="Sample walk")


def decode(path: str | Path, sample_rate_hz: int = RATE_HZ) -> np.ndarray:
    """Decode an MP3 or WAV with miniaudio (dr_mp3 / dr_wav): not our code."""
    import miniaudio

    decoded = miniaudio.decode_file(str(path), output_format=miniaudio.SampleFormat.FLOAT32,
                                    nchannels=1, sample_rate=sample_rate_hz)
    return np.asarray(decoded.samples, np.float32)


def onset_s(audio: np.ndarray, from_s: float, to_s: float, threshold: float = 0.005,
            sample_rate_hz: int = RATE_HZ) -> float | None:
    """First moment in [from_s, to_s) where the 1 ms RMS passes ``threshold``."""
    window = max(1, sample_rate_hz // 1000)
    lo = max(0, round(from_s * sample_rate_hz))
    hi = min(len(audio), round(to_s * sample_rate_hz))
    part = audio[lo:hi].astype(np.float64) ** 2
    if len(part) < window:
        return None
    sums = np.concatenate(([0.0], np.cumsum(part)))
    rms = np.sqrt((sums[window:] - sums[:-window]) / window)
    above = np.flatnonzero(rms > threshold)
    return None if not len(above) else (lo + int(above[0])) / sample_rate_hz
