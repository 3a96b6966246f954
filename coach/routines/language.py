"""Which language a session's text is in, and the checks that keep text and voice together.

Pure: codes and names only. A speech language such as ``en-gb`` picks the
text catalogue by its first part (``en``). The coach ships text in the
languages of :data:`TEXT_LANGUAGES`; a session asked for in another language,
or given a voice that speaks a different language from the text, is refused
with one line (exit 2) instead of reading one language with another's voice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from coach.errors import UsageError, shorten

#: Languages the coach has text for (catalogue code -> name).
TEXT_LANGUAGES: dict[str, str] = {"en": "English", "de": "German", "es": "Spanish",
                                   "fr": "French"}
#: What a language code looks like (BCP 47's shape: "en", "de-AT", "es-419", "fr_CA").
_CODE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,4}")
#: ISO 639-2 codes for ID3 language fields.
ISO_639_2: dict[str, str] = {"en": "eng", "de": "deu", "es": "spa", "fr": "fra"}
_NAMES = {"en": "English", "de": "German", "es": "Spanish", "fr": "French",
          "it": "Italian", "nl": "Dutch", "pt": "Portuguese"}


def id3_language(code: str) -> str:
    """The ISO 639-2 code ID3 language fields (USLT, SYLT, COMM) want: ``de`` -> ``deu``."""
    return ISO_639_2.get(text_language(code), "und")


def lrc_language(code: str) -> str:
    """The ISO 639-1 code of an LRC file's ``[la:]`` tag: ``de-DE`` -> ``de``."""
    return text_language(code)


def feed_language(code: str) -> str:
    """The RSS ``<language>`` of a feed whose episodes speak ``code`` (a timeline's
    ``language``): ``de``, ``es``, ``fr``, ``en`` (RFC 5646, as RSS 2.0 asks)."""
    return text_language(code)


def text_language(code: str) -> str:
    """The catalogue code for a speech language: ``en-GB`` -> ``en``."""
    return code.strip().lower().replace("_", "-").split("-")[0]


def language_name(code: str) -> str:
    base = text_language(code)
    return _NAMES.get(base, base)


def check_text_language(code: str) -> str:
    """The catalogue for ``code``; :class:`UsageError` (one line) when the coach has none,
    or when ``code`` is not a language code at all (``../..``, 4,000 letters: issue 12)."""
    if not _CODE.fullmatch(code):
        raise UsageError(f"language must be a code like en or de-AT, got {shorten(code)}")
    base = text_language(code)
    if base not in TEXT_LANGUAGES:
        have = ", ".join(f"{c} ({n})" for c, n in TEXT_LANGUAGES.items())
        raise UsageError(f"the coach has no {language_name(code)} ({code}) text; "
                         f"its cues would be read in English by a {language_name(code)} "
                         f"voice. Languages with text: {have}")
    return base


def check_voice_language(voice: str, voice_languages: Iterable[str], text_code: str) -> None:
    """Refuse a voice none of whose languages is the text's (no check when it lists none)."""
    langs = [text_language(lang) for lang in voice_languages if lang]
    base = text_language(text_code)
    if langs and base not in langs:
        raise UsageError(f"voice {voice!r} speaks {language_name(langs[0])} ({langs[0]}), but "
                         f"the session's text is {language_name(base)} ({base}); pick a voice "
                         f"for {base} (`coach voices --language {base}`) or set --language")
