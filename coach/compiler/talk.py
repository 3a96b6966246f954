"""The loosely timed cues a session wants said, and how much the coach talks (pure).

The placer (:class:`coach.compiler.place.Placer`) pins what must be said at an exact
time (countdowns, stretches, openings, the closing words); :class:`Wants` collects the
rest, each at the time it would like, for the placer's last pass to fit in by
priority:

- *Form cues* on a grid from the end of a section's opening, never into the time of
  the technique's closing lines or the session's; a short section spaces them closer
  (:data:`MIN_FORM_EVERY_MS` at least) so a warm-up still reaches its moves.
- *Encouragement, reminders, halfway and five-left* at a free moment near their time
  (:meth:`Wants.free`), so the coach's own cues do not clash; safety reminders first,
  so they keep their own times. Five-left only when most of the last five minutes are
  walking (not when they are the cool-down stretches).
- *Talk level* (the routine's ``talk``): quiet keeps safety, section and pace changes,
  closing lines, countdowns and the pools a technique tags ``quiet``; chatty gives form
  cues more often and two encouragements per section (:data:`TALK_EVERY`,
  :data:`ENCOURAGE_AT`).
"""

from __future__ import annotations

import bisect
from typing import NamedTuple, Protocol

from coach.compiler.expand import SectionPlan
from coach.compiler.timeline import PRIORITY
from coach.routines.model import Reminder, Routine

#: ``talk`` (the routine's): form cues this much more or less often, and where in a
#: section of two minutes or more its encouragement goes (shares of its length).
TALK_EVERY = {"quiet": 1.0, "normal": 1.0, "chatty": 0.75}
ENCOURAGE_AT = {"quiet": (), "normal": (0.5,), "chatty": (0.3, 0.7)}
FREE_WITHIN_MS = 30_000  # how far a loosely timed cue may shift to a free moment
MIN_FORM_EVERY_MS = 20_000  # a short section's form cues (warm-up moves): time to do each
FIVE_LEFT_MS = 5 * 60_000  # "about five minutes left": said if half of them are walking


class Wanted(NamedTuple):
    """A cue wanted at about ``at_ms``; sorted, the highest priority comes first."""

    neg_priority: int
    at_ms: int
    seq: int  # the order it was wanted in: ties stay in that order
    text: str  # may hold {placeholders}, filled where it is placed
    kind: str
    plan: SectionPlan


class Desk(Protocol):
    """What :class:`Wants` needs of the placer."""

    routine: Routine
    plans: list[SectionPlan]
    total_ms: int
    closing_ms: int  # where the session's closing words start

    def speech_ms(self, text: str) -> int: ...

    def fill(self, text: str, at_ms: int, plan: SectionPlan) -> str: ...

    def rotate(self, key: str, pool: tuple[str, ...], vary: bool = True) -> str: ...

    def spans(self) -> list[tuple[int, int]]: ...


class Wants:
    """The loosely timed cues of a session (see the module docstring)."""

    def __init__(self, desk: Desk):
        self.d = desk
        self.talk = desk.routine.talk
        self.wanted: list[Wanted] = []
        #: each section's form-cue times, and when its floating cues may start and end
        self.slots: dict[int, tuple[list[int], int, int]] = {}

    def want(self, at_ms: int, text: str, kind: str, plan: SectionPlan) -> None:
        self.wanted.append(Wanted(-PRIORITY[kind], at_ms, len(self.wanted), text, kind, plan))

    def section(self, plan: SectionPlan, opened_ms: int) -> None:
        """A walking section's form cues, encouragement, closing lines and reminders."""
        d, seg, tech = self.d, plan.segment, plan.technique
        quiet = self.talk == "quiet"
        form = seg.form if seg.form is not None else tech.form
        if quiet and "form" not in tech.quiet:
            form = ()
        start = max(opened_ms, plan.start_ms)
        end = d.closing_ms if plan is d.plans[-1] else plan.end_ms
        closing_at = plan.end_ms - 20_000 - 5_000 * len(tech.closing)
        if tech.closing:
            end = min(end, closing_at - 5_000)
        every = round(tech.form_every_s * 1000 * TALK_EVERY[self.talk])
        room = end - 10_000 - start
        if form and room < every * min(3, len(form)):  # short: reach its moves anyway
            every = max(MIN_FORM_EVERY_MS, room // min(3, len(form)))
        slots = list(range(start + every, end - 10_000 + 1, every)) if form else []
        self.slots[plan.index] = (slots, start, end - 10_000)
        for at in slots:
            self.want(at, d.rotate("form:" + tech.id, form, not tech.in_order), "technique", plan)
        if tech.encouragement and not quiet and plan.end_ms - plan.start_ms >= 120_000:
            for share in ENCOURAGE_AT[self.talk]:
                self.free(start + round((end - start) * share),
                          d.rotate("enc:" + tech.id, tech.encouragement), "encouragement", plan)
        if tech.closing:
            at = closing_at
            for line in tech.closing:
                if at > opened_ms:
                    self.want(at, line, "technique", plan)
                at += 5_000
        self.reminders(seg.reminders, plan)

    def reminders(self, reminders: tuple[Reminder, ...], plan: SectionPlan | None) -> None:
        """A section's reminders (``plan``) or the session's (None) at free moments near
        their times (:meth:`free`), safety ones first so they keep theirs; quiet: safety
        only."""
        d = self.d
        first, end = (plan.start_ms, plan.end_ms - 5_000) if plan else (0, d.total_ms - 15_000)
        for reminder in sorted(reminders, key=lambda r: r.kind != "safety"):
            if self.talk == "quiet" and reminder.kind != "safety":
                continue
            step = round(reminder.every_s * 1000)
            at = first + round((reminder.offset_s or reminder.every_s) * 1000)
            while at < end:
                self.free(at, d.rotate(f"rem:{id(reminder)}", reminder.phrases), reminder.kind,
                          plan)
                at += step

    def session(self, halfway: str, five_left: str) -> None:
        """The session's reminders, and (not quiet) its halfway and five-left lines."""
        d = self.d
        self.reminders(d.routine.reminders, None)
        if self.talk == "quiet":
            return
        if d.total_ms >= 8 * 60_000:
            self.free(d.total_ms // 2, halfway)
        if d.total_ms >= 15 * 60_000 and self.walking_ms(d.total_ms - FIVE_LEFT_MS) \
                >= FIVE_LEFT_MS // 2:
            self.free(d.total_ms - FIVE_LEFT_MS, five_left)

    def walking_ms(self, from_ms: int) -> int:
        """Walking time from ``from_ms`` to the end: "five minutes left, keep it smooth"
        is a walking cue, not one for the start of five minutes of stretches."""
        return sum(max(0, p.end_ms - max(p.start_ms, from_ms)) for p in self.d.plans
                   if not p.still)

    def free(self, at_ms: int, text: str, kind: str = "encouragement",
             plan: SectionPlan | None = None) -> None:
        """A cue wanted about ``at_ms`` (a reminder of ``plan``, or a session-wide one
        in any walking section): at the moment nearest to it, within
        :data:`FREE_WITHIN_MS`, a second clear of every cue placed or wanted so far."""
        d = self.d
        length = d.speech_ms(d.fill(text, at_ms, plan or self.plan_at(at_ms))) + 1000
        busy = d.spans() + [(w.at_ms, w.at_ms + d.speech_ms(d.fill(w.text, w.at_ms, w.plan)))
                            for w in self.wanted]
        for t in sorted(range(at_ms - FREE_WITHIN_MS, at_ms + FREE_WITHIN_MS, 500),
                        key=lambda t: abs(t - at_ms)):
            home = plan or self.plan_at(t)
            _, start, end = self.slots.get(home.index, ([], home.start_ms, home.end_ms))
            if not home.stretches and start + 2_000 <= t and t + length <= end + 10_000 \
                    and all(t >= b + 1000 or t + length <= a for a, b in busy):
                self.want(t, text, kind, home)
                return
        home = plan or self.plan_at(at_ms)
        if not home.stretches:
            self.want(at_ms, text, kind, home)

    def plan_at(self, at_ms: int) -> SectionPlan:
        plans = self.d.plans
        return plans[max(0, bisect.bisect_right([p.start_ms for p in plans], at_ms) - 1)]
