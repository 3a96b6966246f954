"""Pre-warming after `coach plan` and `coach schedule add` (coach.cli.prewarm): the real
background `coach prepare` process, waited on (no sleeps), with the real espeak-ng engine."""

from __future__ import annotations

import pytest

from coach.cli import prewarm

PLAN = ("plan", "--minutes", "8", "--days", "5", "--no-figure-8", "--no-red-flags")


def _started_by(run):
    """The background processes ``run()`` started, and its result."""
    before = len(prewarm.started)
    result = run()
    assert result.exit_code == 0, result.output
    return prewarm.started[before:], result


def _next_session_left_to_synthesise(env) -> tuple[int, int]:
    """(phrases a prepare of the programme's next session would synthesise now, its cues)."""
    from coach.programme.today import upcoming_programme_routines
    from coach.session import _open_cache, placed_and_measured

    routine = upcoming_programme_routines(1, env.today())[0][0]
    routine, cache = _open_cache(routine, None, None, False)
    timeline, made = placed_and_measured(routine, cache)
    return made, len(timeline.cues)


def test_after_plan_the_next_sessions_phrases_are_cached_in_the_background(
        cli, make_env, monkeypatch):
    monkeypatch.setenv("COACH_PREWARM", "1")  # pre-warming is off under tests otherwise
    env = make_env()
    [proc], result = _started_by(lambda: cli(*PLAN, env=env))
    said = [ln for ln in result.stderr.split("\n") if "in the background" in ln]
    assert said == [f"Preparing the voice for your next sessions in the background (pid "
                    f"{proc.pid}: coach prepare --program --weeks 1)."]
    assert proc.wait(timeout=600) == 0  # the real process, waited on
    made, cues = _next_session_left_to_synthesise(env)
    assert made == 0 and cues > 3  # every phrase of the next session is cached
    again = cli("prepare", "--program", "--weeks", "1", env=env)
    assert again.exit_code == 0 and "(0 synthesised, " in again.output, again.output


def test_without_prewarming_the_next_session_is_not_cached(cli, make_env):
    env = make_env()
    started, result = _started_by(lambda: cli(*PLAN, env=env))  # under pytest: off
    assert started == [] and "in the background" not in result.stderr
    made, _cues = _next_session_left_to_synthesise(env)
    assert made > 0  # so the test above is not satisfied by anything but the pre-warm


def test_two_prewarms_at_once_both_finish_and_leave_the_cache_whole(cli, make_env, monkeypatch):
    monkeypatch.setenv("COACH_PREWARM", "1")
    env = make_env()
    first, _ = _started_by(lambda: cli(*PLAN, env=env))
    second, added = _started_by(lambda: cli("schedule", "add", "gentle-start", "--at", "07:30"))
    assert len(first) == len(second) == 1
    assert "Preparing the voice for the scheduled gentle-start in the background" in added.stderr
    assert [p.wait(timeout=600) for p in (*first, *second)] == [0, 0]
    for args in (("gentle-start",), ("--program", "--weeks", "1")):
        again = cli("prepare", *args, env=env)
        assert again.exit_code == 0 and "(0 synthesised, " in again.output, again.output


@pytest.mark.parametrize(("variables", "wanted"), [
    ({}, True), ({"CI": "true"}, False), ({"PYTEST_CURRENT_TEST": "x"}, False),
    ({"CI": "1", "COACH_PREWARM": "1"}, True), ({"COACH_PREWARM": "0"}, False)])
def test_prewarming_is_off_under_ci_and_tests_unless_asked(monkeypatch, variables, wanted):
    for name in ("CI", "PYTEST_CURRENT_TEST", "COACH_PREWARM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert prewarm.wanted() is wanted
