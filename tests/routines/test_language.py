import dataclasses
import re

import pytest

from coach.errors import UsageError
from coach.routines.language import (
    check_text_language,
    check_voice_language,
    text_language,
)


def test_a_speech_language_picks_its_catalogue_by_its_first_part():
    assert text_language("en-GB") == "en"
    assert text_language("en_us") == "en"
    assert check_text_language("en-gb") == "en"


def test_a_language_without_text_is_one_line():
    with pytest.raises(UsageError) as err:
        check_text_language("it")
    assert "no Italian (it) text" in str(err.value)
    assert "\n" not in str(err.value)


def test_a_voice_of_another_language_is_refused():
    check_voice_language("gmw/en-US", ("en-us",), "en")
    check_voice_language("some voice", (), "en")  # lists no language: not checked
    with pytest.raises(UsageError) as err:
        check_voice_language("gmw/de", ("de",), "en")
    assert "speaks German (de)" in str(err.value)
    assert "text is English (en)" in str(err.value)


# -- the catalogues --------------------------------------------------------------
import string  # noqa: E402
from importlib import resources  # noqa: E402

import yaml  # noqa: E402

from coach.routines.language import TEXT_LANGUAGES  # noqa: E402
from coach.routines.library import (  # noqa: E402
    builtin_routine_ids,
    load_lines,
    load_techniques,
    resolve_routine,
    text_languages,
)
from coach.routines.texts import form_lines, routine_in, technique_in  # noqa: E402
from coach.session import compile_with_library  # noqa: E402

OTHER_LANGUAGES = sorted(set(TEXT_LANGUAGES) - {"en"})
#: Catalogue entries spelled as in English, on purpose ("{n} minutes", "Six" in French).
SAME_AS_ENGLISH = {("fr", "minute"), ("fr", "minutes"), ("fr", "numbers.5"),
                   *((lang, f"commands.{key}") for lang in ("es", "fr")  # "12 min"
                     for key in ("walk_name", "plan_minutes")),
                   ("fr", "commands.fix_effort"), ("fr", "commands.fix_note"),
                   ("es", "commands.no"), ("es", "commands.plot_plan")}


def _catalogue(lang: str) -> dict:
    path = resources.files("coach").joinpath("data", "lines", f"{lang}.yaml")
    return yaml.safe_load(path.read_text("utf-8"))


def _leaves(data: object, key: str = "") -> dict[str, str]:
    """Every text of a catalogue by its path (``pace.slow``, ``quit.1``)."""
    if isinstance(data, dict):
        return {k: v for sub, value in data.items()
                for k, v in _leaves(value, f"{key}.{sub}" if key else sub).items()}
    if isinstance(data, list):
        return {k: v for i, value in enumerate(data) for k, v in _leaves(value, f"{key}.{i}").items()}
    return {key: str(data)}


def _placeholders(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def test_the_shipped_languages_are_the_catalogues_and_the_translations():
    folder = resources.files("coach").joinpath("data", "lines")
    assert sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")) \
        == sorted(TEXT_LANGUAGES)
    assert text_languages() == OTHER_LANGUAGES
    assert OTHER_LANGUAGES  # German at least


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_every_catalogue_has_the_english_keys_and_placeholders(lang):
    english, other = _leaves(_catalogue("en")), _leaves(_catalogue(lang))
    assert set(other) == set(english), "keys differ from en.yaml"
    for key, text in english.items():
        if key == "language":
            assert other[key] == lang
            continue
        assert _placeholders(other[key]) == _placeholders(text), key
        assert other[key] != text or (lang, key) in SAME_AS_ENGLISH, f"{key} is still English"
    assert load_lines(lang).language == lang  # and it validates


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_every_builtin_technique_has_its_text_in_every_language(lang):
    for tid, tech in load_techniques().items():
        local = technique_in(tech, lang)
        assert local.text_language == lang
        assert local.name != tech.name, tid
        assert local.intro == () or local.intro != tech.intro, tid


@pytest.mark.parametrize("lang", sorted(TEXT_LANGUAGES))
@pytest.mark.parametrize("rid", builtin_routine_ids())
def test_every_shipped_language_compiles_every_builtin_routine(lang, rid):
    routine = resolve_routine(rid)
    routine = dataclasses.replace(routine, speech=dataclasses.replace(routine.speech,
                                                                       language=lang))
    timeline = compile_with_library(routine)
    english = compile_with_library(resolve_routine(rid))
    assert timeline.cues and len(timeline.sections) == len(english.sections)
    assert timeline.duration_s == english.duration_s
    # the words may be longer, but nothing is dropped or cut that English keeps
    lost = [w for w in timeline.warnings if w.action != "moved"]
    assert len(lost) <= len([w for w in english.warnings if w.action != "moved"]), lost
    assert_only_form_turns_differ(routine, timeline, english)
    if lang != "en":
        assert not {c.text for c in timeline.cues} & {c.text for c in english.cues}, \
            "an English cue in another language's session"
        assert routine_in(routine, lang).title != routine.title


def assert_only_form_turns_differ(routine, timeline, english) -> None:
    """A language may have fewer cues than English only in its form-cue grid: form cues
    come every N seconds from the end of a section's opening, and a longer opening leaves
    time for one turn fewer (the pool goes on where it left off). Every other cue (an
    opening, reminder, encouragement, safety line, countdown, stretch, closing) is in
    every language, or its loss is a warning."""
    lang = timeline.language
    form = form_lines(routine, load_techniques(), lang)
    en_form = form_lines(routine, load_techniques(), "en")
    others = sum(c.text not in form for c in timeline.cues)
    en_others = sum(c.text not in en_form for c in english.cues)
    dropped = sum(w.action != "moved" for w in timeline.warnings)
    en_dropped = sum(w.action != "moved" for w in english.warnings)
    assert others + dropped == en_others + en_dropped, (routine.id, lang, others, en_others)


def test_a_german_session_says_german_from_welcome_to_countdown():
    import dataclasses

    routine = resolve_routine("brisk-30")
    routine = dataclasses.replace(routine, speech=dataclasses.replace(routine.speech,
                                                                       language="de"))
    timeline = compile_with_library(routine)
    texts = [c.text for c in timeline.cues]
    assert texts[0] == ("Willkommen. Heute gehst du dreißig Minuten, danach dehnst du dich "
                        "etwa fünf Minuten lang.")
    assert timeline.title == "Flotte Dreißig"
    assert any(t.startswith("Die Hälfte ist geschafft. Noch etwa ") and t.endswith("Minuten.")
               and not any(ch.isdigit() for ch in t) for t in texts)
    assert any(c.kind == "countdown" and c.text == "Drei" for c in timeline.cues)
    assert "Runde 1 von 3. Drei lockere Minuten zum Erholen." in texts
    assert timeline.sections[0].title == "Aufwärmen"


# -- a German session, exported and read back ---------------------------------------
SHORT_DE = """\
title: Kurzer Gang
language: de
segments:
  - technique: walk
    duration: 40s
  - technique: pace-change
    duration: 30s
  - technique: walk
    duration: 30s
"""


@pytest.mark.slow
def test_a_german_export_is_german_and_tagged_deu(cli, tmp_path):
    from mutagen.id3 import ID3

    routine = tmp_path / "kurz.yaml"
    routine.write_text(SHORT_DE, "utf-8")
    out = tmp_path / "kurz.mp3"
    result = cli("export", str(routine), "-o", str(out), "--bitrate", "32")
    assert result.exit_code == 0, result.output
    tags = ID3(str(out))
    (sylt,) = tags.getall("SYLT")
    (uslt,) = tags.getall("USLT")
    assert sylt.lang == "deu" and uslt.lang == "deu"
    said = [text for text, _ in sylt.text]
    assert said[0].startswith("Willkommen. Heute gehst du ")
    assert "Eins" in said and "Tempowechsel." in said  # countdown and technique in German
    assert "Jetzt einfach gehen. Ein angenehmes Tempo, aufrecht und locker." in uslt.text
    assert "Welcome" not in uslt.text and "pace" not in " ".join(said).lower()
    script = uslt.text.splitlines()
    sections = [s for s in script if re.fullmatch(r".+, \d\d:\d\d bis \d\d:\d\d", s)]
    assert len(sections) == 3, script  # the section lines are German too
    assert not [s for s in script if " to " in s]  # the section lines are German too
    cues = [s.split("  ", 1)[1] for s in script if "  " in s]
    assert said == cues and len(said) >= 8  # SYLT: every cue said, its German words, in order
    times = [ms for _, ms in sylt.text]
    assert times == sorted(times) and sylt.format == 2  # milliseconds, in order
    english = re.compile(r"\b(the|and|your|you|walk|minutes?|left|now|pace|one|two|three)\b",
                         re.I)
    assert not [t for t in said if english.search(t)], said
    lrc = out.with_suffix(".lrc").read_text("utf-8")
    assert "[la:de]" in lrc and "Willkommen." in lrc
    english = compile_with_library(resolve_routine("brisk-30"))
    assert english.language == "en"


def test_a_voice_of_another_language_than_the_text_is_refused_in_one_line(cli, tmp_path):
    routine = tmp_path / "kurz.yaml"
    routine.write_text(SHORT_DE, "utf-8")
    result = cli("compile", str(routine), "--voice", "gmw/en-US")
    assert result.exit_code == 2
    assert "speaks English (en), but the session's text is German (de)" in result.output
    assert len(result.output.strip().splitlines()) == 1
    result = cli("compile", "brisk-30", "--language", "it")
    assert result.exit_code == 2 and "no Italian (it) text" in result.output
    assert cli("compile", "brisk-30", "--language", "de", "--voice", "de").exit_code == 0


def test_tag_codes_for_every_language():
    from coach.routines.language import feed_language, id3_language, lrc_language

    assert [id3_language(c) for c in ("en", "de-DE", "es", "fr_FR")] == \
        ["eng", "deu", "spa", "fra"]
    assert lrc_language("de-DE") == "de" and feed_language("fr") == "fr"


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "welcome"), [
    ("es", "Hola. Hoy toca caminar "), ("fr", "Bonjour. Au programme aujourd'hui : ")])
def test_spanish_and_french_are_spoken_by_espeak_voices_of_their_language(lang, welcome,
                                                                          tmp_path):
    import dataclasses

    from coach.routines.loader import load_routine
    from coach.session import session_timeline
    from coach.speech import engine_for

    data = SHORT_DE.replace("Kurzer Gang", "Corto").replace("language: de", f"language: {lang}")
    routine = load_routine(data.encode(), "corto.yaml", "corto", load_techniques())
    settings = dataclasses.replace(routine.speech, engine="espeak")
    assert engine_for(dataclasses.replace(settings, engine=None)) in ("espeak", "pyttsx3")
    timeline, note = session_timeline(routine, settings)
    assert note is None  # measured by the real espeak-ng voice for the language
    assert timeline.language == lang and timeline.cues[0].text.startswith(welcome)


def test_the_calendar_speaks_the_language_of_each_walk():
    from datetime import date, datetime, time
    from zoneinfo import ZoneInfo

    import icalendar

    from coach.scheduling.calendar import build_calendar
    from coach.scheduling.schedules import WalkSchedule

    zone = ZoneInfo("Europe/Berlin")
    entries = [WalkSchedule("morgens", "figure-8", time(7, 30)),
               WalkSchedule("evening", "brisk-30", time(19, 0))]
    ics = build_calendar(entries, date(2026, 12, 3), zone, datetime(2026, 12, 3, tzinfo=zone),
                         {"figure-8": 12.0, "brisk-30": 34.0}, 10, {"figure-8": "de-DE"})
    german, english = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(german["summary"]) == "Gang: figure-8"
    assert load_lines("de").calendar_reminder in str(german["description"])
    assert str(german.walk("VALARM")[0]["description"]) == "In 10 Minuten geht es los: figure-8"
    assert str(english["summary"]) == "Walk: brisk-30"
    assert str(english.walk("VALARM")[0]["description"]) == "Walk in 10 minutes: brisk-30"

