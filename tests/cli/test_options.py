"""One rule for every option and argument of every command (coach/cli/options.py::harden).

The property: any value for any parameter of any command is converted to a value
that is finite and bounded, or refused by click with one short line; never a
traceback. Then the cases issue 12 found, end to end through the CLI.
"""

from __future__ import annotations

import math

import click
import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from coach.cli import main
from coach.cli.options import MAX_INT, MAX_TEXT_CHARS, Checked
from coach.routines.model import SPEECH_KEY_CHARS


def every_parameter(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from every_parameter(command, (*prefix, name))
            continue
        for param in command.params:
            if not (isinstance(param, click.Option) and param.is_flag):
                yield (*prefix, name), command, param


PARAMETERS = list(every_parameter(main))
VALUES = st.one_of(
    st.text(max_size=40),
    st.text(st.sampled_from("ab-"), min_size=15, max_size=100),  # around the 20/40/80 limits
    st.sampled_from(["nan", "NaN", "inf", "-inf", "1e400", "9" * 20, "9" * 25, "", " ",
                     "-0", "0x10", "a\nb", "\x1b[2J", "\u202e", "x" * 5000, "3", "0.5"]),
    st.integers(min_value=-(10 ** 30), max_value=10 ** 30).map(str),
    st.floats().map(repr))


def test_every_parameter_is_behind_the_one_rule():
    assert len(PARAMETERS) > 40
    for path, _command, param in PARAMETERS:
        assert isinstance(param.type, Checked), (path, param.name)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(min_value=0, max_value=len(PARAMETERS) - 1), value=VALUES)
def test_any_value_for_any_parameter_is_bounded_or_one_short_line(which: int, value: str):
    path, command, param = PARAMETERS[which]
    ctx = click.Context(command, info_name=path[-1])
    try:
        result = param.type.convert(value, param, ctx)
    except click.BadParameter as err:
        message = err.format_message()
        assert "\n" not in message and len(message) < 250, message  # a 60-char quote + why
        return
    if isinstance(result, float):
        assert math.isfinite(result)
    if isinstance(result, int):
        assert abs(result) <= MAX_INT
    if isinstance(result, str) and value != param.default:  # the coach's own default is fine
        assert result.strip() and "\n" not in result and "\x1b" not in result
        # --voice/--engine/--language: no longer than a routine file may name them
        assert len(result) <= SPEECH_KEY_CHARS.get(param.name or "", MAX_TEXT_CHARS)


@pytest.mark.parametrize("args, fragment", [
    (["compile", "gentle-start", "--estimate", "--volume", "nan"],
     "'--volume': 'nan' is not a finite number"),
    (["schedule", "run", "--grace", "nan"], "'--grace': 'nan' is not a finite number"),
    (["log", "--morning-pain", "3", "--id", "9" * 20], "'--id': '99999999999999999999' is too"),
    (["log", "--morning-pain", "3", "--id", ""], "'--id': must not be empty"),
    (["export", "gentle-start", "-o", ""], "must not be empty"),
    (["history", "--since", ""], "'--since': must not be empty"),
    (["show", "x" * 100_000], "(100,000 characters) is too long"),
    (["schedule", "add", "gentle-start", "--at", "07:30", "--id", "a\nb"], "U+000A"),
    (["log", "--minutes", "10", "--note", "\x1b]0;owned\a"], "U+001B (ESC)"),
    (["compile", "gentle-start", "--estimate", "--voice", "x" * 300], "(at most 80 characters)"),
    (["voices", "--language", "x" * 300], "(at most 20 characters)"),
    (["compile", "gentle-start", "--estimate", "--language", "../.."],
     "language must be a code like en or de-AT, got '../..'"),
])
def test_bad_command_line_values_are_refused_with_exit_2(cli, args, fragment):
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert fragment in result.output and "Traceback" not in result.output
    assert max(len(line) for line in result.output.splitlines()) < 250


@pytest.mark.parametrize("extra", [["--estimate"], []])
def test_an_engine_that_does_not_exist_is_refused_with_or_without_estimate(cli, extra):
    result = cli("compile", "gentle-start", "--engine", "espek", *extra)
    assert result.exit_code == 2
    assert "unknown speech engine 'espek'; did you mean 'espeak'?" in result.output


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=30))
def test_any_engine_name_is_one_of_the_engines_or_one_line(cli, name):
    from coach.speech import ENGINES

    result = cli("compile", "gentle-start", "--estimate", "-f", "json", "--engine", name)
    if name in ENGINES:
        assert result.exit_code == 0
    else:
        assert result.exit_code == 2 and len(result.output.strip().splitlines()[-1]) < 250

