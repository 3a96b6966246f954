"""The music bed of a session: the user's tracks decoded streaming, levelled, placed end
to end with crossfades, looped to fill the session and faded out at its end.

:class:`MusicBed` renders any range ``[a, b)`` of the session's music as float32
``(n, channels)``: random access like the renderer (a range always gives the
same samples), and streaming: each placed track has one miniaudio decoder
(resampled to the session's rate by miniaudio) that moves forward block by
block and keeps about a second behind it, so memory does not grow with the
length of a track or of the session. A jump (a live seek) opens the decoder
again at the new frame; miniaudio's resampler starts afresh there, so the first
few samples after a jump may differ slightly from a straight run through (an export
reads straight through; the blocks of any cut are the same).

Each track is brought to ``speech + level_lu`` (its loudness measured once,
streaming, in blocks of :data:`MEASURE_BLOCK_S`: BS.1770 blocks combined by
their energy). Stereo if any track it plays is stereo, else mono (only the tracks
placed are looked at: a folder of thousands costs nothing more).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.audio import loudness
from coach.audio.music import Music

#: Crossfade between tracks, fade-in of the first track, fade-out at the session's end (s).
CROSSFADE_S = 4.0
FADE_IN_S = 1.0
END_FADE_S = 5.0
#: Frames a decoder reads at a time, and how much it keeps behind its position (s).
READ_FRAMES = 8192
KEEP_S = 1.0
#: A forward jump longer than this reopens the decoder at the new frame instead of
#: decoding through (s).
SKIP_S = 5.0
#: The loudness of a track is measured on blocks this long (s).
MEASURE_BLOCK_S = 10.0
#: A track quieter than this (LUFS) is taken as silent and left at its level.
SILENT_LUFS = -70.0


@dataclass(frozen=True)
class Placement:
    """One play of a track: where it starts in the session, its length, its fades."""

    track: int
    start: int
    frames: int
    fade_in: int
    fade_out: int

    @property
    def end(self) -> int:
        return self.start + self.frames


class MusicBed:
    """The music of one session at ``rate_hz``; see the module docstring."""

    def __init__(self, music: Music, rate_hz: int, total_samples: int, speech_lufs: float,
                 levels_dir: Path | None = None):
        self.music = music
        self.rate_hz = rate_hz
        self.total_samples = total_samples
        self._paths = music.tracks
        infos: dict[int, tuple[int, int, int]] = {}  # only the tracks placed are looked at

        def length(track: int) -> int:
            infos[track] = info = _info(music.tracks[track])
            frames, rate = info[1], info[2]
            return 0 if frames <= 0 else max(1, round(frames * rate_hz / rate))

        self.placements = plan(length, len(music.tracks), total_samples, rate_hz)
        self.channels = 2 if music.stereo and any(infos[p.track][0] >= 2
                                                  for p in self.placements) else 1
        # the speech, as it is in the output: dual mono measures 3 dB louder in stereo
        self._target = speech_lufs + music.level_lu + loudness.gain_db(math.sqrt(self.channels))
        self._gains: list[float] | None = None
        self._levels_dir = levels_dir  # where measured track loudness is kept
        self._readers: dict[int, _Reader] = {}
        self._end_fade = min(total_samples, round(END_FADE_S * rate_hz))

    def render(self, a: int, b: int) -> np.ndarray:
        """The music of ``[a, b)`` (cut at the session's end): float32 ``(n, channels)``."""
        b = min(b, self.total_samples)
        gains = self.gains
        out = np.zeros((max(0, b - a), self.channels), np.float32)
        if b <= a:
            return out
        for k in [k for k in self._readers if self.placements[k].end <= a - self._keep]:
            self._readers.pop(k).close()
        for k, p in enumerate(self.placements):
            if p.start >= b or p.end <= a:
                continue
            lo, hi = max(a, p.start), min(b, p.end)
            reader = self._readers.get(k)
            if reader is None:
                reader = self._readers[k] = _Reader(self._paths[p.track], self.channels,
                                                    self.rate_hz)
            frames = reader.read(lo - p.start, hi - p.start)
            fade = _fades(p, lo - p.start, hi - p.start)
            if isinstance(fade, float):
                frames *= np.float32(gains[p.track])
            else:
                frames *= (gains[p.track] * fade)[:, None]
            out[lo - a:hi - a] += frames
        fade_from = self.total_samples - self._end_fade
        if b > fade_from:
            t = (np.arange(max(a, fade_from), b) - fade_from) / max(1, self._end_fade)
            out[max(a, fade_from) - a:] *= np.cos(0.5 * np.pi * t)[:, None].astype(np.float32)
        return out

    def measure(self) -> None:
        """Measure the tracks' levels now (else on the first render)."""
        self._gains = self.gains

    @property
    def gains(self) -> list[float]:
        """Each track's gain to its level (measured on first use: a decode of each track
        the session plays)."""
        if self._gains is None:
            used = {p.track for p in self.placements}
            self._gains = [self._gain(i, self._target) if i in used else 1.0
                           for i in range(len(self._paths))]
        return self._gains

    @property
    def _keep(self) -> int:
        return round(KEEP_S * self.rate_hz)

    def _gain(self, track: int, target_lufs: float) -> float:
        measured = stored_lufs(self._paths[track], self.channels, self.rate_hz,
                               self._levels_dir)
        if not math.isfinite(measured) or measured < SILENT_LUFS:
            return 1.0
        return loudness.db_gain(target_lufs - measured)


def plan(length: Callable[[int], int], tracks: int, total: int, rate_hz: int
         ) -> list[Placement]:
    """The ``tracks`` in order, looped, each crossfading into the next, until ``total``
    frames are covered; ``length(track)`` is a track's frames (asked once per track, only
    for the tracks placed; 0: it cannot be played and is left out)."""
    placements: list[Placement] = []
    at, k = 0, 0
    crossfade = round(CROSSFADE_S * rate_hz)
    lengths: dict[int, int] = {}
    while at < total:
        track = k % tracks
        if track not in lengths:
            lengths[track] = length(track)
        n = lengths[track]
        k += 1
        if n <= 0:
            if len(lengths) == tracks and not any(lengths.values()):
                break  # nothing can be played: silence
            continue
        fade = min(crossfade, n // 2)
        fade_in = min(round(FADE_IN_S * rate_hz), n // 2) if at == 0 else \
            placements[-1].fade_out
        placements.append(Placement(track, at, n, fade_in, fade))
        at += max(1, n - fade)
    return placements


def _info(path: Path) -> tuple[int, int, int]:
    """(channels, frames, sample rate) of the track at ``path``; frames 0 where it cannot
    be read any more (it was checked when found: changed since)."""
    import miniaudio

    try:
        info = miniaudio.get_file_info(str(path))
    except (miniaudio.MiniaudioError, OSError):
        return 1, 0, 1
    return info.nchannels, info.num_frames, max(1, info.sample_rate)


def _fades(p: Placement, lo: int, hi: int) -> np.ndarray | float:
    """The gain of frames ``[lo, hi)`` of placement ``p``: equal-power fades in and out
    (1.0, not an array, where neither fade reaches: most of a track)."""
    fade_out_from = p.frames - p.fade_out
    if lo >= p.fade_in and (p.fade_out <= 0 or hi <= fade_out_from):
        return 1.0
    gain = np.ones(hi - lo)
    if p.fade_in > lo:
        end = min(hi, p.fade_in)
        gain[:end - lo] = np.sin(0.5 * np.pi * np.arange(lo, end, dtype=np.float64)
                                 / p.fade_in)
    if p.fade_out > 0 and hi > fade_out_from:
        start = max(lo, fade_out_from)
        t = np.arange(start, hi, dtype=np.float64)
        gain[start - lo:] *= np.sin(0.5 * np.pi * np.clip((p.frames - t) / p.fade_out,
                                                          0.0, 1.0))
    return gain.astype(np.float32)


def stored_lufs(path: Path, channels: int, rate_hz: int, folder: Path | None) -> float:
    """:func:`measure_lufs`, kept in ``folder`` by the file's path, size and modification
    time, so a track is measured once, not in every export (a folder that cannot be
    written only costs the time)."""
    import hashlib
    import json

    from coach.errors import OutputError
    from coach.files import staged

    if folder is None:
        return measure_lufs(path, channels, rate_hz)
    try:
        info = path.stat()
    except OSError:
        return measure_lufs(path, channels, rate_hz)
    key = hashlib.sha256(f"music {MEASURE_BLOCK_S} {rate_hz} {channels} {path.resolve()} "
                         f"{info.st_size} {info.st_mtime_ns}".encode()).hexdigest()[:40]
    file = folder / f"{key}.json"
    try:
        return float(json.loads(file.read_text())["lufs"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    lufs = measure_lufs(path, channels, rate_hz)
    try:
        with staged(file, make_folder=True, durable=False) as stage:
            stage.file.write(json.dumps({"lufs": lufs}).encode())
    except OutputError:
        pass
    return lufs


def measure_lufs(path: Path, channels: int, rate_hz: int) -> float:
    """The loudness of the track at ``path`` (LUFS), decoded streaming: the BS.1770
    loudness of each :data:`MEASURE_BLOCK_S` block, combined by energy (silent blocks
    left out)."""
    meter = loudness._meter(rate_hz)
    energies = []
    for block in _blocks(path, channels, rate_hz, round(MEASURE_BLOCK_S * rate_hz)):
        if len(block) < round(loudness.BLOCK_S * rate_hz) or not np.any(block):
            continue
        lufs = float(meter.integrated_loudness(block.astype(np.float64)))
        if math.isfinite(lufs) and lufs > SILENT_LUFS:
            energies.append((10.0 ** (lufs / 10.0), len(block)))
    if not energies:
        return -math.inf
    total = sum(n for _, n in energies)
    return 10.0 * math.log10(sum(e * n for e, n in energies) / total)


def _blocks(path: Path, channels: int, rate_hz: int, frames: int) -> Iterator[np.ndarray]:
    """The track at ``path`` decoded in blocks of ``frames`` (the last one shorter)."""
    import miniaudio

    stream = miniaudio.stream_file(str(path), miniaudio.SampleFormat.FLOAT32, channels,
                                   rate_hz, frames)
    for chunk in stream:
        yield np.frombuffer(chunk, np.float32).reshape(-1, channels)


class _Reader:
    """One decoder over one track, moving forward; frames at the session's rate."""

    def __init__(self, path: Path, channels: int, rate_hz: int):
        self._path, self._channels, self._rate_hz = path, channels, rate_hz
        self._stream: Iterator[np.ndarray] | None = None
        self._buf = np.zeros((0, channels), np.float32)
        self._buf_start = 0
        self._ended = False

    def read(self, lo: int, hi: int) -> np.ndarray:
        """Frames ``[lo, hi)`` of the track (silence past its end)."""
        buf_end = self._buf_start + len(self._buf)
        if (self._stream is None or lo < self._buf_start
                or lo > buf_end + SKIP_S * self._rate_hz):
            self._open(lo)
        chunks = [self._buf]
        have = self._buf_start + len(self._buf)
        while have < hi and not self._ended:
            assert self._stream is not None
            chunk = next(self._stream, None)
            if chunk is None or not len(chunk):
                self._ended = True
                break
            chunks.append(chunk)
            have += len(chunk)
        if len(chunks) > 1:
            self._buf = np.concatenate(chunks)
        if have < hi:
            pad = np.zeros((hi - have, self._channels), np.float32)
            self._buf = np.concatenate((self._buf, pad))
        out: np.ndarray = self._buf[lo - self._buf_start:hi - self._buf_start].copy()
        drop = max(0, min(lo, hi - round(KEEP_S * self._rate_hz)) - self._buf_start)
        if drop:
            self._buf = self._buf[drop:]
            self._buf_start += drop
        return out

    def _open(self, frame: int) -> None:
        import miniaudio

        self.close()
        raw = miniaudio.stream_file(str(self._path), miniaudio.SampleFormat.FLOAT32,
                                    self._channels, self._rate_hz, READ_FRAMES,
                                    seek_frame=frame)
        channels = self._channels
        self._stream = (np.frombuffer(c, np.float32).reshape(-1, channels) for c in raw)
        self._buf = np.zeros((0, channels), np.float32)
        self._buf_start = frame
        self._ended = False

    def close(self) -> None:
        if self._stream is not None:
            close = getattr(self._stream, "close", None)
            if close is not None:
                close()
        self._stream = None
