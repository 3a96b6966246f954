"""coach log / history / plan / progress through CliRunner, in a temporary COACH_HOME."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach.cli import COMMAND_MODULES, main


def run(*args: str, input: str | None = None, code: int = 0):
    result = CliRunner().invoke(main, list(args), input=input)
    assert result.exit_code == code, result.output
    return result


def test_programme_commands_are_registered() -> None:
    assert "programme" in COMMAND_MODULES
    for name in ("log", "history", "plan", "progress", "schedule"):
        assert name in main.commands


def test_log_then_history_as_table_json_and_csv() -> None:
    out = run("log", "gentle-start", "-m", "8", "--pain-before", "3", "--pain-after", "4",
              "--when", "2026-03-02 07:30", "--effort", "conversational", "--note", "windy").output
    assert "Logged walk 1: gentle-start, 8 minutes" in out
    run("log", "heel-toe", "-m", "4", "--planned", "10", "--stopped", "pain",
        "--when", "2026-03-03 18:00", "--pain-after", "6")
    table = run("history").output
    assert "gentle-start" in table and "3/4/-" in table and "stopped: pain" in table
    rows = json.loads(run("history", "--json").output)
    assert [r["routine"] for r in rows] == ["gentle-start", "heel-toe"]
    assert rows[0]["effort"] == "conversational" and rows[1]["completed"] is False
    assert rows[1]["planned_min"] == 10 and rows[1]["walked_min"] == 4
    parsed = list(csv.DictReader(io.StringIO(run("history", "--csv").output)))
    assert [r["id"] for r in parsed] == ["1", "2"] and parsed[0]["note"] == "windy"
    since = json.loads(run("history", "--json", "--since", "2026-03-03").output)
    assert [r["id"] for r in since] == [2]


def test_morning_pain_goes_to_the_last_walk_or_the_given_one() -> None:
    run("log", "gentle-start", "-m", "8", "--when", "2026-03-02 07:30")
    run("log", "gentle-start", "-m", "8", "--when", "2026-03-04 07:30")
    assert "added to walk 2" in run("log", "--morning-pain", "2").output
    assert "added to walk 1" in run("log", "--morning-pain", "5", "--id", "1").output
    rows = json.loads(run("history", "--json").output)
    assert [r["pain_next_morning"] for r in rows] == [5, 2]


@pytest.mark.parametrize("args, message", [
    (["log", "gentle-start", "-m", "8", "--pain-after", "11"], "pain after must be a whole"),
    (["log", "gentle-start"], "give the routine and the minutes"),
    (["log", "--morning-pain", "3"], "no walks logged yet"),
    (["log", "x", "-m", "5", "--when", "yesterday"], "--when must look like"),
    (["history", "--json", "--csv"], "choose one of"),
    (["plan", "--minutes", "0", "--days", "3", "--no-figure-8"], "comfortable minutes"),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = run(*args, code=2)
    assert result.output.startswith("coach: ") and message in result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_plan_intake_by_prompts_then_shows_the_week(coach_home: Path) -> None:
    out = run("plan", input="8\n3\ny\n").output
    assert "How many minutes" in out and "days a week" in out and "figure-8" in out
    assert (coach_home / "config" / "programme.yaml").exists()
    assert "doctor" in out  # the safety line
    assert "Week 1 of your programme" in out and "Why this length: Starting gently." in out
    assert out.count("Figure-8 walk (morning)") == 7
    assert "8-minute walk" in out
    again = run("plan").output
    assert "How many" not in again and "Week 1 of your programme" in again
    assert "Figure-8" not in run("plan", "--no-figure-8").output
    assert "--restart" in run("plan", "--minutes", "5", code=2).output
    assert "5-minute walk" in run("plan", "--restart", "--minutes", "5", "--days", "2",
                                  "--no-figure-8").output


def test_a_logged_flare_switches_the_plan() -> None:
    run("plan", "--minutes", "10", "--days", "3", "--no-figure-8")
    out = run("log", "gentle-start", "-m", "5", "--pain-after", "8", "--flare").output
    assert "Flare-up noted" in out
    plan = run("plan").output
    assert "Flare-up: short and gentle" in plan and "Flare-up track" in plan


def test_progress_table_and_plot(tmp_path: Path) -> None:
    assert "Nothing yet" in run("progress").output
    run("log", "gentle-start", "-m", "8", "--pain-after", "3", "--when", "2026-03-02 07:30")
    run("log", "gentle-start", "-m", "9", "--pain-after", "2", "--when", "2026-03-10 07:30")
    table = run("progress").output
    assert "2026-03-02" in table and "2026-03-09" in table and "Pain after walks" in table
    pytest.importorskip("matplotlib")
    out = run("progress", "--plot", str(tmp_path / "p.png")).output
    assert "Wrote" in out and (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
