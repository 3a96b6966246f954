"""QR codes for the terminal (the only module that imports segno)."""

from __future__ import annotations

import io

#: Light glyphs on a black background, whatever the terminal's theme: segno draws the
#: light modules (and the quiet zone) as blocks, which is a right QR code only where
#: the text is lighter than the background; on a light theme it came out inverted,
#: which many phone scanners do not read. (click drops these codes when the output
#: is not a terminal.)
_ON_DARK = "\x1b[97;40m"
_RESET = "\x1b[0m"


def qr_text(data: str, colour: bool = False) -> str:
    """``data`` as a QR code drawn with block characters, two rows per line; ``colour``:
    each line set light on black with ANSI codes."""
    import segno

    out = io.StringIO()
    segno.make(data, error="m").terminal(out=out, compact=True)
    lines = out.getvalue().rstrip("\n").split("\n")
    if colour:
        lines = [f"{_ON_DARK}{line}{_RESET}" for line in lines]
    return "\n".join(lines) + "\n"
