"""Session preparation: the one way a routine becomes what a sink plays.

``compile_with_library`` compiles a routine against the technique library and
the coach's own lines (the pure compiler is given both).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.compiler.timeline import SpeechTimer, Timeline
    from coach.routines.model import Routine


def compile_with_library(routine: Routine, speech_s: SpeechTimer | None = None) -> Timeline:
    """Compile ``routine`` with the user's technique library and the coach's lines.

    ``speech_s(text)`` gives how long a phrase takes to say (default: the
    words-per-minute estimate).
    """
    from coach.compiler.compile import compile_routine
    from coach.routines.library import load_lines, load_techniques

    return compile_routine(routine, speech_s, techniques=load_techniques(), lines=load_lines())
