"""A day's scheduled sessions written as audio files (the daemon's ``--export-to``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from coach.errors import CoachError

if TYPE_CHECKING:
    from coach.routines.model import Routine
    from coach.scheduling.schedules import WalkSchedule


def export_day(entries: Sequence[WalkSchedule], day: date, folder: Path,
               warn: Callable[[str], None]) -> list[Path]:
    """Write the sessions due on ``day`` into ``folder`` (named by time and routine):
    the ones the daemon would play (a ``figure-8`` schedule: the programme's figure-8
    walk when it has them).

    A session that cannot be made is reported through ``warn`` and skipped.
    """
    from coach.scheduling.schedules import scheduled_session

    written = []
    for e in sorted(entries, key=lambda e: e.at):
        if day.weekday() not in e.days:
            continue
        try:
            routine = scheduled_session(e, entries, day).routine  # what the daemon plays
            written.append(export_scheduled_session(routine, folder,
                                                    f"{day:%Y-%m-%d}-{e.at:%H%M}", day, warn))
        except CoachError as err:
            warn(f"coach: {e.id}: {err}")
    return written


def export_scheduled_session(routine: Routine, folder: Path, stem: str, day: date,
                             warn: Callable[[str], None]) -> Path:
    """The session as an MP3 named ``STEM-ROUTINE.mp3`` in ``folder`` (which must exist),
    dated ``day``, written as `coach export` writes one (its warnings through ``warn``)."""
    from coach.export.batch import ExportOptions, ExportTarget, SilentProgress, export_routines
    from coach.export.tags import TagInfo
    from coach.export.writer import DEFAULT_BITRATE_KBPS

    target = ExportTarget(folder / f"{stem}-{routine.id}.mp3", False, "mp3", DEFAULT_BITRATE_KBPS)
    options = ExportOptions(tag_info=TagInfo(date=day.isoformat()))
    return export_routines([routine], target, options, progress=SilentProgress(warn))[0]
