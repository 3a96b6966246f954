"""Generate the short cue sounds in ``audio_cues/`` (committed; rerun to change them).

    python scripts/make_cue_sounds.py

Writes tiny mono 16-bit WAVs at 22050 Hz with numpy only:

* ``chime.wav``: a soft two-note bell played at each section change (0.6 s).
* ``tick.wav``: a short wooden tick under each spoken countdown number.
* ``step.wav``: the step metronome's beat, a soft low woodblock (duller and longer than
  the tick, 0.1 s, so it is heard at a modest loudness without sharp peaks).

The renderer sets each sound's level relative to the speech (coach.audio.loudness), so
the peaks set here only fix the sounds' shapes.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

RATE_HZ = 22050
OUT_DIR = Path(__file__).resolve().parent.parent / "audio_cues"


def bell(freq_hz: float, length_s: float, decay_s: float) -> np.ndarray:
    """A struck-bell partial set: fundamental plus two soft inharmonic overtones."""
    t = np.arange(round(length_s * RATE_HZ)) / RATE_HZ
    env = np.exp(-t / decay_s) * np.minimum(1.0, t / 0.004)
    tone = (np.sin(2 * np.pi * freq_hz * t) + 0.35 * np.sin(2 * np.pi * 2.76 * freq_hz * t)
            + 0.12 * np.sin(2 * np.pi * 5.4 * freq_hz * t))
    return tone * env


def fade_out(x: np.ndarray, length_s: float) -> np.ndarray:
    n = min(len(x), round(length_s * RATE_HZ))
    x = x.copy()
    x[-n:] *= np.linspace(1.0, 0.0, n)
    return x


def chime() -> np.ndarray:
    """Two notes a fifth apart (E5 then B5), the second 120 ms later."""
    length_s = 0.6
    first = bell(659.25, length_s, 0.15)
    second = np.zeros_like(first)
    delay = round(0.12 * RATE_HZ)
    second[delay:] = bell(987.77, length_s, 0.13)[: len(first) - delay]
    mix = first + 0.8 * second
    return fade_out(mix / np.max(np.abs(mix)) * 0.30, 0.05)


def click(freq_hz: float, length_s: float, decay_s: float, peak: float, seed: int) -> np.ndarray:
    """A damped resonance excited by a noise burst: a woodblock-like click."""
    rng = np.random.default_rng(seed)
    n = round(length_s * RATE_HZ)
    t = np.arange(n) / RATE_HZ
    burst = rng.standard_normal(n) * np.exp(-t / 0.0015)
    body = np.sin(2 * np.pi * freq_hz * t) * np.exp(-t / decay_s)
    mix = 0.3 * burst + body
    return fade_out(mix / np.max(np.abs(mix)) * peak, 0.005)


def write_wav(path: Path, samples: np.ndarray) -> None:
    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE_HZ)
        w.writeframes(pcm.tobytes())


def main(out_dir: Path = OUT_DIR) -> None:
    out_dir.mkdir(exist_ok=True)
    sounds = {
        "chime.wav": chime(),
        "tick.wav": click(1800.0, 0.04, 0.008, 0.30, seed=1),
        "step.wav": click(600.0, 0.1, 0.03, 0.22, seed=2),
    }
    for name, samples in sounds.items():
        write_wav(out_dir / name, samples)
        print(f"{out_dir / name}: {len(samples) / RATE_HZ:.3f} s")


if __name__ == "__main__":
    main()
