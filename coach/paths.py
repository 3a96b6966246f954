"""Where the coach keeps its files.

platformdirs gives the per-user folders; ``COACH_HOME`` overrides all of them
(tests, portable installs): ``$COACH_HOME/{config,data,cache}``.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "coach"


def _home() -> Path | None:
    home = os.environ.get("COACH_HOME")
    return Path(home).expanduser() if home else None


def config_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "config"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir(APP))


def cache_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP))


def user_routines_dir() -> Path:
    """User routines live here as ``ID.yaml``; they may shadow built-ins."""
    return config_dir() / "routines"
