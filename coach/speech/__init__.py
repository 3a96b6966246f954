"""Speech engines: text in, a :class:`Clip` of mono int16 PCM out, in memory.

This package is the only place that touches pyttsx3 or libespeak-ng. Two
engines sit behind the :class:`SpeechEngine` protocol:

- ``espeak`` (:class:`EspeakEngine`, the Linux default): libespeak-ng called
  directly through ctypes in synchronous mode (:mod:`coach.speech.libespeak`).
- ``pyttsx3`` (:class:`Pyttsx3Engine`): the user's chosen library, contained in
  a worker process with deadlines (:mod:`coach.speech.pyttsx3_engine`).

Both use libespeak-ng and its data from the ``espeakng-loader`` wheel on
Linux. Every clip from either engine is checked, retried if bad and trimmed to
its speech (:mod:`coach.speech.base`).
"""

from __future__ import annotations

import sys

from coach.audio.clip import Clip
from coach.errors import UsageError
from coach.speech.base import (
    ATTEMPTS,
    SpeechEngine,
    VoiceInfo,
    clip_problem,
    rate_wpm,
    synthesize_checked,
    words_in,
)
from coach.speech.libespeak import EspeakEngine
from coach.speech.pyttsx3_engine import Pyttsx3Engine

__all__ = ["ATTEMPTS", "ENGINES", "Clip", "EspeakEngine", "Pyttsx3Engine", "SpeechEngine",
           "VoiceInfo", "clip_problem", "default_engine_name", "open_engine", "rate_wpm",
           "synthesize_checked", "words_in"]

ENGINES = ("espeak", "pyttsx3")


def default_engine_name() -> str:
    return "espeak" if sys.platform.startswith("linux") else "pyttsx3"


def open_engine(name: str | None = None) -> SpeechEngine:
    """The engine called ``name``; ``None`` is the platform's default."""
    name = name or default_engine_name()
    if name == "espeak":
        return EspeakEngine()
    if name == "pyttsx3":
        return Pyttsx3Engine()
    raise UsageError(f"unknown speech engine {name!r}; choose one of: {', '.join(ENGINES)}")
