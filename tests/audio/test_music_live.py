"""A live walk with music: the device stream is stereo when the music is (speech centred),
mono otherwise. The sound device is faked (miniaudio's PlaybackDevice replaced by a
recorder the test pulls, as a sound card would); the renderer, the player, the decoders and
the music are real (generated noise and tones)."""

from __future__ import annotations

import numpy as np
import pytest

from coach.audio.device import DeviceSink
from coach.audio.loudness import Levels
from coach.audio.music import find_music
from coach.audio.render import SessionRenderer
from coach.live.player import Player, State
from coach.routines.library import load_lines
from tests.audio.test_music import noise, tone, write_wav
from tests.audiotest import RATE_HZ, sample_timeline
from tests.fakes import tone_clip

TIMELINE = sample_timeline()
LEAD = 2205  # the player's lead-in: 0.1 s


class FakePlayback:
    """miniaudio.PlaybackDevice as the sink uses it; ``pull(frames)`` is the sound card."""

    opened: list[FakePlayback] = []

    def __init__(self, *, output_format, nchannels, sample_rate, buffersize_msec, device_id,
                 backends, app_name):
        self.nchannels, self.sample_rate = nchannels, sample_rate
        self.backend = "fake"
        self.closed = False
        self._feed = None
        FakePlayback.opened.append(self)

    def start(self, feed):
        self._feed = feed

    def pull(self, frames: int) -> np.ndarray:
        data = self._feed.send(frames)
        return np.frombuffer(data, "<f4").reshape(frames, self.nchannels)

    def close(self):
        self.closed = True


@pytest.fixture
def fake_device(monkeypatch):
    import miniaudio

    FakePlayback.opened = []
    monkeypatch.setattr(miniaudio, "PlaybackDevice", FakePlayback)
    return FakePlayback


def played(music, fake_device) -> tuple[np.ndarray, SessionRenderer, FakePlayback]:
    renderer = SessionRenderer(TIMELINE, tone_clip, RATE_HZ, cue_sounds=False,
                               levels=Levels(music=music))
    renderer.prime()
    player = Player(renderer, renderer.speech_clip, load_lines(), lead_in_s=LEAD / RATE_HZ)
    sink = DeviceSink(None, RATE_HZ)
    sink.open()  # a walk claims the device before the session is prepared: mono
    sink.start(player.next_block)
    device = fake_device.opened[-1]
    heard = np.concatenate([device.pull(4410) for _ in range(60)])  # 12 s
    sink.raise_if_failed()
    assert player.state is State.PLAYING
    sink.close()
    return heard, renderer, device


def test_stereo_music_makes_a_stereo_stream_with_the_session_sample_for_sample(
        tmp_path, fake_device):
    music = find_music([write_wav(tmp_path / "n.wav", noise(20.0, channels=2))], print)
    heard, renderer, device = played(music, fake_device)
    assert [d.nchannels for d in fake_device.opened] == [1, 2]  # opened again, stereo
    assert fake_device.opened[0].closed
    assert heard.shape == (60 * 4410, 2)
    want = renderer.render(0, len(heard) - LEAD)
    assert np.array_equal(heard[:LEAD], np.zeros((LEAD, 2), np.float32))
    assert np.array_equal(heard[LEAD:], want)  # cue onsets where the renderer puts them
    assert np.max(np.abs(heard[:, 0] - heard[:, 1])) > 1e-3  # stereo music
    # speech centred: what is not music is the same in both channels
    bed = renderer._bed.render(0, len(want))
    renderer._duck.apply(bed, 0)
    rest = want - bed
    assert np.max(np.abs(rest[:, 0] - rest[:, 1])) < 1e-5
    assert np.max(np.abs(rest)) > 0.05  # and there is speech in it


def test_mono_music_and_no_music_keep_the_mono_stream(tmp_path, fake_device):
    mono = find_music([write_wav(tmp_path / "t.wav", tone(20.0, 440.0))], print)
    for music in (mono, None):
        fake_device.opened = []
        heard, renderer, _ = played(music, fake_device)
        assert [d.nchannels for d in fake_device.opened] == [1]  # not opened again
        assert heard.shape == (60 * 4410, 1)
        assert np.array_equal(heard[LEAD:, 0], renderer.render(0, len(heard) - LEAD))


def test_a_walk_with_stereo_music_streams_stereo_and_says_its_own_lines_centred(tmp_path):
    """walk_routine end to end (real TTS, the walk's ahead-synthesised source, a recording
    sink on a fake clock): every block is stereo; paused, the player's line is centred."""
    import io

    from coach.live.walk import WalkIO, WalkOptions, walk_routine
    from coach.programme.history import History
    from coach.routines.library import resolve_routine
    from tests.fakes import FakeClock, RecordingSink, ScriptedKeys

    music = find_music([write_wav(tmp_path / "n.wav", noise(20.0, channels=2))], print)
    clock = FakeClock()
    sink = RecordingSink(clock)
    with History(tmp_path / "history.sqlite3") as history:
        io_ = WalkIO(clock=clock, keys=ScriptedKeys(clock, [(20.0, " "), (26.0, " "),
                                                            (40.0, "q")]),
                     out=io.StringIO(), sink=sink, history=history)
        outcome = walk_routine(resolve_routine("flare-up"),
                               WalkOptions(levels=Levels(music=music)), io_)
    assert outcome.audio and outcome.ended_reason == "quit"
    assert sink.blocks and all(b.shape == (len(b), 2) for b in sink.blocks)
    stream = np.concatenate(sink.blocks)
    sr = sink.sample_rate_hz
    playing = stream[5 * sr:19 * sr]
    assert np.max(np.abs(playing[:, 0] - playing[:, 1])) > 1e-3  # the music, stereo
    paused = stream[round(20.2 * sr):25 * sr]  # "Paused." and silence: no music
    assert np.max(np.abs(paused)) > 0.05
    assert np.array_equal(paused[:, 0], paused[:, 1])
