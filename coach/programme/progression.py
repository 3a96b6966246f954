"""The progression rules: replay the logged walks to find today's dose (pure).

The walk length climbs a ladder of steps from the starting length (5-10
minutes) to 30 minutes. Replaying the history walk by walk, oldest first:

* **Flare-up**: a walk with any pain score of 7 or more (before, after or the
  next morning), or one ended with the reason ``flare-up``, switches to the
  flare-up track. Pain has *settled* after two flare-track walks in a row whose
  logged pain is all 4 or less and did not rise by 2 or more; then the plan
  returns to the build track one step below where it was before the flare-up.
* **Pain rise**: pain after a walk 2 or more points above pain before it, the
  next morning worse than before the walk, or a walk ended early because of
  pain: hold the current length (the run of good walks starts again). Two such
  walks in a row: step back one step.
* **Good walk**: completed, at least 80% of the planned length walked, pain
  after logged and no rise as above. Three good walks in a row: one step up,
  but never more than one step up in 7 days.
* **Break**: 14 days or more without a walk: one step back (at the first
  step there is nowhere lower, so the length stays).

Walks dated after ``today`` are ignored (a mistyped date cannot move the plan), and
so are walks of under a minute (:func:`counts`): they stay in the history, but a
test press of a key with a high pain score moves nothing.

Walks that are none of these (too short, or no pain logged) change nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from coach.programme.history import WalkRecord
from coach.routines.lines import Why

TARGET_MIN = 30
FLARE_PAIN = 7
SETTLED_PAIN = 4
RISE_POINTS = 2
GOOD_TO_STEP_UP = 3
BAD_TO_STEP_BACK = 2
SETTLED_TO_RETURN = 2
BREAK_DAYS = 14
STEP_UP_EVERY_DAYS = 7
DONE_FRACTION = 0.8
FLARE_REASON = "flare-up"
MIN_COUNTED_MIN = 1.0  # walks shorter than this are kept but never move the plan
#: Short extra walks beside the main one (the twice-daily figure-8): their pain counts
#: (a rise or a flare-up), but they are never a good walk toward a step up.
EXTRA_WALK_IDS = frozenset({"figure-8"})


def counts(rec: WalkRecord) -> bool:
    """Whether a walk counts toward the programme: a minute or more walked."""
    return rec.walked_min >= MIN_COUNTED_MIN


def ladder(start_min: int) -> tuple[int, ...]:
    """Walk lengths in minutes, from ``start_min`` up to 30 in steps of about 20%."""
    steps = [start_min]
    while steps[-1] < TARGET_MIN:
        nxt = steps[-1] + max(2, round(steps[-1] * 0.2))
        steps.append(TARGET_MIN if nxt > TARGET_MIN - 2 else nxt)
    return tuple(steps)


@dataclass(frozen=True)
class Standing:
    """Where the replay ends: the step, the track and why."""

    steps: tuple[int, ...]
    step: int = 0
    track: str = "build"  # build | flare
    good_run: int = 0
    bad_run: int = 0
    settled_run: int = 0
    step_before_flare: int = 0
    why: Why = ("start", ())  # the reason, in any language (CoachLines.say_why)
    last_walk: date | None = None
    stepped_up_on: date | None = None

    @property
    def minutes(self) -> int:
        return self.steps[self.step]

    @property
    def reason(self) -> str:
        """Why this length, in English (other languages: ``lines.say_why(st.why)``)."""
        from coach.routines.library import load_lines

        return load_lines("en").say_why(self.why)


def pain_rose(rec: WalkRecord) -> Why | None:
    """Why this walk counts as a pain rise, or None."""
    if (rec.pain_before is not None and rec.pain_after is not None
            and rec.pain_after - rec.pain_before >= RISE_POINTS):
        return ("rose", (("before", rec.pain_before), ("after", rec.pain_after)))
    baseline = rec.pain_before if rec.pain_before is not None else rec.pain_after
    if (rec.pain_next_morning is not None and baseline is not None
            and rec.pain_next_morning > baseline):
        return ("morning", (("morning", rec.pain_next_morning), ("before", baseline)))
    if not rec.completed and (rec.ended_reason or "").lower() == "pain":
        return ("stopped", ())
    return None


def is_flare(rec: WalkRecord) -> bool:
    pains = [p for p in (rec.pain_before, rec.pain_after, rec.pain_next_morning) if p is not None]
    return (rec.ended_reason or "").lower() == FLARE_REASON or any(p >= FLARE_PAIN for p in pains)


def is_settled(rec: WalkRecord) -> bool:
    pains = [p for p in (rec.pain_before, rec.pain_after, rec.pain_next_morning) if p is not None]
    return bool(pains) and max(pains) <= SETTLED_PAIN and pain_rose(rec) is None


def replay(walks: Sequence[WalkRecord], start_min: int, today: date) -> Standing:
    """Apply the rules to ``walks`` (any order) and a break up to ``today``."""
    st = Standing(steps=ladder(start_min))
    for rec in sorted(walks, key=lambda r: r.started_at):
        day = rec.started_at.date()
        if day > today or not counts(rec):
            continue
        if st.last_walk is not None and (day - st.last_walk).days >= BREAK_DAYS:
            st = _step(st, -1, ("break", (("days", (day - st.last_walk).days),
                                          ("limit", BREAK_DAYS))))
        st = _apply(st, rec)
        st = replace(st, last_walk=day)
    if st.last_walk is not None and (today - st.last_walk).days >= BREAK_DAYS:
        st = _step(st, -1, ("last_walk", (("days", (today - st.last_walk).days),
                                          ("limit", BREAK_DAYS))))
    return st


def _step(st: Standing, by: int, why: Why) -> Standing:
    new = max(0, min(len(st.steps) - 1, st.step + by))
    key = ("first_step" if new == st.step and by < 0 else "keep" if new == st.step
           else "up" if by > 0 else "back")
    values = (("minutes", st.steps[new]), ("before", st.steps[st.step]), ("why", why))
    return replace(st, step=new, good_run=0, bad_run=0, why=(key, values))


def _apply(st: Standing, rec: WalkRecord) -> Standing:
    when = rec.started_at.date()
    if is_flare(rec):
        before = st.step if st.track == "build" else st.step_before_flare
        return replace(st, track="flare", settled_run=0, step_before_flare=before,
                       good_run=0, bad_run=0,
                       why=("flare", (("when", when), ("pain", FLARE_PAIN))))
    if st.track == "flare":
        if not is_settled(rec):
            return replace(st, settled_run=0,
                           why=("flare_not_settled", (("when", when),)))
        run = st.settled_run + 1
        if run < SETTLED_TO_RETURN:
            return replace(st, settled_run=run,
                           why=("flare_settling", (("run", run),
                                                   ("needed", SETTLED_TO_RETURN))))
        back = replace(st, track="build", step=st.step_before_flare, settled_run=0)
        return _step(back, -1, ("settled", (("needed", SETTLED_TO_RETURN),)))
    why = pain_rose(rec)
    if why is not None:
        bad = st.bad_run + 1
        if bad >= BAD_TO_STEP_BACK:
            return _step(st, -1, ("second_rise", (("when", when), ("why", why))))
        return replace(st, bad_run=bad, good_run=0,
                       why=("holding", (("minutes", st.minutes), ("when", when), ("why", why))))
    good = (rec.completed and rec.pain_after is not None and rec.routine not in EXTRA_WALK_IDS
            and rec.walked_min >= DONE_FRACTION * st.minutes)
    if not good:
        return st
    run = st.good_run + 1
    if st.step == len(st.steps) - 1:
        return replace(st, good_run=run, bad_run=0,
                       why=("target", (("target", TARGET_MIN),)))
    day = rec.started_at.date()
    if run >= GOOD_TO_STEP_UP:
        if st.stepped_up_on is None or (day - st.stepped_up_on).days >= STEP_UP_EVERY_DAYS:
            up = _step(st, +1, ("good_run", (("run", run),)))
            return replace(up, stepped_up_on=day)
        return replace(st, good_run=run, bad_run=0,
                       why=("once_a_week", (("minutes", st.minutes), ("run", run),
                                            ("days", STEP_UP_EVERY_DAYS))))
    return replace(st, good_run=run, bad_run=0,
                   why=("good_one" if run == 1 else "good_more",
                        (("minutes", st.minutes), ("run", run), ("needed", GOOD_TO_STEP_UP))))
