"""The walker's language for what the commands print: an option, the settings, English."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.routines.lines import CoachLines
    from coach.routines.model import Routine


def walker_lines(language: str | None = None) -> CoachLines:
    """The lines the walker reads, in ``language`` (an option such as ``--language``),
    else the settings' ``language:`` (:func:`coach.config.user_language`), else English.
    A language the coach has no text for is one line, exit 2."""
    from coach.config import user_language
    from coach.routines.language import TEXT_LANGUAGES, check_text_language
    from coach.routines.library import load_lines

    return load_lines(check_text_language(language or user_language(TEXT_LANGUAGES) or "en"))


def say_when(lines: CoachLines, at: datetime) -> str:
    return f"{lines.say_date(at.date())} {at:%H:%M}"


def say_number(lines: CoachLines, value: float) -> str:
    return f"{value:g}".replace(".", lines.decimal_mark)


def in_walkers_language(routine: Routine, lines: CoachLines) -> Routine:
    """``routine`` (the programme's, or the one walked when none is named) said in the
    walker's language; ``--language`` still wins (``SpeechOverrides.apply``)."""
    import dataclasses

    return dataclasses.replace(routine, speech=dataclasses.replace(routine.speech,
                                                                   language=lines.language))
