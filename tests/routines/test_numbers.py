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
    ("es", 70, "una hora y diez minutos"), ("es", 150, "dos horas y treinta minutos"),
    ("fr", 1, "une minute"), ("fr", 21, "vingt et une minutes"),
    ("fr", 41, "quarante et une minutes"), ("fr", 70, "une heure et dix minutes"),
    ("fr", 180, "trois heures"),
])
def test_durations_read_naturally(lang, minutes, said):
    assert say_minutes(minutes, lang) == said


def test_every_minute_of_a_session_has_words_in_every_language():
    for lang in ("en", "de", "es", "fr"):
        for minutes in range(1, 4 * 60 + 1):
            said = say_minutes(minutes, lang)
            assert said and not any(ch.isdigit() for ch in said), (lang, minutes, said)
