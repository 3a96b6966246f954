"""The live session controller: position, state and the next block of sound.

A :class:`Player` knows nothing about sound devices or clocks. The device (or a
test's recording sink) asks it for the next ``n`` samples; the player answers
from the session renderer at its *position* (a sample counter in the session)
and keeps count of what it has handed out (the *stream*). Keys change what
comes next:

* pause: the session position freezes, "Paused." is said, then silence until
  resume, which says "Resuming." and carries on exactly where it stopped;
* skip: the position jumps to the start of the next section;
* repeat: the last cue is said again, after the current utterance if one is
  under way, with the session held still meanwhile (so nothing talks over it
  and every later cue moves back by exactly the clip's length);
* quit / pain: the session stops and the closing lines are said.

The player's own lines (:class:`~coach.routines.lines.CoachLines`) are float32 clips
from ``say(text)`` (:meth:`coach.session.PreparedSession.clip_for`: normalised as the
cues are), played with the session held.
"""

from __future__ import annotations

import bisect
import enum
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from coach.compiler.timeline import Cue, Timeline
from coach.routines.lines import CoachLines

#: What each key does (space, n, r, q, p, either case). Exact keys, no case
#: folding; coach.live.keys drops terminal sequences such as F1 (ESC O P) before here.
KEY_COMMANDS = {" ": "toggle_pause", "n": "skip", "N": "skip", "r": "repeat", "R": "repeat",
                "q": "quit", "Q": "quit", "p": "pain", "P": "pain"}


class SessionSource(Protocol):
    """The session renderer as the player uses it (random access, pure)."""

    @property
    def timeline(self) -> Timeline: ...

    @property
    def sample_rate_hz(self) -> int: ...

    @property
    def total_samples(self) -> int: ...

    def render(self, start_sample: int, n_samples: int) -> np.ndarray: ...

    def cue_start_sample(self, cue: Cue) -> int: ...

    def cue_end_sample(self, cue: Cue) -> int: ...


#: ``say(text)``: the line as float32 samples at the session's rate.
SaySource = Callable[[str], np.ndarray]


class State(enum.Enum):
    PLAYING = "playing"
    PAUSED = "paused"
    ENDING = "ending"  # saying the closing lines
    ENDED = "ended"


@dataclass(frozen=True)
class PlayEvent:
    """Something started being said at ``stream_sample`` of the produced stream."""

    stream_sample: int
    session_sample: int
    kind: str  # "cue" (from the timeline) or "say" (the player's own line)
    text: str


@dataclass(frozen=True)
class Status:
    state: State
    section: str
    elapsed_s: float
    remaining_s: float
    next_cue: Cue | None


@dataclass
class _Saying:
    text: str
    samples: np.ndarray
    at_session_sample: int  # starts once the session reaches this position
    done: int = 0


class Player:
    """Produces the live stream block by block; commands may come from any thread."""

    def __init__(self, renderer: SessionSource, say: SaySource, lines: CoachLines,
                 lead_in_s: float = 1.0, prefetch: bool = True) -> None:
        self.timeline = timeline = renderer.timeline
        self.sample_rate_hz = sample_rate_hz = renderer.sample_rate_hz
        self.lines = lines
        self._renderer = self.source = renderer
        #: 1 (blocks ``(n,)``) or 2 (stereo music: ``(n, 2)``, the player's lines centred)
        self.channels = int(getattr(renderer, "channels", 1))
        self._say = say
        self._total = int(renderer.total_samples)
        self._cue_starts = [int(renderer.cue_start_sample(c)) for c in timeline.cues]
        self._section_starts = [round(s.start_s * sample_rate_hz) for s in timeline.sections]
        self._lead_in_left = round(lead_in_s * sample_rate_hz)
        self._sayings: deque[_Saying] = deque()
        self._clips: dict[str, np.ndarray] = {}
        self._events: list[PlayEvent] = []  # not yet taken by the view
        self.log: list[PlayEvent] = []  # everything said, for the record and for tests
        self._lock = threading.RLock()
        self.state = State.PLAYING
        self.position_samples = 0  # where the session is
        self.stream_samples = 0  # how much has been handed out
        self.played_samples = 0  # session samples actually played (skips excluded)
        self.ended_reason: str | None = None  # None: played to the end
        self.ended_at_stream_sample: int | None = None
        for line in lines.player_lines if prefetch else ():  # a key press never waits
            self._clip(line)  # (a cold walk synthesises them while it plays: coach.live.ahead)

    # -- commands -------------------------------------------------------
    def handle_key(self, key: str) -> bool:
        """Run the command bound to ``key``; False if the key means nothing."""
        name = KEY_COMMANDS.get(key)
        if name is None:
            return False
        getattr(self, name)()
        return True

    def toggle_pause(self) -> None:
        with self._lock:
            if self.state is State.PLAYING:
                self.pause()
            elif self.state is State.PAUSED:
                self.resume()

    def pause(self) -> None:
        with self._lock:
            if self.state is not State.PLAYING:
                return
            self.state = State.PAUSED
            self._sayings.clear()
            self._say_now(self.lines.paused)

    def resume(self) -> None:
        with self._lock:
            if self.state is not State.PAUSED:
                return
            self.state = State.PLAYING
            self._sayings.clear()
            self._say_now(self.lines.resuming)

    def skip(self) -> None:
        """Jump to the start of the next section (the end, from the last one)."""
        with self._lock:
            if self.state not in (State.PLAYING, State.PAUSED):
                return
            i = bisect.bisect_right(self._section_starts, self.position_samples)
            target = self._section_starts[i] if i < len(self._section_starts) else self._total
            self.position_samples = min(target, self._total)
            self._sayings.clear()  # a repeat under way is cut short too

    def repeat(self) -> None:
        """Say the last cue again, after the one being spoken (if any)."""
        with self._lock:
            if self.state not in (State.PLAYING, State.PAUSED):
                return
            i = bisect.bisect_right(self._cue_starts, self.position_samples) - 1
            if i < 0:
                return
            cue = self.timeline.cues[i]
            at = self.position_samples
            if self.state is State.PLAYING:
                at = max(at, int(self._renderer.cue_end_sample(cue)))
            self._sayings.append(_Saying(cue.text, self._clip(cue.text), at))

    def quit(self) -> None:
        self._end("quit", self.lines.quit)

    def pain(self) -> None:
        self._end("pain", self.lines.pain)

    def stop(self, reason: str = "interrupted") -> None:
        """End at once, silently (Ctrl-C)."""
        with self._lock:
            if self.state is State.ENDED:
                return
            self._sayings.clear()
            self._finish(reason)

    def _end(self, reason: str, lines: tuple[str, ...]) -> None:
        with self._lock:
            if self.state in (State.ENDING, State.ENDED):
                return
            self.state = State.ENDING
            self.ended_reason = reason
            self._sayings.clear()
            for line in lines:
                self._say_now(line)

    def _say_now(self, text: str) -> None:
        self._sayings.append(_Saying(text, self._clip(text), self.position_samples))

    def _finish(self, reason: str | None) -> None:
        self.state = State.ENDED
        self.ended_reason = reason
        self.ended_at_stream_sample = self.stream_samples

    def clip(self, text: str) -> np.ndarray:
        """``text`` said in the player's voice (float32 samples at its rate), cached."""
        with self._lock:
            return self._clip(text)

    def _clip(self, text: str) -> np.ndarray:
        samples = self._clips.get(text)
        if samples is None:
            samples = self._say(text)
            if samples.dtype != np.float32:
                raise TypeError(f"say({text!r}) gave {samples.dtype} samples, not float32")
            self._clips[text] = samples
        return samples

    # -- the stream -----------------------------------------------------
    def next_block(self, n_samples: int) -> np.ndarray:
        """The next ``n_samples`` of the stream (float32, -1..1; ``(n,)`` or
        ``(n, channels)``)."""
        with self._lock:
            out = np.zeros(n_samples if self.channels == 1 else (n_samples, self.channels),
                           dtype=np.float32)
            filled = 0
            while filled < n_samples and self.state is not State.ENDED:
                filled += self._fill(out, filled, n_samples - filled)
            self.stream_samples += n_samples - filled  # silence after the end
            return out

    def _fill(self, out: np.ndarray, at: int, room: int) -> int:
        """Write up to ``room`` samples at ``out[at:]``; return how many were produced."""
        if self._lead_in_left > 0:
            n = min(room, self._lead_in_left)
            self._lead_in_left -= n
            self.stream_samples += n
            return n
        saying = self._sayings[0] if self._sayings else None
        if saying is not None and saying.at_session_sample <= self.position_samples:
            return self._fill_saying(saying, out, at, room)
        if self.state is State.ENDING:
            self._finish(self.ended_reason)
            return 0
        if self.state is State.PAUSED:
            self.stream_samples += room
            return room
        if self.position_samples >= self._total:
            self._finish(None)
            return 0
        end = self._total if saying is None else min(self._total, saying.at_session_sample)
        n = min(room, end - self.position_samples)
        self._log_cues(self.position_samples, n)
        out[at:at + n] = self._renderer.render(self.position_samples, n)
        self.position_samples += n
        self.played_samples += n
        self.stream_samples += n
        return n

    def _fill_saying(self, saying: _Saying, out: np.ndarray, at: int, room: int) -> int:
        if saying.done == 0:
            self._event(PlayEvent(self.stream_samples, self.position_samples, "say",
                                  saying.text))
        n = min(room, len(saying.samples) - saying.done)
        said = saying.samples[saying.done:saying.done + n]
        out[at:at + n] = said if out.ndim == 1 else said[:, None]
        saying.done += n
        self.stream_samples += n
        if saying.done >= len(saying.samples):
            self._sayings.popleft()
        return n

    def _log_cues(self, start: int, n: int) -> None:
        lo = bisect.bisect_left(self._cue_starts, start)
        hi = bisect.bisect_left(self._cue_starts, start + n)
        for i in range(lo, hi):
            cue_at = self._cue_starts[i]
            self._event(PlayEvent(self.stream_samples + cue_at - start, cue_at, "cue",
                                  self.timeline.cues[i].text))

    def _event(self, event: PlayEvent) -> None:
        self._events.append(event)
        self.log.append(event)

    # -- what the view shows -------------------------------------------
    def take_events(self) -> list[PlayEvent]:
        """What started being said since the last call (stream order)."""
        with self._lock:
            events, self._events = self._events, []
            return events

    def status(self) -> Status:
        with self._lock:
            pos = self.position_samples
            sr = self.sample_rate_hz
            i = bisect.bisect_left(self._cue_starts, pos)
            next_cue = self.timeline.cues[i] if i < len(self.timeline.cues) else None
            section = ""
            if self.timeline.sections:
                section = self.timeline.sections[self.timeline.section_at(pos / sr)].title
            return Status(self.state, section, pos / sr, max(0, self._total - pos) / sr, next_cue)
