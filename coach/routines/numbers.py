"""Numbers and durations as a walker hears them, in each language the coach speaks (pure).

``say_minutes(70, "es")`` is ``"una hora y diez minutos"``: whole words, the
right gender for the unit (``eine Minute``, ``una hora``, ``vingt et une
minutes``), hours and minutes joined as each language joins them, and a half
hour said as a half (``an hour and a half``, ``anderthalb Stunden``, ``una hora y
media``, ``une heure et demie``). One small function per language;
:func:`say_number` gives the bare number (0-99).
"""

from __future__ import annotations

from collections.abc import Callable

_EN_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_EN_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_DE_ONES = ("null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn "
            "vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn").split()
_DE_TENS = "_ _ zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig".split()
_ES_ONES = ("cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece "
            "catorce quince dieciséis diecisiete dieciocho diecinueve veinte veintiuno "
            "veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete "
            "veintiocho veintinueve").split()
_ES_TENS = "_ _ _ treinta cuarenta cincuenta sesenta setenta ochenta noventa".split()
_FR_ONES = ("zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize "
            "quatorze quinze seize dix-sept dix-huit dix-neuf").split()
_FR_TENS = "_ _ vingt trente quarante cinquante soixante soixante quatre-vingt quatre-vingt"\
    .split()


def _en(n: int) -> str:
    tens, ones = divmod(n, 10)
    return _EN_ONES[n] if n < 20 else _EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else "")


def _de(n: int) -> str:  # einundzwanzig: the ones come first
    tens, ones = divmod(n, 10)
    if n < 20 or not ones:
        return _DE_ONES[n] if n < 20 else _DE_TENS[tens]
    return ("ein" if ones == 1 else _DE_ONES[ones]) + "und" + _DE_TENS[tens]


def _es(n: int) -> str:
    if n < 30:
        return _ES_ONES[n]
    tens, ones = divmod(n, 10)
    return _ES_TENS[tens] + (f" y {_ES_ONES[ones]}" if ones else "")


def _fr(n: int) -> str:
    if n < 20:
        return _FR_ONES[n]
    tens, ones = divmod(n, 10)
    if tens in (7, 9):  # soixante-dix, quatre-vingt-dix: counted on from 60 and 80
        ones += 10
    head = _FR_TENS[tens]
    if ones == 0:
        return head + ("s" if tens == 8 else "")
    if ones == 1 and tens < 8:
        return f"{head} et un"
    if ones == 11 and tens == 7:
        return f"{head} et onze"
    return f"{head}-{_FR_ONES[ones]}"


_NUMBER: dict[str, Callable[[int], str]] = {"en": _en, "de": _de, "es": _es, "fr": _fr}


def say_number(n: int, language: str = "en") -> str:
    """``n`` (0-99) in words: ``21`` -> twenty-one, einundzwanzig, veintiuno, vingt et un."""
    if not 0 <= n <= 99:
        return str(n)
    return _NUMBER.get(language, _en)(n)


def _count(n: int, language: str, one: str, many: str, feminine: bool) -> str:
    """``n`` of a unit: the number agrees with the unit as each language wants."""
    if n == 1:
        return one
    word = say_number(n, language)
    if language == "es" and word.endswith("uno"):  # veintiún minutos, veintiuna horas
        word = word[:-1] + ("a" if feminine else "")
        word = word.replace("veintiun", "veintiún") if not feminine else word
    elif language == "fr" and feminine and word.endswith("un"):  # vingt et une minutes
        word += "e"
    return f"{word} {many}"


def say_minutes(minutes: int, language: str = "en") -> str:
    """A whole number of minutes as it is said: ``70`` -> an hour and ten minutes."""
    minutes = max(0, int(minutes))
    hours, rest = divmod(minutes, 60)
    if hours and rest == 30:
        return _and_a_half(hours, language)
    if language == "de":
        parts = [_count(hours, "de", "eine Stunde", "Stunden", True) if hours else "",
                 _count(rest, "de", "eine Minute", "Minuten", True) if rest or not hours else ""]
        joiner = " und "
    elif language == "es":
        parts = [_count(hours, "es", "una hora", "horas", True) if hours else "",
                 _count(rest, "es", "un minuto", "minutos", False) if rest or not hours
                 else ""]
        joiner = " y "
    elif language == "fr":
        parts = [_count(hours, "fr", "une heure", "heures", True) if hours else "",
                 _count(rest, "fr", "une minute", "minutes", True) if rest or not hours
                 else ""]
        joiner = " et "
    else:
        parts = [_count(hours, "en", "an hour", "hours", False) if hours else "",
                 _count(rest, "en", "one minute", "minutes", False) if rest or not hours
                 else ""]
        joiner = " and "
    return joiner.join(p for p in parts if p)


def _and_a_half(hours: int, language: str) -> str:
    """``hours`` and a half hour: an hour and a half, zweieinhalb Stunden, dos horas y
    media, deux heures et demie."""
    if language == "de":  # anderthalb, zweieinhalb, dreieinhalb Stunden
        return ("anderthalb" if hours == 1 else say_number(hours, "de") + "einhalb") + " Stunden"
    if language == "es":
        return _count(hours, "es", "una hora", "horas", True) + " y media"
    if language == "fr":
        return _count(hours, "fr", "une heure", "heures", True) + " et demie"
    return "an hour and a half" if hours == 1 else f"{say_number(hours, 'en')} and a half hours"
