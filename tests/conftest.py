"""Shared fixtures and the ``slow`` / ``live`` markers.

Fixtures: an isolated COACH_HOME (every test), a small technique set, the
sample rate tests render at (:data:`SAMPLE_RATE_HZ`), a fake monotonic clock
(``fake_clock``), a fake wall clock (``wall_clock``), a tone clip standing in for
speech (``tone``), and a CLI runner (``cli``) that invokes ``coach.cli.main`` with
an :class:`~coach.env.Environment` built from those fake clocks.

The fakes themselves stay in tests/fakes.py (test_player, test_text_player
and others import them from there); this file re-exports them.

Markers: ``slow`` (over ~0.5 s) and ``live`` (a PulseAudio daemon or a real
``coach`` process walking in real time). ``pytest -m "not slow"`` is the fast
loop; plain ``pytest`` runs everything. Tests in files owned by this area carry
``@pytest.mark.slow`` themselves; tests in other files are marked here, by
file and test name (:data:`SLOW_TESTS`, :data:`LIVE_TESTS`), so that marking them
needed no edit to files other people were rewriting at the same time. Move a
mark into its test file when you next touch that file.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import pytest

from coach.audio.clip import Clip
from coach.routines.loader import load_technique
from coach.routines.model import Technique
from tests.fakes import LONDON, SR, FakeClock, FakeWall, tone_clip

__all__ = ["SAMPLE_RATE_HZ", "FakeClock", "FakeWall", "tone_clip"]

#: The sample rate tests render at (the same as tests/fakes.py).
SAMPLE_RATE_HZ = SR

#: file -> test names (without parameters) that take over ~0.5 s
#: (measured with ``pytest --durations=40``).
SLOW_TESTS: dict[str, set[str]] = {
    "test_live_pulse.py": {"*"},
    "test_cli_live.py": {"test_walk_without_a_sound_card_prints_the_session_and_records_it",
                         "test_ctrl_c_ends_cleanly_and_records_an_early_end",
                         "test_unknown_device_falls_back_to_text_with_the_reason"},
    "test_player.py": {"test_forty_minute_walk_plays_every_cue_on_its_sample",
                       "test_skip_jumps_to_the_next_section_start",
                       "test_pause_freezes_the_session_and_resume_continues_exactly",
                       "test_unknown_keys_change_nothing",
                       "test_repeat_in_a_gap_says_the_last_cue_now_and_delays_the_rest",
                       "test_repeat_while_a_cue_is_spoken_waits_for_its_end",
                       "test_skip_cuts_a_repeat_short",
                       "test_quit_and_pain_end_with_their_spoken_lines"},
    "test_cli_export.py": {"test_export_program_writes_the_upcoming_sessions_in_order",
                           "test_warnings_once_per_routine_and_moved_cues_as_one_note",
                           "test_several_routines_make_a_folder_and_a_playlist"},
    "test_export.py": {"test_sigkill_part_way_leaves_no_file_and_the_next_export_works"},
    "test_cli.py": {"test_bad_routine_through_a_real_process"},
    "test_scheduling.py": {"test_48_hours_over_the_end_of_summer_time_with_a_6_hour_sleep"},
    "test_cli_schedule.py": {
        "test_the_daemon_exports_the_day_fires_on_time_and_reports_a_missed_walk"},
    "test_phrase_cache.py": {"test_the_respeller_never_fails_on_any_text"},
    "test_render.py": {"test_blocks_concatenate_to_the_whole"},
    "test_speech.py": {"test_a_hang_is_retried_in_a_fresh_worker_then_reported",
                       "test_a_hang_is_cut_off_with_a_clear_error",
                       "test_a_worker_that_dies_is_an_engine_error"},
    "test_keys.py": {"test_escape_sequences_from_a_pty_yield_no_keys"},
    "test_history.py": {"test_sigkill_mid_write_loses_nothing_committed"},
    "test_cli_programme.py": {"test_progress_table_and_plot",
                              "test_progress_plot_as_svg_with_whole_week_ticks"},
}

#: file -> test names that need a PulseAudio daemon or walk a real process.
LIVE_TESTS: dict[str, set[str]] = {
    "test_live_pulse.py": {"*"},
    "test_cli_live.py": {"test_walk_without_a_sound_card_prints_the_session_and_records_it",
                         "test_ctrl_c_ends_cleanly_and_records_an_early_end",
                         "test_unknown_device_falls_back_to_text_with_the_reason"},
}


def _listed(table: dict[str, set[str]], item: pytest.Item) -> bool:
    names = table.get(item.path.name, set())
    return "*" in names or getattr(item, "originalname", item.name) in names


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _listed(SLOW_TESTS, item):
            item.add_marker(pytest.mark.slow)
        if _listed(LIVE_TESTS, item):
            item.add_marker(pytest.mark.live)

WALK = b"""
id: walk
name: Walking
description: Plain walking.
pace: easy
intro: ["Walking now. Nice and easy."]
safety: ["Stop if your pain grows."]
form: ["Tall back.", "Shoulders down.", "Look ahead, not at your feet."]
form_every: 40s
encouragement: ["You're doing well."]
countdown: 3
closing: ["Nearly done with this part."]
"""

STRETCH = b"""
id: cool-down
name: Cool-down stretches
description: Stretches.
intro: ["Time to cool down."]
stretches:
  - name: Hamstring stretch
    say: "Heel forward, lean gently from the hips."
    hold: 30s
  - name: Hip flexor stretch
    say: "Step back into a small lunge."
    hold: 20s
rounds: 2
"""


@pytest.fixture(autouse=True)
def coach_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test gets its own empty COACH_HOME: no test touches the real one."""
    home = tmp_path_factory.mktemp("coach-home")
    monkeypatch.setenv("COACH_HOME", str(home))
    from coach.routines.library import _load_techniques

    _load_techniques.cache_clear()
    return home


@pytest.fixture(scope="session")
def small_techniques() -> dict[str, Technique]:
    return {t.id: t for t in (load_technique(WALK, "walk.yaml"),
                              load_technique(STRETCH, "cool-down.yaml"))}


# -- clocks, tones and the CLI -------------------------------------------------
@pytest.fixture
def fake_clock() -> FakeClock:
    """Monotonic time that moves only when someone sleeps (see tests/fakes.py)."""
    return FakeClock()


@pytest.fixture
def wall_clock() -> FakeWall:
    """Monday 2 March 2026, 08:00 in London, until the test moves it (``sleep``)."""
    return FakeWall(datetime(2026, 3, 2, 8, 0, tzinfo=LONDON))


@pytest.fixture
def tone() -> Clip:
    """A tone standing in for one spoken phrase, at :data:`SAMPLE_RATE_HZ`."""
    return tone_clip("Walking now. Nice and easy.")


class _CurrentStream:
    """Whatever ``sys.<name>`` is when used: CliRunner swaps the streams per call."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(getattr(sys, self._name), attr)


@pytest.fixture
def cli(fake_clock: FakeClock, wall_clock: FakeWall) -> Callable[..., Any]:
    """``cli("compile", "gentle-start", input=None)``: coach.cli.main through CliRunner.

    The command gets an Environment with the fake clocks and no terminal; the
    streams are CliRunner's. Returns click's ``Result``.
    """
    from click.testing import CliRunner

    from coach.cli import main
    from coach.env import Environment

    def run(*args: str, input: str | None = None, env: Environment | None = None,
            **kw: Any) -> Any:
        env = env or Environment(
            wall=wall_clock, clock=fake_clock, stdin_isatty=False, stdout_isatty=False,
            stdin=_CurrentStream("stdin"),  # type: ignore[arg-type]
            stdout=_CurrentStream("stdout"),  # type: ignore[arg-type]
            stderr=_CurrentStream("stderr"))  # type: ignore[arg-type]
        argv: Sequence[str] = list(args)
        return CliRunner().invoke(main, argv, input=input, obj=env, **kw)

    return run
