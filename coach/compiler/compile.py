"""Routine -> Timeline: every spoken cue at an absolute time (pure).

:func:`compile_routine` expands the routine into sections
(:mod:`coach.compiler.expand`), places every cue so no two utterances overlap
(:mod:`coach.compiler.place`, which documents the order of placement) and checks
the result (:mod:`coach.compiler.check`). Times are integer milliseconds inside,
so the result is exact and deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping

from coach.compiler.expand import expand_routine
from coach.compiler.place import CHIME_MS, GAP_MS, LEAD_IN_MS, Placer
from coach.compiler.timeline import SpeechTimer, Timeline
from coach.routines.lines import CoachLines
from coach.routines.model import Routine, Technique

__all__ = ["CHIME_MS", "GAP_MS", "LEAD_IN_MS", "compile_routine", "estimate_speech_s", "plural"]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def estimate_speech_s(text: str, rate_wpm: int = 160) -> float:
    """A words-per-minute guess at how long ``text`` takes to say."""
    words = len(text.split())
    pauses = sum(text.count(c) for c in ",.;:!?")
    return round(0.2 + words * 60.0 / rate_wpm + 0.15 * pauses, 3)


def compile_routine(routine: Routine, speech_s: SpeechTimer | None = None, *,
                    techniques: Mapping[str, Technique], lines: CoachLines) -> Timeline:
    """Compile ``routine`` into a timeline (see the module docstring).

    ``techniques`` maps every technique id the routine names to its technique,
    ``lines`` are the coach's own fixed lines; both come from the library
    (:func:`coach.session.compile_with_library` passes them), so this stays pure.
    ``speech_s(text)`` is how long a phrase takes to say (default: an estimate).
    """
    if speech_s is None:
        rate = routine.speech.rate_wpm

        def speech_s(text: str) -> float:
            return estimate_speech_s(text, rate)

    plans = list(expand_routine(routine, techniques, lines.printed["section_round"]))
    return Placer(routine, plans, speech_s, lines).run()
