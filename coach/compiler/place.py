"""Placing the cues of a routine's sections: pinned first, then openings, then floating (pure).

The compiler expands segments and repeats into sections, writes the cues each
section asks for (opening lines, form cues, reminders, stretches with their
countdowns, closing lines) and then places them so that no two utterances
overlap. Times are integer milliseconds inside, so the result is exact and
deterministic.

Placement, in this order (earlier steps are never moved by later ones):

1. *Pinned*: countdowns, held stretches and the session's closing line. A
   countdown is never moved, dropped or talked over.
2. *Openings*: each section's announcement (intro, pace, extra lines, safety)
   said back to back from its start; the first section waits for a short
   lead-in so Bluetooth earphones do not clip the first words.
3. *Floating*: form cues, reminders and encouragement (wanted at their times by
   :mod:`coach.compiler.talk`, which also applies the talk level), by priority
   (safety > technique > pace > posture > encouragement), then by time. Each
   goes to the first free gap at or after its wanted time inside its section;
   one that would be too late is dropped. Moves over a second and drops are
   reported in ``Timeline.warnings``.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

from coach.compiler.check import check_timeline
from coach.compiler.expand import SectionPlan
from coach.compiler.stretches import StretchPlacer
from coach.compiler.talk import Wants
from coach.compiler.timeline import (
    PRIORITY,
    CadencePoint,
    CompileWarning,
    Cue,
    Section,
    SpeechTimer,
    Timeline,
)
from coach.routines.lines import CoachLines
from coach.routines.model import Routine

LEAD_IN_MS = 1500  # silence before the first word of a session
CHIME_MS = 800  # after a section change the chime plays first
GAP_MS = 400  # silence between two utterances
COUNTDOWN_GAP_MS = 100
MAX_DELAY_MS = {"safety": 30_000, "technique": 20_000, "pace": 10_000,
                "posture": 30_000, "encouragement": 45_000}


@dataclass(order=True)
class _Placed:
    at_ms: int
    end_ms: int  # includes the silence owed after it
    cue: Cue = field(compare=False)


class Placer:
    """Places every cue of ``plans`` on one timeline; :meth:`run` returns it."""

    def __init__(self, routine: Routine, plans: list[SectionPlan], speech_s: SpeechTimer,
                 lines: CoachLines):
        self.routine = routine
        self.lines = lines
        self.plans = plans
        self.speech_s = speech_s
        self.total_ms = plans[-1].end_ms if plans else 0
        self.placed: list[_Placed] = []
        self.warnings: list[CompileWarning] = []
        self.rotation: dict[str, int] = {}
        self.safety_said: dict[str, int] = {}
        self.closing_ms = self.total_ms  # where the closing words start (pin_closing)
        self.wants = Wants(self)  # the floating cues (coach.compiler.talk)

    # -- helpers -------------------------------------------------------------
    def fill(self, text: str, at_ms: int, plan: SectionPlan) -> str:
        left = max(1, round((self.total_ms - at_ms) / 60_000))
        section_left = max(1, round((plan.end_ms - at_ms) / 60_000))
        values = {
            "minutes_left": left, "section_minutes_left": section_left,
            "time_left": self.lines.say_minutes(left),
            "section_time_left": self.lines.say_minutes(section_left),
            "rep": plan.rep, "reps": plan.reps, "section": plan.title,
        }
        return text.format_map(values)

    def speech_ms(self, text: str) -> int:
        return max(1, math.ceil(self.speech_s(text) * 1000))

    def rotate(self, key: str, pool: tuple[str, ...], vary: bool = True) -> str:
        """The next line of ``pool``: each session (the routine's ``variant``) starts
        its pools one line further on, so consecutive sessions say different lines;
        not ``vary``: from the first (a technique's form cues ``in_order``)."""
        k = self.rotation.get(key, self.routine.variant if vary else 0)
        self.rotation[key] = k + 1
        return pool[k % len(pool)]

    def earliest(self, at_ms: int, length_ms: int) -> int:
        """First start >= at_ms where [start, start+length) touches no placed cue."""
        t = at_ms
        i = max(0, bisect.bisect_right([p.at_ms for p in self.placed], t) - 1)
        for p in self.placed[i:]:
            if p.end_ms <= t:
                continue
            if p.at_ms >= t + length_ms:
                break
            t = p.end_ms
        return t

    def put(self, at_ms: int, text: str, kind: str, plan: SectionPlan, gap_ms: int = GAP_MS,
            speech_ms: int | None = None) -> int:
        """Place a cue at exactly ``at_ms``; returns when it ends."""
        speech = self.speech_ms(text) if speech_ms is None else speech_ms
        cue = Cue(at_ms / 1000, text, kind, PRIORITY[kind], plan.index, speech / 1000)
        bisect.insort(self.placed, _Placed(at_ms, at_ms + speech + gap_ms, cue))
        return at_ms + speech

    def fits(self, start_ms: int, speech_ms: int, plan: SectionPlan, limit_ms: int | None = None
             ) -> bool:
        limit = plan.end_ms if limit_ms is None else limit_ms
        return start_ms >= plan.start_ms and start_ms + speech_ms <= limit

    def drop(self, at_ms: int, text: str, kind: str, why: str) -> None:
        self.warnings.append(CompileWarning(at_ms / 1000, "dropped", kind, text, why))

    # -- the passes ------------------------------------------------------------
    def run(self) -> Timeline:
        if self.plans:
            self.pin_session_opening()
            self.pin_closing()
            for plan in self.plans:
                self.pin_countdown(plan)
            for plan in self.plans:
                opened = self.opening(plan)
                if plan.stretches:
                    self.pin_stretches(plan, opened)
                else:
                    self.wants.section(plan, opened)
            self.wants.session(self.lines.halfway, self.lines.five_left)
            self.place_floating()
        return self.timeline()

    def pin_session_opening(self) -> None:
        """The welcome and the spoken safety reminder, first of all. In a session
        too short for both, the welcome gives way: the safety line is said."""
        first = self.plans[0]
        welcome = self.fill(self.welcome(), 0, first)
        lines = [("technique", welcome), ("safety", self.lines.opening_safety)]
        if self.routine.briefing:  # before the walk starts: the doctor and the red flags
            lines += [("safety", self.lines.doctor_check),
                      *(("safety", t) for t in self.lines.red_flags_spoken)]
        lengths = [self.speech_ms(text) for _, text in lines]
        if LEAD_IN_MS + sum(lengths) + GAP_MS > first.end_ms:
            self.drop(LEAD_IN_MS, welcome, "technique", "the first section is too short")
            lines, lengths = lines[1:], lengths[1:]
        at = LEAD_IN_MS
        for (kind, text), length in zip(lines, lengths, strict=True):
            if not self.fits(at, length, first):
                self.drop(at, text, kind, "the first section is too short")
                continue
            at = self.put(at, text, kind, first, speech_ms=length) + GAP_MS

    def welcome(self) -> str:
        """The first words: walking minutes, then the stretches' share of the session
        minutes (coach.programme.minutes: what `coach plan` prints), in words."""
        minutes = max(1, round(self.total_ms / 60_000))
        walking = max(1, round(sum(p.end_ms - p.start_ms for p in self.plans
                                   if not p.still) / 60_000))
        line = self.lines.welcome_stretches if any(p.stretches for p in self.plans) \
            else self.lines.welcome
        title = self.routine.title.replace("{", "{{").replace("}", "}}")
        say = self.lines.say_minutes
        return line.format(title=title, minutes=say(minutes), walking=say(walking),
                           stretching=say(max(1, minutes - walking)))

    def pin_closing(self) -> None:
        last = self.plans[-1]
        lines = [self.lines.closing]
        if not last.stretches:
            lines.append(self.lines.closing_stretch_hint)
        lengths = [self.speech_ms(t) for t in lines]
        at = last.end_ms - sum(lengths) - GAP_MS * (len(lines) - 1) - 300
        self.closing_ms = max(last.start_ms, at)
        for text, length in zip(lines, lengths, strict=True):
            if at < last.start_ms or self.earliest(at, length + GAP_MS) != at:
                self.drop(at, text, "technique", "the last section is too short")
                at += length + GAP_MS
                continue
            at = self.put(at, text, "technique", last, speech_ms=length) + GAP_MS

    def pin_countdown(self, plan: SectionPlan) -> None:
        n = plan.segment.countdown_s if plan.segment.countdown_s is not None \
            else plan.technique.countdown_s
        if not n or plan is self.plans[-1]:
            return
        words, lengths, step = self.countdown_words(n)
        start = plan.end_ms - step * n
        if start < plan.start_ms + 10_000 or self.earliest(start, step * n) != start:
            self.drop(start, " ".join(words), "countdown", "the section is too short for it")
            return
        self.put_countdown(start, words, lengths, step, plan)

    def countdown_words(self, n: int) -> tuple[tuple[str, ...], list[int], int]:
        """Words for counting down from ``n``, their lengths, and the beat between them.

        The beat is one second unless a number takes longer to say.
        """
        words = self.lines.numbers[:n][::-1]
        lengths = [self.speech_ms(w) for w in words]
        return words, lengths, max(1000, max(lengths) + COUNTDOWN_GAP_MS)

    def countdown_starts(self, plan: SectionPlan) -> list[int]:
        """When the countdowns placed so far in ``plan`` start (the section's own)."""
        return [p.at_ms for p in self.placed
                if p.cue.section == plan.index and p.cue.kind == "countdown"]

    def put_countdown(self, start_ms: int, words: tuple[str, ...], lengths: list[int],
                      step_ms: int, plan: SectionPlan) -> None:
        for k, (word, length) in enumerate(zip(words, lengths, strict=True)):
            self.put(start_ms + k * step_ms, word, "countdown", plan, COUNTDOWN_GAP_MS, length)

    def opening(self, plan: SectionPlan) -> int:
        """Say the section's opening lines back to back; returns when they end."""
        seg, tech = plan.segment, plan.technique
        lines: list[tuple[str, str]] = []
        intro = seg.intro if seg.intro is not None else tech.intro
        if plan.rep > 1:
            intro = intro[:1]
        lines += [("technique", t) for t in intro]
        if tech.openers and plan.rep == 1 and seg.intro is None:  # not in its own words
            lines.append(("technique", self.rotate("open:" + tech.id, tech.openers)))
        if seg.pace:
            lines.append(("pace", self.lines.pace[seg.pace]))
        lines += [("technique", t) for t in seg.say]
        if plan.rep == 1 and self.safety_due(tech.id, plan.start_ms):
            lines += [("safety", t) for t in tech.safety]
        lines += [("safety", t) for t in seg.safety]
        t = plan.start_ms + (LEAD_IN_MS if plan.index == 0 else CHIME_MS)
        end = t
        for kind, raw in lines:
            text = self.fill(raw, t, plan)
            length = self.speech_ms(text)
            start = self.earliest(t, length + GAP_MS)
            if not self.fits(start, length, plan):
                self.drop(t, text, kind, f"no room at the start of {plan.title!r}")
                continue
            end = self.put(start, text, kind, plan, speech_ms=length)
            t = end + GAP_MS
        return end

    def safety_due(self, technique: str, at_ms: int) -> bool:
        """A technique's safety lines are said when it starts, and again only if
        it was last started over five minutes ago (not twice in a row)."""
        last = self.safety_said.get(technique)
        self.safety_said[technique] = at_ms
        return last is None or at_ms - last > 5 * 60_000

    def pin_stretches(self, plan: SectionPlan, opened_ms: int) -> None:
        StretchPlacer(self, plan).run(opened_ms)

    def spans(self) -> list[tuple[int, int]]:
        """Where the cues placed so far are said, silence after each included."""
        return [(p.at_ms, p.end_ms) for p in self.placed]

    def place_floating(self) -> None:
        for _neg, at, _seq, raw, kind, plan in sorted(self.wants.wanted, key=lambda w: w[:3]):
            text = self.fill(raw, at, plan)
            length = self.speech_ms(text)
            start = self.earliest(at, length + GAP_MS)
            late = start - at
            if not self.fits(start, length, plan) or late > MAX_DELAY_MS[kind]:
                self.drop(at, text, kind, f"no free moment in {plan.title!r} "
                          f"within {MAX_DELAY_MS[kind] // 1000} s")
                continue
            if late > 1000:
                self.warnings.append(CompileWarning(at / 1000, "moved", kind, text,
                                                    "it clashed with another cue", late / 1000))
            self.put(start, text, kind, plan, speech_ms=length)

    # -- result ----------------------------------------------------------------
    def timeline(self) -> Timeline:
        sections = tuple(
            Section(p.title, p.technique.id, p.start_ms / 1000, p.end_ms / 1000, p.pace,
                    p.cadence_spm)
            for p in self.plans
        )
        cues = tuple(p.cue for p in self.placed)
        cadence = None
        if self.routine.sets_cadence:
            points: list[CadencePoint] = []
            for p in self.plans:
                spm = p.cadence_spm or 0.0  # 0: the metronome is silent here
                if not points or points[-1].spm != spm:
                    points.append(CadencePoint(p.start_ms / 1000, spm))
            cadence = tuple(points)
        timeline = Timeline(self.routine.id, self.routine.title, self.total_ms / 1000,
                            sections, cues, cadence, tuple(self.warnings),
                            language=self.lines.language)
        check_timeline(timeline)
        return timeline
