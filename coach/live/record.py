"""What a walk leaves behind: its outcome, and the row it adds to the history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coach.compiler.timeline import Section
    from coach.programme.logbook import LogResult


@dataclass(frozen=True)
class WalkOutcome:
    routine: str
    started_at: datetime
    planned_s: float
    walked_s: float
    completed: bool
    ended_reason: str | None  # None when completed; quit, pain, interrupted
    audio: bool
    pain_before: int | None = None
    pain_after: int | None = None
    reaction: LogResult | None = None  # the saved row, pain advice and the next decision
    walking_planned_s: float | None = None  # walking time (coach.programme.minutes); None:
    walking_s: float | None = None  # ... as planned_s / walked_s
    language: str = "en"  # the walk's text language: its summary and reaction are in it


def walking_times(sections: Sequence[Section], walked_s: float) -> tuple[None, float, float]:
    """(no reaction yet, walking seconds planned, walking seconds walked)."""
    from coach.programme.minutes import still_techniques, walking_s
    from coach.routines.library import load_techniques

    still = still_techniques(load_techniques())
    return None, walking_s(sections, still), walking_s(sections, still, walked_s)


def record_walk(outcome: WalkOutcome, history: Any = None, now: datetime | None = None
                ) -> LogResult:
    """Add the walk to the history (the user's own unless one is given); the saved row
    with the programme's reaction to it (:func:`coach.programme.logbook.reaction_to`)."""
    from coach.programme.history import History, WalkRecord
    from coach.programme.logbook import reaction_to
    from coach.routines.library import load_lines

    planned_s = outcome.planned_s if outcome.walking_planned_s is None \
        else outcome.walking_planned_s
    walked_s = outcome.walked_s if outcome.walking_s is None else outcome.walking_s
    record = WalkRecord(
        routine=outcome.routine, started_at=outcome.started_at,
        planned_min=round(planned_s / 60.0, 2), walked_min=round(walked_s / 60.0, 2),
        completed=outcome.completed, ended_reason=outcome.ended_reason,
        pain_before=outcome.pain_before, pain_after=outcome.pain_after,
        session_min=round(outcome.walked_s / 60.0, 2))
    when = now or outcome.started_at
    lines = load_lines(outcome.language)
    if history is not None:
        return reaction_to(history, history.get(history.record(record)), when, lines)
    with History() as own:
        return reaction_to(own, own.get(own.record(record)), when, lines)
