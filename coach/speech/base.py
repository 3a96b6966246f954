"""What every speech engine shares: the protocol, and the check each clip passes.

Every clip from any engine passes :func:`clip_problem` (not empty, not silent,
a plausible length for its words at its rate), is retried a couple of times if
it fails, and comes out trimmed to its speech (:func:`synthesize_checked`):
its first sample is the speech onset, its last is where speech ends.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from typing import Protocol

import numpy as np

from coach.audio.clip import Clip
from coach.errors import EngineError, UsageError
from coach.routines.model import SpeechSettings

#: A clip whose peak stays below this (about -36 dBFS) is silent: the engine failed.
MIN_PEAK = 500
#: espeak-ng speaks between these rates (words per minute); others are clamped.
MIN_RATE_WPM, MAX_RATE_WPM = 80, 450
#: How many times a bad clip is synthesised before :class:`EngineError`.
ATTEMPTS = 3


class PhraseError(EngineError):
    """One phrase could not be said (a native crash in its worker, or no good clip after
    the retries); ``text`` is the phrase. A live walk goes on without it."""

    def __init__(self, text: str, message: str) -> None:
        super().__init__(message)
        self.text = text


@dataclass(frozen=True)
class Spoken(Clip):
    """A clip as an engine said it, with the engine's own count (in words) of what it
    said when it knows one (:func:`clip_problem`'s ``spoken_units``): the phrase cache
    stores it with the clip, so a cached clip of "xsaaaa" is checked as it was made."""

    spoken_units: float | None = None


@dataclass(frozen=True)
class VoiceInfo:
    """A voice an engine offers; ``id`` is what a routine's ``voice:`` takes."""

    id: str
    name: str
    languages: tuple[str, ...]


class SpeechEngine(Protocol):
    """Turns text into speech. ``name`` and ``version`` key the phrase cache."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    def synthesize(self, text: str, settings: SpeechSettings) -> Clip: ...

    def voices(self) -> list[VoiceInfo]: ...

    def check(self, settings: SpeechSettings) -> None:
        """Refuse the settings' voice before any synthesis if the engine does not have it
        (:class:`UsageError`, with "did you mean")."""
        ...

    def model_identity(self, settings: SpeechSettings) -> str:
        """What else keys the phrase cache: the voice model's file identity (Piper), or
        "" where the version already covers the voice data (espeak-ng)."""
        ...


_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")


def rate_wpm(settings: SpeechSettings) -> int:
    """The rate the engine really uses: the setting clamped to espeak-ng's range."""
    return min(MAX_RATE_WPM, max(MIN_RATE_WPM, int(settings.rate_wpm)))


def words_in(text: str) -> int:
    """How many words ``text`` holds; :class:`UsageError` if there is nothing to say."""
    words = len(_WORD.findall(text))
    if words == 0:
        raise UsageError(f"nothing to say in {text!r}")
    return words


def clip_problem(clip: Clip, text: str, rate: int,
                 spoken_units: float | None = None) -> str | None:
    """What is wrong with an engine's clip for ``text`` at ``rate`` wpm, or None.

    Measured with espeak-ng on every built-in cue at 80-450 wpm, speech takes
    0.39-1.47x the nominal time of its words (each digit counted as up to
    three more words: "2026" is "twenty twenty-six"). The bounds, 0.25x to
    2x + 0.3 s, catch empty, cut-off, stuck, stale and far-off-rate output.
    ``spoken_units`` is the engine's own count, in words, of what it will say
    when it knows it (espeak-ng: from its phonemes, so a spelled-out "xsaaaa" or
    a symbol read by name, "!e", has room); the upper bound takes the larger, the lower
    the smaller (Spanish "a o a" is one vowel a word: 0.29x its words at 300 wpm, and at
    least 0.45x the smaller of the two over 400 such texts).
    """
    if len(clip.samples) == 0:
        return "no audio"
    peak = int(np.abs(clip.samples.astype(np.int32)).max())
    if peak < MIN_PEAK:
        return f"silent audio (peak {peak})"
    nominal_s = 60.0 / rate
    words = words_in(text)
    low_s = 0.25 * (words if spoken_units is None else min(words, spoken_units)) * nominal_s
    # a long word takes longer than a short one: each counts as at least its letters / 5
    # ("incomprehensibilities" is 4.2 words), so real long words pass (issue 12)
    long_words = sum(max(1.0, len(w) / 5) for w in _WORD.findall(text))
    units = max(long_words + 3 * len(_DIGIT.findall(text)), spoken_units or 0.0)
    high_s = 2.0 * units * nominal_s + 0.3
    speech_s = clip.trimmed().duration_s
    if not low_s <= speech_s <= high_s:
        return (f"{speech_s:.2f} s of speech for {words_in(text)} words at {rate} wpm "
                f"(expected {low_s:.2f}-{high_s:.2f} s)")
    return None


def synthesize_checked(name: str, text: str, settings: SpeechSettings,
                       attempt: Callable[[str, SpeechSettings], Clip],
                       attempts: int = ATTEMPTS, spoken_units: float | None = None) -> Spoken:
    """Run ``attempt`` until its clip passes :func:`clip_problem`; return it trimmed, with
    ``spoken_units`` (else the attempt's own, when it returns a :class:`Spoken`).

    ``attempt`` may raise :class:`EngineError` for a failure worth retrying
    (a hang); :class:`UsageError` (an unknown voice) is raised at once.
    """
    words_in(text)
    problem = ""
    for _ in range(attempts):
        try:
            clip = attempt(text, settings)
        except EngineError as err:
            problem = str(err)
            continue
        units = spoken_units if spoken_units is not None else getattr(clip, "spoken_units", None)
        bad = clip_problem(clip, text, rate_wpm(settings), units)
        if bad is None:
            trimmed = clip.trimmed()
            return Spoken(trimmed.samples, trimmed.sample_rate_hz, units)
        problem = bad
    raise PhraseError(text, f"{name} could not say {text[:80]!r} after {attempts} attempts: "
                            f"{problem}")


def package_version(name: str) -> str:
    """An installed package's version, or "?" (for cache keys and messages)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"
