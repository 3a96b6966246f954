"""Shared fixtures for every test under tests/ (which mirrors coach/).

Fixtures: an isolated COACH_HOME (every test), a small technique set, the
sample rate tests render at (:data:`SAMPLE_RATE_HZ`), a fake monotonic clock
(``fake_clock``), a fake wall clock (``wall_clock``), a tone clip standing in for
speech (``tone``), and a CLI runner (``cli``) that invokes ``coach.cli.main`` with
an :class:`~coach.env.Environment` built from those fake clocks (``make_env``
builds one with other fields, for ``cli(..., env=...)``).

The fakes themselves stay in tests/fakes.py (tests/live/test_player.py,
tests/live/test_text_player.py and others import them from there); this file
re-exports them.

Markers: ``slow`` (over ~0.5 s) and ``live`` (a PulseAudio daemon or a real
``coach`` process walking in real time) sit in the test files themselves
(``@pytest.mark.slow`` on a test, ``pytestmark = [...]`` for a whole file).
``pytest -m "not slow"`` is the fast loop; plain ``pytest`` runs everything.
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


_SESSION_HOME: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """A COACH_HOME for the whole run, set before any fixture of any scope runs: a
    module-scoped fixture (prepared speech, an export) ran before the per-test
    ``coach_home`` below and wrote the phrase cache into the real home."""
    import os
    import tempfile

    _SESSION_HOME.append(tempfile.mkdtemp(prefix="coach-test-home-"))
    os.environ["COACH_HOME"] = _SESSION_HOME[0]
    # libraries keep caches in the home too: matplotlib's font list, onnxruntime's
    # ~/.cache/Microsoft/DeveloperTools (found running the suite with HOME an empty folder)
    for variable in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
                     "MPLCONFIGDIR"):
        os.environ[variable] = os.path.join(_SESSION_HOME[0], "xdg", variable.lower())


def pytest_unconfigure(config: pytest.Config) -> None:
    import shutil

    for home in _SESSION_HOME:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(autouse=True)
def coach_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test gets its own empty COACH_HOME: no test touches the real one."""
    home = tmp_path_factory.mktemp("coach-home")
    monkeypatch.setenv("COACH_HOME", str(home))
    # espeak-ng unless a test asks for Piper (tests/speech/test_piper_engine.py): fast
    monkeypatch.setenv("COACH_ENGINE", "espeak")
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
def make_env(fake_clock: FakeClock, wall_clock: FakeWall) -> Callable[..., Any]:
    """``make_env(wall=FakeWall(...), stdin_isatty=True)``: an Environment for ``cli``.

    Defaults: the fake clocks above, no terminal, and CliRunner's streams (read
    when used, so the Environment may be made before the command runs). Any
    field given replaces its default.
    """
    from coach.env import Environment

    def make(**fields: Any) -> Environment:
        defaults: dict[str, Any] = dict(
            wall=wall_clock, clock=fake_clock, stdin_isatty=False, stdout_isatty=False,
            stdin=_CurrentStream("stdin"), stdout=_CurrentStream("stdout"),
            stderr=_CurrentStream("stderr"))
        return Environment(**{**defaults, **fields})

    return make


@pytest.fixture
def cli(make_env: Callable[..., Any]) -> Callable[..., Any]:
    """``cli("compile", "gentle-start", input=None)``: coach.cli.main through CliRunner.

    The command gets an Environment with the fake clocks and no terminal (or the
    one passed as ``env=``, e.g. ``make_env(wall=FakeWall(...))``); the streams
    are CliRunner's. Returns click's ``Result``.
    """
    from click.testing import CliRunner

    from coach.cli import main
    from coach.env import Environment

    def run(*args: str, input: str | None = None, env: Environment | None = None,
            **kw: Any) -> Any:
        argv: Sequence[str] = list(args)
        return CliRunner().invoke(main, argv, input=input, obj=env or make_env(), **kw)

    return run


@pytest.fixture
def run(cli: Callable[..., Any]) -> Callable[..., Any]:
    """``run("log", ..., code=0)``: ``cli`` that asserts the exit code (0 unless told),
    showing the output when it differs. Takes ``input=`` and ``env=`` as ``cli`` does."""

    def invoke(*args: str, code: int = 0, **kw: Any) -> Any:
        result = cli(*args, **kw)
        assert result.exit_code == code, result.output
        return result

    return invoke


@pytest.fixture(scope="module")
def espeak_workers():
    """The real espeak-ng engine with its synthesis in 2 worker processes, shared by a
    module's property tests (a native crash stays in a worker)."""
    from coach.speech import open_engine

    engine = open_engine("espeak", workers=2)
    yield engine
    engine.close()
