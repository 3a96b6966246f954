"""`coach voices`, through click's CliRunner, with the real engines."""

from __future__ import annotations

from click.testing import CliRunner

from coach.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_voices_lists_the_engines_voices():
    result = run("voices")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) > 20
    assert any(line.split()[0] == "gmw/en-US" and "en-us" in line for line in lines)


def test_voices_filters_by_language():
    result = run("voices", "--language", "en")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert 3 <= len(lines) < 30
    assert all("en" in line.split("  ")[-1] for line in lines)
    assert not any("French" in line for line in lines)


def test_voices_through_pyttsx3():
    result = run("voices", "--engine", "pyttsx3", "--language", "en-us")
    assert result.exit_code == 0, result.output
    assert "gmw/en-us" in result.output.lower()


def test_an_unknown_engine_is_a_usage_error():
    result = run("voices", "--engine", "festival")
    assert result.exit_code == 2
    assert "unknown speech engine 'festival'; choose one of: espeak, pyttsx3" in result.output


def test_a_language_without_voices_says_so():
    result = run("voices", "--language", "xx")
    assert result.exit_code == 0
    assert "No voices for language 'xx'" in result.output
