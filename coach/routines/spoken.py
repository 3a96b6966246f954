"""What text the voice can say: the rule every spoken line passes at load time (pure).

A line the engine cannot say fails late (compile, export, the walk), after
`coach check` said ok. So the loader applies the engine's needs to every spoken
line at once, with a position: at least one word, no word longer than
:data:`MAX_WORD_CHARS` (espeak-ng spells longer ones letter by letter, far past
a plausible length), and letters only of the scripts the session's languages
are written in (:data:`SCRIPTS`; every language the coach has text for uses
Latin letters). Characters that cannot be printed at all are refused before
this, for all text (:func:`coach.errors.bad_character`).
"""

from __future__ import annotations

import re
import unicodedata

from coach.errors import shorten

#: The longest word a cue may hold (German compounds included).
MAX_WORD_CHARS = 45
#: Scripts (the first word of a letter's Unicode name) the voices of a text language read.
SCRIPTS: dict[str, tuple[str, ...]] = {"en": ("LATIN",), "de": ("LATIN",), "es": ("LATIN",),
                                       "fr": ("LATIN",)}
_WORD = re.compile(r"[^\W_]+")
_ALSO_LETTERS = frozenset("ªº")  # Spanish ordinals: letters with no script in their name


def speech_problem(text: str, language: str = "en") -> str | None:
    """Why the voice of ``language`` cannot say ``text``, or None."""
    words = _WORD.findall(text)
    if not words:
        return f"has no words to say: {shorten(text)}"
    longest = max(words, key=len)
    if len(longest) > MAX_WORD_CHARS:
        return (f"has a word of {len(longest):,} letters ({shorten(longest, 30)}); "
                f"at most {MAX_WORD_CHARS}")
    scripts = SCRIPTS.get(language, ("LATIN",))
    for ch in text:
        if ch.isalpha() and ch not in _ALSO_LETTERS:
            script = unicodedata.name(ch, "?").split(" ")[0]
            if script not in scripts:
                return (f"has letters the {language} voice cannot say ({ch!r}, "
                        f"{script.lower()} script); write it in {'/'.join(scripts).lower()} "
                        "letters")
    return None
