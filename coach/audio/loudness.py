"""Loudness for earphones: ITU-R BS.1770 loudness (pyloudnorm), true peak, a peak limiter.

Every phrase is brought to the session's speech loudness, by default
:data:`SPEECH_LUFS` (-16 LUFS integrated, the usual level for spoken word on
phones), so phrases and voices sound alike. ``--volume`` moves that level
(0.5: 6 dB quieter) and every other sound follows it: chimes, ticks, the
metronome and music are set in LU relative to the speech (:class:`Levels`).
Peaks are held under :data:`CEILING_DBTP` (4x oversampled, so between samples
too) by a limiter that is a pure function of a short window, so the renderer
stays random access; the ceiling leaves room under :data:`TRUE_PEAK_DBTP`
for the MP3 encoder's overshoot.

The loudness measurement is pyloudnorm's (K-weighting, 400 ms gated blocks);
this module only calls it. pyloudnorm is imported on first use: it pulls in
scipy, which `coach --help` must not pay for.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from coach.audio.encoder import to_pcm16
from coach.errors import OutputError
from coach.files import staged

if TYPE_CHECKING:
    import pyloudnorm

    from coach.audio.music import Music

#: The speech loudness of a session at --volume 1 (LUFS integrated).
SPEECH_LUFS = -16.0
#: What an export promises: true peak at most this (dBTP).
TRUE_PEAK_DBTP = -1.0
#: What the renderer's samples keep to (dBTP): 1 dB of room for the MP3 encoder.
CEILING_DBTP = -2.0
#: pyloudnorm measures 400 ms blocks: a shorter sound is measured padded with silence.
BLOCK_S = 0.4
#: The limiter: the gain goes down over 2 x attack before a peak, holds for the
#: hold time after it (through a voiced stretch, so no pumping), then comes back.
ATTACK_S = 0.003
HOLD_S = 0.01
#: The limiter takes at most this much off a phrase's loudness peaks (dB).
MAX_LIMIT_DB = 12.0
#: Taps of each phase of the 4x oversampling filter (BS.1770-4 annex 2 uses 12).
PHASE_TAPS = 12
#: Bump when :func:`speech_gain_db` or the limiter changes: stored gains are then redone.
LEVELS_FORMAT = 3
#: Leading samples quieter than this fraction of the clip's peak are dropped,
#: so the first sound of a clip lands on its cue's sample.
LEAD_SILENCE_FRACTION = 0.003
#: The default level of the step metronome, the chime and the countdown tick (LU re speech).
METRONOME_LU = -10.0
CHIME_LU = -4.0
TICK_LU = -10.0
#: The metronome's level is that of a track of its clicks at this cadence.
METRONOME_REFERENCE_SPM = 100.0


@dataclass(frozen=True)
class Levels:
    """How loud each sound of a session is.

    ``volume`` scales the speech (1.0: :data:`SPEECH_LUFS`; 0.5: 6 dB
    quieter) and with it everything else; the other levels are in LU relative
    to the speech.
    """

    volume: float = 1.0
    metronome_lu: float | None = None  # None: the routine's `metronome_level:`, else METRONOME_LU
    chime_lu: float = CHIME_LU
    tick_lu: float = TICK_LU
    music: Music | None = None  # the user's music under the coach (coach.audio.music)

    def for_routine(self, metronome_lu: float | None) -> Levels:
        """These levels for a routine whose ``metronome_level:`` is ``metronome_lu``: a
        level given here (``--metronome-level``) wins, else the routine's, else the
        default (:data:`METRONOME_LU`). Live and export resolve it only this way."""
        if self.metronome_lu is not None or metronome_lu is None:
            return self
        return dataclasses.replace(self, metronome_lu=metronome_lu)

    @property
    def metronome(self) -> float:
        """The metronome's level relative to the speech, in LU."""
        return METRONOME_LU if self.metronome_lu is None else self.metronome_lu

    @property
    def speech_lufs(self) -> float:
        return SPEECH_LUFS + gain_db(self.volume)


def gain_db(factor: float) -> float:
    """A linear amplitude factor in dB."""
    return 20.0 * math.log10(factor)


def db_gain(db: float) -> float:
    """dB as a linear amplitude factor."""
    return float(10.0 ** (db / 20.0))


@cache
def _meter(rate_hz: int) -> pyloudnorm.Meter:
    import pyloudnorm

    return pyloudnorm.Meter(rate_hz)


def loudness_lufs(samples: np.ndarray, rate_hz: int) -> float:
    """Integrated loudness (BS.1770, gated) of mono ``samples``; -inf when silent.

    The sound is measured with one block of silence either side, as it is
    heard between silences in a session: the blocks that overlap its start and
    end count as they do in the session's own measurement.
    """
    block = np.zeros(math.ceil(BLOCK_S * rate_hz))
    x = np.concatenate((block, np.asarray(samples, np.float64), block))
    if not np.any(x):
        return -math.inf
    return float(_meter(rate_hz).integrated_loudness(x))


def sample_peaks(samples: np.ndarray, rate_hz: int) -> np.ndarray:
    """Per sample, the largest magnitude of the 4x oversampled signal from it to the next,
    so peaks between samples count (the true peak estimate of BS.1770 annex 2)."""
    x = np.asarray(samples, np.float32)
    peaks = np.abs(x)
    if len(x) == 0:
        return peaks
    for phase in _phases():
        between = np.convolve(x, phase)[PHASE_TAPS // 2:PHASE_TAPS // 2 + len(x)]
        np.maximum(peaks, np.abs(between), out=peaks)
    return peaks


@cache
def _phases() -> tuple[np.ndarray, ...]:
    """The three in-between phases of a windowed-sinc 4x interpolator (float32)."""
    taps = np.arange(PHASE_TAPS) - (PHASE_TAPS // 2 - 1)
    phases = []
    for k in (1, 2, 3):
        t = taps - k / 4.0  # distance of each input sample to the point k/4 after sample 0
        h = np.sinc(t) * np.kaiser(PHASE_TAPS, 6.0)
        phases.append((h[::-1] / h.sum()).astype(np.float32))
    return tuple(phases)


def true_peak_dbtp(samples: np.ndarray, rate_hz: int) -> float:
    """The true peak (4x oversampled) of ``samples`` in dBTP; -inf when silent."""
    peak = float(np.max(sample_peaks(samples, rate_hz))) if len(samples) else 0.0
    return gain_db(peak) if peak > 0 else -math.inf


def limit(samples: np.ndarray, peaks: np.ndarray, ceiling: float, attack: int,
          hold: int) -> np.ndarray:
    """``samples`` with a gain that keeps every ``peaks`` value under ``ceiling``.

    The gain needed at each sample is held for ``hold`` samples after it and
    taken ``attack`` before it (a running minimum), then smoothed by a moving
    mean over ``2 * attack + 1``: never more than any sample needs, ramped
    over ``2 * attack`` samples. A pure function of the window ``[n - hold -
    attack, n + 2 * attack]``, so any cut into blocks gives the same result
    when the caller renders that much margin (:func:`limiter_reach`).
    """
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    if np.all(need >= 1.0):
        return samples
    # least[m] = min(need[m - hold .. m + attack]); smooth[n] = mean(least[n - attack ..
    # n + attack]): every m there has n inside m's window, so smooth[n] <= need[n].
    pad = hold + 2 * attack
    least = _window_min(np.pad(need, pad, constant_values=1.0), hold + attack + 1)
    least = least[pad - hold - attack:]  # least[i] is the window ending at need[i + attack]
    w = 2 * attack + 1
    sums = np.concatenate(([0.0], np.cumsum(least)))
    gain = (sums[w:] - sums[:-w])[:len(samples)] / w
    return (samples * gain).astype(np.float32)


def limiter_reach(rate_hz: int) -> tuple[int, int, int]:
    """(attack, hold, margin) in samples at ``rate_hz``: margin is how far the gain at a
    sample looks either way."""
    attack = max(1, round(ATTACK_S * rate_hz))
    hold = max(1, round(HOLD_S * rate_hz))
    return attack, hold, hold + 2 * attack


def _window_min(x: np.ndarray, w: int) -> np.ndarray:
    """``min(x[i:i + w])`` for every full window (van Herk / Gil-Werman: O(n))."""
    n = len(x)
    blocks = -(-n // w)
    padded = np.concatenate((x, np.full(blocks * w - n, np.inf))).reshape(blocks, w)
    ahead = np.minimum.accumulate(padded, axis=1).ravel()  # min from each block's start
    behind = np.minimum.accumulate(padded[:, ::-1], axis=1)[:, ::-1].ravel()  # to its end
    return np.minimum(behind[:n - w + 1], ahead[w - 1:n])


def speech_gain_db(samples: np.ndarray, rate_hz: int, target_lufs: float = SPEECH_LUFS,
                   ceiling_dbtp: float = CEILING_DBTP) -> float | None:
    """The gain (dB) that, with the limiter (:func:`apply_level`), brings ``samples`` to
    ``target_lufs`` with the true peak under ``ceiling_dbtp``; None when silent.

    Where the limiter takes loudness off, the gain is raised again (a secant
    search on gain in dB against the measured loudness), so a peaky phrase is
    not left quieter than the others: within 0.1 LU in a few rounds.
    """
    x = np.asarray(samples, np.float32)
    measured = loudness_lufs(x, rate_hz)
    if not math.isfinite(measured):
        return None
    peaks = sample_peaks(x, rate_hz)
    start = target_lufs - measured  # gain in dB; the limiter may take up to MAX_LIMIT_DB
    gain, tried = start, [(0.0, measured)]  # (gain dB, loudness)
    for _round in range(8):
        got = loudness_lufs(apply_level(x, rate_hz, gain, ceiling_dbtp, peaks), rate_hz)
        if abs(target_lufs - got) < 0.05:
            return gain
        (g0, l0), (g1, l1) = tried[-1], (gain, got)
        tried.append((gain, got))
        slope = (l1 - l0) / (g1 - g0) if g1 != g0 else 1.0
        gain = min(start + MAX_LIMIT_DB,
                   max(start, gain + (target_lufs - got) / min(1.0, max(0.1, slope))))
    return tried[-1][0]


def apply_level(samples: np.ndarray, rate_hz: int, gain: float,
                ceiling_dbtp: float = CEILING_DBTP, peaks: np.ndarray | None = None
                ) -> np.ndarray:
    """``samples`` turned up by ``gain`` dB with the limiter holding the true peak under
    ``ceiling_dbtp``: numpy only, so a stored gain levels a phrase without pyloudnorm."""
    x = np.asarray(samples, np.float32)
    peaks = sample_peaks(x, rate_hz) if peaks is None else peaks
    attack, hold, _ = limiter_reach(rate_hz)
    return limit((x * db_gain(gain)).astype(np.float32), peaks * db_gain(gain),
                 db_gain(ceiling_dbtp), attack, hold)


def normalise(samples: np.ndarray, rate_hz: int, target_lufs: float,
              ceiling_dbtp: float = CEILING_DBTP) -> np.ndarray:
    """``samples`` brought to ``target_lufs``, true peak held under ``ceiling_dbtp``
    (:func:`speech_gain_db`, then :func:`apply_level`)."""
    x = np.asarray(samples, np.float32)
    gain = speech_gain_db(x, rate_hz, target_lufs, ceiling_dbtp)
    return x if gain is None else apply_level(x, rate_hz, gain, ceiling_dbtp)


def speech_onset(samples: np.ndarray) -> int:
    """The first sample at least :data:`LEAD_SILENCE_FRACTION` of the peak: where a
    clip's sound starts, so it lands on its cue's sample (0 for silence)."""
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    return int(np.argmax(np.abs(samples) >= peak * LEAD_SILENCE_FRACTION)) if peak else 0


def stored_speech_gain_db(samples: np.ndarray, rate_hz: int,
                          folder: Path | None = None) -> float | None:
    """:func:`speech_gain_db` to :data:`SPEECH_LUFS`, kept in ``folder`` by a hash of
    the samples: measured once (the phrase cache does it when it synthesises), so a
    warm export levels every phrase without importing pyloudnorm or scipy."""
    x = np.ascontiguousarray(samples, np.float32)
    return _stored(folder, f"{rate_hz} {SPEECH_LUFS} {CEILING_DBTP}", x, ".gain",
                   lambda: speech_gain_db(x, rate_hz))


def normalised_pcm(samples: np.ndarray, rate_hz: int, target_lufs: float,
                   folder: Path | None = None) -> np.ndarray:
    """``samples`` at ``target_lufs`` as int16, true peak under :data:`CEILING_DBTP`.

    Levelled to :data:`SPEECH_LUFS` by its stored gain (:func:`stored_speech_gain_db`),
    then scaled by the difference: ``--volume 0.5`` is exactly 6 dB down, and every
    volume uses the one measurement. Louder than :data:`SPEECH_LUFS` is limited again.
    """
    x = np.ascontiguousarray(samples, np.float32)
    gain = stored_speech_gain_db(x, rate_hz, folder)
    if gain is None:
        return to_pcm16(x)
    out = apply_level(x, rate_hz, gain)
    if target_lufs != SPEECH_LUFS:
        out = (out * db_gain(target_lufs - SPEECH_LUFS)).astype(np.float32)
        if target_lufs > SPEECH_LUFS:
            out = apply_level(out, rate_hz, 0.0)
    return to_pcm16(out)


def _stored(folder: Path | None, what: str, x: np.ndarray, suffix: str,
            measure: Callable[[], float | None]) -> float | None:
    """``measure()`` kept in ``folder`` as text, named by a hash of ``what`` and ``x``
    ("silent" for None). A damaged file is measured again; a folder that cannot be
    written only costs the time."""
    if folder is None:
        return measure()
    key = hashlib.sha256(f"{LEVELS_FORMAT} {what}".encode() + x.tobytes()).hexdigest()[:40]
    file = folder / f"{key}{suffix}"
    try:
        text = file.read_text("ascii").strip()
        if text == "silent":
            return None
        kept = float(text)
        if math.isfinite(kept):
            return kept
    except (OSError, ValueError, UnicodeDecodeError):  # missing or damaged: measured again
        pass
    value = measure()
    try:
        with staged(file, make_folder=True, durable=False) as stage:
            stage.file.write(b"silent" if value is None else repr(value).encode("ascii"))
    except OutputError:
        pass
    return value


def level_gain(samples: np.ndarray, rate_hz: int, target_lufs: float,
               folder: Path | None = None) -> float:
    """The gain that brings ``samples`` to ``target_lufs`` (1.0 for silence); the
    measurement is kept in ``folder`` (the cue sounds: measured once, not per export)."""
    x = np.ascontiguousarray(samples, np.float32)

    def measure() -> float | None:
        measured = loudness_lufs(x, rate_hz)
        return measured if math.isfinite(measured) else None

    measured = _stored(folder, f"{rate_hz} lufs", x, ".lufs", measure)
    return 1.0 if measured is None else db_gain(target_lufs - measured)


def metronome_gain(step: np.ndarray, rate_hz: int, target_lufs: float,
                   folder: Path | None = None) -> float:
    """The gain that brings a track of ``step`` clicks (at the reference cadence) to
    ``target_lufs``."""
    if not len(step):
        return 1.0
    period = round(60.0 * rate_hz / METRONOME_REFERENCE_SPM)
    track = np.zeros(10 * rate_hz + len(step), np.float32)
    for at in range(0, 10 * rate_hz, period):
        track[at:at + len(step)] += step
    return level_gain(track, rate_hz, target_lufs, folder)
