"""The sound device: the only module that imports miniaudio.

A :class:`DeviceSink` opens ONE continuous playback stream and lets the device
pull blocks from a callback (the live player's ``next_block``). The stream has the
channels of the blocks: mono ``(n,)``, or stereo ``(n, 2)`` when the session's
music is stereo (the speech centred in it, as the renderer mixes it). Cues are placed
by sample count inside that stream, so the device's start-up delay shifts the
whole session by a constant and never moves one cue against another. The
stream is started before the first cue (the player begins with silence), so
the delay never clips the opening words either.

When no output can be opened, :class:`NoAudioDevice` says why; the CLI falls
back to printing the session as text.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from coach.audio.clip import SAMPLE_RATE_HZ
from coach.errors import OutputError

#: The device asks for blocks about this long; shorter risks gaps in Python.
PERIOD_MS = 100

BlockSource = Callable[[int], "np.ndarray"]


class NoAudioDevice(OutputError):
    """No sound output could be opened (no card, no server, bad --device)."""


@dataclass(frozen=True)
class AudioDevice:
    """One playback output as the sound system names it."""

    index: int
    name: str
    backend: str


def list_devices() -> list[AudioDevice]:
    """The playback outputs of the first working sound system (may be empty)."""
    devices, _ids = _enumerate()
    return devices


def _enumerate() -> tuple[list[AudioDevice], list[Any]]:
    import miniaudio

    try:
        with _quiet_stderr():
            context = miniaudio.Devices(backends=_real_backends())
            infos = context.get_playbacks()
    except miniaudio.MiniaudioError:
        return [], []
    infos = [info for info in infos if not _plays_into_nothing(str(info["name"]))]
    devices = [AudioDevice(i, str(info["name"]), context.backend) for i, info in enumerate(infos)]
    return devices, [info["id"] for info in infos]


def _plays_into_nothing(name: str) -> bool:
    """ALSA's ``null`` PCM is listed like an output but discards everything."""
    return name.startswith("Discard all samples")


def _real_backends() -> list[Any]:
    """Every backend except the null one (which plays into nothing)."""
    import miniaudio

    return [b for b in miniaudio.Backend if b not in (miniaudio.Backend.NULL,
                                                      miniaudio.Backend.CUSTOM)]


class DeviceSink:
    """One continuous float32 playback stream fed by a block source.

    ``open()`` claims the output (raising :class:`NoAudioDevice` if it
    cannot); ``start(pull)`` lets the device begin pulling; ``close()`` stops.
    ``channels`` is what ``open()`` asks for; ``start(pull)`` asks the source for
    an empty block first and, if its channels differ (stereo music, known only once
    the session is prepared, after the device was claimed), opens the stream again
    with the source's channels before the first sound.
    ``device`` picks an output by number (as ``coach devices`` lists them) or
    by a part of its name; ``None`` is the system default.
    """

    def __init__(self, device: str | None = None, sample_rate_hz: int = SAMPLE_RATE_HZ,
                 period_ms: int = PERIOD_MS, channels: int = 1) -> None:
        if channels not in (1, 2):
            raise ValueError("a device stream has 1 or 2 channels")
        self.device = device
        self.sample_rate_hz = sample_rate_hz
        self.channels = channels
        self.period_ms = period_ms
        self.description = ""
        self.pulled_samples = 0
        self.started_at_s: float | None = None  # time.monotonic() at start()
        self.first_pull_at_s: float | None = None  # ... when the device first asked
        self._device: Any = None
        self._error: BaseException | None = None
        self._lock = threading.Lock()

    @property
    def start_delay_s(self) -> float | None:
        """How long the device took from start() to asking for its first block."""
        if self.started_at_s is None or self.first_pull_at_s is None:
            return None
        return self.first_pull_at_s - self.started_at_s

    @property
    def latency_s(self) -> float:
        """How long a sample handed over may take to be heard (an upper bound)."""
        return 3 * self.period_ms / 1000.0

    def open(self) -> None:
        import miniaudio

        device_id = None
        name = "default output"
        if self.device is not None:
            device_id, name = self._pick(self.device)
        try:
            with _quiet_stderr():
                self._device = miniaudio.PlaybackDevice(
                    output_format=miniaudio.SampleFormat.FLOAT32, nchannels=self.channels,
                    sample_rate=self.sample_rate_hz, buffersize_msec=self.period_ms,
                    device_id=device_id, backends=_real_backends(), app_name="coach")
        except miniaudio.MiniaudioError as err:
            raise NoAudioDevice(f"no sound output could be opened ({_reason(err)})") from err
        self.description = f"{self._device.backend}: {name}"

    def _pick(self, wanted: str) -> tuple[Any, str]:
        devices, ids = _enumerate()
        if not devices:
            raise NoAudioDevice(f"no sound outputs found, so --device {wanted!r} cannot be used")
        for dev in devices:
            if wanted.strip() == str(dev.index) or wanted.lower() == dev.name.lower():
                return ids[dev.index], dev.name
        matches = [d for d in devices if wanted.lower() in d.name.lower()]
        if len(matches) == 1:
            return ids[matches[0].index], matches[0].name
        names = ", ".join(f"{d.index}: {d.name}" for d in devices)
        what = "matches several outputs" if matches else "matches no output"
        raise NoAudioDevice(f"--device {wanted!r} {what}; choose one of {names}")

    def start(self, pull: BlockSource) -> None:
        """Begin playback; the device calls ``pull(n)`` for each block (``n`` frames)."""
        channels = block_channels(pull(0))
        if self._device is not None and channels != self.channels:
            self.close()  # claimed mono before the session knew its music was stereo
        self.channels = channels
        if self._device is None:
            self.open()
        feed = self._feed(pull)
        next(feed)
        self.started_at_s = time.monotonic()
        self._device.start(feed)

    def _feed(self, pull: BlockSource) -> Generator[bytes, int, None]:
        frames = yield b""
        self.first_pull_at_s = time.monotonic()
        shape = (0,) if self.channels == 1 else (0, self.channels)
        while True:
            try:
                block = np.asarray(pull(frames), dtype="<f4")
                if block.shape[1:] != shape[1:]:
                    raise ValueError(f"the block source gave {block.shape}, not "
                                     f"{self.channels} channel(s)")
            except BaseException as err:  # never let an error kill the audio thread silently
                with self._lock:
                    self._error = err
                block = np.zeros((frames, *shape[1:]), dtype="<f4")
            self.pulled_samples += frames
            frames = yield block.tobytes()

    def raise_if_failed(self) -> None:
        """Re-raise, on the caller's thread, an error the audio thread caught."""
        with self._lock:
            err, self._error = self._error, None
        if err is not None:
            raise err

    def close(self) -> None:
        if self._device is not None:
            with contextlib.suppress(Exception):
                self._device.close()
            self._device = None


def block_channels(block: np.ndarray) -> int:
    """1 for a mono block ``(n,)``, else its second dimension (2: stereo)."""
    shape = np.shape(block)
    return 1 if len(shape) == 1 else int(shape[1])


def _reason(err: Exception) -> str:
    text = " ".join(str(a) for a in err.args if isinstance(a, str)) or str(err)
    return text or type(err).__name__


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Hide what the C sound libraries print on stderr (ALSA's complaints)."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
