"""Timeline -> PCM: the one renderer behind every sink (device, MP3, WAV).

:class:`SessionRenderer` turns a :class:`~coach.compiler.timeline.Timeline` into float32
mono samples at one rate. Each speech clip starts exactly at
``round(cue.at_s * sample_rate_hz)``; a chime marks every section change after
the first, a tick sits under each countdown number, and an optional step
metronome follows the cadence (silent where it is 0, as in stretches), ducked
while speech plays. Without a cadence track it follows the sections' cadence,
or beats 90 steps a minute when no section has one.

Loudness (:mod:`coach.audio.loudness`): every phrase is brought to the speech
level of :class:`~coach.audio.loudness.Levels` (-16 LUFS at volume 1), the
chime, tick and metronome sit at their levels relative to it, and a limiter
holds the mix under the true-peak ceiling where sounds overlap.

:meth:`SessionRenderer.render` is random access and pure: a range always gives
the same samples, however the session is cut into blocks, so a live player can
pause, skip or seek and an export can stream. Only the clips overlapping the
requested range are touched (cues are indexed by start sample), and decoded
clips are kept in a small bounded cache, so memory does not grow with the
length of the session.

Music (:mod:`coach.audio.music`): with ``levels.music`` the user's tracks play under
everything (:class:`~coach.audio.music_bed.MusicBed`, streaming), ducked under
every cue (:class:`~coach.audio.music_duck.DuckEnvelope`); stereo music makes
:attr:`SessionRenderer.channels` 2 and every block ``(n, 2)``, the speech and cue
sounds centred (the same in both channels). Cue onsets do not move.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from coach.audio import loudness
from coach.audio.clip import SAMPLE_RATE_HZ, Clip, resample
from coach.audio.cuesounds import CueSounds
from coach.audio.loudness import Levels
from coach.audio.music_bed import MusicBed
from coach.audio.music_duck import DuckEnvelope
from coach.compiler.timeline import Cue, Timeline

#: The metronome drops by 12 dB under speech, with this ramp in and out.
DUCK_GAIN = 10 ** (-12 / 20)
DUCK_RAMP_S = 0.03
DEFAULT_SPM = 90.0
#: Normalised speech kept in memory at most (samples of int16, about 12 MB: the distinct
#: speech of a 30-minute session, so each phrase is normalised once).
CLIP_CACHE_SAMPLES = 6_000_000
#: :meth:`SessionRenderer.blocks` renders this many blocks ahead of its caller.
BLOCKS_AHEAD = 2


class SessionRenderer:
    """Renders one timeline; see the module docstring for the guarantees."""

    def __init__(self, timeline: Timeline, clip_for: Callable[[str], Clip],
                 sample_rate_hz: int = SAMPLE_RATE_HZ, metronome: bool = False,
                 cue_sounds: CueSounds | bool = True, levels: Levels | None = None,
                 levels_dir: Path | None = None):
        self.timeline = timeline
        self.levels = levels or Levels()
        self._levels_dir = levels_dir
        self.sample_rate_hz = sample_rate_hz
        self.total_samples = round(timeline.duration_s * sample_rate_hz)
        self._clip_for = clip_for
        if cue_sounds is True:
            cue_sounds = CueSounds.load(sample_rate_hz)
        elif cue_sounds is False:
            cue_sounds = CueSounds.silent(sample_rate_hz)
        elif cue_sounds.sample_rate_hz != sample_rate_hz:
            raise ValueError("cue sounds must be at the renderer's sample rate")
        self.sounds = _levelled(cue_sounds, self.levels, levels_dir)
        self._clips: OrderedDict[str, np.ndarray] = OrderedDict()  # int16, as mixed
        self._cached_samples = 0
        self._pinned = False  # primed: every clip stays in memory (a live session)
        self._lock = threading.RLock()  # a player may render and query from two threads

        starts = np.array([self.cue_start_sample(c) for c in timeline.cues], np.int64)
        self._order = np.argsort(starts, kind="stable")
        self._starts = starts[self._order]
        self._ends: np.ndarray | None = None  # filled on first use (needs clip lengths)
        self._reach: np.ndarray | None = None  # running max of _ends
        self._chimes = np.array([self._sample(s.start_s) for s in timeline.sections[1:]],
                                np.int64)
        self._ticks = np.sort(np.array([self.cue_start_sample(c) for c in timeline.cues
                                        if c.kind == "countdown"], np.int64))
        self._beats = self._beat_segments() if metronome else []
        self._duck_ramp = max(1, round(DUCK_RAMP_S * sample_rate_hz))
        self._ceiling = loudness.db_gain(loudness.CEILING_DBTP)
        self._limiter = loudness.limiter_reach(sample_rate_hz)
        music = self.levels.music
        self._bed = None if music is None else MusicBed(
            music, sample_rate_hz, self.total_samples, self.levels.speech_lufs, levels_dir)
        self._duck: DuckEnvelope | None = None  # made on first use (needs clip lengths)
        #: 1 (mono blocks, shape (n,)) or 2 (stereo music: blocks of shape (n, 2)).
        self.channels = 1 if self._bed is None else self._bed.channels

    # -- public ------------------------------------------------------------------
    def prime(self) -> None:
        """Load and normalise every cue's clip now and keep them all in memory, so no
        block a sound device pulls does such work (a live stream must not wait in its
        callback). Costs the session's distinct speech in float32 (a 30-minute session:
        about 25 MB); an export does not prime and keeps the bounded cache."""
        with self._lock:
            self._pinned = True
            self._extents_locked()
            if self._bed is not None:
                self._bed.measure()  # each track's level now, not in a device callback

    def cue_start_sample(self, cue: Cue) -> int:
        """The sample where ``cue``'s speech begins."""
        return self._sample(cue.at_s)

    def cue_end_sample(self, cue: Cue) -> int:
        """The sample just after ``cue``'s speech (its clip as rendered)."""
        return self.cue_start_sample(cue) + len(self._clip(cue.text))

    def speech_clip(self, text: str) -> np.ndarray:
        """``text`` as it is heard in the session: float32 at :attr:`sample_rate_hz`,
        normalised like every cue. Also for lines that are no cue (a player's "Paused.")."""
        return self._float_clip(text)

    def render(self, start_sample: int, n_samples: int) -> np.ndarray:
        """Samples ``[start_sample, start_sample + n_samples)``, cut at the end.

        Float32 in [-1, 1], mono ``(n,)`` or, with stereo music, ``(n, 2)``. Shorter
        than ``n_samples`` only where the range passes :attr:`total_samples`; empty past it.
        """
        if start_sample < 0 or n_samples < 0:
            raise ValueError("start_sample and n_samples must not be negative")
        a = min(start_sample, self.total_samples)
        b = min(start_sample + n_samples, self.total_samples)
        if b <= a:
            return np.zeros((0,) if self.channels == 1 else (0, self.channels), np.float32)
        attack, hold, margin = self._limiter  # the limiter's window: the same gain in any block
        lo, hi = max(0, a - margin), min(self.total_samples, b + margin)
        wide = self._sum(lo, hi)
        if self._bed is not None:
            wide = self._with_music(wide, lo, hi)
        peaks = np.abs(wide) if wide.ndim == 1 else np.maximum(np.abs(wide[:, 0]),
                                                                np.abs(wide[:, 1]))
        if float(peaks.max(initial=0.0)) > self._ceiling:
            if wide.ndim == 1:
                wide = loudness.limit(wide, peaks, self._ceiling, attack, hold)
            else:  # one gain for both channels (worked out once): the image does not move
                unit = np.ones(len(wide), np.float32)
                wide *= loudness.limit(unit, peaks, self._ceiling, attack, hold)[:, None]
        out: np.ndarray = np.clip(wide[a - lo:b - lo], -1.0, 1.0)
        return out

    def _with_music(self, mono: np.ndarray, a: int, b: int) -> np.ndarray:
        """``mono`` (the sounds of ``[a, b)``) with the ducked music under it."""
        assert self._bed is not None
        with self._lock:
            if self._duck is None:
                ends, _ = self._extents_locked()
                self._duck = DuckEnvelope(self._starts, ends, self._bed.music.duck_db,
                                          self.sample_rate_hz)
            bed = self._bed.render(a, b)
            self._duck.apply(bed, a)
        out: np.ndarray = mono + bed[:, 0] if self.channels == 1 else mono[:, None] + bed
        return out

    def _sum(self, a: int, b: int) -> np.ndarray:
        """Every sound of ``[a, b)`` added up, before the limiter."""
        out = np.zeros(b - a, np.float32)
        for start, clip in self._speech_in(a, b):
            _mix(out, a, start, Clip(clip, self.sample_rate_hz).as_float())
        _mix_all(out, a, self._chimes, self.sounds.chime)
        _mix_all(out, a, self._ticks, self.sounds.tick)
        step = self.sounds.step
        if self._beats and len(step):
            for beat in self._beats_in(a - len(step) + 1, b):
                _mix(out, a, beat, step * self._duck_gain(beat, beat + len(step)))
        return out

    def blocks(self, block_samples: int = 8192, start_sample: int = 0,
               ahead: int = BLOCKS_AHEAD) -> Iterator[np.ndarray]:
        """The session from ``start_sample`` to the end, in blocks of this size.

        With ``ahead`` > 0 the next blocks are rendered by one background thread while
        the caller uses this one (an encoder: LAME, miniaudio's decoders and numpy all
        let go of the GIL), at most ``ahead`` blocks in advance (constant memory), in
        order, so the blocks are exactly those of a plain loop over :meth:`render`.
        """
        if block_samples <= 0:
            raise ValueError("block_samples must be positive")
        starts = range(start_sample, self.total_samples, block_samples)
        if ahead <= 0 or len(starts) < 2:
            for at in starts:
                yield self.render(at, block_samples)
            return
        from concurrent.futures import Future, ThreadPoolExecutor

        pool = ThreadPoolExecutor(1, thread_name_prefix="coach-render")
        pending: deque[Future[np.ndarray]] = deque()
        todo = iter(starts)
        try:
            for at in todo:
                pending.append(pool.submit(self.render, at, block_samples))
                if len(pending) > ahead:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:  # also when the caller stops early: nothing is left running
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True)

    # -- speech ------------------------------------------------------------------
    def _sample(self, at_s: float) -> int:
        return round(at_s * self.sample_rate_hz)

    def _float_clip(self, text: str) -> np.ndarray:
        return Clip(self._clip(text), self.sample_rate_hz).as_float()

    def _clip(self, text: str) -> np.ndarray:
        """The normalised clip for ``text``, int16 (bounded LRU cache)."""
        with self._lock:
            clip = self._clips.get(text)
            if clip is not None:
                self._clips.move_to_end(text)
                return clip
            raw = self._clip_for(text)
            clip = normalise_speech(resample(raw.as_float(), raw.sample_rate_hz,
                                             self.sample_rate_hz), self.sample_rate_hz,
                                    self.levels.speech_lufs, self._levels_dir)
            self._clips[text] = clip
            self._cached_samples += len(clip)
            while (not self._pinned and self._cached_samples > CLIP_CACHE_SAMPLES
                   and len(self._clips) > 1):
                _, old = self._clips.popitem(last=False)
                self._cached_samples -= len(old)
            return clip

    def _extents(self) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            return self._extents_locked()

    def _extents_locked(self) -> tuple[np.ndarray, np.ndarray]:
        if self._ends is None or self._reach is None:
            cues = self.timeline.cues
            lengths: dict[str, int] = {}
            for i in self._order:
                text = cues[i].text
                if text not in lengths:
                    lengths[text] = len(self._clip(text))
            self._ends = self._starts + np.array(
                [lengths[cues[i].text] for i in self._order], np.int64)
            self._reach = np.maximum.accumulate(self._ends) if len(self._ends) else self._ends
        return self._ends, self._reach

    def _speech_in(self, a: int, b: int) -> Iterator[tuple[int, np.ndarray]]:
        """(start sample, clip) of every clip sounding in ``[a, b)``, in cue order."""
        ends, reach = self._extents()
        lo = int(np.searchsorted(reach, a, side="right"))
        hi = int(np.searchsorted(self._starts, b, side="left"))
        cues = self.timeline.cues
        for j in range(lo, hi):
            if ends[j] > a:
                yield int(self._starts[j]), self._clip(cues[self._order[j]].text)

    def _speaking(self, a: int, b: int) -> np.ndarray:
        """1 where any clip sounds in ``[a, b)``, else 0 (int32)."""
        mask = np.zeros(max(0, b - a), np.int32)
        ends, reach = self._extents()
        lo = int(np.searchsorted(reach, a, side="right"))
        hi = int(np.searchsorted(self._starts, b, side="left"))
        for j in range(lo, hi):
            mask[max(0, int(self._starts[j]) - a):max(0, int(ends[j]) - a)] = 1
        return mask

    def _duck_gain(self, a: int, b: int) -> np.ndarray:
        """Metronome gain for ``[a, b)``: DUCK_GAIN under speech, ramped (moving mean)."""
        r = self._duck_ramp
        h = r // 2
        mask = self._speaking(a - h, b - h + r - 1)
        sums = np.concatenate(([0], np.cumsum(mask, dtype=np.int64)))
        speaking = (sums[r:] - sums[:-r]) / r
        return (1.0 - (1.0 - DUCK_GAIN) * speaking).astype(np.float32)

    # -- metronome -----------------------------------------------------------------
    def _beat_segments(self) -> list[tuple[int, int, float]]:
        """(start sample, end sample, samples per beat) for each cadence stretch."""
        points: list[tuple[float, float]]
        if self.timeline.cadence is None:  # from the sections; None there: nobody walks
            sections = self.timeline.sections
            known = any(s.cadence_spm for s in sections)
            points = [(s.start_s, s.cadence_spm or (0.0 if known else DEFAULT_SPM))
                      for s in sections]
        else:
            points = [(p.at_s, p.spm) for p in self.timeline.cadence]
        segments = []
        for i, (at_s, spm) in enumerate(points):
            end_s = points[i + 1][0] if i + 1 < len(points) else self.timeline.duration_s
            if spm > 0 and end_s > at_s:
                segments.append((self._sample(at_s), self._sample(end_s),
                                 60.0 * self.sample_rate_hz / spm))
        return segments

    def _beats_in(self, a: int, b: int) -> list[int]:
        """Start samples of the metronome clicks beginning in ``[a, b)``."""
        found: list[int] = []
        for start, end, period in self._beats:
            if end <= a or start >= b:
                continue
            k0 = max(0, math.floor((a - start) / period) - 1)
            k1 = math.ceil((min(b, end) - start) / period) + 1
            for k in range(k0, k1):
                at = start + round(k * period)
                if a <= at < b and at < end:
                    found.append(at)
        return found


def normalise_speech(clip: np.ndarray, rate_hz: int = SAMPLE_RATE_HZ,
                     target_lufs: float = loudness.SPEECH_LUFS,
                     folder: Path | None = None) -> np.ndarray:
    """Trim leading near-silence and bring the clip to ``target_lufs`` (true peak limited):
    int16, kept in ``folder`` if given (:func:`coach.audio.loudness.normalised_pcm`)."""
    if not np.any(clip):
        return np.zeros(0, np.int16)
    return loudness.normalised_pcm(clip[loudness.speech_onset(clip):], rate_hz, target_lufs,
                                   folder)


def _levelled(sounds: CueSounds, levels: Levels, folder: Path | None = None) -> CueSounds:
    """The cue sounds at their levels relative to the speech (measured once: ``folder``)."""
    rate_hz = sounds.sample_rate_hz
    speech = levels.speech_lufs

    def at(sound: np.ndarray, lu: float) -> np.ndarray:
        gain = loudness.level_gain(sound, rate_hz, speech + lu, folder)
        return (sound * gain).astype(np.float32)

    step = sounds.step * loudness.metronome_gain(sounds.step, rate_hz,
                                                  speech + levels.metronome, folder)
    return CueSounds(at(sounds.chime, levels.chime_lu), at(sounds.tick, levels.tick_lu),
                     step.astype(np.float32), rate_hz)


def _mix(out: np.ndarray, a: int, start: int, sound: np.ndarray) -> None:
    """Add ``sound`` placed at sample ``start`` into ``out`` (which begins at ``a``)."""
    lo = max(start, a)
    hi = min(start + len(sound), a + len(out))
    if hi > lo:
        out[lo - a:hi - a] += sound[lo - start:hi - start]


def _mix_all(out: np.ndarray, a: int, starts: np.ndarray, sound: np.ndarray) -> None:
    """Mix ``sound`` at every start in sorted ``starts`` that reaches ``out``."""
    if not len(sound) or not len(starts):
        return
    lo = int(np.searchsorted(starts, a - len(sound) + 1, side="left"))
    hi = int(np.searchsorted(starts, a + len(out), side="left"))
    for start in starts[lo:hi]:
        _mix(out, a, int(start), sound)
