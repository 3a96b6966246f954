"""Typed, frozen model of routines and techniques (the validated YAML).

Built by :mod:`coach.routines.loader` from YAML; consumed by :mod:`coach.compiler.compile`.
Durations are seconds (float). Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.routines.overlay import TextOverlay

#: A file's text in other languages: (language code, overlay) pairs.
Texts = tuple[tuple[str, "TextOverlay"], ...]

#: How much the coach talks (routine key and ``--talk``): quiet keeps safety, section
#: changes, pace changes and countdowns; normal adds some form cues; chatty says every
#: form cue and all the encouragement.
TALK_LEVELS: tuple[str, ...] = ("quiet", "normal", "chatty")
#: Paces a segment can ask for; each has a default cadence (steps/minute).
PACES: dict[str, float] = {"slow": 80.0, "easy": 90.0, "moderate": 100.0, "brisk": 110.0}


#: The longest voice, engine and language a routine file may name; the command line's
#: --voice, --engine and --language take the same (coach.cli.options; issue 12).
SPEECH_KEY_CHARS = {"voice": 80, "engine": 40, "language": 20}
#: The speech engines a routine's ``engine:`` may name (coach.speech opens them).
SPEECH_ENGINES: tuple[str, ...] = ("piper", "espeak", "pyttsx3")


@dataclass(frozen=True)
class SpeechSettings:
    """How cues are spoken. ``None`` means the engine's default."""

    engine: str | None = None
    voice: str | None = None
    language: str = "en"
    rate_wpm: int = 160
    volume: float = 1.0


@dataclass(frozen=True)
class Reminder:
    """A recurring cue: every ``every_s`` seconds one phrase of a rotating pool."""

    every_s: float
    phrases: tuple[str, ...]
    kind: str = "posture"
    offset_s: float | None = None  # first one after this many seconds; default every_s


@dataclass(frozen=True)
class Stretch:
    """A held stretch (cool-down): said, held with a countdown, released."""

    name: str
    #: One-sided stretch (``sided``): (left, right), both said in every round, back to
    #: back, as one pair. Otherwise round k says say[(k - 1) % len(say)].
    say: tuple[str, ...]
    hold_s: float = 30.0
    sided: bool = False
    sitting: bool = False  # done sitting down: the coach gives time to sit and to stand up


@dataclass(frozen=True)
class Technique:
    id: str
    name: str
    description: str
    pace: str | None = None
    cadence_spm: float | None = None
    intro: tuple[str, ...] = ()
    safety: tuple[str, ...] = ()
    form: tuple[str, ...] = ()
    form_every_s: float = 60.0
    encouragement: tuple[str, ...] = ()
    stretches: tuple[Stretch, ...] = ()
    rounds: int = 1  # how many times the stretches are gone through
    countdown_s: int = 0  # spoken countdown over the last N seconds of the section
    closing: tuple[str, ...] = ()
    #: A pool of opening lines: one is said after the intro, a different one each
    #: session (the routine's ``variant`` picks it).
    openers: tuple[str, ...] = ()
    #: The cue pools a ``talk: quiet`` session still says ("form": a warm-up's moves,
    #: a posture check's steps); tagged in the technique's YAML (key ``quiet``).
    quiet: tuple[str, ...] = ()
    #: Its form cues are steps said in their order from the first in every session (a
    #: warm-up's moves, a posture check's head-to-feet); otherwise each session of a
    #: programme starts its form pool further on (key ``in_order``).
    in_order: bool = False
    text_language: str = "en"  # the language its text is written in
    texts: Texts = ()  # its text in other languages (coach.routines.texts lays them over)


@dataclass(frozen=True)
class Segment:
    """One technique for a while, with optional overrides."""

    technique: str
    duration_s: float
    title: str | None = None
    pace: str | None = None
    cadence_spm: float | None = None
    intro: tuple[str, ...] | None = None  # None: the technique's own
    form: tuple[str, ...] | None = None
    say: tuple[str, ...] = ()  # extra lines after the intro
    safety: tuple[str, ...] = ()  # extra safety lines after the technique's own
    reminders: tuple[Reminder, ...] = ()
    countdown_s: int | None = None
    line: int = 0  # where it stands in its file, for messages


@dataclass(frozen=True)
class Repeat:
    """``times`` x the inner segments (e.g. 3 x [3m easy, 3m brisk])."""

    times: int
    segments: tuple[Segment | Repeat, ...]
    line: int = 0


#: The step metronome's level relative to the speech (LU): `metronome_level:` and
#: ``--metronome-level`` both take -30 to 0.
METRONOME_LU_RANGE = (-30.0, 0.0)


@dataclass(frozen=True)
class Routine:
    id: str
    title: str
    segments: tuple[Segment | Repeat, ...]
    description: str = ""
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    cadence_spm: float | None = None
    reminders: tuple[Reminder, ...] = ()
    pronunciations: tuple[tuple[str, str], ...] = ()  # (word, respelling)
    source: str = "<built-in>"
    #: Say the doctor check and the red flags before the walk (a first session, a
    #: flare-up walk).
    briefing: bool = False
    talk: str = "normal"  # one of TALK_LEVELS
    #: The step metronome's level relative to the speech, in LU (`metronome_level:`);
    #: None: the default (``--metronome-level`` overrides it).
    metronome_lu: float | None = None
    #: Which session this is (the programme counts its walks): pools of cues start
    #: at a different line each session, so a week of walks does not repeat itself.
    variant: int = 0
    text_language: str = "en"  # the language its text is written in (its `language:`)
    texts: Texts = ()  # its text in other languages (coach.routines.texts lays them over)
    #: Its ``music:`` (a file or folder, relative to the routine's file, resolved) and
    #: where it is written ("FILE:LINE:COL", for a message about it); None: no music.
    music: str | None = None
    music_at: str = ""
    #: Where its ``voice:`` and ``language:`` keys are ("FILE:LINE:COL" by key), for errors
    #: the engine finds later (:class:`coach.errors.SettingError`).
    speech_at: tuple[tuple[str, str], ...] = ()

    @property
    def duration_s(self) -> float:
        return total_duration_s(self.segments)

    @property
    def sets_cadence(self) -> bool:
        """Whether the routine asks for a metronome track anywhere."""
        return self.cadence_spm is not None or _any_cadence(self.segments)


def total_duration_s(segments: tuple[Segment | Repeat, ...]) -> float:
    total = 0.0
    for seg in segments:
        if isinstance(seg, Repeat):
            total += seg.times * total_duration_s(seg.segments)
        else:
            total += seg.duration_s
    return total


def _any_cadence(segments: tuple[Segment | Repeat, ...]) -> bool:
    for seg in segments:
        if isinstance(seg, Repeat):
            if _any_cadence(seg.segments):
                return True
        elif seg.cadence_spm is not None:
            return True
    return False
