"""Live playback into a private PulseAudio null sink, recorded and timed.

Starts its own headless pulseaudio (one null sink, as in
shared/tools/pulse-null-sink) and stops it afterwards; skips cleanly where
pulseaudio cannot start (Debian: apt-get install pulseaudio pulseaudio-utils).
A short routine is played live through the real renderer, the real TTS and
the real sound device path (miniaudio -> PulseAudio); parec records the sink's
monitor; every cue's speech onset in the recording is compared with the
timeline after removing the one constant start offset. Prints p50/p99/max and
the start offset (run with -s to see them). For longer measurements set
COACH_LIVE_ROUTINE to a routine id or path (e.g. figure-8: 12 minutes).
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from coach.audio.clip import SAMPLE_RATE_HZ
from coach.routines.model import Reminder, Routine, Segment

pytestmark = [pytest.mark.slow, pytest.mark.live]

SR = SAMPLE_RATE_HZ
LIMIT_MS = 20.0  # every cue within this of plan
THRESHOLD = 0.01  # onset: first sample louder than this (about -40 dBFS)
QUIET_BEFORE_MS = 25  # a cue counts only if nothing sounds just before it


def _pulse_env(root: Path) -> dict[str, str]:
    return {"XDG_RUNTIME_DIR": str(root / "run"), "XDG_CONFIG_HOME": str(root / "config"),
            "HOME": str(root / "home"), "PULSE_SERVER": f"unix:{root}/run/native"}


@pytest.fixture(scope="module")
def pulse(tmp_path_factory):
    """A private pulseaudio with a null sink named ``coach``; yields its environment."""
    if not (shutil.which("pulseaudio") and shutil.which("parec") and shutil.which("pactl")):
        pytest.skip("pulseaudio / pulseaudio-utils not installed")
    root = tmp_path_factory.mktemp("pulse")
    for sub in ("run", "config", "home"):
        (root / sub).mkdir()
    (root / "run").chmod(0o700)
    env = {**os.environ, **_pulse_env(root)}
    daemon = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
         f"--log-target=file:{root}/pulse.log",
         "-L", f"module-native-protocol-unix socket={root}/run/native auth-anonymous=1",
         "-L", f"module-null-sink sink_name=coach format=s16le rate={SR} channels=1",
         "-L", "module-always-sink"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(50):
            ok = subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0
            if ok or daemon.poll() is not None:
                break
            time.sleep(0.1)
        if not ok:
            pytest.skip("pulseaudio did not start here")
        subprocess.run(["pactl", "set-default-sink", "coach"], env=env, check=True)
        with pytest.MonkeyPatch.context() as mp:
            for key, value in _pulse_env(root).items():
                mp.setenv(key, value)
            yield env
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=5)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()


def short_routine() -> Routine:
    """42 s: three sections (chimes between them), short lines for many cues."""
    every = Reminder(2.5, ("Tall back.", "Shoulders soft.", "Eyes ahead.", "Breathe easy.",
                           "Relax your hands."), offset_s=2.0)
    return Routine("pulse-check", "Pulse check", (
        Segment("walk", 16.0, title="First part", reminders=(every,)),
        Segment("heel-toe", 14.0, title="Second part", reminders=(every,),
                intro=("Next part.",)),
        Segment("walk", 12.0, title="Third part", reminders=(every,), intro=("Next part.",))))


def onset(x: np.ndarray, lo: int, hi: int) -> int | None:
    loud = np.flatnonzero(np.abs(x[max(0, lo):hi]) > THRESHOLD)
    return max(0, lo) + int(loud[0]) if len(loud) else None


def played_and_recorded(pulse, player, sink, sink_name: str, raw: Path, channels: int = 1
                        ) -> tuple[np.ndarray, float, str | None]:
    """Play ``player`` live into ``sink`` while parec records ``sink_name``'s monitor:
    (the recording as float (n, channels), seconds walked, ended reason)."""
    from coach.clock import MonotonicClock
    from coach.live.keys import NoKeys
    from coach.live.walk import StatusView, play_live

    with raw.open("wb") as out:
        rec = subprocess.Popen(["parec", f"--device={sink_name}.monitor", f"--rate={SR}",
                                f"--channels={channels}", "--format=s16le",
                                "--latency-msec=5"], env=pulse, stdout=out,
                               stderr=subprocess.PIPE)
        time.sleep(0.5)
        walked_s, reason = play_live(player, sink, MonotonicClock(), NoKeys(),
                                     StatusView(io.StringIO()))
        time.sleep(0.5)
        rec.send_signal(signal.SIGINT)
        rec.wait(timeout=10)
    heard = np.frombuffer(raw.read_bytes(), "<i2").astype(np.float32) / 32768.0
    return heard.reshape(-1, channels), walked_s, reason


def test_cues_heard_on_time_through_pulseaudio(pulse, tmp_path):
    from coach.audio.device import DeviceSink, list_devices
    from coach.live.walk import WalkOptions, _prepare_player

    assert [d.name for d in list_devices()] == ["Null Output"]
    from coach.routines.library import resolve_routine

    ref = os.environ.get("COACH_LIVE_ROUTINE")
    routine = resolve_routine(ref) if ref else short_routine()
    player = _prepare_player(routine, WalkOptions(), (io.StringIO(), io.StringIO()))
    timeline, renderer = player.timeline, player._renderer
    lead = player._lead_in_left
    reference = np.concatenate([np.zeros(lead, np.float32),
                                renderer.render(0, renderer.total_samples)])

    sink = DeviceSink(None, SR)
    sink.open()  # claimed before the recording and the first cue
    heard, walked_s, reason = played_and_recorded(pulse, player, sink, "coach",
                                                  tmp_path / "monitor.raw")
    assert reason is None and walked_s == pytest.approx(timeline.duration_s)
    heard = heard[:, 0]
    assert len(heard) > len(reference), "the recording is shorter than the session"

    # the one constant offset: first sound in the recording vs. in the plan
    first_ref = onset(reference, 0, len(reference))
    first_rec = onset(heard, 0, len(heard))
    assert first_ref is not None and first_rec is not None
    offset = first_rec - first_ref

    # the opening cue is heard whole: silence before it, then its samples from the first on
    opening = timeline.cues[0]
    n_open = renderer.cue_end_sample(opening) - renderer.cue_start_sample(opening)
    assert not np.any(np.abs(heard[max(0, first_rec - SR // 10):first_rec]) > THRESHOLD)
    got = heard[first_rec:first_rec + n_open]
    want = reference[first_ref:first_ref + n_open]
    assert np.max(np.abs(got - want)) < 2e-3, "the opening cue was not played whole"

    errors_ms, skipped = [], 0
    quiet = round(QUIET_BEFORE_MS * SR / 1000)
    window = round(2 * LIMIT_MS * SR / 1000)
    for cue in timeline.cues:
        planned = lead + renderer.cue_start_sample(cue)
        ref = onset(reference, planned - quiet, planned + window)
        if ref is None or ref < planned:  # something already sounding: no clean onset
            skipped += 1
            continue
        got_at = onset(heard, ref + offset - window, ref + offset + window)
        assert got_at is not None, f"cue at {cue.at_s:.2f}s not heard: {cue.text!r}"
        errors_ms.append((got_at - offset - ref) * 1000.0 / SR)
    err = np.abs(np.array(errors_ms))
    p50, p99, worst = (float(np.percentile(err, 50)), float(np.percentile(err, 99)),
                       float(err.max()))
    print(f"\nlive timing over {len(err)} cues ({skipped} without a clean onset): "
          f"p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {worst:.2f} ms; start offset: device "
          f"asked for its first block {sink.start_delay_s * 1000:.0f} ms after start, then "
          f"{lead / SR * 1000:.0f} ms lead-in + {timeline.cues[0].at_s:.2f} s to the first "
          f"cue (sample {first_ref}, heard at recording sample {first_rec}); "
          f"device {sink.description}")
    assert len(err) >= 8
    assert worst <= LIMIT_MS, f"cue off plan by {worst:.1f} ms"


def test_stereo_music_plays_as_a_stereo_stream_through_pulseaudio(pulse, tmp_path):
    """Stereo music: the device stream is opened again with two channels (it was claimed
    mono before the session was prepared) and what a stereo null sink records is the
    session, both channels, sample for sample (16-bit), speech centred, music stereo."""
    from coach.audio.device import DeviceSink
    from coach.audio.loudness import Levels
    from coach.audio.music import find_music
    from coach.live.walk import WalkOptions, _prepare_player
    from tests.audio.test_music import noise, write_wav

    loaded = subprocess.run(["pactl", "load-module", "module-null-sink", "sink_name=coach2",
                             "format=s16le", f"rate={SR}", "channels=2"], env=pulse,
                            capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run(["pactl", "set-default-sink", "coach2"], env=pulse, check=True)
    try:
        music = find_music([write_wav(tmp_path / "n.wav", noise(20.0, channels=2))], print)
        player = _prepare_player(short_routine(), WalkOptions(levels=Levels(music=music)),
                                 (io.StringIO(), io.StringIO()))
        renderer = player._renderer
        assert renderer.channels == 2 and player.channels == 2
        reference = np.concatenate([np.zeros((player._lead_in_left, 2), np.float32),
                                    renderer.render(0, renderer.total_samples)])
        sink = DeviceSink(None, SR)
        sink.open()  # mono, as a walk claims it
        heard, _walked, reason = played_and_recorded(pulse, player, sink, "coach2",
                                                     tmp_path / "monitor2.raw", channels=2)
        assert reason is None and sink.channels == 2
    finally:
        subprocess.run(["pactl", "set-default-sink", "coach"], env=pulse, check=True)
        subprocess.run(["pactl", "unload-module", loaded], env=pulse, check=True)
    first_ref = onset(reference[:, 0], 0, len(reference))
    first_rec = onset(heard[:, 0], 0, len(heard))
    assert first_ref is not None and first_rec is not None
    n = 3 * SR  # three seconds from the first sound: music from its fade-in, and speech
    got, want = heard[first_rec:first_rec + n], reference[first_ref:first_ref + n]
    assert got.shape == want.shape == (n, 2)
    assert np.max(np.abs(got - want)) < 2e-3, "the stereo stream is not the session"
    assert np.max(np.abs(got[:, 0] - got[:, 1])) > 1e-2  # the music's two channels
