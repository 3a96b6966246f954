"""The core CLI, run through click's CliRunner and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from coach.cli import main
from coach.routines.library import builtin_routine_ids

BUILTINS = ["gentle-start", "figure-8", "heel-toe", "backward", "side-step", "brisk-30",
            "flare-up"]


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def all_commands(group: click.Group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, (*prefix, name))


@pytest.mark.parametrize("path", list(all_commands(main)), ids=" ".join)
def test_every_command_has_help_with_an_example(path):
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    assert len(result.output) > 80
    if not isinstance(main.get_command(click.Context(main), path[0]), click.Group):
        assert "coach " in result.output.split("Options:")[0]  # an example line


def test_version():
    assert run("--version").output.startswith("coach, version ")


def test_builtin_routines_are_all_there():
    assert set(BUILTINS) <= set(builtin_routine_ids())
    out = run("routines").output
    for rid in BUILTINS:
        assert rid in out


def test_techniques_listed():
    out = run("techniques").output
    for tid in ("warm-up", "heel-toe", "backward", "side-step", "figure-8", "cool-down"):
        assert tid in out


def test_compile_json_has_exactly_the_documented_fields():
    result = run("compile", "figure-8", "--format", "json", "--quiet")
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
def test_compile_other_formats(fmt, marker):
    result = run("compile", "gentle-start", "-f", fmt, "-q")
    assert result.exit_code == 0 and marker in result.output


def test_show():
    result = run("show", "brisk-30")
    assert result.exit_code == 0 and "spoken cues" in result.output


def test_unknown_routine_suggests_and_exits_2():
    result = run("compile", "figure8")
    assert result.exit_code == 2
    assert "unknown routine 'figure8'; did you mean 'figure-8'?" in result.output
    assert "Traceback" not in result.output


def test_routine_from_a_path_and_user_folder(tmp_path, coach_home):
    text = "title: Mine\nsegments:\n  - technique: walk\n    duration: 2m\n"
    (tmp_path / "mine.yaml").write_text(text)
    assert run("compile", str(tmp_path / "mine.yaml"), "-q").exit_code == 0
    folder = coach_home / "config" / "routines"
    folder.mkdir(parents=True)
    (folder / "lunch.yaml").write_text(text)
    out = run("routines").output
    assert "lunch" in out and "[yours]" in out
    assert run("compile", "lunch", "-q").exit_code == 0


def test_check_reports_every_error_in_every_file(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("title: Fine\nsegments:\n  - technique: walk\n    duration: 5m\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: Bad\nsegments:\n  - technique: walkk\n    duration: -3m\n")
    result = run("check", str(good), str(bad))
    assert result.exit_code == 2
    assert f"{good}: ok" in result.output
    assert f"{bad}:3:16: unknown technique 'walkk'; did you mean 'walk'?" in result.output
    assert f"{bad}:4:15: duration must be positive, got -3m" in result.output


def test_check_missing_file_is_a_clean_error(tmp_path):
    result = run("check", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2 and "no such file" in result.output


def test_schema_is_json_and_covers_the_keys():
    schema = json.loads(run("schema").output)
    props = schema["properties"]
    assert {"title", "segments", "reminders", "cadence", "rate"} <= set(props)
    json.loads(run("schema", "--technique").output)


@pytest.mark.slow
def test_bad_routine_through_a_real_process(tmp_path):
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


def test_show_check_and_compile_agree_on_the_measured_times(tmp_path):
    """One timing for every command: show and check use the speech compile measures."""
    from coach.routines.durations import format_clock

    cues = json.loads(run("compile", "flare-up", "-f", "json", "-q").output)["cues"]
    estimated = json.loads(run("compile", "flare-up", "-f", "json", "-q", "--estimate")
                           .output)["cues"]
    assert [c["speech_s"] for c in cues] != [c["speech_s"] for c in estimated]
    shown = run("show", "flare-up")
    assert shown.exit_code == 0 and f"{len(cues)} spoken cues" in shown.output
    assert run("show", "flare-up", "--estimate").exit_code == 0
    source = tmp_path / "walk.yaml"
    source.write_text("title: Fine\nsegments:\n  - technique: walk\n    duration: 5m\n")
    checked = run("check", str(source))
    compiled = run("compile", str(source), "-f", "json")
    assert checked.exit_code == compiled.exit_code == 0
    data = json.loads(compiled.stdout)
    assert f"{source}: ok, {format_clock(data['duration_s'])}" in checked.output
    assert f"{len(data['cues'])} cues" in checked.output
    assert run("check", "--estimate", str(source)).exit_code == 0


NO_ESPEAK = """
import ctypes.util, sys
sys.modules["espeakng_loader"] = None  # a machine without espeak-ng
ctypes.util.find_library = lambda name: None
from coach.cli import main
sys.exit(main())
"""


def test_with_no_speech_engine_check_estimates_and_says_so_once(tmp_path):
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
