"""coach: a voice-guided walking coach for people with lower back pain."""

from __future__ import annotations

__version__ = "0.1.0"
