"""Deeply nested YAML is one marked error in every reader, never a RecursionError."""

from __future__ import annotations

from pathlib import Path

import hypothesis.strategies as st
import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from coach.config import read_yaml
from coach.errors import RoutineError, UsageError
from coach.routines.yamlsrc import compose
from coach.yamlnest import MAX_NESTING, NestingError, check_nesting, yaml_number

FLOW_600 = "segments: " + "[" * 600 + "]" * 600 + "\n"
BLOCK_600 = "".join("  " * i + f"k{i}:\n" for i in range(600))


@pytest.mark.parametrize("text", [FLOW_600, BLOCK_600])
def test_plain_pyyaml_recurses_on_these_files(text: str) -> None:
    # the reason for the check: without it PyYAML itself overflows the stack. In a child
    # process: a RecursionError caught here would leave CPython 3.11's ast module broken
    # for the rest of the suite ("AST constructor recursion depth mismatch")
    import subprocess
    import sys

    probe = ("import sys, yaml\ntry:\n    yaml.safe_load(sys.stdin.read())\n"
             "except RecursionError:\n    print('RecursionError')\n")
    done = subprocess.run([sys.executable, "-c", probe], input=text, capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.strip() == "RecursionError", done.stderr[-500:]


def test_nesting_at_the_limit_is_read_and_one_deeper_is_refused_where_it_starts() -> None:
    at_limit = "[" * MAX_NESTING + "]" * MAX_NESTING
    check_nesting(at_limit)
    assert yaml.safe_load(at_limit) is not None
    with pytest.raises(NestingError) as err:
        check_nesting("[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1))
    mark = err.value.problem_mark
    assert mark is not None and (mark.line, mark.column) == (0, MAX_NESTING)  # the first bracket too deep


@pytest.mark.parametrize("text", [FLOW_600, BLOCK_600])
def test_a_routine_file_gives_file_line_col(text: str) -> None:
    with pytest.raises(RoutineError) as err:
        compose(text.encode(), "deep.yaml")
    assert "nested more than 64 levels deep" in str(err.value)
    assert str(err.value).startswith("deep.yaml:")


@pytest.mark.parametrize("text", [FLOW_600, BLOCK_600])
def test_a_programme_or_schedule_file_gives_one_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "programme.yaml"
    path.write_text(text)
    with pytest.raises(UsageError) as err:
        read_yaml(path, "programme")
    message = str(err.value)
    assert message.startswith(f"{path}:") and "\n" not in message
    assert "nested more than 64 levels deep" in message


def test_check_and_compile_refuse_a_deep_user_file_with_exit_2(run, tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("id: deep\ntitle: Deep\n" + FLOW_600)
    for command in ("check", "compile"):
        result = run(command, str(deep), code=2)
        assert f"{deep}:3:" in result.output and "nested more than" in result.output
        assert "Traceback" not in result.output


# -- numbers --------------------------------------------------------------------------
#: Routine fields that hold numbers, with a template for each.
NUMBER_FIELDS = {
    "rate": "title: x\nrate: {n}\nsegments:\n  - technique: walk\n    duration: 1m\n",
    "volume": "title: x\nvolume: {n}\nsegments:\n  - technique: walk\n    duration: 1m\n",
    "cadence": "title: x\ncadence: {n}\nsegments:\n  - technique: walk\n    duration: 1m\n",
    "repeat": "title: x\nsegments:\n  - repeat: {n}\n    segments:\n"
              "      - technique: walk\n        duration: 1m\n",
    "duration": "title: x\nsegments:\n  - technique: walk\n    duration: {n}\n",
    "countdown": "title: x\nsegments:\n  - technique: walk\n    duration: 1m\n"
                 "    countdown: {n}\n",
    "metronome_level": "title: x\nmetronome_level: {n}\nsegments:\n  - technique: walk\n"
                       "    duration: 1m\n",
}
NUMBERS = st.one_of(
    st.integers(min_value=-(10 ** 500), max_value=10 ** 500).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from([".inf", "-.inf", ".nan", ".NaN", "0x10", "0o17", "0b101", "1_000",
                     "1:30", "1e400", "9" * 400, "0x" + "f" * 300]))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(sorted(NUMBER_FIELDS)), number=NUMBERS)
def test_any_number_in_any_field_loads_or_is_one_marked_problem(field: str, number: str) -> None:
    from coach.routines.loader import load_routine

    data = NUMBER_FIELDS[field].format(n=number).encode()
    try:
        load_routine(data, "n.yaml", "n", ("walk",))
    except RoutineError as err:  # never OverflowError, never a 400-digit line
        (problem,) = err.problems
        assert problem.line >= 2 and problem.col > 1 and len(problem.message) < 200


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(number=NUMBERS)
def test_any_number_in_the_programme_file_loads_or_is_one_line(tmp_path_factory, number: str
                                                               ) -> None:
    from coach.programme.store import load_state

    path = tmp_path_factory.mktemp("p") / "programme.yaml"
    path.write_text(f"version: 1\nstarted_on: 2026-11-02\ncomfortable_min: 6\n"
                    f"days_per_week: {number}\n")
    try:
        state = load_state(path)
    except UsageError as err:
        assert "\n" not in str(err) and len(str(err)) < 300 and str(err).startswith(str(path))
    else:
        assert state is not None and 1 <= state.intake.days_per_week <= 7


@pytest.mark.parametrize("text, problem", [
    ("9" * 400, "too many digits (400 characters; at most 20)"),
    (".inf", "must be a finite number, got .inf"),
    (".NaN", "must be a finite number"),
])
def test_a_huge_or_infinite_number_is_marked(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "programme.yaml"
    path.write_text(f"version: 1\ndays_per_week: {text}\n")
    with pytest.raises(UsageError) as err:
        read_yaml(path, "programme")
    assert str(err.value).startswith(f"{path}:2:16: ") and problem in str(err.value)


def test_yaml_number_keeps_yaml_forms() -> None:
    node = yaml.compose("0x10")
    assert yaml_number(node) == 16 and yaml_number(yaml.compose("1_000")) == 1000
    assert yaml_number(yaml.compose("2.5")) == 2.5


# -- text in the coach's own files ----------------------------------------------------
OWN_FILE_TEXT = st.one_of(
    st.text(max_size=40), st.sampled_from(["x" * 900_000, "2026-02-30", "", "~", "[1, 2]",
                                           "{a: 1}", '"\\ud800"', "9" * 400, ".nan"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(["started_on", "answer", "answered_on"]), text=OWN_FILE_TEXT)
def test_any_text_in_the_programme_and_red_flag_files_loads_or_is_one_short_line(
        tmp_path_factory, field: str, text: str) -> None:
    # issue 12: a 900 KB started_on or answered_on was quoted whole by date.fromisoformat
    import json

    from coach.programme.intake import load_answer
    from coach.programme.store import load_state

    value = text if text[:1] in '"[{~.9x' or not text else json.dumps(text)
    path = tmp_path_factory.mktemp("f") / "file.yaml"
    if field == "started_on":
        path.write_text(f"version: 1\nstarted_on: {value}\ncomfortable_min: 6\n"
                        "days_per_week: 3\n", errors="surrogatepass")
        load = load_state
    else:
        answer = {"answer": "none", "answered_on": "2026-01-05", field: None}
        answer[field] = value
        path.write_text(f"answer: {answer['answer']}\nanswered_on: {answer['answered_on']}\n",
                        errors="surrogatepass")
        load = load_answer
    try:
        load(path)
    except UsageError as err:
        assert "\n" not in str(err) and len(str(err)) < 400 and str(err).startswith(str(path))


def test_json_nested_too_deep_is_refused_before_the_parser_recurses() -> None:
    import ast

    from coach.yamlnest import json_loads

    with pytest.raises(ValueError, match=f"nested more than {MAX_NESTING} levels deep"):
        json_loads("[" * 100_000 + "]" * 100_000)
    assert json_loads('{"a": ["[[[", "{{\\"{"]}') == {"a": ["[[[", '{{"{']}  # strings do not count
    assert json_loads(b"[" * MAX_NESTING + b"]" * MAX_NESTING) is not None
    ast.parse("x = [[1]]")  # no RecursionError was raised, so the ast module still works
