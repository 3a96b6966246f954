"""QR codes for the terminal (the only module that imports segno)."""

from __future__ import annotations

import io


def qr_text(data: str) -> str:
    """``data`` as a QR code drawn with block characters, two rows per line."""
    import segno

    out = io.StringIO()
    segno.make(data, error="m").terminal(out=out, compact=True)
    return out.getvalue()
