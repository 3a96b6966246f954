"""Playing a prepared session on a sound sink: the key and screen loop of a live
walk, and the lines said after it.

The loop only polls keys and refreshes the screen on an absolute tick grid; the
timing of what is heard is set by the sample counter alone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from coach.clock import Clock
from coach.errors import CoachError
from coach.live.keys import KeySource, NoKeys, TerminalKeys, signals_as_interrupt
from coach.live.player import Player, State
from coach.live.screen import StatusView

TICK_S = 0.25  # how often keys are read and the status line redrawn
SPOKEN_GAP_S = 0.4  # between the lines said after the walk


class AudioSink(Protocol):
    """A sound output fed by pulling blocks (see :class:`coach.audio.device.DeviceSink`)."""

    description: str

    @property
    def latency_s(self) -> float: ...

    def open(self) -> None: ...

    def start(self, pull: Callable[[int], Any]) -> None: ...

    def raise_if_failed(self) -> None: ...

    def close(self) -> None: ...


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


@contextlib.contextmanager
def keys_for(keys: KeySource | None) -> Iterator[KeySource]:
    """The given key source, or the terminal's (cbreak only while the walk plays);
    SIGTERM and SIGHUP end the walk as Ctrl-C does meanwhile (saved, terminal restored)."""
    with signals_as_interrupt():
        if keys is not None:
            yield keys
            return
        with TerminalKeys() as terminal:
            yield terminal if terminal.active else NoKeys()
