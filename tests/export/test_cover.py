"""The generated cover: a valid PNG any reader accepts."""

from __future__ import annotations

import struct
import zlib

from coach.export.cover import cover_png


def test_cover_is_a_valid_png():
    data = cover_png(64)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack_from(">I", data, pos + 8 + length)
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks[kind] = body
        pos += 12 + length
    assert list(chunks) == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (width, height, depth, colour) == (64, 64, 8, 2)
    raw = zlib.decompress(chunks[b"IDAT"])
    assert len(raw) == 64 * (1 + 3 * 64)
    assert len(set(raw[1::3])) > 5  # not one flat colour


def test_default_cover_is_small():
    assert len(cover_png()) < 20_000
