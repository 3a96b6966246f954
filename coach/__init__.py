"""coach: a voice-guided walking coach for people with lower back pain.

The public API, imported lazily so ``import coach`` (and ``coach --help``) stays
instant::

    from coach import resolve_routine, compile_routine
    timeline = compile_routine(resolve_routine("figure-8"))
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "CoachError": "coach.errors", "RoutineError": "coach.errors", "UsageError": "coach.errors",
    "EngineError": "coach.errors", "OutputError": "coach.errors", "ExitStatus": "coach.errors",
    "Routine": "coach.model", "Technique": "coach.model", "SpeechSettings": "coach.model",
    "Timeline": "coach.timeline", "Cue": "coach.timeline", "Section": "coach.timeline",
    "load_routine": "coach.loader", "load_technique": "coach.loader",
    "resolve_routine": "coach.library", "routine_ids": "coach.library",
    "load_techniques": "coach.library",
    "compile_routine": "coach.compiler", "estimate_speech_s": "coach.compiler",
    "open_engine": "coach.speech", "PhraseCache": "coach.phrase_cache",
    "SessionRenderer": "coach.render", "export_session": "coach.export",
    "export_many": "coach.export", "prepare_session": "coach.export",
    "History": "coach.history", "WalkRecord": "coach.history",
    "walk_routine": "coach.walk", "WalkOptions": "coach.walk", "Player": "coach.player",
}
__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:
    from coach.compiler import compile_routine, estimate_speech_s
    from coach.errors import (
        CoachError,
        EngineError,
        ExitStatus,
        OutputError,
        RoutineError,
        UsageError,
    )
    from coach.export import export_many, export_session, prepare_session
    from coach.history import History, WalkRecord
    from coach.library import load_techniques, resolve_routine, routine_ids
    from coach.loader import load_routine, load_technique
    from coach.model import Routine, SpeechSettings, Technique
    from coach.phrase_cache import PhraseCache
    from coach.player import Player
    from coach.render import SessionRenderer
    from coach.speech import open_engine
    from coach.timeline import Cue, Section, Timeline
    from coach.walk import WalkOptions, walk_routine


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'coach' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
