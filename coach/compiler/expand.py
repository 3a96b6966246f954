"""Expand a routine into its sections: segments and repeats, in order, in milliseconds (pure)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from coach.routines.model import PACES, Repeat, Routine, Segment, Technique

#: Techniques where the walker rests, standing or sitting, without stretching.
REST_IDS = frozenset({"rest"})


def is_still(technique: Technique) -> bool:
    """Whether a technique's sections are not walking (stretches and rests): the one
    definition of walking minutes (coach.programme.minutes, the spoken welcome)."""
    return bool(technique.stretches) or technique.id in REST_IDS


@dataclass
class SectionPlan:
    """One section to fill with cues: where it starts and ends, its technique and segment."""

    index: int
    title: str
    technique: Technique
    segment: Segment
    start_ms: int
    end_ms: int
    rep: int = 1
    reps: int = 1
    pace: str | None = None
    cadence_spm: float | None = None

    @property
    def stretches(self) -> bool:
        return bool(self.technique.stretches)

    @property
    def still(self) -> bool:
        """Not walking (:func:`is_still`)."""
        return is_still(self.technique)


def expand_routine(routine: Routine, techniques: Mapping[str, Technique],
                   round_title: str = "{title}, round {rep} of {reps}") -> Iterator[SectionPlan]:
    """The routine's sections in order: repeats unrolled, titles and cadence worked out
    (a repeated section's title said with ``round_title``, in the session's language)."""
    cursor = 0
    index = 0

    def walk(segments: tuple[Segment | Repeat, ...], rep: int, reps: int) -> Iterator[SectionPlan]:
        nonlocal cursor, index
        for seg in segments:
            if isinstance(seg, Repeat):
                for k in range(1, seg.times + 1):
                    yield from walk(seg.segments, k, seg.times)
                continue
            tech = techniques[seg.technique]
            title = seg.title or (f"{tech.name}, {seg.pace} pace" if seg.pace else tech.name)
            if reps > 1:
                title = round_title.format(title=title, rep=rep, reps=reps)
            pace = seg.pace or tech.pace
            cadence = section_cadence(seg, tech, routine)
            end = cursor + round(seg.duration_s * 1000)
            yield SectionPlan(index, title, tech, seg, cursor, end, rep, reps, pace, cadence)
            cursor = end
            index += 1

    yield from walk(routine.segments, 1, 1)


def section_cadence(seg: Segment, tech: Technique, routine: Routine) -> float | None:
    """Steps per minute for a section; None where nobody walks (stretches, rest).

    The segment's own cadence or pace wins, then the technique's cadence. The
    routine's cadence sets the step of ordinary walking (techniques at an easy or
    moderate pace); slow techniques such as the warm-up keep their slow pace.
    """
    if seg.cadence_spm:
        return seg.cadence_spm
    if seg.pace:
        return PACES[seg.pace]
    if tech.cadence_spm:
        return tech.cadence_spm
    if tech.pace in ("easy", "moderate") and routine.cadence_spm:
        return routine.cadence_spm
    if tech.pace:
        return PACES[tech.pace]
    return None
