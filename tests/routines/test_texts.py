"""A user's technique and routine carrying their own text per language (``text:``)."""

import dataclasses

import pytest

from coach.errors import RoutineError, UsageError
from coach.routines.library import load_techniques
from coach.routines.loader import load_routine, load_technique
from coach.routines.texts import routine_in, technique_in

TECH = """\
id: evening
name: Evening stroll
description: A calm walk.
intro: ["Evening stroll now."]
form: ["Tall back.", "Loose shoulders."]
stretches:
  - name: Calf stretch
    say: ["Left heel down.", "Right heel down."]
text:
  de:
    name: Abendrunde
    description: Ein ruhiger Gang.
    intro: "Jetzt die Abendrunde."
    form: ["Rücken lang.", "Schultern locker.", "Ruhig atmen."]
    stretches:
      - name: Wadendehnung
        say: ["Linke Ferse runter.", "Rechte Ferse runter."]
"""


def test_a_user_technique_carries_its_german_text():
    tech = load_technique(TECH.encode(), "evening.yaml")
    assert tech.text_language == "en" and [c for c, _ in tech.texts] == ["de"]
    de = technique_in(tech, "de")
    assert (de.name, de.intro) == ("Abendrunde", ("Jetzt die Abendrunde.",))
    assert len(de.form) == 3  # a pool may have more lines than the original
    assert de.stretches[0].name == "Wadendehnung"
    assert de.stretches[0].say == ("Linke Ferse runter.", "Rechte Ferse runter.")
    assert de.stretches[0].hold_s == tech.stretches[0].hold_s
    assert technique_in(tech, "en") is tech


def test_a_technique_without_the_language_is_refused_in_one_line():
    tech = load_technique(TECH.split("text:")[0].encode(), "evening.yaml")
    with pytest.raises(UsageError) as err:
        technique_in(tech, "de")
    assert "technique 'evening' has no German (de) text" in str(err.value)
    assert "text: de:" in str(err.value) and "\n" not in str(err.value)


def test_a_technique_written_in_german_needs_no_overlay_for_german():
    data = TECH.split("text:")[0] + "language: de\n"
    tech = load_technique(data.encode(), "abend.yaml")
    assert technique_in(tech, "de") is tech


@pytest.mark.parametrize(("old", "new", "message"), [
    ("    form: [\"R", "    safety: [\"Halt.\"]\n    form: [\"R",
     "evening.yaml:11:5: technique text: safety: the original has none"),
    ("    intro: \"Jetzt die Abendrunde.\"\n", "",
     "technique text: intro is missing (the original has it)"),
    ("      - name: Wadendehnung", "      - name: Eins\n        say: x\n      - name: Wadendehnung",
     "technique text: stretches: 2 given, the original has 1"),
])
def test_an_overlay_must_give_exactly_the_original_texts(old, new, message):
    tech = load_technique(TECH.replace(old, new).encode(), "evening.yaml")
    with pytest.raises(RoutineError) as err:
        technique_in(tech, "de")
    assert message in str(err.value)
    assert str(err.value).startswith("evening.yaml:")


@pytest.mark.parametrize(("text", "message"), [
    ("text:\n  it:\n    name: Passeggiata\n", "evening.yaml:10:3: text: no language 'it'"),
    ("text:\n  de:\n    nam: Abendrunde\n", "evening.yaml:11:5: technique text: unknown key 'nam'"),
    ("text:\n  de:\n    intro: \"Noch {minutes} Minuten.\"\n", "unknown placeholder {minutes}"),
    ("text:\n  de:\n    form: 3\n", "evening.yaml:11:11: form must be text, got a number"),
])
def test_a_bad_text_part_is_file_line_col(text, message):
    data = TECH.split("text:")[0] + text
    with pytest.raises(RoutineError) as err:
        load_technique(data.encode(), "evening.yaml")
    assert message in str(err.value)


ROUTINE = """\
title: My walk
reminders:
  - every: 2m
    say: "Shoulders down."
segments:
  - technique: warm-up
    duration: 2m
  - repeat: 2
    segments:
      - technique: walk
        duration: 1m
        title: Easy bit
        say: ["Round {rep} of {reps}."]
  - technique: cool-down
    duration: 4m30s
text:
  de:
    title: Mein Gang
    reminders:
      - say: "Schultern runter."
    segments:
      - {}
      - segments:
          - title: Lockerer Teil
            say: ["Runde {rep} von {reps}."]
      - {}
"""


def test_a_user_routine_carries_its_german_text_part_for_part():
    routine = load_routine(ROUTINE.encode(), "my.yaml", "my", load_techniques())
    de = routine_in(routine, "de")
    assert de.title == "Mein Gang" and de.reminders[0].phrases == ("Schultern runter.",)
    inner = de.segments[1].segments[0]
    assert (inner.title, inner.say, inner.duration_s) == ("Lockerer Teil",
                                                          ("Runde {rep} von {reps}.",), 60.0)


def test_a_routine_without_the_language_names_its_file_and_the_fix():
    routine = load_routine(ROUTINE.split("text:")[0].encode(), "my.yaml", "my", load_techniques())
    with pytest.raises(UsageError) as err:
        routine_in(routine, "de")
    assert str(err.value).startswith("my.yaml: the routine is written in English, and has "
                                     "no German (de) text")


def test_a_routine_in_german_is_compiled_in_german_with_its_own_words(cli, tmp_path):
    path = tmp_path / "mein.yaml"
    path.write_text(ROUTINE.split("text:")[0].replace("My walk", "Mein Gang")
                     .replace("Shoulders down.", "Schultern runter.")
                     .replace("Easy bit", "Locker").replace("Round {rep} of {reps}.",
                                                            "Runde {rep} von {reps}.")
                     + "language: de\n", "utf-8")
    result = cli("compile", str(path), "--estimate", "--voice", "de")
    assert result.exit_code == 0, result.output
    assert "Mein Gang (" in result.output and "Willkommen. Heute gehst du " in result.output
    assert "Runde 2 von 2." in result.output and "Aufwärmen" in result.output
    english = cli("compile", str(path), "--estimate", "--language", "en")
    assert english.exit_code == 2
    assert "written in German, and has no English (en) text" in english.output


def test_the_routine_text_follows_the_language_asked_for():
    routine = load_routine(ROUTINE.encode(), "my.yaml", "my", load_techniques())
    assert routine.text_language == "en"
    asked = dataclasses.replace(routine, speech=dataclasses.replace(routine.speech,
                                                                     language="de-DE"))
    from coach.session import compile_with_library

    timeline = compile_with_library(asked)
    assert timeline.title == "Mein Gang"
    assert timeline.cues[0].text.startswith("Willkommen. Heute gehst du ")
