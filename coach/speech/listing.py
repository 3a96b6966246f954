"""Every engine's voices, for ``coach voices``: which engine and voice are the defaults.

An engine that cannot be opened (Piper without its extra, pyttsx3 that will not
start) is listed with why, never an error: the listing is how a user finds out.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.errors import CoachError
from coach.routines.model import SpeechSettings
from coach.speech.base import VoiceInfo


@dataclass(frozen=True)
class EngineVoices:
    """One engine's part of the listing; ``problem`` says why it has no voices."""

    engine: str
    default: bool
    about: str
    voices: tuple[VoiceInfo, ...]
    default_voice: str | None = None
    problem: str | None = None


def list_engines(engine: str | None = None,
                 language: str = SpeechSettings.language) -> list[EngineVoices]:
    """Each engine (or only ``engine``) with its voices; the default engine first."""
    from coach.speech import ENGINES, check_engine_name, default_engine_name

    default = default_engine_name()
    names = [check_engine_name(engine)] if engine else \
        [default, *(n for n in ENGINES if n != default)]
    return [_engine_voices(name, name == default, language) for name in names]


def _engine_voices(name: str, default: bool, language: str) -> EngineVoices:
    from coach.speech import open_engine

    try:
        tts = open_engine(name)
        voices = tuple(tts.voices())
        about = tts.version
    except CoachError as err:
        return EngineVoices(name, default, "", (), problem=str(err))
    try:
        chosen = default_voice(name, voices, language)
        if name == "piper":
            from coach.speech.piper_engine import user_voices_dir

            about += f"; add voices as NAME.onnx + NAME.onnx.json in {user_voices_dir()}"
        return EngineVoices(name, default, about, voices, chosen)
    finally:
        close = getattr(tts, "close", None)
        if close is not None:
            close()


def default_voice(engine: str, voices: tuple[VoiceInfo, ...], language: str) -> str | None:
    """The voice ``engine`` speaks ``language`` with when a routine names none."""
    if engine == "piper":
        from coach.speech.piper_engine import find_voice, piper_voices

        try:
            return find_voice(None, language, piper_voices()).id
        except CoachError:
            return None
    for voice in voices:  # espeak-ng (and pyttsx3's espeak driver) pick by language name
        if voice.id.rsplit("/", 1)[-1].casefold() == language.casefold():
            return voice.id
    return None
