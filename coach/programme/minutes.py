"""Walking minutes and session minutes: defined once, here (pure).

* **Walking minutes**: the minutes spent walking. The warm-up walk counts; sections
  where the walker stands or sits still do not: stretches (a technique with
  ``stretches``, such as ``cool-down``) and rests (``rest``). This is the
  programme's dose: "a 12-minute walk" is 12 walking minutes, and plan, history,
  progress and the plot compare walking minutes.
* **Session minutes**: the whole session as played, stretches included: a
  timeline's ``duration_s``. The spoken welcome says both: "Today: ten minutes of
  walking, then about four minutes of stretches" (the second is session minus
  walking minutes, as `coach plan`'s two columns).

:func:`still_techniques` says which technique ids are not walking;
:func:`walking_s` measures a compiled timeline's walking seconds, all of them or those
within the first ``played_s`` seconds of a walk that ended early.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from coach.compiler.expand import REST_IDS, is_still

if TYPE_CHECKING:
    from coach.compiler.timeline import Section
    from coach.routines.model import Technique


def still_techniques(techniques: Mapping[str, Technique]) -> frozenset[str]:
    """The technique ids whose sections are not walking: stretches and rests
    (:func:`coach.compiler.expand.is_still`)."""
    return frozenset(tid for tid, t in techniques.items() if is_still(t)) | REST_IDS


def walking_s(sections: Sequence[Section], still: frozenset[str],
              played_s: float | None = None) -> float:
    """Walking seconds in ``sections``: every walking section, or only the part of each
    before ``played_s`` seconds of the session (a walk ended early, played in order)."""
    end = float("inf") if played_s is None else max(0.0, played_s)
    return sum(max(0.0, min(s.end_s, end) - s.start_s)
               for s in sections if s.technique not in still)
