"""A live walk from start to finish: prepare, play, show, record.

:func:`walk_routine` is the one entry point (the CLI and the scheduler call
it). It compiles the routine with measured phrase lengths, warms the phrase
cache, opens the sound device *before* the first cue, plays the session
through a :class:`~coach.live.player.Player` while a status line shows where the
walk is, and records the walk in the history. With no sound device (or when
asked) it prints the session as text instead (:mod:`coach.live.text_player`).

The loop here only polls keys and refreshes the screen on an absolute tick
grid; the timing of what is heard is set by the sample counter alone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from coach.audio.clip import SAMPLE_RATE_HZ
from coach.clock import Clock, MonotonicClock
from coach.errors import CoachError, terminal_safe
from coach.live.keys import KEYS_HELP, KeySource, NoKeys, TerminalKeys, signals_as_interrupt
from coach.live.player import Player, PlayEvent, State, Status
from coach.routines.durations import format_clock
from coach.routines.model import Routine, SpeechSettings

if TYPE_CHECKING:
    from coach.audio.loudness import Levels
    from coach.compiler.timeline import Section
    from coach.programme.logbook import LogResult

TICK_S = 0.25  # how often keys are read and the status line redrawn
SPOKEN_GAP_S = 0.4  # between the lines said after the walk
PainQuestion = Callable[[str], "int | None"]


class AudioSink(Protocol):
    """A sound output fed by pulling blocks (see :class:`coach.audio.device.DeviceSink`)."""

    description: str

    @property
    def latency_s(self) -> float: ...

    def open(self) -> None: ...

    def start(self, pull: Callable[[int], Any]) -> None: ...

    def raise_if_failed(self) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class WalkOptions:
    text: bool = False  # print the session instead of playing it
    device: str | None = None
    metronome: bool = False
    speech: SpeechSettings | None = None  # None: the routine's own
    pain_before: int | None = None
    pain_after: int | None = None
    estimate: bool = False  # the text walk: time speech by words per minute, not the engine
    levels: Levels | None = None  # None: the default levels (coach.audio.loudness)


@dataclass(frozen=True)
class WalkIO:
    """The outside world a walk talks to; each ``None`` is the real one.

    ``history`` is a :class:`coach.programme.history.History` (default: the user's);
    ``ask_pain(when)`` asks for a 0-10 score before/after when none was given (None:
    nobody to ask). ``keys`` defaults to the terminal's (none when stdin is not a
    terminal), ``sink`` to the sound device, ``now`` to the local wall clock.
    """

    clock: Clock | None = None
    keys: KeySource | None = None
    out: TextIO | None = None
    err: TextIO | None = None  # the progress line while the voice is prepared (stderr)
    sink: AudioSink | None = None
    history: Any = None
    ask_pain: PainQuestion | None = None
    now: Callable[[], datetime] | None = None
    on_saved: Callable[[WalkOutcome], None] | None = None  # shows the saved walk's summary


@dataclass(frozen=True)
class WalkOutcome:
    routine: str
    started_at: datetime
    planned_s: float
    walked_s: float
    completed: bool
    ended_reason: str | None  # None when completed; quit, pain, interrupted
    audio: bool
    pain_before: int | None = None
    pain_after: int | None = None
    reaction: LogResult | None = None  # the saved row, pain advice and the next decision
    walking_planned_s: float | None = None  # walking time (coach.programme.minutes); None:
    walking_s: float | None = None  # ... as planned_s / walked_s


def walk_routine(routine: Routine, options: WalkOptions = WalkOptions(),
                 io: WalkIO = WalkIO()) -> WalkOutcome:
    """Walk ``routine`` live (or as text) and record it; see the module docstring.

    ``io`` carries the clock, keys, output, sound sink, history and pain question
    (see :class:`WalkIO`); tests pass fakes there.
    """
    clock = io.clock or MonotonicClock()
    out = io.out or sys.stdout
    now = io.now or (lambda: datetime.now(timezone.utc).astimezone())
    with contextlib.ExitStack() as stack:
        history = io.history or stack.enter_context(_own_history())
        history.check_writable()  # before the walk, not after it: a walk is never lost
        return _walk(routine, options, dataclasses.replace(io, history=history), clock, out,
                     now)


def _own_history() -> Any:
    from coach.programme.history import History

    return History()


def _walk(routine: Routine, options: WalkOptions, io: WalkIO, clock: Clock, out: TextIO,
          now: Callable[[], datetime]) -> WalkOutcome:
    from coach.live.text_player import play_text

    pain_before = options.pain_before
    if pain_before is None and io.ask_pain is not None:
        pain_before = io.ask_pain("before")
    speech = options.speech or routine.speech
    routine = dataclasses.replace(routine, speech=speech)
    sink = io.sink

    live = "you asked for text (--text)" if options.text else _open_audio(
        routine, options, sink, (out, io.err or sys.stderr), clock)
    started_at = now()
    failure: CoachError | None = None
    with _keys_for(io.keys) as key_source:
        if not isinstance(live, str):
            player, sink = live
            timeline = player.timeline
            print(f"Playing on {sink.description}. {KEYS_HELP}", file=out, flush=True)
            try:
                walked_s, reason = play_live(player, sink, clock, key_source, StatusView(out))
            except CoachError as err:  # e.g. the earphones were unplugged: keep the walk
                failure = err
                walked_s, reason = player.played_samples / player.sample_rate_hz, "device"
        else:
            from coach.routines.library import load_lines
            from coach.session import session_timeline

            progress = ProgressLine(io.err or sys.stderr, clock=clock)
            timeline, note = session_timeline(routine, estimate=options.estimate,
                                              progress=progress)
            progress.done()
            if note is not None:
                print(note, file=out, flush=True)
            walked_s, reason = play_text(timeline, clock, out, key_source, why=live,
                                         lines=load_lines(routine.speech.language))
    pain_after = options.pain_after
    if pain_after is None and io.ask_pain is not None and reason != "interrupted":
        pain_after = io.ask_pain("after")
    outcome = WalkOutcome(routine.id, started_at, timeline.duration_s, walked_s, reason is None,
                          reason, not isinstance(live, str), pain_before, pain_after,
                          *_walking(timeline.sections, walked_s))
    outcome = dataclasses.replace(outcome, reaction=record_walk(outcome, io.history, now()))
    if io.on_saved is not None:
        io.on_saved(outcome)
    if not isinstance(live, str) and failure is None and outcome.reaction is not None:
        if outcome.reaction.advice:  # pain that needs a reaction: say it, not only print it
            speak_after(live[0], live[1], clock, outcome.reaction.spoken)
    if failure is not None:
        raise failure
    return outcome


def speak_after(player: Player, sink: AudioSink, clock: Clock, texts: Sequence[str]) -> None:
    """Say ``texts`` on ``sink`` (opened again) after the walk, a short pause between them;
    a device that fails now only cuts this short (the walk is already saved and printed)."""
    import numpy as np

    gap = np.zeros(round(SPOKEN_GAP_S * player.sample_rate_hz), dtype=np.float32)
    samples = np.concatenate([part for text in texts for part in (player.clip(text), gap)])
    played = 0

    def pull(n: int) -> Any:
        nonlocal played
        block = np.zeros(n, dtype=np.float32)
        chunk = samples[played:played + n]
        block[:len(chunk)] = chunk
        played += n
        return block

    try:
        sink.start(pull)
        clock.sleep_until(clock.now() + len(samples) / player.sample_rate_hz + sink.latency_s)
        sink.raise_if_failed()
    except (CoachError, KeyboardInterrupt):
        pass
    finally:
        sink.close()


def _open_audio(routine: Routine, options: WalkOptions, sink: AudioSink | None,
                streams: tuple[TextIO, TextIO], clock: Clock) -> tuple[Player, AudioSink] | str:
    """The device, claimed first, and the player of the prepared session; or why there is
    no audio. ``streams``: (output, progress)."""
    sink = sink or _device_sink(options.device)
    try:
        sink.open()
        player = _prepare_player(routine, options, streams, clock)
    except _no_audio_errors() as err:
        sink.close()
        return str(err)
    except BaseException:
        sink.close()
        raise
    return player, sink


def _no_audio_errors() -> tuple[type[BaseException], ...]:
    """What makes the walk fall back to text: no device, or no working voice."""
    from coach.audio.device import NoAudioDevice
    from coach.errors import EngineError

    return (NoAudioDevice, EngineError)


@contextlib.contextmanager
def _keys_for(keys: KeySource | None) -> Iterator[KeySource]:
    """The given key source, or the terminal's (cbreak only while the walk plays);
    SIGTERM and SIGHUP end the walk as Ctrl-C does meanwhile (saved, terminal restored)."""
    with signals_as_interrupt():
        if keys is not None:
            yield keys
            return
        with TerminalKeys() as terminal:
            yield terminal if terminal.active else NoKeys()


def _device_sink(device: str | None) -> AudioSink:
    from coach.audio.device import DeviceSink

    return DeviceSink(device, SAMPLE_RATE_HZ)


def _prepare_player(routine: Routine, options: WalkOptions, streams: tuple[TextIO, TextIO],
                    clock: Clock | None = None) -> Player:
    """The session as the export prepares it, with the player's own lines warmed too."""
    from coach.routines.library import load_lines
    from coach.session import prepare_session

    out, err = streams
    progress = ProgressLine(err, clock=clock)
    lines = load_lines(routine.speech.language)
    prepared = prepare_session(routine, extra_lines=lines.player_lines,
                               metronome=options.metronome, levels=options.levels,
                               progress=progress, tolerate=True)
    prepared.renderer.prime()
    progress.done()
    for problem in prepared.failures.values():  # a native crash never ends a walk
        out.write(f"coach: {problem}; the walk goes on, that line shown but not spoken\n")
    return Player(prepared.renderer, prepared.clip_for, prepared.lines)


def play_live(player: Player, sink: AudioSink, clock: Clock, keys: KeySource,
              view: StatusView) -> tuple[float, str | None]:
    """Play until the player ends; return (seconds walked, ended reason or None)."""
    try:
        sink.start(player.next_block)
        start_s = clock.now()
        tick = 0
        while True:
            sink.raise_if_failed()
            for key in keys.poll():
                player.handle_key(key)
            view.update(player.status(), player.take_events(), player.sample_rate_hz)
            if player.state is State.ENDED:
                break
            tick += 1
            clock.sleep_until(start_s + tick * TICK_S)
        clock.sleep_until(clock.now() + sink.latency_s)  # let the device play the tail
    except KeyboardInterrupt:
        player.stop("interrupted")
    finally:
        sink.close()
        view.finish()
    return player.played_samples / player.sample_rate_hz, player.ended_reason


class StatusView:
    """Prints each line as it is said; on a terminal, a status line below them."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = bool(getattr(out, "isatty", lambda: False)())
        self._shown = ""

    def update(self, status: Status, events: list[PlayEvent], sample_rate_hz: int) -> None:
        for event in events:
            self._line(f"[{format_clock(event.session_sample / sample_rate_hz)}] {event.text}")
        if self.tty:
            line = status_line(status)
            if line != self._shown:
                self.out.write("\r\x1b[K" + line)
                self.out.flush()
                self._shown = line

    def _line(self, text: str) -> None:
        if self.tty and self._shown:
            self.out.write("\r\x1b[K")
            self._shown = ""
        print(terminal_safe(text), file=self.out, flush=True)

    def finish(self) -> None:
        if self.tty and self._shown:
            self.out.write("\n")
            self.out.flush()


def status_line(status: Status) -> str:
    """``Warm-up · 03:10 / 21:50 left · next 04:00 Tall back.`` (and the state)."""
    parts = [status.section or "Walk",
             f"{format_clock(status.elapsed_s)} / {format_clock(status.remaining_s)} left"]
    if status.next_cue is not None:
        text = status.next_cue.text
        text = text if len(text) <= 40 else text[:39] + "…"
        parts.append(f"next {format_clock(status.next_cue.at_s)} {text}")
    if status.state is State.PAUSED:
        parts.insert(0, "PAUSED")
    return " · ".join(parts)


class ProgressLine:
    """``Preparing the voice, first time only: 12/40 phrases`` on one line (on stderr), for
    the phrases not yet cached, shown only when it takes a while."""

    def __init__(self, out: TextIO, after_s: float = 0.5, clock: Clock | None = None) -> None:
        self.out = out
        self.clock = clock or MonotonicClock()
        self.after_s = after_s
        self._start_s = self.clock.now()
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self._shown and self.clock.now() - self._start_s < self.after_s:
            return
        self._shown = True
        self.out.write(f"\rPreparing the voice, first time only: {done}/{total} phrases")
        self.out.flush()

    def done(self) -> None:
        """End the progress line (if one was shown)."""
        if self._shown:
            self.out.write(" done.\n")
            self.out.flush()
            self._shown = False


def _walking(sections: Sequence[Section], walked_s: float) -> tuple[None, float, float]:
    """(no reaction yet, walking seconds planned, walking seconds walked)."""
    from coach.programme.minutes import still_techniques, walking_s
    from coach.routines.library import load_techniques

    still = still_techniques(load_techniques())
    return None, walking_s(sections, still), walking_s(sections, still, walked_s)


def record_walk(outcome: WalkOutcome, history: Any = None, now: datetime | None = None
                ) -> LogResult:
    """Add the walk to the history (the user's own unless one is given); the saved row
    with the programme's reaction to it (:func:`coach.programme.logbook.reaction_to`)."""
    from coach.programme.history import History, WalkRecord
    from coach.programme.logbook import reaction_to

    planned_s = outcome.planned_s if outcome.walking_planned_s is None \
        else outcome.walking_planned_s
    walked_s = outcome.walked_s if outcome.walking_s is None else outcome.walking_s
    record = WalkRecord(
        routine=outcome.routine, started_at=outcome.started_at,
        planned_min=round(planned_s / 60.0, 2), walked_min=round(walked_s / 60.0, 2),
        completed=outcome.completed, ended_reason=outcome.ended_reason,
        pain_before=outcome.pain_before, pain_after=outcome.pain_after,
        session_min=round(outcome.walked_s / 60.0, 2))
    when = now or outcome.started_at
    if history is not None:
        return reaction_to(history, history.get(history.record(record)), when)
    with History() as own:
        return reaction_to(own, own.get(own.record(record)), when)
