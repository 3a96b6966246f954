"""`coach plan`, `log`, `history` and `progress`, and the line before today's walk, print in
the walker's language: `language:` in the settings (config.yaml in the config folder), or
`--language` for a walk. The programme's own sessions have their text in every language."""

import dataclasses
import json
import string
from collections.abc import Callable
from typing import Any

import pytest

from coach import config
from coach.routines.generated import say_title
from coach.routines.language import TEXT_LANGUAGES
from coach.routines.library import load_lines

OTHER = sorted(set(TEXT_LANGUAGES) - {"en"})


def welcome_start(lang: str) -> str:
    """The words the welcome of a session in ``lang`` begins with (before its first
    placeholder): "Willkommen. ..." """
    start = load_lines(lang).welcome.split("{")[0]
    assert len(start) >= 5, start
    return start


def set_language(code: str) -> None:
    path = config.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# my settings\nlanguage: {code}\n", encoding="utf-8")


def english_pieces() -> set[str]:
    """The words of the English lines these commands print, between their placeholders
    (pieces of two words or more)."""
    en = load_lines("en")
    templates = [*en.commands.values(), *en.programme.values(), *en.reasons.values(),
                 *en.intake.values()]
    pieces = {literal.strip(" .,:;()") for t in templates
              for literal, *_ in string.Formatter().parse(t)}
    return {p for p in pieces if len(p.split()) >= 2 and len(p) >= 8}


def the_commands(run: Callable[..., Any]) -> str:
    """Every programme command, as a walker uses them in their first days."""
    out = [run("plan", "--minutes", "7", "--days", "3", "--no-red-flags", "--no-figure-8"),
           run("log", "gentle-start", "-m", "7.5", "--pain-before", "2", "--pain-after", "6",
               "--stopped", "tired"),
           run("log", "--morning-pain", "3"),
           run("history"), run("progress"), run("plan"),
           run("log", "--fix", "1", "--pain-after", "3", "--minutes", "8", "--yes"),
           run("walk", "--text", "--estimate", "--pain-before", "1", "--pain-after", "1"),
           run("history", "--delete", "2", "--yes")]
    return "\n".join(r.output for r in out)


@pytest.mark.parametrize("lang", OTHER)
def test_every_programme_command_prints_in_the_walkers_language(run, lang):
    set_language(lang)
    said = load_lines(lang)
    text = the_commands(run)
    left = sorted(p for p in english_pieces() if p in text)
    assert not left, f"English left in the {lang} output: {left}\n{text}"
    for key in ("plan_next", "plan_days", "plan_dose", "progress_note", "history_note"):
        assert said.said(key) in text, key
    assert said.said("logged", id=1, routine="gentle-start", minutes="7,5",
                     stopped=" " + said.said("logged_stopped", reason="tired")) in text
    assert said.say_why(("start", ())) in text  # the reason of the first plan
    first_walk = say_title(said, "week_walk", {"week": 1, "minutes": 7, "label": ""})
    assert f"{said.said('today', title=first_walk, reason='')}".rstrip() in text
    assert said.said("fixed", id=1, changes=f"{said.said('fix_walked_min')}: 7,5 -> 8; "
                     f"{said.said('fix_pain_after')}: 6 -> 3") in text


def test_english_stays_as_it_was(run):
    text = the_commands(run)
    assert "Week 1 of your programme (started Mon 02 Mar 2026)." in text
    assert "  Why this length: Starting gently." in text
    assert "Logged walk 1: gentle-start, 7.5 minutes (stopped: tired)." in text
    assert "Corrected walk 1: minutes walked: 7.5 -> 8; pain after: 6 -> 3." in text
    assert "Today's session: Week 1: 7-minute walk, then stretches. " in text
    assert "  id  started           routine          walked/plan  session  pain b/a/m  effort" \
        "  note" in text
    assert "  day          walking   session  log it with                  title" in text
    assert "  Mon 02 Mar     7 min    10 min  2026-03-02-walk              Week 1: " in text


def test_a_walk_of_todays_session_speaks_and_prints_the_walkers_language(run):
    run("plan", "--minutes", "7", "--days", "3", "--no-red-flags", "--no-figure-8")
    set_language("fr")
    out = run("walk", "--text", "--estimate", "--pain-before", "1", "--pain-after", "1").output
    assert out.startswith("Séance du jour : Semaine 1 : marche de 7 minutes, puis étirements. "
                          "On commence en douceur.")
    assert f"] {welcome_start('fr')}" in out and "== Échauffement ==" in out
    assert load_lines("fr").say("text_asked") in out and "you asked" not in out
    # --language wins over the settings
    out = run("walk", "--text", "--estimate", "--language", "de", "--pain-before", "1",
              "--pain-after", "1").output
    assert out.startswith("Heutige Einheit: Woche 1: 7 Minuten Gehen, danach Dehnen. ")
    assert f"] {welcome_start('de')}" in out and "== Aufwärmen ==" in out


def test_a_language_without_text_in_the_settings_is_one_line(run):
    set_language("it")
    for command in (("plan",), ("history",), ("progress",), ("log", "--morning-pain", "2")):
        result = run(*command, code=2)
        assert result.output.strip() == (
            f"coach: {config.settings_path()}:2:11: language: the coach has no text in 'it'; "
            "languages with text: de, en, es, fr"), command
        assert "Traceback" not in result.output


def routine_with(routine, lang):
    return dataclasses.replace(routine, speech=dataclasses.replace(routine.speech,
                                                                   language=lang))


@pytest.mark.parametrize("lang", OTHER)
def test_every_programme_session_has_its_text_in_every_language(lang):
    """Titles, descriptions and section names of the weekly walks (each technique of the
    day, with and without pace changes), the flare-up walk and the figure-8 walks."""
    from coach.programme.plan import figure8_routine, flare_routine, weekly_walk_routine
    from coach.session import compile_with_library
    from tests.routines.test_language import assert_only_form_turns_differ

    english = load_lines("en")
    routines = [weekly_walk_routine(minutes, rotation, 2, briefing=rotation == 0)
                for minutes in (5, 8, 12, 20, 30) for rotation in range(3)]
    routines += [flare_routine(), figure8_routine(5, "morning"), figure8_routine(6, "evening")]
    english_text = {*english.programme.values(), english.printed["section_round"]}
    for routine in routines:
        timeline = compile_with_library(routine_with(routine, lang))
        titles = [timeline.title, *(s.title for s in timeline.sections)]
        assert not [t for t in titles if t in english_text or " round " in t], titles
        assert timeline.cues[0].text.startswith(load_lines(lang).welcome.split("{")[0])
        english = compile_with_library(routine)
        assert_only_form_turns_differ(routine_with(routine, lang), timeline, english)
        same = {c.text for c in timeline.cues} & {c.text for c in english.cues}
        assert not same, f"English said in a {lang} session: {same}"


@pytest.mark.slow
def test_a_programme_exported_in_german_is_german_from_file_title_to_lyrics(run, tmp_path):
    from mutagen.id3 import ID3

    set_language("de")
    run("plan", "--minutes", "5", "--days", "2", "--no-red-flags", "--no-figure-8")
    out = tmp_path / "walks"
    run("export", "--program", "--weeks", "1", "-o", str(out), "--bitrate", "32")
    first = ID3(str(sorted(out.glob("*.mp3"))[0]))
    assert str(first["TIT2"]) == "Woche 1, Tag 1: 5 Minuten Gehen, danach Dehnen"
    (sylt,) = first.getall("SYLT")
    assert sylt.lang == "deu" and sylt.text[0][0].startswith(welcome_start("de"))
    chapters = [str(c.sub_frames["TIT2"]) for c in first.getall("CHAP")]
    assert chapters == ["Aufwärmen", "Abrollen von der Ferse", "Dehnen zum Abschluss"]


@pytest.mark.parametrize("lang", OTHER)
def test_the_intake_asks_in_the_walkers_language(cli, make_env, lang):
    """The red flags and the first questions of `coach plan`, on a terminal."""
    set_language(lang)
    said = load_lines(lang)
    env = make_env(stdin_isatty=True)
    out = cli("plan", input="y\nn\n", env=env)
    assert out.exit_code == 1, out.output
    assert said.intake["question"] in out.output
    assert all(flag in out.output for flag in said.intake_red_flags)
    assert said.intake["get_advice"] in out.output and said.intake["no_programme"] in out.output
    again = cli("plan", input="y\n8\n3\nn\n", env=make_env(stdin_isatty=True))
    assert again.exit_code == 0, again.output
    assert said.intake["said_before"].split("{")[0] in again.output
    assert said.intake["ask_minutes"] in again.output and said.intake["ask_days"] in again.output
    assert said.said("plan_figure8") in again.output
    left = sorted(p for p in english_pieces() | set(load_lines("en").intake_red_flags)
                  if p in out.output + again.output)
    assert not left, left


def test_the_programme_session_named_plan_speaks_the_walkers_language(run):
    """`plan` (today's session) in a walk, a compile or a schedule is the programme's
    session in the settings' language; --language still wins."""
    run("plan", "--minutes", "7", "--days", "3", "--no-red-flags", "--no-figure-8")
    set_language("es")
    out = run("walk", "plan", "--text", "--estimate", "--pain-before", "1",
              "--pain-after", "1").output
    assert f"] {welcome_start('es')}" in out and "== Calentamiento ==" in out
    compiled = json.loads(run("compile", "plan", "--estimate", "-f", "json").output)
    assert compiled["title"] == "Semana 1: caminata de 7 minutos y después estiramientos"
    german = json.loads(run("compile", "plan", "--estimate", "-f", "json",
                            "--language", "de").output)
    assert german["cues"][0]["text"].startswith(welcome_start("de"))
    assert german["title"].startswith("Woche 1: ")


def test_the_progress_picture_is_labelled_in_the_walkers_language(run, tmp_path):
    pytest.importorskip("matplotlib")
    set_language("de")
    run("log", "gentle-start", "-m", "8", "--pain-after", "3")
    picture = tmp_path / "fortschritt.svg"
    run("progress", "--plot", str(picture))
    svg = picture.read_text("utf-8")
    said = load_lines("de")
    for key in ("plot_walked", "plot_minutes", "plot_pain", "plot_week", "plot_title_few"):
        assert said.said(key) in svg, key
    assert "walking minutes" not in svg and "programme week" not in svg
