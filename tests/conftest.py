"""Shared fixtures: an isolated COACH_HOME and a small technique set."""

from __future__ import annotations

import pytest

from coach.routines.loader import load_technique
from coach.routines.model import Technique

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
