"""Durations as people write them: ``90s``, ``5m``, ``1m30s``, ``1h``; always with a unit.

A bare number is refused: a walker writing ``duration: 5`` means five minutes
as often as five seconds (and ``0x10`` is YAML for 16), so the unit is asked for.
"""

from __future__ import annotations

import re

from coach.errors import shorten

_PART = r"(\d{1,6}(?:\.\d{1,6})?)"  # a part of more digits is no real duration
_DURATION = re.compile(rf"^\s*(?:{_PART}h)?\s*(?:{_PART}m)?\s*(?:{_PART}s)?\s*$")


_BARE = re.compile(r"^[0-9][0-9_]*(\.[0-9]*)?$|^0[xob][0-9a-f_]+$", re.IGNORECASE)


def unit_hint(value: object) -> str:
    """``write 5m for minutes or 5s for seconds`` (with the walker's own number when short)."""
    text = str(value).strip()
    n = text if re.fullmatch(r"\d{1,4}(\.\d{1,2})?", text) else "5"
    return f"write {n}m for minutes or {n}s for seconds"


def parse_duration(value: object) -> float:
    """Seconds in ``value``; raises ValueError with a walker-readable reason."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration like 90s, 5m or 1m30s, got {value!r}")
    if isinstance(value, (int, float)):
        raise ValueError(f"needs a unit: {value!r} alone could be seconds or minutes; "
                         f"{unit_hint(value)}")
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("-"):
            raise ValueError(f"must be positive, got {text}")
        match = _DURATION.match(text)
        if text and _BARE.match(text):
            raise ValueError(f"needs a unit: {shorten(text)} alone could be seconds or "
                             f"minutes; {unit_hint(text)}")
        if not text or not match or not any(match.groups()):
            raise ValueError(f"expected a duration like 90s, 5m or 1m30s, got {shorten(value)}")
        h, m, s = (float(g) if g else 0.0 for g in match.groups())
        seconds = h * 3600 + m * 60 + s
    else:
        raise ValueError(f"expected a duration like 90s, 5m or 1m30s, got {shorten(value)}")
    if not seconds > 0:
        raise ValueError(f"must be positive, got {value}")
    if seconds != seconds or seconds == float("inf"):
        raise ValueError(f"must be a finite duration, got {value}")
    return seconds


def format_duration(seconds: float) -> str:
    """``1m30s`` style, the inverse of :func:`parse_duration` for whole seconds."""
    total = int(round(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    parts = [f"{h}h" if h else "", f"{m}m" if m else "", f"{s}s" if s else ""]
    return "".join(parts) or "0s"


def format_clock(seconds: float) -> str:
    """``mm:ss`` (or ``h:mm:ss``) for printing times in a session."""
    total = int(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"
