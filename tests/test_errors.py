"""Text shown to the user: quoted input is cut, unsafe characters are refused or escaped."""

from __future__ import annotations

import unicodedata

import hypothesis.strategies as st
from hypothesis import given, settings

from coach.errors import bad_character, shorten, terminal_safe

ANY = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()),
              max_size=80)


def _harmful(ch: str) -> bool:
    # what a terminal acts on or cannot show: C0/C1 controls, lone surrogates, bidi controls
    return (unicodedata.category(ch) in ("Cc", "Cs")
            or 0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069)


@settings(max_examples=500)
@given(ANY)
def test_terminal_safe_leaves_nothing_a_terminal_acts_on(text: str) -> None:
    out = terminal_safe(text)
    assert not any(_harmful(ch) and ch not in "\n\t" for ch in out)
    out.encode("utf-8")  # a lone surrogate cannot be printed at all
    if bad_character(text, allow="\n\t") is None:
        assert out == text  # text that passes the rule is printed as it is


@settings(max_examples=500)
@given(ANY)
def test_what_the_rule_accepts_is_printable_unchanged(text: str) -> None:
    if bad_character(text) is None:
        assert terminal_safe(text) == text and not any(_harmful(ch) for ch in text)


def test_escape_sequences_become_visible_text() -> None:
    assert terminal_safe("\x1b]0;pwned\a\x1b[2J") == "\\x1b]0;pwned\\x07\\x1b[2J"
    assert terminal_safe("abc\u202edef") == "abc\\u202edef"


@given(st.text(max_size=2000))
def test_shorten_bounds_every_quote(text: str) -> None:
    quoted = shorten(text)
    assert len(quoted) <= 60 + 30
    if len(repr(text)) <= 60:
        assert quoted == repr(text)


def test_shorten_says_how_long_the_input_was() -> None:
    assert shorten("x" * 900_000).endswith("... (900,000 characters)")
