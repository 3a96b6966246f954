"""Walk schedules: "routine R at 07:30 on these weekdays", parsed, described and stored.

``schedules.yaml`` in the config folder, read and written through :mod:`coach.config`.
:func:`scheduled_session` is what a schedule plays on a day (the daemon and its
``--export-to`` agree).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach import paths
from coach.errors import UsageError, bad_character, shorten

if TYPE_CHECKING:
    from coach.programme.today import Scheduled

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_SETS = {"daily": tuple(range(7)), "weekdays": tuple(range(5)), "weekends": (5, 6)}


#: What a schedule id may be: it names systemd units and ends crontab lines.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
#: Two walks on one day start at least this far apart (else they overlap).
MIN_GAP_MIN = 30


@dataclass(frozen=True)
class WalkSchedule:
    """One schedule. Its id and routine are checked when it is made (from the command
    line or the schedules file): they are printed into crontab lines and systemd
    units, where a newline or a control character would inject lines of its own."""

    id: str
    routine: str
    at: time  # local wall-clock time
    days: tuple[int, ...] = DAY_SETS["daily"]  # Monday = 0

    def __post_init__(self) -> None:
        if not ID_PATTERN.fullmatch(self.id):
            raise UsageError(f"schedule id {shorten(self.id)} must be 1-64 letters, digits, "
                             "'.', '_' or '-' (it names the systemd units)")
        problem = bad_character(self.routine) or ("is empty" if not self.routine.strip()
                                                  else None)
        if problem is not None:
            raise UsageError(f"schedule {self.id}: the routine {shorten(self.routine)} "
                             f"{problem}")

    def describe(self) -> str:
        return f"{self.id}: {self.routine} at {self.at:%H:%M} {say_days(self.days)}"


# -- parsing and storage -------------------------------------------------------------

def parse_time(text: str) -> time:
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        raise UsageError(f"time must be HH:MM on a 24-hour clock, like 07:30, got {text!r}")
    return time(int(m[1]), int(m[2]))


def parse_days(text: str) -> tuple[int, ...]:
    """``mon,wed,fri``, ``daily``, ``weekdays`` or ``weekends``."""
    key = text.strip().lower()
    if key in DAY_SETS:
        return DAY_SETS[key]
    days: set[int] = set()
    for part in filter(None, (p.strip() for p in key.split(","))):
        index = next((i for i, full in enumerate(FULL_DAY_NAMES)
                      if len(part) >= 3 and full.startswith(part)), None)
        if index is None:
            raise UsageError(f"unknown day {part!r}: use mon,tue,wed,thu,fri,sat,sun, "
                             "daily, weekdays or weekends")
        days.add(index)
    if not days:
        raise UsageError("give at least one day, e.g. --days mon,wed,fri")
    return tuple(sorted(days))


def say_days(days: Sequence[int]) -> str:
    """'every day', 'on weekdays', 'at weekends' or 'on mon,wed,fri'."""
    return {"daily": "every day", "weekdays": "on weekdays",
            "weekends": "at weekends"}.get(format_days(days), f"on {format_days(days)}")


def format_days(days: Sequence[int]) -> str:
    for name, group in DAY_SETS.items():
        if tuple(days) == group:
            return name
    return ",".join(DAY_NAMES[d] for d in days)


def schedules_path() -> Path:
    return paths.config_dir() / "schedules.yaml"


def load_schedules(path: Path | None = None, checked: bool = True) -> list[WalkSchedule]:
    """The schedules in ``path`` (the user's file by default); a bad entry is one
    ``FILE:LINE:COL: message``. ``checked``: an entry that repeats another id, or
    repeats or overlaps another walk, is refused as `coach schedule add` refuses it (a
    hand-edited file was taken silently: both walks ran, their systemd units had one
    name); `coach schedule remove` reads unchecked so the file can be mended with it."""
    from coach.config import read_yaml_node

    path = path or schedules_path()
    raw, node = read_yaml_node(path, "schedules")
    items = (raw or {}).get("schedules", []) if isinstance(raw or {}, dict) else None
    if not isinstance(items, list):
        raise UsageError(f"{_place(path, node)}: cannot read the schedules: expected a "
                         "'schedules:' list")
    nodes = _item_nodes(node)
    entries: list[WalkSchedule] = []
    for index, item in enumerate(items):
        item_node = nodes[index] if index < len(nodes) else node
        where = _place(path, item_node)
        try:
            if not isinstance(item, dict):
                raise ValueError("each entry needs id, routine and at (HH:MM)")
            entry = WalkSchedule(str(item["id"]), str(item["routine"]),
                                 parse_time(_as_written(item_node, "at", item["at"])),
                                 parse_days(str(item.get("days", "daily"))))
        except KeyError as err:
            raise UsageError(f"{where}: cannot read the schedules: the entry has no "
                             f"{err.args[0]!r}") from None
        except (ValueError, TypeError, AttributeError) as err:
            raise UsageError(f"{where}: cannot read the schedules: {err}") from None
        if checked:
            _check_apart(entries, entry, where)
        entries.append(entry)
    return entries


def _item_nodes(node: Any) -> list[Any]:
    """The nodes of the ``schedules:`` list's entries (for their line numbers)."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "schedules" and isinstance(value, yaml.SequenceNode):
                return list(value.value)
    return []


def _as_written(item_node: Any, key: str, value: object) -> str:
    """The text of ``key``'s scalar as written: an unquoted ``at: 07:30`` is the
    YAML 1.1 number 450 (sexagesimal), which the time was, not "450"."""
    import yaml

    if isinstance(item_node, yaml.MappingNode):
        for k, v in item_node.value:
            if k.value == key and isinstance(v, yaml.ScalarNode):
                return str(v.value)
    return str(value)


def _place(path: Path, node: Any) -> str:
    mark = getattr(node, "start_mark", None)
    return str(path) if mark is None else f"{path}:{mark.line + 1}:{mark.column + 1}"


def _check_apart(entries: Sequence[WalkSchedule], new: WalkSchedule, where: str) -> None:
    """UsageError unless ``new`` has its own id and starts apart from every entry."""
    for old in entries:
        clash = "repeats the id of" if old.id == new.id else overlap(old, new)
        if clash:
            raise UsageError(f"{where}: schedule {new.describe()} {clash} {old.describe()}; "
                             f"walks start at least {MIN_GAP_MIN} minutes apart, with their "
                             "own ids: edit the file, or remove one with "
                             f"`coach schedule remove {new.id}`")


def save_schedules(entries: Sequence[WalkSchedule], path: Path | None = None) -> Path:
    from coach.config import write_yaml

    data: dict[str, Any] = {"schedules": [
        {"id": e.id, "routine": e.routine, "at": f"{e.at:%H:%M}", "days": format_days(e.days)}
        for e in entries]}
    return write_yaml(path or schedules_path(),
                      "# coach walk schedules (edit with `coach schedule ...`)\n", data)


def add_schedule(entries: Sequence[WalkSchedule], routine: str, at: time,
                 days: tuple[int, ...] = DAY_SETS["daily"],
                 schedule_id: str | None = None) -> list[WalkSchedule]:
    ids = {e.id for e in entries}
    if schedule_id is None:
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", routine.rsplit('/', 1)[-1].removesuffix('.yaml'))
        base = f"{name.strip('.-_')[:50] or 'walk'}-{at:%H%M}"
        schedule_id, n = base, 2
        while schedule_id in ids:
            schedule_id, n = f"{base}-{n}", n + 1
    elif schedule_id in ids:
        raise UsageError(f"there is already a schedule called {schedule_id!r}")
    new = WalkSchedule(schedule_id, routine, at, days)
    for old in entries:
        clash = overlap(old, new)
        if clash:
            raise UsageError(f"{new.routine} at {at:%H:%M} {clash} {old.describe()}; pick "
                             f"another time (walks start at least {MIN_GAP_MIN} minutes "
                             f"apart) or remove it first (coach schedule remove {old.id})")
    return [*entries, new]


def overlap(a: WalkSchedule, b: WalkSchedule) -> str | None:
    """'repeats' / 'overlaps' when ``b`` repeats ``a`` or starts within
    :data:`MIN_GAP_MIN` of it on a day both walk (days wrap around the week), else None."""
    def minute_of_week(day: int, at: time) -> int:
        return day * 1440 + at.hour * 60 + at.minute

    week = 7 * 1440
    starts_a = [minute_of_week(d, a.at) for d in a.days]
    for start_b in (minute_of_week(d, b.at) for d in b.days):
        for start_a in starts_a:
            gap = abs(start_a - start_b) % week
            if min(gap, week - gap) < MIN_GAP_MIN:
                return "repeats" if a.routine == b.routine and a.at == b.at else "overlaps"
    return None


def remove_schedule(entries: Sequence[WalkSchedule], schedule_id: str) -> list[WalkSchedule]:
    kept = [e for e in entries if e.id != schedule_id]
    if len(kept) == len(entries):
        known = ", ".join(e.id for e in entries) or "none yet"
        raise UsageError(f"no schedule called {schedule_id!r} (known: {known})")
    return kept


def routine_ref_to_store(ref: str) -> str:
    """The routine reference a schedule stores: a known routine id, 'plan', or an
    absolute path (a relative one would break when the daemon, cron or systemd runs
    elsewhere); UsageError, with the closest id, for anything else."""
    from coach.programme.today import PLAN_REF
    from coach.routines.library import looks_like_path, routine_ids
    from coach.routines.yamlsrc import suggest

    if ref == PLAN_REF:
        return ref
    if looks_like_path(ref):
        if not Path(ref).is_file():
            raise UsageError(f"{ref}: no such routine file")
        return str(Path(ref).resolve())
    known = routine_ids()
    if ref not in known:
        raise UsageError(f"unknown routine {ref!r}{suggest(ref, known)} "
                         f"(see `coach routines`, or use '{PLAN_REF}' for the programme)")
    return ref


def scheduled_session(entry: WalkSchedule, entries: Sequence[WalkSchedule], day: date
                      ) -> Scheduled:
    """What ``entry`` plays on ``day``: a ``figure-8`` schedule plays the programme's
    figure-8 walk of its slot when the programme has them (the one the phone feed
    offers), paired with the other schedules of that routine due that day
    (:func:`coach.programme.today.scheduled_routine`)."""
    from coach.programme.today import scheduled_routine

    times = [e.at for e in entries if e.routine == entry.routine and day.weekday() in e.days]
    return scheduled_routine(entry.routine, day, entry.at, times)
