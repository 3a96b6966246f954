"""The cover picture of exported sessions: a small PNG made without an imaging library.

A calm gradient with a figure-8 path (the walk the coach teaches most), drawn
with numpy and written as PNG with :mod:`zlib` and :mod:`struct`.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

TOP_RGB = (34, 116, 128)
BOTTOM_RGB = (18, 52, 74)
PATH_RGB = (244, 241, 222)


def cover_png(size_px: int = 256) -> bytes:
    """A ``size_px`` square RGB PNG (a few kB)."""
    y = np.linspace(0.0, 1.0, size_px)[:, None, None]
    top = np.array(TOP_RGB, float)
    bottom = np.array(BOTTOM_RGB, float)
    image = np.broadcast_to(top + (bottom - top) * y, (size_px, size_px, 3)).copy()
    # Lemniscate of Gerono (x = sin t, y = sin 2t), drawn as a band of nearby pixels.
    t = np.linspace(0.0, 2 * np.pi, 4 * size_px)
    px = size_px * (0.5 + 0.36 * np.sin(t))
    py = size_px * (0.5 + 0.22 * np.sin(2 * t))
    yy, xx = np.mgrid[0:size_px, 0:size_px]
    width = size_px / 40
    near = np.zeros((size_px, size_px), bool)
    for cx, cy in zip(px, py, strict=True):
        lo_y, hi_y = int(max(0, cy - width - 1)), int(min(size_px, cy + width + 2))
        lo_x, hi_x = int(max(0, cx - width - 1)), int(min(size_px, cx + width + 2))
        d2 = (xx[lo_y:hi_y, lo_x:hi_x] - cx) ** 2 + (yy[lo_y:hi_y, lo_x:hi_x] - cy) ** 2
        near[lo_y:hi_y, lo_x:hi_x] |= d2 <= width * width
    image[near] = PATH_RGB
    return encode_png(np.round(image).astype(np.uint8))


def encode_png(rgb: np.ndarray) -> bytes:
    """An (h, w, 3) uint8 array as PNG bytes (8-bit RGB, no filter)."""
    height, width, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[row].tobytes() for row in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b""))


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
