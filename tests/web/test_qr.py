"""The QR codes `coach serve` prints, read back: by a QR decoder (zxing-cpp, a scanner's
library, told not to try the inverted image) and module by module against segno's
own matrix; light on black whatever the terminal's theme."""

from __future__ import annotations

import re

import pytest

from coach.web.qr import qr_text

URL = "http://192.168.1.20:8765/z-h3rqHDJZsMP2TzOJjB1i5ax6-r9aP9/feed.xml"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _modules(text: str) -> list[list[bool]]:
    """The drawn code as rows of modules, True where light (a block's lit half)."""
    lines = [_ANSI.sub("", line) for line in text.rstrip("\n").split("\n")]
    width = max(len(line) for line in lines)
    rows = []
    for line in lines:
        line = line.ljust(width)
        rows.append([c in "\u2588\u2580" for c in line])
        rows.append([c in "\u2588\u2584" for c in line])
    return rows


def test_the_drawing_is_segnos_matrix_with_its_quiet_zone():
    import segno

    code = segno.make(URL, error="m")
    border = 4
    size = len(code.matrix) + 2 * border
    drawn = _modules(qr_text(URL))[:size]  # the last line's lower half is padding
    assert len(drawn) == size and all(len(row) == size for row in drawn)
    for y, row in enumerate(drawn):
        for x, light in enumerate(row):
            inside = border <= y < size - border and border <= x < size - border
            dark = inside and bool(code.matrix[y - border][x - border])
            assert light is not dark, (x, y)


@pytest.mark.parametrize("colour", [False, True])
def test_a_scanner_reads_the_url_back(colour):
    zxingcpp = pytest.importorskip("zxingcpp")
    import numpy as np

    text = qr_text(URL, colour)
    if colour:  # light glyphs on a black background, every line, then reset
        assert all(line.startswith("\x1b[97;40m") and line.endswith("\x1b[0m")
                   for line in text.rstrip("\n").split("\n"))
    image = np.kron(np.array(_modules(text), dtype=np.uint8) * 255,
                    np.ones((6, 6), dtype=np.uint8))
    [found] = zxingcpp.read_barcodes(image, try_invert=False)
    assert found.text == URL
    assert found.format == zxingcpp.BarcodeFormat.QRCode
