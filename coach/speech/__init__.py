"""Speech engines: text in, a :class:`Clip` of mono int16 PCM out, in memory.

This package is the only place that touches piper, pyttsx3 or libespeak-ng.
Three engines sit behind the :class:`SpeechEngine` protocol:

- ``piper`` (:class:`coach.speech.piper_engine.PiperEngine`, the default when
  the optional ``voice`` extra is installed): offline neural speech.
- ``espeak`` (:class:`EspeakEngine`, the fallback on Linux): libespeak-ng called
  directly through ctypes in synchronous mode (:mod:`coach.speech.libespeak`).
- ``pyttsx3`` (:class:`Pyttsx3Engine`): the user's chosen library, contained in
  a worker process with deadlines (:mod:`coach.speech.pyttsx3_engine`).

espeak and pyttsx3 use libespeak-ng and its data from the ``espeakng-loader``
wheel on Linux; Piper uses its own copy of espeak-ng for phonemes. Every clip
from any engine is checked, retried if bad and trimmed to its speech
(:mod:`coach.speech.base`). ``$COACH_ENGINE`` names the default engine.
"""

from __future__ import annotations

import os
import sys

from coach.audio.clip import Clip
from coach.errors import UsageError
from coach.routines.model import SPEECH_ENGINES, SpeechSettings
from coach.speech.base import (
    ATTEMPTS,
    PhraseError,
    SpeechEngine,
    VoiceInfo,
    clip_problem,
    rate_wpm,
    synthesize_checked,
    words_in,
)
from coach.speech.libespeak import EspeakEngine
from coach.speech.pyttsx3_engine import Pyttsx3Engine

__all__ = ["ATTEMPTS", "PhraseError", "ENGINES", "ENGINE_VARIABLE", "Clip", "check_engine_name",
           "engine_for", "fallback_note", "EspeakEngine", "Pyttsx3Engine", "SpeechEngine",
           "VoiceInfo", "clip_problem", "default_engine_name", "open_engine", "rate_wpm",
           "synthesize_checked", "words_in"]

ENGINES = SPEECH_ENGINES  # the names a routine file may give (coach.routines.model)
#: Names the default engine (e.g. ``espeak`` for speed); unset, Piper when installed.
ENGINE_VARIABLE = "COACH_ENGINE"


def default_engine_name() -> str:
    """``$COACH_ENGINE`` if set; else Piper when the ``voice`` extra is installed; else
    espeak-ng on Linux and pyttsx3 elsewhere."""
    from coach.speech.piper_engine import piper_installed

    chosen = os.environ.get(ENGINE_VARIABLE)
    if chosen:
        return check_engine_name(chosen)
    if piper_installed():
        return "piper"
    return "espeak" if sys.platform.startswith("linux") else "pyttsx3"


def fallback_note() -> str | None:
    """One line when the default engine is not Piper because the extra is missing."""
    from coach.speech.piper_engine import INSTALL_HINT, piper_installed

    if os.environ.get(ENGINE_VARIABLE) or piper_installed():
        return None
    return f"note: speaking with espeak-ng; for the natural voice: {INSTALL_HINT}"


def check_engine_name(name: str) -> str:
    """``name`` when the coach has that engine; else :class:`UsageError` with the closest
    engine, or the list of them."""
    if name not in ENGINES:
        from coach.errors import shorten
        from coach.routines.yamlsrc import suggest

        hint = suggest(name, ENGINES) or f"; choose one of: {', '.join(ENGINES)}"
        raise UsageError(f"unknown speech engine {shorten(name)}{hint}")
    return name


def engine_for(settings: SpeechSettings) -> str:
    """The engine that speaks ``settings``: theirs, else the default; but a default Piper
    with no voice for the settings' language (and no voice named) gives way to espeak-ng."""
    if settings.engine:
        return check_engine_name(settings.engine)
    name = default_engine_name()
    if name == "piper" and settings.voice is None:
        from coach.speech.piper_engine import find_voice, piper_voices

        try:
            find_voice(None, settings.language, piper_voices())
        except UsageError:
            return "espeak" if sys.platform.startswith("linux") else "pyttsx3"
    return name


def open_engine(name: str | None = None, workers: int | None = None) -> SpeechEngine:
    """The engine called ``name``; ``None`` is the default (:func:`default_engine_name`).

    piper and espeak synthesise in up to ``workers`` worker processes (default: one
    per core), started only when a phrase is not cached (:mod:`coach.speech.workers`);
    pyttsx3 in its own contained worker.
    """
    name = check_engine_name(name or default_engine_name())
    if name == "pyttsx3":
        return Pyttsx3Engine()
    from coach.speech.workers import WorkerEngine

    return WorkerEngine(name, workers=workers or os.cpu_count() or 1, threads=1)
