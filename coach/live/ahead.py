"""A live walk that starts before all its speech is synthesised (issue 9).

``prepare_session(ahead=True)`` places the session from safe upper bounds of
the uncached phrases' lengths and synthesises only the opening cues.
:class:`AheadSource` plays it (the player's :class:`~coach.live.player.SessionSource`)
while a background thread synthesises the rest in the workers, in the order the
session needs it, and lets each cue in as its clip arrives: the player renders
from a renderer of the cues let in so far, swapped for a new one (built and
primed off the audio thread) after each batch.

A cue is let in only while no sample from its start on has been rendered, so
a clip never starts part-way or late; and only if it fits the room its bound
held, so it never runs into another cue. A cue whose clip was not ready in time
(or came out longer than its bound) is not spoken: the walk goes on
and the screen shows its line marked as unspoken (:meth:`AheadSource.unspoken`).
"""

from __future__ import annotations

import dataclasses
import threading
from typing import TYPE_CHECKING

import numpy as np

from coach.compiler.timeline import Cue, Timeline
from coach.errors import CoachError

if TYPE_CHECKING:
    from coach.audio.render import SessionRenderer
    from coach.session import Ahead

#: Phrases synthesised per batch before the renderer is swapped (the workers share a batch).
BATCH = 4
#: A cue is let in only if it starts at least this long after what was rendered
#: (the limiter's and the ducking's look-ahead stay clear of played samples).
GUARD_S = 0.25


class AheadSource:
    """The session renderer of a walk still being synthesised; see the module docstring."""

    def __init__(self, timeline: Timeline, ahead: Ahead, sample_rate_hz: int) -> None:
        self.timeline = timeline
        self.sample_rate_hz = sample_rate_hz
        self.total_samples = round(timeline.duration_s * sample_rate_hz)
        self._ahead = ahead
        self._starts = [self.cue_start_sample(c) for c in timeline.cues]
        self._guard = round(GUARD_S * sample_rate_hz)
        self._admitted = {i for i, c in enumerate(timeline.cues) if self._fits(c)}
        self._lock = threading.Lock()
        self._rendered_to = 0
        self._inner = self._build(self._admitted)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: str | None = None  # why the rest could not be synthesised

    # -- SessionSource ------------------------------------------------------
    def render(self, start_sample: int, n_samples: int) -> np.ndarray:
        with self._lock:
            self._rendered_to = max(self._rendered_to, start_sample + n_samples)
            return self._inner.render(start_sample, n_samples)

    @property
    def channels(self) -> int:
        """1, or 2 with stereo music (every renderer swapped in has the same music)."""
        return int(self._inner.channels)

    def cue_start_sample(self, cue: Cue) -> int:
        return round(cue.at_s * self.sample_rate_hz)

    def cue_end_sample(self, cue: Cue) -> int:
        """The end of ``cue``'s clip if it is spoken; its start if not (nothing to wait for)."""
        with self._lock:
            inner = self._inner
        if any(c == cue for c in inner.timeline.cues):
            return inner.cue_end_sample(cue)
        return self.cue_start_sample(cue)

    # -- what is spoken -----------------------------------------------------
    def unspoken(self, session_sample: int, text: str) -> bool:
        """True when the cue starting at ``session_sample`` with ``text`` was played
        silent (its clip was not ready in time)."""
        with self._lock:
            return any(self._starts[i] == session_sample and cue.text == text
                       and i not in self._admitted
                       for i, cue in enumerate(self.timeline.cues))

    @property
    def pending(self) -> int:
        """Cues not let in (yet)."""
        with self._lock:
            return len(self.timeline.cues) - len(self._admitted)

    # -- the background synthesis ---------------------------------------------
    def start(self) -> None:
        """Synthesise the rest in a background thread (a daemon: it never holds up exit)."""
        if self._ahead.pending and self._thread is None:
            self._thread = threading.Thread(target=self.run, name="coach-ahead", daemon=True)
            self._thread.start()

    def close(self, wait_s: float = 0.0) -> None:
        """Stop after the batch under way (optionally waiting for it)."""
        self._stop.set()
        if self._thread is not None and wait_s > 0:
            self._thread.join(wait_s)

    def join(self, timeout_s: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout_s)

    def run(self) -> None:
        """Synthesise the pending phrases batch by batch, letting cues in after each."""
        pending = list(self._ahead.pending)
        try:
            while pending and not self._stop.is_set():
                batch, pending = pending[:BATCH], pending[BATCH:]
                self._ahead.warm(batch)
                self._admit()
        except CoachError as err:  # the workers cannot start: the rest stays unspoken
            self.error = str(err)
        for _ in range(3):  # a swap that came too late for some cue: try without it
            if not self._admit():
                break

    def _admit(self) -> bool:
        """Let in every ready cue that has not started; True if the renderer changed."""
        cues = self.timeline.cues
        with self._lock:
            upto = self._rendered_to + self._guard
            new = {i for i, cue in enumerate(cues)
                   if i not in self._admitted and self._starts[i] >= upto
                   and self._fits(cue)}
        if not new:
            return False
        renderer = self._build(self._admitted | new)  # normalising clips: not under the lock
        with self._lock:
            upto = self._rendered_to + self._guard
            if any(self._starts[i] < upto for i in new):
                return True  # too late for one of them: the caller tries again without it
            self._admitted |= new
            self._inner = renderer
        return True

    def _fits(self, cue: Cue) -> bool:
        """The cue's clip is ready and no longer than the room it was placed with."""
        length_s = self._ahead.length_s(cue.text)
        return length_s is not None and length_s <= cue.speech_s + 1e-6

    def _build(self, admitted: set[int]) -> SessionRenderer:
        cues = tuple(c for i, c in enumerate(self.timeline.cues) if i in admitted)
        renderer = self._ahead.renderer_for(dataclasses.replace(self.timeline, cues=cues))
        renderer.prime()
        return renderer
