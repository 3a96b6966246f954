"""What `check` accepts, the voice can say: the spoken-text rule, with real espeak-ng behind it.

The property: any text, of any characters, either is refused at load time with a
position, or loads, compiles, prints in every format and (slow test) is spoken by
the real engine. Example counts are in the settings below.
"""

from __future__ import annotations

import json

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, assume, given, settings

from coach.errors import RoutineError, bad_character, terminal_safe
from coach.export.formats import render
from coach.routines.library import load_lines
from coach.routines.loader import load_routine
from coach.routines.spoken import MAX_WORD_CHARS, speech_problem

LINES = load_lines()
TECHS = ("walk",)
#: Every code point, surrogates and controls included, weighted toward the troublesome ones.
ANY_CHAR = st.one_of(
    st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()),
    st.sampled_from(["\x00", "\x1b", "\a", "\u202e", "\u2066", "\ud800", "\udfff", "\x85",
                     "\u2028", "中", "ж", "a", " ", "!", "{", "}", "\t", "\n", "\ufeff"]))
ANY_TEXT = st.text(ANY_CHAR, min_size=0, max_size=60)


def routine_saying(text: str, title: str = "Walk") -> bytes:
    # json.dumps writes a YAML double-quoted scalar: \u escapes carry any code point
    return (f"title: {json.dumps(title)}\nsegments:\n  - technique: walk\n    duration: 1m\n"
            f"    say: [{json.dumps(text)}]\n").encode()


def accepted_or_refused_at_a_place(data: bytes, small_techniques) -> list[str] | None:
    """The routine's cue texts when it loads; None when refused (with a real position)."""
    try:
        routine = load_routine(data, "t.yaml", "t", TECHS)
    except RoutineError as err:
        assert all(p.line >= 1 and p.col >= 1 and len(str(p)) < 300 for p in err.problems)
        return None
    from coach.compiler.compile import compile_routine

    timeline = compile_routine(routine, techniques=small_techniques, lines=LINES)
    for fmt in ("text", "json", "lrc", "srt"):
        out = render(timeline, fmt)
        out.encode("utf-8")  # a lone surrogate raised here before
        assert terminal_safe(out) == out  # nothing to escape: nothing unsafe got through
    return [cue.text for cue in timeline.cues]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=ANY_TEXT, title=ANY_TEXT)
def test_any_text_is_refused_with_a_position_or_compiles_and_prints(small_techniques, text,
                                                                    title):
    texts = accepted_or_refused_at_a_place(routine_saying(text, title), small_techniques)
    if texts is not None:
        assert all(bad_character(t) is None and speech_problem(t) is None for t in texts)


_WALK_TALL = "segments:\n  - technique: walk\n    duration: 1m\n    say: [Walk tall.]\n"
#: Every text key of a routine, the new ones too (music, language, the per-language text:
#: parts): ``{t}`` is the text, written as a YAML double-quoted scalar.
TEXT_FIELDS = {
    "say": "title: x\nsegments:\n  - technique: walk\n    duration: 1m\n    say: [{t}]\n",
    "title": "title: {t}\nsegments:\n  - technique: walk\n    duration: 1m\n",
    "description": "title: x\ndescription: {t}\nsegments:\n  - technique: walk\n"
                   "    duration: 1m\n",
    "reminder": "title: x\nreminders:\n  - every: 20s\n    say: [{t}]\nsegments:\n"
                "  - technique: walk\n    duration: 1m\n",
    "respelling": "title: x\npronunciations:\n  walk: {t}\nsegments:\n  - technique: walk\n"
                  "    duration: 1m\n    say: [Walk tall.]\n",
    "music": "title: x\nmusic: {t}\nsegments:\n  - technique: walk\n    duration: 1m\n",
    "language": "title: x\nlanguage: {t}\nsegments:\n  - technique: walk\n    duration: 1m\n",
    "text-title": "title: x\ntext:\n  de:\n    title: {t}\n    segments:\n"
                  "      - say: [Geh aufrecht.]\n" + _WALK_TALL,
    "text-say": "title: x\ntext:\n  fr:\n    title: Marche\n    segments:\n"
                "      - say: [{t}]\n" + _WALK_TALL,
    "text-code": "title: x\ntext:\n  {t}:\n    title: Hallo\n    segments:\n"
                 "      - say: [Geh aufrecht.]\n" + _WALK_TALL,
}
FIELD_TEXT = st.one_of(ANY_TEXT, st.sampled_from(["de", "xx", "en-US", "../..", "a" * 900_000,
                                                  "~/Music", "/dev/zero", "", " "]))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(sorted(TEXT_FIELDS)), text=FIELD_TEXT)
def test_any_text_in_any_text_key_is_refused_at_its_place_or_compiles_in_its_languages(
        small_techniques, field, text):
    # what check accepts (load_routine), compile accepts in every language the file has text
    # for (its own and each text: part, as --language picks them) and prints in every format
    from coach.compiler.compile import compile_routine
    from coach.routines.texts import routine_in

    data = TEXT_FIELDS[field].format(t=json.dumps(text)).encode()
    try:
        routine = load_routine(data, "t.yaml", "t", TECHS)
    except RoutineError as err:
        assert all(p.line >= 1 and p.col >= 1 and len(str(p)) < 300 for p in err.problems)
        return
    for language in (routine.text_language, *dict(routine.texts)):
        timeline = compile_routine(routine_in(routine, language), techniques=small_techniques,
                                   lines=load_lines(language))
        for fmt in ("text", "json", "lrc", "srt"):
            out = render(timeline, fmt)
            out.encode("utf-8")
            assert terminal_safe(out) == out
        assert all(bad_character(c.text) is None and speech_problem(c.text, language) is None
                   for c in timeline.cues)


@pytest.mark.parametrize("text, problem", [
    ("\\ud800 hi", "lone surrogate (U+D800)"),
    ("a\\0b", "U+0000 (NUL)"),
    ("\\e[2J cleared", "U+001B (ESC)"),
    ("ding\\a", "U+0007"),
    ("\\u202eevil", "RIGHT-TO-LEFT OVERRIDE"),
    ("!!! ...", "has no words to say"),
    ("a" * 400, "has a word of 400 letters"),
    ("你好 walk", "letters the en voice cannot say ('你', cjk script)"),
])
def test_each_class_is_refused_at_its_line(text, problem):
    data = (b'title: x\nsegments:\n  - technique: walk\n    duration: 1m\n    say: ["'
            + text.encode() + b'"]\n')
    with pytest.raises(RoutineError) as err:
        load_routine(data, "t.yaml", "t", TECHS)
    (only,) = err.value.problems
    assert (only.line, only.col) == (5, 11) and problem in only.message
    assert len(only.message) < 160  # a 400-letter word is not echoed whole


def test_text_the_voice_can_say_passes():
    for ok in ("Tall back, shoulders soft.", "Straße, señor, garçon, déjà vu.", "2026 1º",
               "a" * MAX_WORD_CHARS):
        assert speech_problem(ok) is None


#: Characters a cue can hold that `check` accepts: letters of the four text languages,
#: digits, every ASCII symbol, and spaces; weighted toward what espeak-ng spells or names.
SAYABLE_CHAR = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                    "áéíóúñçàèäöüßœæøåÿºª0123456789"
                                    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~     "))
GIBBERISH_RUN = st.text(st.sampled_from(list("bcdfghjklmnpqrstvwxzaeiouy!%@#&")), min_size=1,
                        max_size=MAX_WORD_CHARS)
SAYABLE = st.lists(st.one_of(st.text(SAYABLE_CHAR, min_size=1, max_size=12), GIBBERISH_RUN),
                   min_size=1, max_size=6).map(" ".join)
#: How many texts go through real espeak-ng in its worker processes (the number in the note).
ENGINE_EXAMPLES = 1000


@pytest.mark.slow
@settings(max_examples=ENGINE_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
@given(text=SAYABLE, language=st.sampled_from(["en", "de", "es", "fr"]),
       rate=st.sampled_from([80, 160, 300, 450]))
def test_every_text_check_accepts_real_espeak_says(espeak_workers, text, language, rate):
    # the other half of "check ok -> compile ok": any text the rule accepts (gibberish runs
    # espeak-ng spells, symbols it names, "xsaaaa", "!e") is synthesised by the real engine in
    # its worker processes (where the clip check runs, with espeak-ng's own phoneme count).
    from coach.routines.model import SpeechSettings
    from coach.speech.base import clip_problem

    assume(speech_problem(text, language) is None and bad_character(text) is None)
    settings_ = SpeechSettings(language=language, rate_wpm=rate)
    clip = espeak_workers.synthesize(text, settings_)
    assert clip.spoken_units is not None  # stored with the clip in the phrase cache
    assert clip_problem(clip, text, rate, clip.spoken_units) is None  # speech, trimmed


@pytest.mark.slow
@pytest.mark.parametrize("text, language", [
    ("xsaaaa", "en"), ("!e", "en"), ("%ckt", "en"), ("w" * MAX_WORD_CHARS, "en"),
    ("jhmpxllcsnz thdxxrdxvpqtwpjktcgbu", "en"), ("@@@@@@@@ hi", "en"),
    ("kJpCTnchwkaNdNZFGiZHgrdvpKCMOPGmYaE", "en"), ("ÿ", "es"), ("œ ß ú å w", "es"),
    ("O O O O", "es"), ("a a a a", "es"), ("o o o o o o", "es")])
@pytest.mark.parametrize("rate", [80, 300, 450])
def test_text_espeak_spells_or_names_is_said(espeak_workers, text, language, rate):
    # each failed the clip check's length bound before it counted espeak-ng's own phonemes;
    # "ÿ" and "œ ß ú å w" are the most words per character measured (es: "y con diéresis");
    # the Spanish vowels ("a", "o" are words) were shorter than the words-only lower bound
    from coach.routines.model import SpeechSettings

    assert speech_problem(text, language) is None and bad_character(text) is None
    clip = espeak_workers.synthesize(text, SpeechSettings(language=language, rate_wpm=rate))
    assert len(clip.samples) > 0


@pytest.mark.slow
@pytest.mark.parametrize("text", ["Incomprehensibilities", "Internationalisation, responsibilities.",
                                  "Rindfleischetikettierung", "bababa! bababababa"])
def test_real_long_words_pass_the_engine_clip_check(text):
    # the clip check counted words, not letters: these failed compile after check said ok
    from coach.routines.model import SpeechSettings
    from coach.speech import open_engine

    assert speech_problem(text) is None
    assert len(open_engine("espeak").synthesize(text, SpeechSettings()).samples) > 0


@pytest.fixture(scope="module", params=["piper", "pyttsx3"])
def engine_over_espeak(request):
    """Piper (in 2 worker processes) and pyttsx3: both read text through espeak-ng."""
    from coach.speech import Pyttsx3Engine, open_engine
    from coach.speech.piper_engine import piper_installed

    if request.param == "piper" and not piper_installed():
        pytest.skip("the `voice` extra (piper-tts) is not installed")
    engine = Pyttsx3Engine() if request.param == "pyttsx3" \
        else open_engine("piper", workers=2)
    yield engine
    engine.close()


@pytest.mark.slow
@pytest.mark.parametrize("text", ["%hnvlf", "e=ei!t*", "zftxan%jkbo", "*ux+| |",
                                  "czfiqjlp@ot!@#x"])
@pytest.mark.parametrize("rate", [80, 160])
def test_text_piper_and_pyttsx3_spell_or_name_is_said(engine_over_espeak, text, rate):
    # each failed the words-only clip bound with Piper and pyttsx3 (measured): both now pass
    # their engine's own count of what it says, as espeak-ng does
    from coach.routines.model import SpeechSettings

    assert speech_problem(text) is None and bad_character(text) is None
    clip = engine_over_espeak.synthesize(
        text, SpeechSettings(engine=engine_over_espeak.name, rate_wpm=rate))
    assert len(clip.samples) > 0 and clip.spoken_units is not None


#: How many texts go through each of Piper and pyttsx3 (the number in the note).
OTHER_ENGINE_EXAMPLES = 100


@pytest.mark.slow
@settings(max_examples=OTHER_ENGINE_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
@given(text=SAYABLE, rate=st.sampled_from([80, 160, 300, 450]))
def test_every_text_check_accepts_piper_and_pyttsx3_say(engine_over_espeak, text, rate):
    from coach.routines.model import SpeechSettings
    from coach.speech.base import clip_problem

    assume(speech_problem(text) is None and bad_character(text) is None)
    clip = engine_over_espeak.synthesize(
        text, SpeechSettings(engine=engine_over_espeak.name, rate_wpm=rate))
    assert clip_problem(clip, text, rate, clip.spoken_units) is None
