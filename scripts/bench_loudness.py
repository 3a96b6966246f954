"""Loudness of exported sessions, measured on the decoded MP3 (pyloudnorm, ITU-R BS.1770).

    python scripts/bench_loudness.py [ROUTINE...] [--volume-check] [--metronome-check]

For each routine (default: every built-in) the session is exported to MP3 with
the real speech engine, decoded back with miniaudio (an independent decoder),
and measured: integrated loudness (LUFS), true peak (dBTP, 4x oversampled),
loudness range (LU), and the spread of the phrases' own loudness (each cue's
speech measured alone). ``--volume-check`` exports gentle-start at --volume 1.0
and 0.5 and prints the difference in LU; ``--metronome-check`` exports
brisk-30 with the metronome and prints the metronome's loudness between cues
relative to the speech. ``--voices A,B`` compares two voices on gentle-start.

Runs in a private COACH_HOME (phrase cache made there). Prints; never fails on numbers.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

RATE_HZ = 22050


def decode(path: Path) -> np.ndarray:
    """The MP3 decoded by miniaudio: float mono at 22050 Hz."""
    import miniaudio

    decoded = miniaudio.decode_file(str(path), output_format=miniaudio.SampleFormat.FLOAT32,
                                    nchannels=1, sample_rate=RATE_HZ)
    return np.frombuffer(decoded.samples, np.float32)


def true_peak_dbtp(x: np.ndarray) -> float:
    """Peak of the 4x oversampled signal (BS.1770 annex 2 style estimate), in dBTP."""
    from scipy.signal import resample_poly

    peak = 0.0
    step = 1 << 20
    for at in range(0, len(x), step):  # chunks with a little overlap: bounded memory
        chunk = x[max(0, at - 64):at + step + 64].astype(np.float64)
        peak = max(peak, float(np.max(np.abs(resample_poly(chunk, 4, 1)))))
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def measure(x: np.ndarray) -> dict[str, float]:
    import pyloudnorm

    meter = pyloudnorm.Meter(RATE_HZ)
    return {"lufs": meter.integrated_loudness(x.astype(np.float64)),
            "dbtp": true_peak_dbtp(x),
            "lra": meter.loudness_range(x.astype(np.float64))}


def phrase_spread(x: np.ndarray, timeline: Any) -> tuple[float, float, float]:
    """(median, min, max) loudness of the cues' speech measured alone (>= 0.4 s windows)."""
    import pyloudnorm

    meter = pyloudnorm.Meter(RATE_HZ)
    values = []
    for cue in timeline.cues:
        a = round(cue.at_s * RATE_HZ)
        b = a + max(round(cue.speech_s * RATE_HZ), round(0.41 * RATE_HZ))
        seg = x[a:b].astype(np.float64)
        if len(seg) >= round(0.41 * RATE_HZ):
            value = meter.integrated_loudness(seg)
            if math.isfinite(value):
                values.append(value)
    return float(np.median(values)), min(values), max(values)


def export(routine_ref: str, out: Path, volume: float | None = None,
           metronome: bool = False, voice: str | None = None,
           extra: dict[str, Any] | None = None) -> Any:
    """Export one routine as the CLI does; returns its timeline."""
    from coach.export.batch import ExportOptions, export_routines, export_target
    from coach.routines.library import resolve_routine

    routine = resolve_routine(routine_ref)

    def speech(settings: Any) -> Any:
        changes: dict[str, Any] = {}
        if volume is not None:
            changes["volume"] = volume
        if voice is not None:
            changes["voice"] = voice
        return dataclasses.replace(settings, **changes)

    options = ExportOptions(speech=speech, metronome=metronome, **(extra or {}))
    export_routines([routine], export_target(str(out), None, 64, None), options)
    from coach.session import prepare_session

    return prepare_session(routine, speech(routine.speech), metronome=metronome).timeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("routines", nargs="*")
    parser.add_argument("--volume-check", action="store_true")
    parser.add_argument("--metronome-check", action="store_true")
    parser.add_argument("--voices", default=None, help="two voices, comma-separated")
    args = parser.parse_args()
    from coach.routines.library import builtin_routine_ids

    routines = args.routines or list(builtin_routine_ids())
    with tempfile.TemporaryDirectory() as home:
        os.environ["COACH_HOME"] = home
        print(f"{'routine':14s} {'LUFS':>7s} {'dBTP':>6s} {'LRA':>5s}   phrases: median "
              f"[min, max] LUFS")
        for ref in routines:
            out = Path(home) / f"{ref}.mp3"
            timeline = export(ref, out)
            x = decode(out)
            m = measure(x)
            med, lo, hi = phrase_spread(x, timeline)
            print(f"{ref:14s} {m['lufs']:7.2f} {m['dbtp']:6.2f} {m['lra']:5.2f}   "
                  f"{med:6.2f} [{lo:6.2f}, {hi:6.2f}]", flush=True)
        if args.volume_check:
            levels = {}
            for volume in (1.0, 0.5):
                out = Path(home) / f"volume-{volume}.mp3"
                try:
                    export("gentle-start", out, volume=volume)
                    levels[volume] = measure(decode(out))["lufs"]
                except Exception as err:  # noqa: BLE001 - a bench reports, never fails
                    print(f"--volume {volume}: export failed: {err}")
            if len(levels) == 2:
                print(f"\ngentle-start --volume 1.0: {levels[1.0]:.2f} LUFS, 0.5: "
                      f"{levels[0.5]:.2f} LUFS, difference {levels[1.0] - levels[0.5]:.2f} LU")
            out = Path(home) / "volume-min.mp3"
            try:
                export("gentle-start", out, volume=0.05)
                print(f"--volume 0.05: {measure(decode(out))['lufs']:.2f} LUFS")
            except Exception as err:  # noqa: BLE001
                print(f"--volume 0.05: export failed: {err}")
        if args.metronome_check:
            metronome_check(Path(home))
        if args.voices:
            a, b = args.voices.split(",")
            for voice in (a, b):
                out = Path(home) / f"voice-{voice.replace('/', '_')}.mp3"
                export("gentle-start", out, voice=voice)
                print(f"gentle-start voice {voice}: {measure(decode(out))['lufs']:.2f} LUFS")


def metronome_check(home: Path) -> None:
    """Metronome alone (between cues, away from chimes) vs the session's speech, in LU."""
    import pyloudnorm

    out = home / "metronome.mp3"
    timeline = export("brisk-30", out, metronome=True)
    x = decode(out)
    speech = measure(decode_plain(home))["lufs"]
    keep = np.zeros(len(x), bool)
    ends = [(round(c.at_s * RATE_HZ), round((c.at_s + c.speech_s) * RATE_HZ))
            for c in timeline.cues]
    for (_, end), (start, _) in zip(ends, ends[1:], strict=False):
        if start - end > 3 * RATE_HZ:
            keep[end + RATE_HZ:start - RATE_HZ // 2] = True
    for section in timeline.sections:  # no chimes
        at = round(section.start_s * RATE_HZ)
        keep[max(0, at - RATE_HZ):at + 2 * RATE_HZ] = False
    gaps = x[keep].astype(np.float64)
    level = pyloudnorm.Meter(RATE_HZ).integrated_loudness(gaps)
    print(f"\nbrisk-30 with metronome: metronome between cues {level:.2f} LUFS "
          f"({len(gaps) / RATE_HZ:.0f} s measured), speech-only export {speech:.2f} LUFS: "
          f"metronome {level - speech:+.2f} LU relative to speech")


def decode_plain(home: Path) -> np.ndarray:
    out = home / "brisk-30.mp3"
    if not out.exists():
        export("brisk-30", out)
    return decode(out)


if __name__ == "__main__":
    sys.exit(main())
