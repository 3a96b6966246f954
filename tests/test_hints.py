"""Hints that name a command name one that works (issue 12: the matplotlib hint).

The hint's package name and extra must be this project's own (pyproject.toml), and
it must give the command that works from a checkout (``pip install -e '.[plot]'``,
run at the checkout's root, where pyproject.toml is).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import tomllib

from coach.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]


def test_the_matplotlib_hint_names_this_projects_extra_from_pypi_and_from_a_checkout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coach.programme.progress import plot_progress

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(dep.startswith("matplotlib") for dep in project["optional-dependencies"]["plot"])
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(UsageError) as err:
        plot_progress([object()], tmp_path / "p.png")  # type: ignore[list-item]
    hint = str(err.value)
    assert f"pip install '{project['name']}[plot]'" in hint
    assert "from a checkout: pip install -e '.[plot]'" in hint
    assert (ROOT / "pyproject.toml").is_file()  # '.' is the checkout's root: the command works
