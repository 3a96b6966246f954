"""The MP3 encoder: LAME's delay measured, and removed by the gapless Info frame."""

from __future__ import annotations

import io
import struct
import wave

import numpy as np
import pytest

from coach.audio.encoder import (
    DECODER_DELAY_SAMPLES,
    ENCODER_DELAY_SAMPLES,
    Mp3Encoder,
    WavEncoder,
    crc16,
)
from coach.errors import UsageError
from tests.audiotest import decode


def click_signal(rate_hz: int, seconds: float = 3.0) -> tuple[np.ndarray, int]:
    x = np.zeros(round(rate_hz * seconds), np.float32)
    at = rate_hz // 2 + 123
    x[at], x[at + 1] = 0.76, -0.76  # LAME gets +-0.8 (the encoder makes up its 0.95 scale)
    return x, at


def encode_file(tmp_path, x: np.ndarray, rate_hz: int, kbps: int, block: int = 1000,
                with_header: bool = True):
    enc = Mp3Encoder(rate_hz, kbps)
    data = bytearray(b"".join(enc.encode(x[i:i + block]) for i in range(0, len(x), block)))
    data += enc.flush()
    if with_header:
        data[:enc.header_bytes] = enc.final_header()
    else:
        data = data[enc.header_bytes:]  # lameenc's bare frames
    path = tmp_path / f"t{rate_hz}-{kbps}-{with_header}.mp3"
    path.write_bytes(bytes(data))
    return path, enc


def click_at(audio: np.ndarray) -> int:
    return int(np.argmax(np.abs(audio)))


def test_lameenc_alone_delays_the_audio_by_1105_samples(tmp_path):
    """The measurement behind ENCODER_DELAY_SAMPLES: a click comes out 50 ms late."""
    x, at = click_signal(22050)
    path, _ = encode_file(tmp_path, x, 22050, 64, with_header=False)
    audio = decode(path)
    assert click_at(audio) - at == pytest.approx(
        ENCODER_DELAY_SAMPLES + DECODER_DELAY_SAMPLES, abs=1)
    assert len(audio) > len(x) + ENCODER_DELAY_SAMPLES


@pytest.mark.parametrize("rate_hz,kbps", [(22050, 64), (22050, 32), (44100, 128),
                                          (16000, 24), (11025, 16), (48000, 64)])
def test_with_the_info_frame_every_sample_decodes_in_place(tmp_path, rate_hz, kbps):
    x, at = click_signal(rate_hz)
    path, enc = encode_file(tmp_path, x, rate_hz, kbps)
    audio = decode(path, rate_hz)
    assert len(audio) == len(x)
    assert abs(click_at(audio) - at) <= 1
    assert enc.padding_samples >= DECODER_DELAY_SAMPLES  # else the last samples are cut


def test_other_gapless_decoders_agree(tmp_path):
    """ffmpeg (PyAV) and libsndfile/mpg123 (soundfile), when installed."""
    x, at = click_signal(22050)
    path, _ = encode_file(tmp_path, x, 22050, 64)
    checked = 0
    try:
        import av
    except ImportError:
        av = None
    if av is not None:
        with av.open(str(path)) as container:
            audio = np.concatenate([f.to_ndarray().reshape(-1)
                                    for f in container.decode(audio=0)])
        assert len(audio) == len(x) and abs(click_at(audio) - at) <= 1
        checked += 1
    try:
        import soundfile
    except ImportError:
        soundfile = None
    if soundfile is not None:
        audio, _rate = soundfile.read(str(path))
        assert len(audio) == len(x) and abs(click_at(audio) - at) <= 1
        checked += 1
    if not checked:
        pytest.skip("neither PyAV nor soundfile is installed")


def test_info_frame_counts_frames_and_mutagen_reads_the_lame_tag(tmp_path):
    from mutagen.mp3 import MP3

    x = (0.3 * np.sin(np.arange(22050 * 7) * 0.05)).astype(np.float32)
    path, enc = encode_file(tmp_path, x, 22050, 64, block=777)
    data = path.read_bytes()
    frames, pos = 0, enc.header_bytes
    while pos < len(data):  # walk the audio frames by their headers
        header = struct.unpack_from(">I", data, pos)[0]
        pad = (header >> 9) & 1
        pos += 72 * 64000 // 22050 + pad
        frames += 1
    assert pos == len(data)
    tag = data.index(b"Info")
    assert struct.unpack_from(">II", data, tag + 8) == (frames, len(data))
    lame = tag + 120
    assert data[lame:lame + 9] == b"LAME3.100"
    delays = int.from_bytes(data[lame + 21:lame + 24], "big")
    assert delays >> 12 == ENCODER_DELAY_SAMPLES
    assert delays & 0xFFF == frames * 576 - ENCODER_DELAY_SAMPLES - len(x)
    assert struct.unpack_from(">H", data, lame + 34)[0] == crc16(data[:lame + 34])
    info = MP3(str(path)).info
    assert info.encoder_info.startswith("LAME 3.100")
    assert info.length == pytest.approx(len(x) / 22050, abs=0.001)


def test_crc16_is_crc16_arc():
    assert crc16(b"123456789") == 0xBB3D


def test_header_is_a_placeholder_until_flushed():
    enc = Mp3Encoder(22050, 64)
    first = enc.encode(np.zeros(5000, np.float32))
    assert first[:enc.header_bytes].count(b"Info") == 1
    with pytest.raises(ValueError):
        enc.final_header()
    enc.flush()
    assert len(enc.final_header()) == enc.header_bytes
    with pytest.raises(ValueError):
        enc.encode(np.zeros(10, np.float32))


def test_empty_stream_still_has_a_header():
    enc = Mp3Encoder(22050, 64)
    tail = enc.flush()
    assert tail[:enc.header_bytes] != b"" and len(enc.final_header()) == enc.header_bytes


@pytest.mark.parametrize("rate_hz,kbps,words", [(22000, 64, "22000 Hz"), (22050, 192, "192 kbps"),
                                                (44100, 8, "8 kbps")])
def test_impossible_settings_are_usage_errors(rate_hz, kbps, words):
    with pytest.raises(UsageError, match=words):
        Mp3Encoder(rate_hz, kbps)


def test_blocks_of_the_wrong_shape_are_refused():
    with pytest.raises(ValueError):
        Mp3Encoder(22050, 64).encode(np.zeros((10, 2), np.float32))


def test_wav_encoder_writes_a_wav_any_reader_opens():
    x = (0.5 * np.sin(np.arange(10_001) * 0.01)).astype(np.float32)
    enc = WavEncoder(22050)
    data = bytearray(enc.encode(x[:4000]) + enc.encode(x[4000:]) + enc.flush())
    data[:enc.header_bytes] = enc.final_header()
    with wave.open(io.BytesIO(bytes(data))) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 22050)
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2")
    assert len(pcm) == len(x)
    np.testing.assert_allclose(pcm / 32767.0, x, atol=1 / 32767)


@pytest.mark.parametrize("rate_hz,kbps", [(22050, 64), (44100, 128)])
def test_the_decoded_file_plays_at_the_rendered_level(tmp_path, rate_hz, kbps):
    """LAME turns its input down by 0.95; the encoder makes up for it (loudness kept)."""
    t = np.arange(3 * rate_hz) / rate_hz
    x = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    path, _ = encode_file(tmp_path, x, rate_hz, kbps)
    audio = decode(path, rate_hz)
    middle = slice(rate_hz // 2, -rate_hz // 2)
    ratio_db = 10 * np.log10(np.mean(audio[middle].astype(np.float64) ** 2)
                             / np.mean(x[middle].astype(np.float64) ** 2))
    assert ratio_db == pytest.approx(0.0, abs=0.05)
