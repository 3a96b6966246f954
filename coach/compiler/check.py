"""The compiler's guarantees, checked on every timeline it makes (pure)."""

from __future__ import annotations

from coach.compiler.timeline import Timeline


def check_timeline(timeline: Timeline) -> None:
    """Raise AssertionError if a compiled timeline breaks a guarantee (a bug)."""
    previous_end = 0.0
    for cue in timeline.cues:
        section = timeline.sections[cue.section]
        if cue.at_s < previous_end - 1e-9:
            raise AssertionError(f"cue overlaps the one before it: {cue}")
        if not (section.start_s <= cue.at_s and cue.end_s <= section.end_s + 1e-9):
            raise AssertionError(f"cue outside its section: {cue}")
        previous_end = cue.end_s
