"""Streaming MP3 encoding with LAME (the only module that imports lameenc).

lameenc writes bare MPEG frames: no Xing/Info frame, no LAME tag. A decoder
then plays LAME's encoder delay (576 samples, plus the 529-sample decoder
delay every MP3 decoder adds: 1105 samples, 50 ms at 22050 Hz) before the
first real sample, and the padding after the last one. So :class:`Mp3Encoder`
puts an *Info frame with a LAME tag* first, carrying the delay and padding:
gapless-aware decoders (ffmpeg, mpg123/libsndfile, dr_mp3 in miniaudio,
phone players) then skip the Info frame, the delay and the padding, and the
decoded audio is exactly the PCM given to :meth:`Mp3Encoder.encode`, sample
for sample in place. Measured here: a click encoded at sample N decodes at
sample N with ffmpeg, libsndfile and miniaudio (see tests/audio/test_encoder.py).

The Info frame's counts are known only at the end, so the stream starts with
a placeholder of the same size; after :meth:`Mp3Encoder.flush` the caller
writes :meth:`Mp3Encoder.final_header` over it (the first
``header_bytes`` bytes of the stream). The LAME tag's music CRC is left 0
(decoders do not check it); the tag's own CRC is set.
"""

from __future__ import annotations

import struct

import numpy as np

from coach.errors import UsageError

#: LAME's encoder delay in samples (ENCDELAY); decoders add 529 more.
ENCODER_DELAY_SAMPLES = 576
DECODER_DELAY_SAMPLES = 529

# MPEG version bits -> sample rates; Layer III bitrates (kbps) per version family.
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
_MPEG1_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_MPEG2_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
#: LAME (as lameenc builds it) scales its input by 0.95 (-0.45 dB, measured on a sine);
#: the encoder gives it 1 / 0.95 more so the decoded file plays at the rendered level.
LAME_INPUT_SCALE = 0.95
_XING_BYTES = 120  # "Info", flags, frames, bytes, 100-byte TOC, quality
_LAME_TAG_BYTES = 36
_LAME_VERSION = b"LAME3.100"


def to_pcm16(block: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] as little-endian int16 (clipped, rounded)."""
    scaled: np.ndarray = np.multiply(block, 32767.0, dtype=np.float32)
    np.clip(scaled, -32767.0, 32767.0, out=scaled)
    np.rint(scaled, out=scaled)
    return scaled.astype("<i2")


class WavEncoder:
    """16-bit PCM WAV with the same streaming shape as :class:`Mp3Encoder`.

    The RIFF header's sizes are known only at the end: the stream starts with
    a placeholder header and :meth:`final_header` gives the one to write over it.
    """

    def __init__(self, sample_rate_hz: int, channels: int = 1):
        self.sample_rate_hz = sample_rate_hz
        self.channels = channels
        self.header_bytes = 44
        self._data_bytes = 0
        self._started = False

    def encode(self, block: np.ndarray) -> bytes:
        data = to_pcm16(block).tobytes()
        self._data_bytes += len(data)
        if not self._started:
            self._started = True
            return self._header(0) + data
        return data

    def flush(self) -> bytes:
        head = b"" if self._started else self._header(0)
        self._started = True
        return head

    def final_header(self) -> bytes:
        return self._header(self._data_bytes)

    def _header(self, data_bytes: int) -> bytes:
        block_align = 2 * self.channels
        return (b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVE"
                + b"fmt " + struct.pack("<IHHIIHH", 16, 1, self.channels, self.sample_rate_hz,
                                        self.sample_rate_hz * block_align, block_align, 16)
                + b"data" + struct.pack("<I", data_bytes))


class Mp3Encoder:
    """CBR MP3 encoder: float32 blocks in, MP3 bytes out, constant memory."""

    def __init__(self, sample_rate_hz: int, bitrate_kbps: int, channels: int = 1,
                 quality: int = 5):
        import lameenc

        version = next((v for v, rates in _RATES.items() if sample_rate_hz in rates), None)
        if version is None:
            rates = sorted(r for rs in _RATES.values() for r in rs)
            raise UsageError(f"MP3 cannot hold {sample_rate_hz} Hz audio; use one of {rates}")
        table = _MPEG1_KBPS if version == 3 else _MPEG2_KBPS
        if bitrate_kbps not in table[1:]:
            raise UsageError(f"{bitrate_kbps} kbps is not an MP3 bitrate at {sample_rate_hz} Hz;"
                             f" use one of {list(table[1:])}")
        if channels not in (1, 2):
            raise UsageError("MP3 channels must be 1 or 2")
        self.sample_rate_hz = sample_rate_hz
        self.bitrate_kbps = bitrate_kbps
        self.channels = channels
        self._version = version
        self._lame = lameenc.Encoder()
        self._lame.set_in_sample_rate(sample_rate_hz)
        self._lame.set_out_sample_rate(sample_rate_hz)  # never let LAME resample
        self._lame.set_channels(channels)
        self._lame.set_bit_rate(bitrate_kbps)
        self._lame.set_quality(quality)
        self._frames = _FrameCounter()
        self._samples_in = 0
        self._started = False
        self._flushed = False
        self._header = self._info_header(table)
        self.header_bytes = _frame_bytes(self._header)

    @property
    def samples_per_frame(self) -> int:
        return 1152 if self._version == 3 else 576

    def encode(self, block: np.ndarray) -> bytes:
        """MP3 bytes for ``block`` (float32 in [-1, 1]; shape (n,) or (n, channels))."""
        if self._flushed:
            raise ValueError("encoder already flushed")
        pcm = np.asarray(block, np.float32)
        if pcm.ndim == 1 and self.channels == 1:
            n = len(pcm)
        elif pcm.ndim == 2 and pcm.shape[1] == self.channels:
            n = pcm.shape[0]
        else:
            raise ValueError(f"expected a block of {self.channels} channel(s), got {pcm.shape}")
        self._samples_in += n
        out = bytes(self._lame.encode(to_pcm16(pcm * np.float32(1 / LAME_INPUT_SCALE)).tobytes()))
        self._frames.feed(out)
        if not self._started:
            self._started = True
            return self._build_info_frame(placeholder=True) + out
        return out

    def flush(self) -> bytes:
        """The last frames. Afterwards write :meth:`final_header` over the stream start."""
        head = b"" if self._started else self.encode(np.zeros(0, np.float32))
        self._flushed = True
        out = bytes(self._lame.flush())
        self._frames.feed(out)
        return head + out

    def final_header(self) -> bytes:
        """The finished Info/LAME frame (same size as the placeholder) after :meth:`flush`."""
        if not self._flushed:
            raise ValueError("final_header() needs flush() first")
        return self._build_info_frame(placeholder=False)

    @property
    def padding_samples(self) -> int:
        """Samples after the input in the decoded frames (LAME's 'padding')."""
        return (self._frames.count * self.samples_per_frame - ENCODER_DELAY_SAMPLES
                - self._samples_in)

    # -- the Info frame ----------------------------------------------------------
    def _info_header(self, table: tuple[int, ...]) -> int:
        """A Layer III frame header big enough for the Xing + LAME tag."""
        side = _side_info_bytes(self._version, self.channels)
        need = 4 + side + _XING_BYTES + _LAME_TAG_BYTES
        rate_index = _RATES[self._version].index(self.sample_rate_hz)
        mode = 3 if self.channels == 1 else 1  # mono / joint stereo, as LAME writes
        candidates = [self.bitrate_kbps] + [k for k in table[1:] if k > self.bitrate_kbps]
        for kbps in candidates:
            header = (0x7FF << 21 | self._version << 19 | 1 << 17 | 1 << 16
                      | table.index(kbps) << 12 | rate_index << 10 | mode << 6 | 1 << 2)
            if _frame_bytes(header) >= need:
                return header
        raise UsageError("no MP3 frame is big enough for the gapless Info tag")  # unreachable

    def _build_info_frame(self, placeholder: bool) -> bytes:
        size = self.header_bytes
        frame = bytearray(size)
        frame[0:4] = struct.pack(">I", self._header)
        at = 4 + _side_info_bytes(self._version, self.channels)
        frames = 0 if placeholder else self._frames.count
        stream_bytes = 0 if placeholder else size + self._frames.bytes
        padding = 0 if placeholder else self.padding_samples
        toc = bytes(min(255, i * 256 // 100) for i in range(100))
        frame[at:at + _XING_BYTES] = (b"Info" + struct.pack(">III", 0x0F, frames, stream_bytes)
                                      + toc + struct.pack(">I", 0))
        lame = at + _XING_BYTES
        frame[lame:lame + 9] = _LAME_VERSION
        frame[lame + 9] = 0x01  # tag revision 0, CBR
        frame[lame + 20] = min(255, self.bitrate_kbps)
        delays = (ENCODER_DELAY_SAMPLES << 12) | max(0, min(4095, padding))
        frame[lame + 21:lame + 24] = delays.to_bytes(3, "big")
        frame[lame + 28:lame + 32] = struct.pack(">I", stream_bytes)
        crc_at = lame + _LAME_TAG_BYTES - 2
        frame[crc_at:crc_at + 2] = struct.pack(">H", crc16(bytes(frame[:crc_at])))
        return bytes(frame)


class _FrameCounter:
    """Counts whole MPEG frames and their bytes in a byte stream fed in pieces.

    Frame sizes are looked up by the header's third byte (bitrate, sample rate,
    padding), the first two being fixed for one stream.
    """

    def __init__(self) -> None:
        self.count = 0
        self.bytes = 0
        self._skip = 0  # bytes left of the current frame
        self._head = b""  # a header split across two pieces
        self._sizes: dict[bytes, list[int]] = {}

    def feed(self, data: bytes) -> None:
        self.bytes += len(data)
        if self._head:
            data, pos, self._head = self._head + data, 0, b""
        else:
            pos = self._skip
        end = len(data) - 3
        while pos < end:
            sync = data[pos:pos + 2]
            sizes = self._sizes.get(sync) or self._size_table(sync)
            size = sizes[data[pos + 2]]
            if not size:
                raise ValueError(f"bad MPEG frame header at stream byte {pos}")
            self.count += 1
            pos += size
        if pos < len(data):
            self._head, self._skip = data[pos:], 0
        else:
            self._skip = pos - len(data)

    def _size_table(self, sync: bytes) -> list[int]:
        sizes = []
        for third in range(256):
            try:
                sizes.append(_frame_bytes(int.from_bytes(sync + bytes([third, 0]), "big")))
            except (ValueError, IndexError, KeyError):
                sizes.append(0)
        self._sizes[sync] = sizes
        return sizes


def _frame_bytes(header: int) -> int:
    if header >> 21 != 0x7FF or (header >> 17) & 3 != 1:
        raise ValueError(f"not an MPEG Layer III frame header: {header:08x}")
    version = (header >> 19) & 3
    kbps = (_MPEG1_KBPS if version == 3 else _MPEG2_KBPS)[(header >> 12) & 15]
    rate = _RATES[version][(header >> 10) & 3]
    per = 144 if version == 3 else 72
    return per * kbps * 1000 // rate + ((header >> 9) & 1)


def _side_info_bytes(version: int, channels: int) -> int:
    if version == 3:
        return 17 if channels == 1 else 32
    return 9 if channels == 1 else 17


def crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16/ARC (poly 0x8005 reflected), as the LAME tag uses."""
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc
