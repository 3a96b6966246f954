"""Placing a section of held stretches: in left/right pairs, with time to move (pure).

A stretch section (the cool-down) says each stretch, holds it and releases it.
What it guarantees:

- *Pairs*: a one-sided stretch (``left``/``right``) is always said on both
  sides, one straight after the other, or not at all.
- *Time to move*: from the end of one "And release." to the start of the next
  hold there are at least :data:`TRANSITION_MS`; getting down to sit or back up
  is announced and given :data:`POSITION_MS` more.
- *The hold counts from the end of the instruction*: the countdown ends, and the
  release is said, a full hold after the instruction's last word.
- *Scaled to the section*: the section's length picks how much is done, so a
  short walk gets a short cool-down. Stretches are listed most important first:
  round 1 of the first stretch, of the second, ..., then round 2 of each, whole
  stretches (both sides) only. They are done standing first, then sitting, so
  the walker sits down once. Only a section too short for even the first
  stretch is a warning (its author can lengthen it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from coach.compiler.expand import SectionPlan
from coach.compiler.timeline import CompileWarning
from coach.routines.lines import CoachLines
from coach.routines.model import Stretch

TRANSITION_MS = 5000  # release end -> next hold starts, at least
SETTLE_MS = 2000  # silence after a release before the next instruction
POSITION_MS = 10_000  # after "sit down" / "stand up": time to get there
GAP_MS = 400


@dataclass(frozen=True)
class Unit:
    """One stretch in one round: one side, or both sides back to back."""

    round: int
    stretch: Stretch

    @property
    def texts(self) -> tuple[str, ...]:
        s = self.stretch
        return s.say if s.sided else (s.say[(self.round - 1) % len(s.say)],)


@dataclass(frozen=True)
class _Say:
    at_ms: int
    text: str
    speech_ms: int
    kind: str = "technique"
    gap_ms: int = GAP_MS


def stretch_units(stretches: tuple[Stretch, ...], rounds: int) -> list[Unit]:
    """Every unit in the order of importance: round 1 of each stretch, then round 2..."""
    return [Unit(r, s) for r in range(1, rounds + 1) for s in stretches]


def in_order(units: list[Unit]) -> list[Unit]:
    """The order they are done in: standing first, then sitting; by round within each."""
    return sorted(units, key=lambda u: (u.stretch.sitting, u.round))


class Room(Protocol):
    """What a stretch section needs of the placer (:class:`coach.compiler.place.Placer`)."""

    lines: CoachLines
    warnings: list[CompileWarning]

    def speech_ms(self, text: str) -> int: ...

    def fill(self, text: str, at_ms: int, plan: SectionPlan) -> str: ...

    def earliest(self, at_ms: int, length_ms: int) -> int: ...

    def countdown_words(self, n: int) -> tuple[tuple[str, ...], list[int], int]: ...

    def countdown_starts(self, plan: SectionPlan) -> list[int]: ...

    def put(self, at_ms: int, text: str, kind: str, plan: SectionPlan, gap_ms: int = ...,
            speech_ms: int | None = None) -> int: ...


class StretchPlacer:
    """Places one stretch section on the placer's timeline (see the module docstring)."""

    def __init__(self, placer: Room, plan: SectionPlan):
        self.p = placer
        self.plan = plan
        # the section's own countdown (pinned before) closes it: the stretches end first
        self.end_ms = min([plan.end_ms, *placer.countdown_starts(plan)])
        lines = placer.lines
        self.release_ms = placer.speech_ms(lines.release)
        self.reminder_ms = placer.speech_ms(lines.hold_reminder)
        self.words, self.word_ms, self.step_ms = placer.countdown_words(3)

    def run(self, opened_ms: int) -> None:
        tech = self.plan.technique
        units = stretch_units(tech.stretches, tech.rounds)
        chosen: list[_Say] = []
        n = len(units)
        while n > 0:  # the most that fits, most important first
            chosen = self.layout(in_order(units[:n]), opened_ms)
            if self.free(chosen):
                break
            n -= 1
        if n == 0:
            chosen = []
        for say in chosen:
            self.p.put(say.at_ms, say.text, say.kind, self.plan, say.gap_ms, say.speech_ms)
        if n == 0 and units:
            first = units[0].stretch.name
            self.p.warnings.append(CompileWarning(
                self.plan.start_ms / 1000, "shortened", "section", self.plan.title,
                f"too short for any stretch: {first} needs about "
                f"{self.needed_s(units[:1], opened_ms)} s (make the section longer)"))

    def needed_s(self, units: list[Unit], opened_ms: int) -> int:
        says = self.layout(units, opened_ms)
        end = max(s.at_ms + s.speech_ms for s in says)
        return -(-(end - self.plan.start_ms) // 1000)

    def free(self, says: list[_Say]) -> bool:
        for say in says:
            if say.at_ms + say.speech_ms > self.end_ms:
                return False
            if self.p.earliest(say.at_ms, say.speech_ms + say.gap_ms) != say.at_ms:
                return False
        return True

    def layout(self, units: list[Unit], opened_ms: int) -> list[_Say]:
        """Every cue of ``units`` at its time, starting after the section's opening."""
        out: list[_Say] = []
        lines = self.p.lines
        released = opened_ms  # the last moment the walker was told to come out of a stretch
        sitting = False
        last_round = (False, 0)
        for unit in units:
            t = released + SETTLE_MS
            if unit.stretch.sitting != sitting:
                t = self.position(out, lines.sit_down if unit.stretch.sitting else lines.stand_up,
                                  t)
                sitting = unit.stretch.sitting
            group = (unit.stretch.sitting, unit.round)
            for k, side in enumerate(unit.texts):
                text = self.p.fill(side, t, self.plan)
                if k == 0:
                    text = f"{unit.stretch.name}. {text}"
                    # from round 2 only, and out of the technique's rounds: the words
                    # must not depend on how much fits (the phrase cache is made first)
                    if unit.round > 1 and group != last_round:
                        label = lines.stretch_round.format(round=unit.round,
                                                           rounds=self.plan.technique.rounds)
                        text = f"{label} {text}"
                        last_round = group
                released, t = self.hold(out, text, t, released, unit.stretch.hold_s)
                t += SETTLE_MS
        if sitting:
            self.position(out, lines.stand_up, released + SETTLE_MS)
        return out

    def position(self, out: list[_Say], text: str, at_ms: int) -> int:
        """Say "sit down" / "stand up" at ``at_ms``; the next instruction waits for it."""
        length = self.p.speech_ms(text)
        out.append(_Say(at_ms, text, length))
        return at_ms + length + POSITION_MS

    def hold(self, out: list[_Say], text: str, at_ms: int, released_ms: int, hold_s: float
             ) -> tuple[int, int]:
        """One side: instruction, hold, countdown, release. Returns (release end, next t)."""
        say_ms = self.p.speech_ms(text)
        start = max(at_ms, released_ms + TRANSITION_MS - say_ms)
        said_end = start + say_ms
        hold_ms = round(hold_s * 1000)
        step = self.step_ms
        count_at = max(said_end + hold_ms - 3 * step, said_end + GAP_MS)
        hold_end = count_at + 3 * step
        out.append(_Say(start, text, say_ms))
        reminder_at = min(hold_end - 10_000, count_at - self.reminder_ms - GAP_MS)
        if hold_ms >= 20_000 and reminder_at >= said_end + GAP_MS:
            out.append(_Say(reminder_at, self.p.lines.hold_reminder, self.reminder_ms))
        for k, (word, length) in enumerate(zip(self.words, self.word_ms, strict=True)):
            out.append(_Say(count_at + k * step, word, length, "countdown", 100))
        out.append(_Say(hold_end, self.p.lines.release, self.release_ms))
        end = hold_end + self.release_ms
        return end, end
