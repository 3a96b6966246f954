"""The core CLI, run through the shared `cli` fixture (CliRunner) and as a real process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import click
import pytest

from coach.cli import main
from coach.routines.library import builtin_routine_ids

BUILTINS = ["gentle-start", "figure-8", "heel-toe", "backward", "side-step", "brisk-30",
            "flare-up"]


def all_commands(group: click.Group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, (*prefix, name))


@pytest.mark.parametrize("path", list(all_commands(main)), ids=" ".join)
def test_every_command_has_help_with_an_example(cli, path):
    result = cli(*path, "--help")
    assert result.exit_code == 0, result.output
    assert len(result.output) > 80
    if not isinstance(main.get_command(click.Context(main), path[0]), click.Group):
        assert "coach " in result.output.split("Options:")[0]  # an example line


def test_version(cli):
    assert cli("--version").output.startswith("coach, version ")


def test_builtin_routines_are_all_there(cli):
    assert set(BUILTINS) <= set(builtin_routine_ids())
    out = cli("routines").output
    for rid in BUILTINS:
        assert rid in out


def test_techniques_listed(cli):
    out = cli("techniques").output
    for tid in ("warm-up", "heel-toe", "backward", "side-step", "figure-8", "cool-down"):
        assert tid in out


def test_compile_json_has_exactly_the_documented_fields(cli):
    result = cli("compile", "figure-8", "--format", "json", "--quiet")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) - {"cadence"} == {"routine", "title", "duration_s", "sections", "cues"}
    assert data["routine"] == "figure-8"
    for s in data["sections"]:
        assert set(s) == {"title", "technique", "start_s", "end_s"}
    for c in data["cues"]:
        assert set(c) == {"at_s", "text", "kind", "priority", "section", "speech_s"}
    for p in data.get("cadence", []):
        assert set(p) == {"at_s", "spm"}


@pytest.mark.parametrize("fmt, marker", [("text", "== "), ("lrc", "[ti:"), ("srt", " --> ")])
def test_compile_other_formats(cli, fmt, marker):
    result = cli("compile", "gentle-start", "-f", fmt, "-q")
    assert result.exit_code == 0 and marker in result.output


def test_show(cli):
    result = cli("show", "brisk-30")
    assert result.exit_code == 0 and "spoken cues" in result.output


def test_unknown_routine_suggests_and_exits_2(cli):
    result = cli("compile", "figure8")
    assert result.exit_code == 2
    assert "unknown routine 'figure8'; did you mean 'figure-8'?" in result.output
    assert "Traceback" not in result.output


def test_routine_from_a_path_and_user_folder(cli, tmp_path, coach_home):
    text = "title: Mine\nsegments:\n  - technique: walk\n    duration: 2m\n"
    (tmp_path / "mine.yaml").write_text(text)
    assert cli("compile", str(tmp_path / "mine.yaml"), "-q").exit_code == 0
    folder = coach_home / "config" / "routines"
    folder.mkdir(parents=True)
    (folder / "lunch.yaml").write_text(text)
    out = cli("routines").output
    assert "lunch" in out and "[yours]" in out
    assert cli("compile", "lunch", "-q").exit_code == 0


def test_check_reports_every_error_in_every_file(cli, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("title: Fine\nsegments:\n  - technique: walk\n    duration: 5m\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: Bad\nsegments:\n  - technique: walkk\n    duration: -3m\n")
    result = cli("check", str(good), str(bad))
    assert result.exit_code == 2
    assert f"{good}: ok" in result.output
    assert f"{bad}:3:16: unknown technique 'walkk'; did you mean 'walk'?" in result.output
    assert f"{bad}:4:15: duration must be positive, got -3m" in result.output


def test_check_missing_file_is_a_clean_error(cli, tmp_path):
    result = cli("check", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2 and "no such file" in result.output


@pytest.mark.parametrize("music", ["/dev/zero", "nothere.mp3", "empty", "fifo"])
def test_check_refuses_music_that_export_would_refuse_at_its_place(cli, tmp_path, music):
    # issue 12: check said ok, then export and walk refused `music:` (FILE:2:8, exit 2)
    (tmp_path / "empty").mkdir()
    os.mkfifo(tmp_path / "fifo")
    routine = tmp_path / "m.yaml"
    routine.write_text(f"title: x\nmusic: {music}\nsegments:\n  - technique: walk\n"
                       "    duration: 1m\n")
    result = cli("check", "--estimate", str(routine))
    assert result.exit_code == 2
    [line] = result.output.splitlines()
    assert line.startswith(f"{routine}:2:8: music: ") and "Traceback" not in result.output


@pytest.mark.parametrize("keys, place, fragment", [
    ("voice: de_AT\n", "2:8", "unknown voice 'de_AT'"),
    ("language: de_AT\n", "2:11", "unknown voice 'de_AT'"),
    ("language: de\nvoice: gmw/en-US\n", "3:8", "speaks English (en), but the session's text"),
    ("engine: espek\n", "2:9", "did you mean 'espeak'?"),
])
def test_check_says_where_a_speech_setting_the_engine_refuses_is(cli, tmp_path, keys, place,
                                                                 fragment):
    # issue 12: these were "FILE: unknown voice ..." with no line; the engine's refusal now
    # names its key (errors.SettingError) and check prints the key's place
    routine = tmp_path / "v.yaml"
    routine.write_text(f"title: x\n{keys}segments:\n  - technique: walk\n    duration: 1m\n")
    result = cli("check", str(routine))
    assert result.exit_code == 2
    [line] = result.output.splitlines()
    assert line.startswith(f"{routine}:{place}: ") and fragment in line, line


def test_check_accepts_music_that_is_there(cli, tmp_path):
    from tests.audio.test_music import tone, write_wav  # a real WAV file

    (tmp_path / "tunes").mkdir()
    write_wav(tmp_path / "tunes" / "a.wav", tone(1.0, 440.0))
    routine = tmp_path / "m.yaml"
    routine.write_text("title: x\nmusic: tunes\nsegments:\n  - technique: walk\n"
                       "    duration: 1m\n")
    result = cli("check", "--estimate", str(routine))
    assert result.exit_code == 0 and f"{routine}: ok" in result.output


def test_schema_is_json_and_covers_the_keys(cli):
    schema = json.loads(cli("schema").output)
    props = schema["properties"]
    assert {"title", "segments", "reminders", "cadence", "rate"} <= set(props)
    json.loads(cli("schema", "--technique").output)


@pytest.mark.slow
def test_bad_routine_through_a_real_process(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nsegments: !!python/object/apply:os.system ['echo pwned']\n")
    proc = subprocess.run([sys.executable, "-m", "coach.cli", "compile", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"{bad}:2:11: YAML tag")
    assert "Traceback" not in proc.stderr and "pwned" not in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "coach.cli", "--traceback", "compile", str(bad)],
                          capture_output=True, text=True)
    assert "Traceback" in proc.stderr and "RoutineError" in proc.stderr


CROWDED = """\
title: Crowded
segments:
  - technique: walk
    duration: 45s
    reminders:
      - every: 20s
        offset: 4s
        kind: posture
        say: ["Keep your back tall and your shoulders soft as you walk along the path."]
      - every: 20s
        offset: 9s
        kind: encouragement
        say: ["You are doing really well today, keep going at this steady pace."]
      - every: 20s
        offset: 14s
        kind: technique
        say: ["Eyes ahead, not at your feet, and breathe slowly and evenly now."]
  - technique: walk
    duration: 2m
"""
SHOWN_SECTION = re.compile(r"^  (\d\d:\d\d)  .*, (\d+) cues$", re.MULTILINE)


def shown_sections(out: str) -> list[tuple[str, int]]:
    """(start, cue count) of every section line `coach show` prints."""
    return [(start, int(n)) for start, n in SHOWN_SECTION.findall(out)]


def compiled_sections(data: dict) -> list[tuple[str, int]]:
    """The same pairs from `coach compile --format json`."""
    from coach.routines.durations import format_clock

    return [(format_clock(s["start_s"]), sum(1 for c in data["cues"] if c["section"] == i))
            for i, s in enumerate(data["sections"])]


def test_show_check_and_compile_agree_on_the_measured_times(cli, tmp_path):
    """One timing for every command: show and check use the speech compile measures
    (espeak-ng, the phrase cache warm after the first command), and --estimate
    is the same words-per-minute guess everywhere."""
    from coach.routines.durations import format_clock

    source = tmp_path / "crowded.yaml"
    source.write_text(CROWDED)  # a short first section crowded with reminders
    timings = {}
    for estimate in ([], ["--estimate"]):
        compiled = cli("compile", str(source), "-f", "json", *estimate)
        shown = cli("show", str(source), *estimate)
        checked = cli("check", str(source), *estimate)
        assert compiled.exit_code == shown.exit_code == checked.exit_code == 0, checked.output
        data = json.loads(compiled.stdout)
        warnings = [line.removeprefix("warning: ") for line in compiled.stderr.splitlines()]
        assert warnings and all(line.startswith(("00:", "01:", "02:")) for line in warnings)
        assert shown_sections(shown.stdout) == compiled_sections(data)
        assert f"{len(data['cues'])} spoken cues" in shown.stdout
        assert checked.stdout == (f"{source}: ok, {format_clock(data['duration_s'])}, "
                                  f"2 sections, {len(data['cues'])} cues\n")
        prefix = f"{source}: warning: "
        assert all(line.startswith(prefix) for line in checked.stderr.splitlines())
        assert [line.removeprefix(prefix) for line in checked.stderr.splitlines()] == warnings
        timings[bool(estimate)] = (data["cues"], compiled_sections(data), warnings)
    (measured, measured_sections, measured_warnings), (guessed, guessed_sections,
                                                         guessed_warnings) = timings.values()
    # the measured speech is not the guess: cues sit elsewhere, a different one is
    # dropped, so show counts differently and check warns differently
    assert [c["at_s"] for c in measured] != [c["at_s"] for c in guessed]
    assert [c["speech_s"] for c in measured] != [c["speech_s"] for c in guessed]
    assert measured_sections != guessed_sections
    assert [s for s, _ in measured_sections] == [s for s, _ in guessed_sections]
    assert measured_warnings != guessed_warnings


NO_ESPEAK = """
import ctypes.util, sys
sys.modules["espeakng_loader"] = None  # a machine without espeak-ng
ctypes.util.find_library = lambda name: None
from coach.cli import main
sys.exit(main())
"""


def test_with_no_speech_engine_check_estimates_and_says_so_once(cli, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("title: Fine\nsegments:\n  - technique: walk\n    duration: 5m\n")
    also = tmp_path / "also.yaml"
    also.write_text("title: Also\nsegments:\n  - technique: walk\n    duration: 3m\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: Bad\nsegments:\n  - technique: walkk\n    duration: -3m\n")
    proc = subprocess.run([sys.executable, "-c", NO_ESPEAK, "check", str(good), str(bad),
                           str(also)], capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    notes = [line for line in proc.stderr.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "no speech engine" in notes[0] and "words per minute" in notes[0]
    assert f"{good}: ok" in proc.stdout and f"{also}: ok" in proc.stdout
    assert f"{bad}:3:16: unknown technique 'walkk'" in proc.stderr
    assert f"{bad}:4:15: duration must be positive, got -3m" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_language_with_no_text_is_one_line_exit_2(cli):
    result = cli("compile", "figure-8", "--language", "it")
    assert result.exit_code == 2
    assert "no Italian (it) text" in result.output
    assert "Traceback" not in result.output


def test_a_voice_whose_language_differs_from_the_text_is_one_line_exit_2(cli):
    result = cli("compile", "figure-8", "--voice", "gmw/de")
    assert result.exit_code == 2
    assert "speaks German (de), but the session's text is English (en)" in result.output


def test_plan_names_the_programme_session_wherever_a_routine_is_named(run):
    for command in (["compile", "plan", "--estimate"], ["show", "plan", "--estimate"]):
        assert "no programme yet: run `coach plan` first" in run(*command, code=2).output
    run("plan", "--minutes", "6", "--days", "3", "--no-figure-8", "--no-red-flags")
    shown = run("show", "plan", "--estimate").output
    assert shown.startswith("Week 1: 6-minute walk")
    compiled = run("compile", "plan", "--estimate", "-f", "json").output
    assert '"routine": "week-1-walk"' in compiled
