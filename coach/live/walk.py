"""A live walk from start to finish: prepare, play, show, record.

:func:`walk_routine` is the one entry point (the CLI and the scheduler call
it). It compiles the routine with measured phrase lengths, warms the phrase
cache, opens the sound device *before* the first cue, plays the session
through a :class:`~coach.live.player.Player` while a status line shows where the
walk is, and records the walk in the history. With no sound device (or when
asked) it prints the session as text instead (:mod:`coach.live.text_player`).

The playing loop is in :mod:`coach.live.playback`, the terminal lines in
:mod:`coach.live.screen`, the record of the walk in :mod:`coach.live.record`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TextIO

from coach.audio.clip import SAMPLE_RATE_HZ
from coach.clock import Clock, MonotonicClock
from coach.errors import CoachError, terminal_safe
from coach.live.keys import KeySource
from coach.live.playback import AudioSink, keys_for, play_live, speak_after
from coach.live.player import Player, SessionSource
from coach.live.record import WalkOutcome, record_walk, walking_times
from coach.live.screen import ProgressLine, StatusView
from coach.routines.model import Routine, SpeechSettings

if TYPE_CHECKING:
    from coach.audio.loudness import Levels

__all__ = ["AudioSink", "PainQuestion", "WalkIO", "WalkOptions", "WalkOutcome", "play_live",
           "record_walk", "walk_routine"]

PainQuestion = Callable[[str], "int | None"]


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

    from coach.routines.library import load_lines

    lines = load_lines(routine.speech.language)  # what the walk prints is in its language
    live = lines.say("text_asked") if options.text else _open_audio(
        routine, options, sink, (out, io.err or sys.stderr), clock)
    started_at = now()
    failure: CoachError | None = None
    with keys_for(io.keys) as key_source:
        if not isinstance(live, str):
            player, sink = live
            timeline = player.timeline
            device = terminal_safe(sink.description)  # a sink's name is anyone's text
            print(lines.say("playing_on", device=device), lines.say("keys"),
                  file=out, flush=True)
            unspoken = getattr(player.source, "unspoken", None)
            start_ahead = getattr(player.source, "start", None)
            if start_ahead is not None:
                start_ahead()  # the rest of the speech, synthesised while it plays
            try:
                walked_s, reason = play_live(player, sink, clock, key_source,
                                             StatusView(out, lines, unspoken))
            except CoachError as err:  # e.g. the earphones were unplugged: keep the walk
                failure = err
                walked_s, reason = player.played_samples / player.sample_rate_hz, "device"
            finally:
                if start_ahead is not None:
                    player.source.close()  # type: ignore[attr-defined]
        else:
            from coach.session import session_timeline

            progress = ProgressLine(io.err or sys.stderr, clock=clock, lines=lines)
            timeline, note = session_timeline(routine, estimate=options.estimate,
                                              progress=progress)
            progress.done()
            if note is not None:
                print(note, file=out, flush=True)
            walked_s, reason = play_text(timeline, clock, out, key_source, why=live,
                                         lines=lines)
    pain_after = options.pain_after
    if pain_after is None and io.ask_pain is not None and reason != "interrupted":
        pain_after = io.ask_pain("after")
    outcome = WalkOutcome(routine.id, started_at, timeline.duration_s, walked_s, reason is None,
                          reason, not isinstance(live, str), pain_before, pain_after,
                          *walking_times(timeline.sections, walked_s),
                          language=routine.speech.language)
    outcome = dataclasses.replace(outcome, reaction=record_walk(outcome, io.history, now()))
    if io.on_saved is not None:
        io.on_saved(outcome)
    if not isinstance(live, str) and failure is None and outcome.reaction is not None:
        if outcome.reaction.advice:  # pain that needs a reaction: say it, not only print it
            speak_after(live[0], live[1], clock, outcome.reaction.spoken)
    if failure is not None:
        raise failure
    return outcome


def _open_audio(routine: Routine, options: WalkOptions, sink: AudioSink | None,
                streams: tuple[TextIO, TextIO], clock: Clock) -> tuple[Player, AudioSink] | str:
    """The device, claimed first, and the player of the prepared session; or why there is
    no audio. ``streams``: (output, progress)."""
    sink = sink or _device_sink(options.device)
    try:
        sink.open()
        player = _prepare_player(routine, options, streams, clock, ahead=True)
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


def _device_sink(device: str | None) -> AudioSink:
    from coach.audio.device import DeviceSink

    return DeviceSink(device, SAMPLE_RATE_HZ)


def _prepare_player(routine: Routine, options: WalkOptions, streams: tuple[TextIO, TextIO],
                    clock: Clock | None = None, ahead: bool = False) -> Player:
    """The session as the export prepares it, with the player's own lines warmed too.

    With ``ahead`` (a walk) only the opening is synthesised now and the rest while it
    plays (:mod:`coach.live.ahead`; the caller starts it); without, all of it now."""
    from coach.routines.library import load_lines
    from coach.session import prepare_session

    out, err = streams
    lines = load_lines(routine.speech.language)
    progress = ProgressLine(err, clock=clock, lines=lines)
    prepared = prepare_session(routine, extra_lines=lines.player_lines,
                               metronome=options.metronome, levels=options.levels,
                               progress=progress, live=True)
    source: SessionSource = prepared.renderer
    if prepared.ahead is not None and prepared.ahead.pending:
        from coach.live.ahead import AheadSource

        source = AheadSource(prepared.timeline, prepared.ahead, prepared.sample_rate_hz)
        if not ahead:
            source.run()  # every cue let in before anything plays
    else:
        prepared.renderer.prime()
    progress.done()
    for problem in prepared.failures.values():  # a native crash never ends a walk
        out.write(f"coach: {problem}; the walk goes on, that line shown but not spoken\n")
    return Player(source, prepared.clip_for, prepared.lines,
                  prefetch=source is prepared.renderer)
