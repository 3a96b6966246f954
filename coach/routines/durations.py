"""Durations as people write them: ``90s``, ``5m``, ``1m30s``, ``1h``, or seconds."""

from __future__ import annotations

import re

_PART = r"(\d+(?:\.\d+)?)"
_DURATION = re.compile(rf"^\s*(?:{_PART}h)?\s*(?:{_PART}m)?\s*(?:{_PART}s)?\s*$")


def parse_duration(value: object) -> float:
    """Seconds in ``value``; raises ValueError with a walker-readable reason."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration like 90s, 5m or 1m30s, got {value!r}")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if text.startswith("-"):
            raise ValueError(f"must be positive, got {text}")
        match = _DURATION.match(text)
        if not text or not match or not any(match.groups()):
            raise ValueError(f"expected a duration like 90s, 5m or 1m30s, got {value!r}")
        h, m, s = (float(g) if g else 0.0 for g in match.groups())
        seconds = h * 3600 + m * 60 + s
    else:
        raise ValueError(f"expected a duration like 90s, 5m or 1m30s, got {value!r}")
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
