"""Numbers and durations as they are said in each language."""

import pytest

from coach.routines.numbers import say_minutes, say_number


@pytest.mark.parametrize(("lang", "n", "words"), [
    ("en", 0, "zero"), ("en", 21, "twenty-one"), ("en", 99, "ninety-nine"),
    ("de", 1, "eins"), ("de", 21, "einundzwanzig"), ("de", 37, "siebenunddreißig"),
    ("de", 16, "sechzehn"), ("de", 30, "dreißig"),
    ("es", 16, "dieciséis"), ("es", 22, "veintidós"), ("es", 31, "treinta y uno"),
    ("es", 40, "cuarenta"),
    ("fr", 21, "vingt et un"), ("fr", 71, "soixante et onze"), ("fr", 72, "soixante-douze"),
    ("fr", 80, "quatre-vingts"), ("fr", 81, "quatre-vingt-un"), ("fr", 95, "quatre-vingt-quinze"),
    ("fr", 17, "dix-sept"), ("fr", 44, "quarante-quatre"),
])
def test_numbers_in_words(lang, n, words):
    assert say_number(n, lang) == words


@pytest.mark.parametrize(("lang", "minutes", "said"), [
    ("en", 1, "one minute"), ("en", 2, "two minutes"), ("en", 60, "an hour"),
    ("en", 70, "an hour and ten minutes"), ("en", 125, "two hours and five minutes"),
    ("de", 1, "eine Minute"), ("de", 2, "zwei Minuten"), ("de", 21, "einundzwanzig Minuten"),
    ("de", 60, "eine Stunde"), ("de", 70, "eine Stunde und zehn Minuten"),
    ("de", 120, "zwei Stunden"),
    ("es", 1, "un minuto"), ("es", 21, "veintiún minutos"), ("es", 31, "treinta y un minutos"),
    ("es", 70, "una hora y diez minutos"), ("es", 155, "dos horas y treinta y cinco minutos"),
    ("fr", 1, "une minute"), ("fr", 21, "vingt et une minutes"),
    ("fr", 41, "quarante et une minutes"), ("fr", 70, "une heure et dix minutes"),
    ("fr", 180, "trois heures"),
    # a half hour is said as a half, as people say it
    ("en", 90, "an hour and a half"), ("en", 150, "two and a half hours"),
    ("en", 30, "thirty minutes"), ("en", 91, "an hour and thirty-one minutes"),
    ("de", 90, "anderthalb Stunden"), ("de", 150, "zweieinhalb Stunden"),
    ("de", 210, "dreieinhalb Stunden"),
    ("es", 90, "una hora y media"), ("es", 150, "dos horas y media"),
    ("fr", 90, "une heure et demie"), ("fr", 150, "deux heures et demie"),
    ("fr", 1290, "vingt et une heures et demie"),
])
def test_durations_read_naturally(lang, minutes, said):
    assert say_minutes(minutes, lang) == said


def test_every_minute_of_a_session_has_words_in_every_language():
    for lang in ("en", "de", "es", "fr"):
        for minutes in range(1, 4 * 60 + 1):
            said = say_minutes(minutes, lang)
            assert said and not any(ch.isdigit() for ch in said), (lang, minutes, said)


@pytest.mark.parametrize(("lang", "half"), [
    ("en", "about an hour and a half."), ("de", "etwa anderthalb Stunden."),
    ("es", "de una hora y media aproximadamente."), ("fr", "environ une heure et demie."),
])
def test_a_ninety_minute_walk_is_welcomed_with_an_hour_and_a_half(lang, half):
    import dataclasses

    from coach.routines.library import resolve_routine
    from coach.routines.model import Segment
    from coach.session import compile_with_library

    routine = resolve_routine("gentle-start")
    routine = dataclasses.replace(  # a user routine written in ``lang``
        routine, id="long-walk", title="X", segments=(Segment("walk", 90 * 60),), texts=(),
        text_language=lang, speech=dataclasses.replace(routine.speech, language=lang))
    welcome = compile_with_library(routine).cues[0].text
    assert welcome.endswith(half), welcome
