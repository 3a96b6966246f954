"""Correcting the history: fix a walk's minutes or pain, or delete a walk, and say what
the programme decides now (``coach log --fix ID``, ``coach history --delete ID``).

:func:`fix_walk` and :func:`delete_walk` each change one row and answer with a
:class:`Correction`: the row before and after, the pain advice for the corrected walk
(as :mod:`coach.programme.reaction` gives it) and one sentence comparing the
programme's decision before and after the change. :func:`describe_fix` says what a
fix changes, for the question asked before it is saved.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from coach.errors import UsageError
from coach.programme.history import WalkRecord

if TYPE_CHECKING:
    from coach.programme.history import History
    from coach.programme.logbook import LoggedWalk
    from coach.programme.plan import ProgrammeState
    from coach.programme.progression import Standing
    from coach.routines.lines import CoachLines

#: What a fix may change: the record fields (`coach log` names each with the
#: catalogue's ``commands.fix_FIELD``).
FIXABLE = ("walked_min", "planned_min", "started_at", "completed", "ended_reason",
           "pain_before", "pain_after", "pain_next_morning", "effort", "note")


@dataclass(frozen=True)
class Correction:
    """``before``: the walk as it was; ``after``: as it is now (None: deleted).
    ``advice``: pain-reaction lines for the corrected walk (empty: none needed).
    ``next``: what the programme decides now, against what it decided before."""

    before: WalkRecord | None  # None: a damaged row (deleted)
    after: WalkRecord | None
    advice: tuple[str, ...]
    next: str


def fixed_record(rec: WalkRecord, logged: LoggedWalk, morning_pain: int | None,
                 now: datetime) -> WalkRecord:
    """``rec`` with the values `coach log --fix` was given (None, "" or False: unchanged)."""
    from coach.programme.logbook import MAX_LOG_AGE_DAYS, check_minutes, parse_when

    check_minutes(logged.minutes, "--minutes")
    check_minutes(logged.planned, "--planned")
    changes: dict[str, object] = {
        "walked_min": logged.minutes, "planned_min": logged.planned,
        "pain_before": logged.pain_before, "pain_after": logged.pain_after,
        "pain_next_morning": morning_pain, "effort": logged.effort,
        "note": logged.note or None}
    if logged.when is not None:
        changes["started_at"] = parse_when(logged.when, "--when", now, MAX_LOG_AGE_DAYS)
    if logged.stopped is not None:
        changes.update(completed=False, ended_reason=logged.stopped)
    elif logged.flare:
        changes["ended_reason"] = "flare-up"
    given = {k: v for k, v in changes.items() if v is not None}
    if not given:
        raise UsageError("say what to correct, e.g. `coach log --fix 3 --pain-after 4` "
                         "(--minutes, --planned, --when, --pain-before, --pain-after, "
                         "--morning-pain, --effort, --stopped, --flare, --note)")
    return dataclasses.replace(rec, **given)  # type: ignore[arg-type]


def describe_fix(before: WalkRecord, after: WalkRecord, lines: CoachLines | None = None
                 ) -> list[str]:
    """``pain after: 9 -> 3`` for each field the fix changes (in the language of
    ``lines``, default English)."""
    from coach.routines.library import load_lines

    lines = lines or load_lines()
    out = []
    for field in FIXABLE:
        old, new = getattr(before, field), getattr(after, field)
        if old != new:
            out.append(f"{lines.said('fix_' + field)}: {_shown(old, lines)} -> "
                       f"{_shown(new, lines)}")
    return out


def fix_walk(hist: History, fixed: WalkRecord, now: datetime,
             lines: CoachLines | None = None) -> Correction:
    """Store ``fixed`` in place of the walk with its id; the :class:`Correction`."""
    from coach.programme.reaction import react
    from coach.programme.store import load_state
    from coach.routines.library import load_lines

    assert fixed.id is not None
    before = hist.get(fixed.id)
    assert before is not None
    old = hist.sessions()
    hist.update(fixed)
    after = hist.get(fixed.id)
    new = hist.sessions()
    state = load_state()
    today = max(now.date(), after.started_at.date())
    others = [r for r in new if r.id != after.id]
    lines = lines or load_lines()
    advice = react(after, others, state, today, lines).advice
    return Correction(before, after, advice, compare(state, old, new, today, lines))


def delete_walk(hist: History, walk_id: int, now: datetime, lines: CoachLines | None = None
                ) -> Correction:
    """Delete walk ``walk_id``; the :class:`Correction` (``after`` is None)."""
    from coach.programme.store import load_state

    before = hist.get(walk_id, damaged_ok=True)
    old = hist.sessions()
    hist.delete(walk_id)
    return Correction(before, None, (), compare(load_state(), old, hist.sessions(), now.date(),
                                                lines))


def compare(state: ProgrammeState | None, old: Sequence[WalkRecord],
            new: Sequence[WalkRecord], today: date, lines: CoachLines | None = None) -> str:
    """One sentence: the programme's decision from ``new`` walks against ``old`` ones, in
    the language of ``lines`` (default English)."""
    from coach.programme.progression import replay
    from coach.routines.library import load_lines

    lines = lines or load_lines()
    if state is None:
        return lines.said("no_programme_change")
    was, now = replay(old, state.start_min, today), replay(new, state.start_min, today)
    reason = lines.say_why(now.why)
    if _dose(was, lines) == _dose(now, lines):
        return lines.said("decision_same", dose=_dose(now, lines), reason=reason)
    return lines.said("decision_new", dose=_dose(now, lines), was=_dose(was, lines),
                      reason=reason)


def _dose(st: Standing, lines: CoachLines) -> str:
    from coach.programme.plan import FLARE_WALK_MIN

    if st.track == "flare":
        return lines.said("dose_flare", minutes=FLARE_WALK_MIN)
    return lines.said("dose", minutes=st.minutes)


def _shown(value: object, lines: CoachLines) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return lines.said("yes" if value else "no")
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, float):
        return f"{value:g}".replace(".", lines.decimal_mark)
    return str(value)
