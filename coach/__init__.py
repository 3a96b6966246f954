"""coach: a voice-guided walking coach for people with lower back pain.

The public API, imported lazily so ``import coach`` (and ``coach --help``) stays
instant::

    from coach import resolve_routine, compile_with_library
    timeline = compile_with_library(resolve_routine("figure-8"))
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "CoachError": "coach.errors",
    "RoutineError": "coach.errors",
    "UsageError": "coach.errors",
    "EngineError": "coach.errors",
    "OutputError": "coach.errors",
    "ExitStatus": "coach.errors",
    "Routine": "coach.routines.model",
    "Technique": "coach.routines.model",
    "SpeechSettings": "coach.routines.model",
    "Timeline": "coach.compiler.timeline",
    "Cue": "coach.compiler.timeline",
    "Section": "coach.compiler.timeline",
    "load_routine": "coach.routines.loader",
    "load_technique": "coach.routines.loader",
    "resolve_routine": "coach.routines.library",
    "routine_ids": "coach.routines.library",
    "load_techniques": "coach.routines.library",
    "compile_routine": "coach.compiler.compile",
    "estimate_speech_s": "coach.compiler.compile",
    "compile_with_library": "coach.session",
    "load_lines": "coach.routines.library",
    "CoachLines": "coach.routines.lines",
    "CompileWarning": "coach.compiler.timeline",
    "open_engine": "coach.speech",
    "PhraseCache": "coach.speech.phrase_cache",
    "SessionRenderer": "coach.audio.render",
    "write_session": "coach.export.writer",
    "export_many": "coach.export.writer",
    "prepare_session": "coach.session",
    "PreparedSession": "coach.session",
    "session_timeline": "coach.session",
    "History": "coach.programme.history",
    "WalkRecord": "coach.programme.history",
    "walk_routine": "coach.live.walk",
    "WalkIO": "coach.live.walk",
    "WalkOptions": "coach.live.walk",
    "Player": "coach.live.player",
}
__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:
    from coach.audio.render import SessionRenderer
    from coach.compiler.compile import compile_routine, estimate_speech_s
    from coach.compiler.timeline import CompileWarning, Cue, Section, Timeline
    from coach.errors import (
        CoachError,
        EngineError,
        ExitStatus,
        OutputError,
        RoutineError,
        UsageError,
    )
    from coach.export.writer import export_many, write_session
    from coach.live.player import Player
    from coach.live.walk import WalkIO, WalkOptions, walk_routine
    from coach.programme.history import History, WalkRecord
    from coach.routines.library import load_lines, load_techniques, resolve_routine, routine_ids
    from coach.routines.lines import CoachLines
    from coach.routines.loader import load_routine, load_technique
    from coach.routines.model import Routine, SpeechSettings, Technique
    from coach.session import (
        PreparedSession,
        compile_with_library,
        prepare_session,
        session_timeline,
    )
    from coach.speech import open_engine
    from coach.speech.phrase_cache import PhraseCache


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'coach' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
