"""What one session may cost: bounds on sections and reminder cues (pure).

A small file can ask for a huge amount of work: a few thousand aliased reminders
(minutes of compiling at 700 MB), or more sections than an MP3's chapter table
holds (255; the export failed after all the speech work). The bounds are by the
session, checked when the routine is loaded, so `coach check` refuses what the
later stages could not do:

- at most :data:`MAX_SECTIONS` sections (repeats unrolled);
- at most :data:`MAX_REMINDERS` reminders in one list;
- reminders that would say at most :data:`MAX_REMINDER_CUES_PER_MIN` cues per minute
  of the session, all lists together;
- respellings of at most :data:`MAX_RESPELLING_WORDS` words (so one cue grows at most
  that many times), at most :data:`MAX_RESPELLINGS` of them, and no cue over
  :data:`MAX_CUE_WORDS` words once respelled (:func:`respelled_cue_problem`, checked
  on the compiled session, the coach's own lines included).
"""

from __future__ import annotations

from collections.abc import Iterator

from coach.errors import shorten
from coach.routines.model import Reminder, Repeat, Segment

#: An MP3's ID3 chapter table (CTOC) lists at most 255 chapters, one per section.
MAX_SECTIONS = 255
MAX_REMINDERS = 20
#: One reminder every 5 s on average at most (a crowded walk, not a blow-up).
MAX_REMINDER_CUES_PER_MIN = 12
MAX_RESPELLING_WORDS = 6
MAX_RESPELLINGS = 100
#: The longest cue the voice says (the longest built-in line has about 30 words).
MAX_CUE_WORDS = 100


def respelled_cue_problem(text: str, respelled: str) -> str | None:
    """Why the respelled form of a cue is too long to say, or None."""
    words = len(respelled.split())
    if words > MAX_CUE_WORDS:
        return (f"the pronunciations make the cue {shorten(text)} {words:,} words long; at "
                f"most {MAX_CUE_WORDS} words a cue")
    return None


def session_cost_problem(segments: tuple[Segment | Repeat, ...],
                         reminders: tuple[Reminder, ...]) -> str | None:
    """Why the session would cost too much to prepare, or None."""
    sections = 0
    cues = 0.0
    total_s = 0.0
    for segment, times in _unrolled(segments, 1):
        sections += times
        if sections > MAX_SECTIONS:
            return (f"too many sections (over {MAX_SECTIONS}, repeats counted; an MP3's "
                    "chapter table holds 255): make the sections longer or repeat less")
        total_s += segment.duration_s * times
        cues += times * sum(segment.duration_s / r.every_s for r in segment.reminders)
    cues += sum(total_s / r.every_s for r in reminders)
    allowed = MAX_REMINDER_CUES_PER_MIN * total_s / 60
    if cues > allowed:
        return (f"the reminders would say {cues:,.0f} cues in {total_s / 60:.3g} minutes; at "
                f"most {MAX_REMINDER_CUES_PER_MIN} a minute: fewer reminders, or a longer "
                "`every`")
    return None


def _unrolled(segments: tuple[Segment | Repeat, ...], times: int
              ) -> Iterator[tuple[Segment, int]]:
    """Each segment once, with how many times it is walked (no list of the whole session)."""
    for item in segments:
        if isinstance(item, Repeat):
            yield from _unrolled(item.segments, times * item.times)
        else:
            yield item, times
