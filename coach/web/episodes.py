"""The feed's episodes: the programme's coming sessions and the user's scheduled walks.

An :class:`Episode` is one session of one day, named two ways:

* ``id``: what the walker logs it with (``coach log ID``, the page, the API):
  a programme session id from :mod:`coach.programme.upcoming`
  (``2026-03-02-walk``), or for a scheduled walk ``2026-03-02-0730-ROUTINE``'s
  routine id (a scheduled walk is logged by its routine);
* ``guid``: a hash of the session's content (its compiled timeline, speech
  settings, the coach's version) and its id. The same session gives the same
  guid; a changed one (the programme moved on, a routine file was edited) a new
  one. Every file the server offers for an episode is named by its guid only,
  so no part of a request ever becomes a path.

Without a programme the feed offers the routine ``coach walk`` plays then.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from coach import __version__

if TYPE_CHECKING:
    from coach.compiler.timeline import Timeline
    from coach.routines.model import Routine

MAX_FEED_DAYS = 14
GUID_RE = re.compile(r"[0-9a-f]{20}")
#: When a slot's episode is dated (its pubDate), local time.
SLOT_HOURS = {"walk": time(12), "figure-8-morning": time(8), "figure-8-evening": time(18)}


@dataclass(frozen=True, eq=False)
class Episode:
    """One session of one day, ready to render; see the module docstring."""

    id: str
    day: date
    at: datetime  # the pubDate: the session's day at its usual hour, local time
    title: str
    routine: Routine
    log_as: str  # what `coach log` takes for it: the session id, or the routine id
    walking_minutes: float
    guid: str
    language: str = "en"  # what its cues are written in: the timeline's language

    @property
    def feed_language(self) -> str:
        """The RSS language tag of this episode (``de``, ``en``...)."""
        from coach.routines.language import feed_language

        return feed_language(self.language)

    @property
    def session_minutes(self) -> float:
        return round(self.routine.duration_s / 60, 2)


def content_guid(routine: Routine, episode_id: str, timeline: Timeline) -> str:
    """A stable hash of what the episode says and how (20 hex digits); ``timeline``:
    the routine compiled with the words-per-minute estimate (cheap, pure)."""
    blob = json.dumps({"coach": __version__, "id": episode_id, "timeline": timeline.to_json(),
                       "speech": repr(routine.speech),
                       "pronunciations": repr(routine.pronunciations)},
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


def list_episodes(today: date, zone: tzinfo, days: int = 3) -> list[Episode]:
    """The episodes from ``today`` for ``days`` days, in time order: each day's
    programme sessions (or, with no programme, today's default walk) and the
    scheduled walks that name a routine, each walk listed once (:func:`merge_scheduled`)."""
    from coach.errors import UsageError

    if not 1 <= days <= MAX_FEED_DAYS:
        raise UsageError(f"--days must be from 1 to {MAX_FEED_DAYS}, got {days}")
    episodes = merge_scheduled(_programme_episodes(today, zone, days),
                               _scheduled_episodes(today, zone, days))
    return sorted(episodes, key=lambda e: (e.at, e.id))


def merge_scheduled(sessions: Sequence[Episode], scheduled: Sequence[Episode]
                    ) -> list[Episode]:
    """The programme's ``sessions`` and the ``scheduled`` walks, each walk once.

    A scheduled walk of a routine the programme also walks that day (``coach schedule
    figure-8`` beside a programme with figure-8 walks) is that session: the programme's
    episode (its dose, logged to the programme) at the schedule's time, each session
    taking the nearest such schedule. Then one episode per guid (two schedules of one
    routine at one time are one walk): a podcast app keeps one of a repeated guid."""
    left = list(scheduled)
    out = []
    for session in sorted(sessions, key=lambda e: e.at):
        same = [e for e in left if e.day == session.day and e.routine.id == session.routine.id]
        if same:
            nearest = min(same, key=lambda e: abs((e.at - session.at).total_seconds()))
            left.remove(nearest)
            session = replace(session, at=nearest.at)
        out.append(session)
    unique: dict[str, Episode] = {}
    for episode in out + left:
        unique.setdefault(episode.guid, episode)
    return list(unique.values())


def find_episode(episodes: Sequence[Episode], guid: str) -> Episode | None:
    return next((e for e in episodes if e.guid == guid), None)


def _make(episode_id: str, day: date, at: datetime, routine: Routine, log_as: str,
          walking_minutes: float) -> Episode:
    from coach.session import compile_with_library

    timeline = compile_with_library(routine)
    return Episode(episode_id, day, at, routine.title, routine, log_as,
                   round(walking_minutes, 2), content_guid(routine, episode_id, timeline),
                   timeline.language)


def _programme_episodes(today: date, zone: tzinfo, days: int) -> list[Episode]:
    from coach.programme.plan import upcoming_sessions
    from coach.programme.today import DEFAULT_ROUTINE, load_programme
    from coach.programme.upcoming import session_id
    from coach.routines.library import resolve_routine

    state, records = load_programme()
    if state is None:
        routine = resolve_routine(DEFAULT_ROUTINE)
        return [_make(f"{today.isoformat()}-{routine.id}", today,
                      datetime.combine(today, SLOT_HOURS["walk"], zone), routine, routine.id,
                      routine.duration_s / 60)]
    end = today + timedelta(days=days)
    out = []
    for session in upcoming_sessions(state, records, today, (days + 6) // 7):
        if session.day is None or session.day >= end:
            continue
        sid = session_id(session.day, session)
        slot = sid[len(session.day.isoformat()) + 1:]
        at = datetime.combine(session.day, SLOT_HOURS[slot], zone)
        out.append(_make(sid, session.day, at, session.routine, sid, float(session.walk_min)))
    return out


def _scheduled_episodes(today: date, zone: tzinfo, days: int) -> list[Episode]:
    from coach.programme.today import PLAN_REF
    from coach.routines.library import resolve_routine
    from coach.scheduling.schedules import load_schedules

    out = []
    for entry in load_schedules():
        if entry.routine == PLAN_REF:
            continue
        routine = resolve_routine(entry.routine)
        for offset in range(days):
            day = today + timedelta(days=offset)
            if day.weekday() in entry.days:
                out.append(_make(f"{day.isoformat()}-{entry.at:%H%M}-{routine.id}", day,
                                 datetime.combine(day, entry.at, zone), routine, routine.id,
                                 routine.duration_s / 60))
    return out
