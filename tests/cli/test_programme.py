"""coach log / history / plan / progress through the shared ``cli`` fixture, in a
temporary COACH_HOME, on the fake wall clock (Monday 2 March 2026 08:00 in London
unless a test asks for ``clock``: Friday 20 March 2026 12:00 in London)."""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from coach.cli import COMMAND_MODULES, main
from coach.env import Environment
from tests.fakes import LONDON, FakeWall

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=LONDON)  # a Friday, GMT (before the clocks change)


@pytest.fixture
def env(make_env: Callable[..., Environment]) -> Environment:
    """The outside world the commands see: the shared fake clocks, no terminal."""
    return make_env()


@pytest.fixture
def clock(env: Environment) -> datetime:
    """The CLI's wall clock at Friday 20 March 2026 12:00 in London."""
    env.wall = FakeWall(NOW)
    return NOW


@pytest.fixture
def terminal(env: Environment) -> None:
    """Someone sits at a terminal to answer the intake questions."""
    env.stdin_isatty = True


@pytest.fixture
def run(run: Callable[..., Any], env: Environment) -> Callable[..., Any]:
    """The shared ``run`` (exit code checked) with this test's env."""
    return functools.partial(run, env=env)


def test_programme_commands_are_registered() -> None:
    assert "programme" in COMMAND_MODULES
    for name in ("log", "history", "plan", "progress", "schedule"):
        assert name in main.commands


def test_log_then_history_as_table_json_and_csv(run: Callable[..., Any], clock: datetime) -> None:
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


def test_morning_pain_goes_to_the_last_walk_or_the_given_one(run: Callable[..., Any],
                                                             clock: datetime) -> None:
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
    (["log", "gentle-start", "-m", "5", "--when", "yesterday"], "--when must look like"),
    (["log", "gentle-start", "-m", "5000"], "--minutes must be from 0 to 240 minutes, got 5000"),
    (["log", "gentle-start", "-m", "-5"], "--minutes must be from 0 to 240 minutes, got -5"),
    (["log", "gentle-start", "-m", "5", "--planned", "300"], "--planned must be from 0 to 240"),
    (["log", "nosuch", "-m", "5"], "unknown routine 'nosuch'; known routines: backward, "),
    (["log", "gentle-strat", "-m", "5"], "did you mean 'gentle-start'?"),
    (["log", "week-x-walk", "-m", "5"], "unknown routine 'week-x-walk'"),
    (["history", "--since", "bad"], "--since must look like 2026-03-02"),
    (["history", "--json", "--csv"], "choose one of"),
    (["plan", "--minutes", "0", "--days", "3", "--no-red-flags", "--no-figure-8"], "comfortable minutes"),
])
def test_bad_input_is_one_line_and_exit_2(run: Callable[..., Any], args: list[str],
                                          message: str) -> None:
    result = run(*args, code=2)
    assert result.output.startswith("coach: ") and message in result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_a_walk_cannot_be_logged_in_the_future(run: Callable[..., Any], clock: datetime) -> None:
    out = run("log", "gentle-start", "-m", "8", "--when", "2026-03-20 12:01", code=2).output
    assert out == ("coach: --when 2026-03-20 12:01 is in the future (now is 2026-03-20 12:00); "
                   "log walks you have done\n")
    run("log", "gentle-start", "-m", "8", "--when", "2026-03-20 12:00")
    logged = json.loads(run("history", "--json").output)
    assert logged[0]["started_at"] == NOW.isoformat()


@pytest.mark.parametrize("option, text", [
    ("--when", "0001-01-01"), ("--when", "0001-01-01 00:00"), ("--since", "0001-01-01"),
])
def test_dates_outside_what_can_be_stored_are_one_line(run: Callable[..., Any], clock: datetime,
                                                       option: str, text: str) -> None:
    command = ["log", "gentle-start", "-m", "8"] if option == "--when" else ["history"]
    out = run(*command, option, text, code=2).output
    assert out == f"coach: {option} {text} is outside the dates coach can store\n"


def test_a_walk_more_than_a_year_ago_cannot_be_logged(run: Callable[..., Any],
                                                      clock: datetime) -> None:
    out = run("log", "gentle-start", "-m", "8", "--when", "2025-03-18 12:00", code=2).output
    assert out == ("coach: --when 2025-03-18 12:00 is more than a year ago (now is 2026-03-20); "
                   "log recent walks\n")
    run("log", "gentle-start", "-m", "8", "--when", "2025-03-19 12:00")  # exactly 366 days
    assert len(json.loads(run("history", "--json", "--since", "0002-01-01").output)) == 1

@pytest.mark.parametrize("routine", ["week-3-walk", "flare-up", "figure-8", "gentle-start"])
def test_programme_and_library_ids_can_be_logged(run: Callable[..., Any], routine: str) -> None:
    assert f"Logged walk 1: {routine}, 5 minutes" in run("log", routine, "-m", "5").output


def test_log_accepts_every_id_the_programme_makes(clock: datetime) -> None:
    from coach.programme.logbook import check_routine_id
    from coach.programme.plan import figure8_routine, flare_routine, make_state, upcoming_sessions

    state = make_state(8, 3, True, date(2026, 1, 5))
    made = {s.routine.id for s in upcoming_sessions(state, [], date(2026, 3, 20), 2)}
    made |= {flare_routine().id, figure8_routine(3, "evening").id}
    assert {"week-11-walk", "week-12-walk", "figure-8", "flare-up"} <= made
    for routine_id in made:
        check_routine_id(routine_id)


def test_a_long_break_steps_back_or_says_why_it_cannot(run: Callable[..., Any],
                                                       clock: datetime) -> None:
    run("plan", "--minutes", "8", "--days", "3", "--no-red-flags")
    run("log", "gentle-start", "-m", "8", "--pain-after", "2", "--when", "2026-01-02 07:30")
    out = run("plan").output
    assert ("Staying at 8 minutes, the first step of your plan, so there is no shorter length "
            "to step back to: your last walk was 77 days ago (a break of 14 days or more "
            "steps back).") in out


def test_plan_asks_nothing_without_a_terminal(run: Callable[..., Any]) -> None:
    out = run("plan", input="8\n3\n", code=2).output
    assert out.startswith("coach: pass --no-red-flags to confirm that none of the red flags")
    assert out.endswith("(no terminal to ask on)\n") and out.count("\n") == 1
    out = run("plan", "--no-red-flags", input="8\n3\n", code=2).output
    assert out == "coach: pass --minutes and --days (no terminal to ask on)\n"
    out = run("plan", "--minutes", "5", "--days", "2", "--no-red-flags").output
    assert "figure-8" not in out.lower() and "5-minute walk" in out and "?" not in out


def test_plan_with_both_answers_as_options_does_not_ask(run: Callable[..., Any],
                                                        terminal: None) -> None:
    out = run("plan", "--minutes", "5", "--days", "2", "--no-red-flags").output
    assert "How many" not in out and "Add short figure-8" not in out and "Figure-8" not in out


def test_prompt_defaults_are_whole_numbers(run: Callable[..., Any], terminal: None) -> None:
    out = run("plan", input="n\n\n\n\n").output
    assert "comfortably today? [10]:" in out and "can you walk? [3]:" in out
    assert "10-minute walk" in out


BAD_MINUTES = ["nan", "NaN", "inf", "-inf", "1e400", "   ", "0", "-3", "181", "1e300",
               "9" * 900_000, "ten", "\x1b[2J"]
BAD_DAYS = ["nan", "inf", "0", "8", "3.5", "99999999999999999999", "9" * 900_000, " ", "x"]


@pytest.mark.parametrize("bad", BAD_MINUTES)
def test_the_minutes_prompt_refuses_what_is_no_number_of_minutes_and_asks_again(
        run: Callable[..., Any], coach_home: Path, terminal: None, bad: str) -> None:
    out = run("plan", input=f"n\n{bad}\n8\n3\nn\n").output
    assert out.count("How many minutes can you walk comfortably today?") == 2
    error = next(line for line in out.splitlines() if line.startswith("Error: "))
    assert len(error) < 160 and "\x1b" not in error  # one short line, no raw input
    assert re.search(r"above 0|number|too long", error), error
    assert "8-minute walk" in out and "Traceback" not in out
    assert (coach_home / "config" / "programme.yaml").exists()


@pytest.mark.parametrize("bad", BAD_DAYS)
def test_the_days_prompt_refuses_what_is_no_number_of_days_and_asks_again(
        run: Callable[..., Any], terminal: None, bad: str) -> None:
    out = run("plan", input=f"n\n8\n{bad}\n2\nn\n").output
    assert out.count("How many days a week can you walk?") == 2
    error = next(line for line in out.splitlines() if line.startswith("Error: "))
    assert len(error) < 160 and re.search(r"1 to 7|number|too long", error), error
    assert "Mon 02 Mar" in out and "Thu 05 Mar" in out and "Wed 04 Mar" not in out  # 2 days


@pytest.mark.parametrize("option, bad", [("--minutes", v) for v in ("nan", "inf", "", "1e400",
                                                                    "181", "1e300", "0")]
                         + [("--days", v) for v in ("", "8", "0", "99999999999999999999",
                                                     "3.5", "nan")])
def test_bad_intake_options_exit_2_in_one_line(run: Callable[..., Any], coach_home: Path,
                                               option: str, bad: str) -> None:
    given = {"--minutes": "8", "--days": "3", option: bad}
    out = run("plan", "--minutes", given["--minutes"], "--days", given["--days"],
              "--no-red-flags", code=2).output
    errors = [line for line in out.splitlines() if line.startswith(("coach: ", "Error: "))]
    assert len(errors) == 1 and len(errors[0]) < 160 and "Traceback" not in out, out
    assert not (coach_home / "config" / "programme.yaml").exists()


@pytest.mark.parametrize("text", ["days_per_week: .inf", "days_per_week: .nan",
                                  "days_per_week: 1" + "0" * 400, "comfortable_min: .inf",
                                  "comfortable_min: .nan", "days_per_week: '3'"])
def test_a_programme_file_with_impossible_numbers_is_one_line(
        run: Callable[..., Any], coach_home: Path, text: str) -> None:
    good = {"started_on": "2026-03-02", "comfortable_min": "8", "days_per_week": "3"}
    key, value = text.split(": ", 1)
    good[key] = value
    (coach_home / "config").mkdir(parents=True, exist_ok=True)
    (coach_home / "config" / "programme.yaml").write_text(
        "".join(f"{k}: {v}\n" for k, v in good.items()))
    out = run("plan", code=2).output
    assert out.count("\n") == 1 and re.search("the programme file is damaged|cannot read the "
                                              "programme", out), out
    assert "coach plan --restart" in out


def test_a_damaged_programme_file_is_one_line(run: Callable[..., Any], coach_home: Path) -> None:
    (coach_home / "config").mkdir(parents=True, exist_ok=True)
    (coach_home / "config" / "programme.yaml").write_text("started_on: [2026\nx: {\n")
    out = run("plan", code=2).output
    assert out.count("\n") == 1 and "programme.yaml:" in out
    assert ": cannot read the programme: " in out and out.rstrip().endswith(
        "run `coach plan --restart` to start again")


def test_plan_intake_by_prompts_then_shows_the_week(run: Callable[..., Any], coach_home: Path,
                                                    terminal: None) -> None:
    out = run("plan", input="n\n8\n3\ny\n").output
    assert "How many minutes" in out and "days a week" in out and "figure-8" in out
    assert (coach_home / "config" / "programme.yaml").exists()
    assert "doctor" in out  # the safety line
    assert "Week 1 of your programme" in out and "Why this length: Starting gently." in out
    assert out.count("Figure-8 walk (morning)") == 7
    assert "8-minute walk" in out
    assert "(8 min walking, 12 min session with the stretches)" in out
    assert "On your phone: coach serve offers these walks as a private podcast and a page " \
           "to log your pain" in out
    again = run("plan").output
    assert "How many" not in again and "Week 1 of your programme" in again
    assert "Figure-8" not in run("plan", "--no-figure-8").output
    assert "--restart" in run("plan", "--minutes", "5", code=2).output
    assert "5-minute walk" in run("plan", "--restart", "--minutes", "5", "--days", "2", "--no-red-flags",
                                  "--no-figure-8").output


def test_a_logged_flare_switches_the_plan(run: Callable[..., Any]) -> None:
    run("plan", "--minutes", "10", "--days", "3", "--no-red-flags", "--no-figure-8")
    out = run("log", "gentle-start", "-m", "5", "--pain-after", "8", "--flare").output
    assert "flare-up" in out and "Next: Your next walks switch to the gentle flare-up track" in out
    plan = run("plan").output
    assert "Flare-up: short and gentle" in plan and "Flare-up track" in plan


@pytest.mark.slow
def test_progress_table_and_plot(run: Callable[..., Any], tmp_path: Path, clock: datetime) -> None:
    assert "Nothing yet" in run("progress").output
    run("log", "gentle-start", "-m", "8", "--pain-after", "3", "--when", "2026-03-02 07:30")
    run("log", "gentle-start", "-m", "9", "--pain-after", "2", "--when", "2026-03-10 07:30")
    table = run("progress").output
    assert "2026-03-02" in table and "2026-03-09" in table and "Pain after walks" in table
    pytest.importorskip("matplotlib")
    out = run("progress", "--plot", str(tmp_path / "p.png")).output
    assert "Wrote" in out and (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_progress_weeks_are_the_plan_weeks(run: Callable[..., Any], clock: datetime) -> None:
    from coach.programme.plan import make_state
    from coach.programme.store import save_state

    save_state(make_state(8, 3, False, date(2026, 3, 4)))  # a Wednesday: week 3 from 18 March
    run("log", "gentle-start", "-m", "8", "--pain-after", "2", "--when", "2026-03-02 07:30")
    run("log", "gentle-start", "-m", "8", "--pain-after", "2", "--when", "2026-03-19 07:30")
    assert "Week 3 of your programme" in run("plan").output
    table = run("progress").output.splitlines()
    weeks = [line.split()[:2] for line in table[2:] if line[:4].strip()]
    assert weeks[:4] == [["pre", "2026-02-25"], ["1", "2026-03-04"], ["2", "2026-03-11"],
                         ["3", "2026-03-18"]]


@pytest.mark.parametrize("name, message", [
    ("nonexist/p.png", "folder {tmp}/nonexist does not exist"),
    ("p.txt", "{tmp}/p.txt must end in .png or .svg or .pdf"),
])
def test_progress_plot_path_is_checked_first(run: Callable[..., Any], tmp_path: Path, name: str,
                                             message: str) -> None:
    run("log", "gentle-start", "-m", "8", "--pain-after", "3", "--when", "2026-03-02 07:30")
    out = run("progress", "--plot", str(tmp_path / name), code=2).output
    assert out == f"coach: {message.format(tmp=tmp_path)}\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_progress_plot_as_svg_with_whole_week_ticks(run: Callable[..., Any], tmp_path: Path,
                                                    clock: datetime) -> None:
    pytest.importorskip("matplotlib")
    run("log", "gentle-start", "-m", "8", "--pain-after", "3", "--when", "2026-03-02 07:30")
    run("log", "gentle-start", "-m", "9", "--pain-after", "2", "--when", "2026-03-10 07:30")
    run("progress", "--plot", str(tmp_path / "p.svg"))
    svg = (tmp_path / "p.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "Walking progress: pain after walks falling" in svg
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    x_ticks = labels[labels.index("walked") + 1:labels.index("programme week")]
    assert x_ticks == ["1", "2", "3"]
    assert not any("." in label for label in labels)  # no 0.75 / 1.25 week ticks


@pytest.mark.parametrize("args", [["history"], ["log", "gentle-start", "-m", "5"], ["progress"]])
def test_a_history_that_is_not_a_database_is_one_line_and_exit_1(run: Callable[..., Any],
                                                                 coach_home: Path,
                                                                 args: list[str]) -> None:
    db_path = coach_home / "data" / "history.sqlite3"
    db_path.parent.mkdir(parents=True, exist_ok=True)
    db_path.write_bytes(b"not a database at all\n" * 100)
    out = run(*args, code=1).output
    assert out == (f"coach: could not open the walk history in {db_path}: "
                   "file is not a database\n")


def test_plan_json_lists_the_upcoming_sessions_with_the_ids_log_takes(
        run: Callable[..., Any]) -> None:
    run("plan", "--minutes", "10", "--days", "3", "--no-red-flags", "--figure-8")
    sessions = json.loads(run("plan", "--json").output)
    assert sessions[0]["id"] == "2026-03-02-figure-8-morning"
    assert all(set(s) == {"id", "date", "title", "routine", "walking_minutes",
                          "session_minutes"} for s in sessions)
    walk = next(s for s in sessions if s["id"] == "2026-03-02-walk")
    assert walk["routine"] == "week-1-walk" and walk["walking_minutes"] == 10
    table = run("plan").output
    assert "2026-03-02-walk" in table and "2026-03-04-walk" in table
    out = run("log", "2026-03-02-walk", "-m", "10", "--pain-before", "2",
              "--pain-after", "6").output
    assert "Logged walk 1: week-1-walk" in out and "went up from 2 to 6" in out
    assert "Next: Your next walk stays the same length: 10 minutes." in out
    assert "2026-03-02-walk" not in run("plan").output  # done today: not listed again


@pytest.mark.parametrize(("args", "why", "decision"), [
    (["--pain-before", "2", "--pain-after", "7"], "7 out of 10",
     "Your next walks switch to the gentle flare-up track."),
    (["--pain-before", "2", "--pain-after", "9"], "went up from 2 to 9",
     "Your next walks switch to the gentle flare-up track."),
    (["--pain-before", "2", "--pain-after", "4"], "went up from 2 to 4",
     "Your next walk stays the same length: 10 minutes."),
    (["--pain-before", "2", "--pain-after", "3", "--stopped", "pain"],
     "stopped this walk because of pain", "Your next walk stays the same length: 10 minutes."),
])
def test_coach_log_prints_the_pain_advice_and_what_changes(run: Callable[..., Any],
                                                           args: list[str], why: str,
                                                           decision: str) -> None:
    from coach.routines.library import load_lines

    run("plan", "--minutes", "10", "--days", "3", "--no-red-flags", "--no-figure-8")
    out = run("log", "2026-03-02-walk", "-m", "10", *args).output
    lines = load_lines()
    assert why in out and lines.red_flags in out and lines.pain_advice[0] in out
    assert f"Next: {decision}" in out
    assert out.index(lines.red_flags) < out.index("Next: ")


def test_a_worse_next_morning_prints_the_advice_and_what_changes(run: Callable[..., Any]
                                                                 ) -> None:
    from coach.routines.library import load_lines

    run("plan", "--minutes", "10", "--days", "3", "--no-red-flags", "--no-figure-8")
    calm = run("log", "2026-03-02-walk", "-m", "10", "--pain-before", "2",
               "--pain-after", "2").output
    assert load_lines().red_flags not in calm
    out = run("log", "--morning-pain", "5").output
    assert "worse the next morning: 5, against 2" in out and load_lines().red_flags in out
    assert "Next: Your next walk stays the same length: 10 minutes." in out


def test_a_text_walk_with_high_pain_prints_the_advice_and_what_changes(
        run: Callable[..., Any]) -> None:
    from coach.routines.library import load_lines

    run("plan", "--minutes", "10", "--days", "3", "--no-red-flags", "--no-figure-8")
    out = run("walk", "--text", "--estimate", "--pain-before", "3", "--pain-after", "8").output
    assert "Your back pain is 8 out of 10" in out and load_lines().red_flags in out
    assert out.rstrip().splitlines()[-1].startswith(
        "Next: Your next walks switch to the gentle flare-up track.")


def test_history_delete_asks_then_says_what_the_programme_decides(
        run: Callable[..., Any], env: Environment) -> None:
    run("plan", "--minutes", "10", "--days", "3", "--no-red-flags", "--no-figure-8")
    for day in ("2026-03-02", "2026-03-04", "2026-03-06"):
        run("log", f"{day}-walk", "-m", "10", "--pain-before", "2", "--pain-after", "2",
            env=replace(env, wall=FakeWall(datetime(2026, 3, 6, 18, tzinfo=LONDON))))
    late = replace(env, wall=FakeWall(datetime(2026, 3, 7, 9, tzinfo=LONDON)))
    assert "12-minute walk" in run("plan", env=late).output
    out = run("history", "--delete", "2", env=late, code=2).output
    assert "add --yes" in out and out.count("\n") == 1
    at_terminal = replace(late, stdin_isatty=True, stdout_isatty=True)
    out = run("history", "--delete", "2", input="n\n", env=at_terminal, code=1).output
    assert "Delete walk 2 (week-1-walk, Wed 04 Mar 12:00, 10 min)? [y/N]" in out
    assert "Deleted" not in out
    out = run("history", "--delete", "2", input="y\n", env=at_terminal).output
    assert "Deleted walk 2 (week-1-walk, Wed 04 Mar 12:00, 10 min)." in out
    assert "Next: The programme now decides: 10-minute walks (before: 12-minute walks)." in out
    assert "10-minute walk" in run("plan", env=late).output
    assert "no walk with id 2" in run("history", "--delete", "2", "--yes", env=late,
                                      code=2).output


def test_log_fix_corrects_a_walk_and_says_what_the_programme_decides(
        run: Callable[..., Any], env: Environment) -> None:
    run("plan", "--minutes", "10", "--days", "3", "--no-red-flags", "--no-figure-8")
    run("log", "2026-03-02-walk", "-m", "10", "--pain-before", "2", "--pain-after", "9")
    assert "Flare-up: short and gentle" in run("plan").output
    assert "add --yes" in run("log", "--fix", "1", "--pain-after", "3", code=2).output
    out = run("log", "--fix", "1", "--pain-after", "3", "--yes").output
    assert "Corrected walk 1: pain after: 9 -> 3." in out
    assert ("Next: The programme now decides: 10-minute walks (before: the gentle flare-up "
            "track (5-minute walks)).") in out
    assert "Flare-up" not in run("plan").output
    history = json.loads(run("history", "--json").output)
    assert [(w["id"], w["pain_after"]) for w in history] == [(1, 3)]
    assert "nothing to change" in run("log", "--fix", "1", "--pain-after", "3", "--yes").output
    assert "say what to correct" in run("log", "--fix", "1", "--yes", code=2).output
    assert "no routine" in run("log", "gentle-start", "--fix", "1", "-m", "3", code=2).output


def test_red_flag_intake_refuses_to_build_a_plan_on_a_yes(run: Callable[..., Any],
                                                          coach_home: Path, env: Environment,
                                                          terminal: None) -> None:
    from coach.routines.library import load_lines

    asked = load_lines()
    programme = coach_home / "config" / "programme.yaml"
    out = run("plan", input="y\nn\n", code=1).output
    assert "Do you have any of these?" in out
    assert all(flag in out for flag in asked.intake_red_flags)
    assert asked.intake["get_advice"] in out and "No programme yet" in out
    assert "How many" not in out
    assert not programme.exists()
    assert "answer: pending" in (coach_home / "config" / "red-flags.yaml").read_text()
    again = run("plan", input="n\n", code=1).output  # asked about advice only, not again
    assert "On Mon 02 Mar 2026 you said one of the red flags applies to you." in again
    assert "Do you have any" not in again and not programme.exists()
    no_tty = replace(env, stdin_isatty=False)
    out = run("plan", "--minutes", "8", "--days", "3", "--no-red-flags", env=no_tty,
              code=2).output
    assert "get medical advice first, then add --medical-advice" in out
    assert not programme.exists()
    out = run("plan", input="y\n8\n3\nn\n").output  # advice since: the programme is built
    assert "8-minute walk" in out and programme.exists()
    assert "answer: advised" in (coach_home / "config" / "red-flags.yaml").read_text()


def test_red_flags_answered_by_options_without_a_terminal(run: Callable[..., Any],
                                                          coach_home: Path) -> None:
    assert "choose one of" in run("plan", "--minutes", "8", "--days", "3", "--no-red-flags",
                                  "--medical-advice", code=2).output
    out = run("plan", "--minutes", "8", "--days", "3", "--medical-advice").output
    assert "8-minute walk" in out
    assert "answer: advised" in (coach_home / "config" / "red-flags.yaml").read_text()
    assert "--no-red-flags" in run("plan", "--help").output
    assert "a history of cancer" in run("plan", "--help").output


def test_damaged_history_rows_are_skipped_by_history_plan_and_progress(
        run: Callable[..., Any], coach_home: Path) -> None:
    import sqlite3

    run("plan", "--minutes", "10", "--days", "3", "--no-figure-8", "--no-red-flags")
    run("log", "2026-03-02-walk", "-m", "10", "--pain-after", "2")
    db = sqlite3.connect(coach_home / "data" / "history.sqlite3")
    db.execute("INSERT INTO sessions (routine, started_at, started_utc, planned_min, "
               "walked_min, completed) VALUES ('walk', 'not a date', 'x', 1, 1, 1)")
    db.commit()
    db.close()
    for args in (["history"], ["plan"], ["progress"], ["history", "--json"]):
        result = run(*args)
        assert "walk 2 in " in result.stderr and "is damaged" in result.stderr, args
        assert "Traceback" not in result.output
    assert "Deleted walk 2 (damaged)." in run("history", "--delete", "2", "--yes").output
    assert "is damaged" not in run("history").stderr


@pytest.mark.parametrize(("minutes", "said"), [
    ("3", "You said 3 minutes are comfortable today; your first walks are 5 minutes, the "
          "shortest the programme plans."),
    ("45", "You said 45 minutes are comfortable today; your first walks are 10 minutes: the "
           "programme begins with 5-10 minutes"),
    ("7.5", "your first walks are 7 minutes (the plan counts whole minutes)."),
])
def test_plan_says_why_the_first_walk_is_not_the_minutes_given(run: Callable[..., Any],
                                                               minutes: str, said: str) -> None:
    out = run("plan", "--minutes", minutes, "--days", "3", "--no-red-flags").output
    assert said in out
    assert "You said" not in run("plan", "--restart", "--minutes", "8", "--days", "3",
                                 "--no-red-flags").output


def test_plan_names_todays_programme_session_wherever_a_routine_is_named(
        run: Callable[..., Any], tmp_path: Path) -> None:
    assert "run `coach plan` first" in run("show", "plan", "--estimate", code=2).output
    run("plan", "--minutes", "7", "--days", "3", "--no-figure-8", "--no-red-flags")
    title = "Week 1: 7-minute walk, then stretches"
    assert run("show", "plan", "--estimate").output.startswith(f"{title} (week-1-walk)")
    compiled = json.loads(run("compile", "plan", "--estimate", "--format", "json").stdout)
    assert compiled["title"] == title
    walked = run("walk", "plan", "--text", "--estimate", "--pain-before", "2",
                 "--pain-after", "2").output
    assert "Welcome. Today: seven minutes of walking, then about " in walked
    history = json.loads(run("history", "--json").output)
    assert [(w["routine"], w["walked_min"]) for w in history] == [("week-1-walk", 7.0)]
    out = run("log", "plan", "-m", "7", "--pain-after", "2").output
    assert "Logged walk 2: week-1-walk, 7 minutes" in out
