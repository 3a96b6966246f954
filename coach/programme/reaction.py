"""Reacting to pain when a walk is saved: the one function every way of ending or
logging a walk uses (live and text walks, ``coach log``, the phone page), pure.

:func:`react` looks at one walk (just saved, or just given its next-morning pain)
against the walks before it and returns a :class:`Reaction`:

* ``advice``: the lines to print, and to speak after a live walk, when the walk
  ended with pain of 7 or more, pain 2 or more points above the pain before it, a
  stop for pain, a flare-up reported, or a next morning worse than before the walk: why the coach
  reacts, rest and what eases it, and the red flags that mean getting care now.
  Empty when none of these happened.
* ``next``: what the programme decides for the next walk and why (always given).
* ``spoken``: ``advice`` and the decision in the coach's own lines (a language's
  catalogue), without the printed reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from coach.programme.history import WalkRecord
from coach.programme.plan import ProgrammeState
from coach.programme.progression import (
    FLARE_PAIN,
    FLARE_REASON,
    RISE_POINTS,
    Standing,
    counts,
    replay,
)
from coach.routines.lines import CoachLines


@dataclass(frozen=True)
class Reaction:
    advice: tuple[str, ...]  # empty when the pain needs no reaction
    next: str  # the programme's decision for the next walk, and why
    spoken: tuple[str, ...]  # advice and decision, every line from the catalogue


def triggers(rec: WalkRecord, lines: CoachLines) -> list[str]:
    """The lines saying why this walk needs a reaction (empty: it does not)."""
    said = lines.pain_reaction
    out: list[str] = []
    scores = [p for p in (rec.pain_after, rec.pain_next_morning, rec.pain_before)
              if p is not None]
    if scores and max(scores) >= FLARE_PAIN:
        out.append(said["high"].format(pain=max(scores)))
    before, after = rec.pain_before, rec.pain_after
    if before is not None and after is not None and after - before >= RISE_POINTS:
        out.append(said["rise"].format(before=before, after=after))
    reason = (rec.ended_reason or "").lower()
    if reason == "pain":
        out.append(said["stopped"])
    elif reason == FLARE_REASON:
        out.append(said["flare"])
    baseline = before if before is not None else after
    if (rec.pain_next_morning is not None and baseline is not None
            and rec.pain_next_morning > baseline):
        out.append(said["morning"].format(morning=rec.pain_next_morning, before=baseline))
    return out


def decision(was: Standing, now: Standing, lines: CoachLines) -> str:
    """The catalogue's line for how the next walk changes from ``was`` to ``now``."""
    minutes = lines.count_minutes(now.minutes)
    if now.track == "flare":
        return lines.next_flare_stay if was.track == "flare" else lines.next_flare
    if was.track == "flare":
        return lines.next_flare_end.format(minutes=minutes)
    if now.minutes > was.minutes:
        return lines.next_longer.format(minutes=minutes)
    if now.minutes < was.minutes:
        return lines.next_shorter.format(minutes=minutes)
    return lines.next_same.format(minutes=minutes)


def react(rec: WalkRecord, others: Sequence[WalkRecord], state: ProgrammeState | None,
          today: date, lines: CoachLines) -> Reaction:
    """The reaction to ``rec`` (see the module doc); ``others`` are the rest of the
    history (``rec`` itself left out), ``state`` the programme (None: there is none)."""
    why = triggers(rec, lines)
    advice = (*why, *lines.pain_advice, lines.red_flags) if why else ()
    if state is None:
        return Reaction(advice, lines.next_no_programme, (*advice, lines.next_no_programme))
    rest = [r for r in others if r.id is None or r.id != rec.id]
    was = replay(rest, state.start_min, today)
    now = replay([*rest, rec], state.start_min, today)
    said = decision(was, now, lines)
    if not counts(rec):
        said = f"{lines.next_uncounted} {said}"
    return Reaction(advice, f"{said} {lines.say_why(now.why)}", (*advice, said))
