"""The compiled session: sections and spoken cues at absolute times.

A :class:`Timeline` is what the compiler produces and what every renderer and
sink consumes. It is plain, frozen data; :meth:`Timeline.to_json` is the
stable interface documented in the README (``coach compile --format json``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from coach.routines.durations import format_clock

#: Cue kinds, highest priority first. A countdown is pinned: never moved,
#: dropped or talked over. Then safety > technique > pace > posture >
#: encouragement, as DESIGN.md sets.
PRIORITY: dict[str, int] = {
    "countdown": 6,
    "safety": 5,
    "technique": 4,
    "pace": 3,
    "posture": 2,
    "encouragement": 1,
}
KINDS: tuple[str, ...] = tuple(PRIORITY)

#: How long a phrase takes to say, in seconds. The compiler is given one:
#: an estimate in pure tests, measured from the phrase cache in real use.
SpeechTimer = Callable[[str], float]


@dataclass(frozen=True)
class Section:
    """One stretch of the walk with one technique (a repeat gives several)."""

    title: str
    technique: str
    start_s: float
    end_s: float
    pace: str | None = None
    cadence_spm: float | None = None

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class Cue:
    """One utterance: said from ``at_s`` for ``speech_s`` seconds."""

    at_s: float
    text: str
    kind: str
    priority: int
    section: int  # index into Timeline.sections
    speech_s: float

    @property
    def end_s(self) -> float:
        return self.at_s + self.speech_s


@dataclass(frozen=True)
class CadencePoint:
    """From ``at_s`` on, the step metronome beats ``spm`` steps per minute (0: silent)."""

    at_s: float
    spm: float


@dataclass(frozen=True)
class CompileWarning:
    """A cue the compiler moved or dropped, or a section it had to shorten.

    ``action`` is ``moved`` (``moved_by_s`` says how far), ``dropped`` or
    ``shortened``; ``kind`` is the cue's kind (``section`` for a shortened
    section); ``text`` the cue's words (or the section's title); ``why`` the reason.
    ``str()`` gives the one line the CLI prints.
    """

    at_s: float
    action: str
    kind: str
    text: str
    why: str
    moved_by_s: float | None = None

    def __str__(self) -> str:
        at = format_clock(max(0.0, self.at_s))  # a cue dropped before the start: 00:00
        if self.action == "moved":
            return (f"{at} moved {self.kind} cue {self.text!r} {self.moved_by_s or 0:.1f} s later: "
                    f"{self.why}")
        if self.action == "dropped":
            return f"{at} dropped {self.kind} cue {self.text!r}: {self.why}"
        return f"{at} {self.text!r} is {self.why}"


@dataclass(frozen=True)
class Timeline:
    routine: str
    title: str
    duration_s: float
    sections: tuple[Section, ...]
    cues: tuple[Cue, ...]
    #: Present only when the routine sets a cadence somewhere.
    cadence: tuple[CadencePoint, ...] | None = None
    #: Cues the compiler moved or dropped, with the reason. Not part of JSON.
    warnings: tuple[CompileWarning, ...] = field(default=(), compare=False)
    #: The language of every cue's text (a catalogue code: en, de, es, fr). Not part
    #: of JSON; tags carry it (coach.routines.language.id3_language, lrc_language).
    language: str = "en"

    def section_at(self, at_s: float) -> int:
        """Index of the section playing at ``at_s`` (the last one at the end)."""
        for i, s in enumerate(self.sections):
            if s.start_s <= at_s < s.end_s:
                return i
        return len(self.sections) - 1

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "routine": self.routine,
            "title": self.title,
            "duration_s": self.duration_s,
            "sections": [
                {"title": s.title, "technique": s.technique, "start_s": s.start_s,
                 "end_s": s.end_s}
                for s in self.sections
            ],
            "cues": [
                {"at_s": c.at_s, "text": c.text, "kind": c.kind, "priority": c.priority,
                 "section": c.section, "speech_s": c.speech_s}
                for c in self.cues
            ],
        }
        if self.cadence is not None:
            out["cadence"] = [{"at_s": p.at_s, "spm": p.spm} for p in self.cadence]
        return out
