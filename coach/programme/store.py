"""The saved programme (``programme.yaml`` in the config folder): load and save.

The file I/O of :mod:`coach.programme.plan`, which itself stays pure.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from coach import paths
from coach.errors import UsageError, one_line
from coach.programme.plan import ProgrammeState, make_state

RESTART_HINT = "run `coach plan --restart` to start again"


def state_path() -> Path:
    return paths.config_dir() / "programme.yaml"


def load_state(path: Path | None = None) -> ProgrammeState | None:
    """The saved programme, or None when there is none yet."""
    from coach.config import read_yaml

    path = path or state_path()
    raw = read_yaml(path, "programme", RESTART_HINT)
    if raw is None:
        return None
    try:
        started = raw["started_on"]
        if not isinstance(started, date):
            started = date.fromisoformat(str(started))
        days = raw["days_per_week"]
        if isinstance(days, float) and days.is_integer():
            days = int(days)
        return make_state(float(raw["comfortable_min"]), days,
                          bool(raw.get("figure8_twice_daily", False)), started)
    except (TypeError, KeyError, ValueError, OverflowError) as err:
        problem = one_line(err)
        raise UsageError(f"{path}: the programme file is damaged ({problem}); "
                         f"{RESTART_HINT}") from None


def save_state(state: ProgrammeState, path: Path | None = None) -> Path:
    from coach.config import write_yaml

    data: dict[str, Any] = {"version": 1, "started_on": state.started_on.isoformat(),
                            "comfortable_min": state.intake.comfortable_min,
                            "days_per_week": state.intake.days_per_week,
                            "figure8_twice_daily": state.intake.figure8_twice_daily}
    return write_yaml(path or state_path(), "# coach walking programme (from `coach plan`)\n",
                      data)
