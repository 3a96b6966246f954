"""Music under the coach: finding the files, the streaming bed, the ducking envelope,
measured in what the renderer makes (generated music: noise and tones written by the
stdlib wave module and real encoders, decoded by miniaudio)."""

from __future__ import annotations

import math
import wave
from pathlib import Path

import numpy as np
import pytest

from coach.audio.loudness import Levels, loudness_lufs
from coach.audio.music import Music, MusicError, find_music
from coach.audio.music_bed import CROSSFADE_S, END_FADE_S, MusicBed
from coach.audio.music_duck import ATTACK_S, LEAD_S, RELEASE_S, DuckEnvelope
from coach.audio.render import SessionRenderer
from coach.errors import ExitStatus, UsageError
from tests.audiotest import RATE_HZ, sample_timeline
from tests.fakes import tone_clip

TIMELINE = sample_timeline()


def write_wav(path: Path, x: np.ndarray, rate_hz: int = 44100) -> Path:
    """``x`` (n,) or (n, channels) float in [-1, 1] as 16-bit WAV (the stdlib writer)."""
    x = x.reshape(len(x), -1)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(x.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate_hz)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def write_mp3(path: Path, x: np.ndarray, rate_hz: int = 44100) -> Path:
    """``x`` as MP3 with lameenc (a real encoder)."""
    import lameenc

    x = x.reshape(len(x), -1)
    enc = lameenc.Encoder()
    enc.set_bit_rate(128)
    enc.set_in_sample_rate(rate_hz)
    enc.set_channels(x.shape[1])
    enc.set_quality(5)
    pcm = (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
    path.write_bytes(enc.encode(pcm) + enc.flush())
    return path


def noise(seconds: float, channels: int = 2, rate_hz: int = 44100, seed: int = 1,
          level: float = 0.1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, level, (round(seconds * rate_hz), channels))


def tone(seconds: float, freq: float, rate_hz: int = 44100, level: float = 0.3) -> np.ndarray:
    t = np.arange(round(seconds * rate_hz)) / rate_hz
    return level * np.sin(2 * np.pi * freq * t)


def rms_db(x: np.ndarray) -> float:
    return 10.0 * math.log10(float(np.mean(np.asarray(x, np.float64) ** 2)) + 1e-20)


@pytest.fixture(scope="module")
def music_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("music")
    write_wav(folder / "b-noise.wav", noise(20.0))
    write_mp3(folder / "a-tone.mp3", tone(12.0, 3000.0))
    (folder / "c-broken.mp3").write_bytes(b"not audio at all " * 100)
    (folder / "notes.txt").write_text("not music")
    return folder


def mixed(music: Music | None, timeline=TIMELINE) -> tuple[SessionRenderer, np.ndarray]:
    r = SessionRenderer(timeline, tone_clip, RATE_HZ, cue_sounds=False,
                        levels=Levels(music=music))
    return r, r.render(0, r.total_samples)


def test_a_folder_gives_its_music_files_by_name_skipping_what_does_not_decode(music_dir):
    lines: list[str] = []
    music = find_music([music_dir], lines.append)
    assert [p.name for p in music.tracks] == ["a-tone.mp3", "b-noise.wav"]
    assert len(lines) == 1 and "c-broken.mp3" in lines[0] and lines[0].startswith("warning:")


def test_none_decodable_is_a_failure_before_any_work(tmp_path):
    bad = tmp_path / "x.flac"
    bad.write_bytes(b"fLaC but not really" * 50)
    lines: list[str] = []
    with pytest.raises(MusicError) as err:
        find_music([bad], lines.append)
    assert err.value.exit_status == ExitStatus.FAILURE
    assert len(lines) == 1


def test_bad_paths_and_levels_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="no such music"):
        find_music([tmp_path / "nope.mp3"], print)
    with pytest.raises(UsageError, match="no music files"):
        find_music([tmp_path], print)
    with pytest.raises(UsageError, match="ducking"):
        find_music([tmp_path], print, duck_db=-3)


@pytest.mark.slow
def test_stereo_music_makes_stereo_blocks_speech_centred(music_dir):
    music = find_music([music_dir / "b-noise.wav"], print)
    r, out = mixed(music)
    _, speech = mixed(None)
    assert r.channels == 2 and out.shape == (r.total_samples, 2)
    bed = out - speech[:, None]  # the music alone: the speech is the same in both channels
    assert rms_db(bed[:, 0] - bed[:, 1]) > -60  # the noise is really stereo
    mono_music = Music(music.tracks, stereo=False)
    r1, out1 = mixed(mono_music)
    assert r1.channels == 1 and out1.shape == (r1.total_samples,)
    live = SessionRenderer(TIMELINE, tone_clip, RATE_HZ, cue_sounds=False,
                           levels=Levels(music=mono_music))
    live.prime()  # what a live walk does: the tracks' levels measured before playing
    assert live._bed is not None and live._bed._gains is not None
    assert np.array_equal(live.render(20_000, 4096), out1[20_000:24_096])


@pytest.mark.slow
def test_blocks_equal_one_render_and_onsets_do_not_move(music_dir):
    music = find_music([music_dir], print)
    r, whole = mixed(music)
    blocks = np.concatenate(list(r.blocks(5000)))
    assert np.array_equal(blocks, whole)
    _, speech = mixed(None)
    bed = MusicBed(music, RATE_HZ, r.total_samples, Levels().speech_lufs)
    assert bed.channels == 2
    # what is not music is the speech, sample for sample (nothing moved, nothing limited)
    rest = whole - bed.render(0, r.total_samples) * r._duck.gain(0, r.total_samples)[:, None]
    assert np.max(np.abs(rest - speech[:, None])) < 1e-5


@pytest.mark.slow
def test_music_is_ducked_by_duck_db_under_every_cue_and_back_between(music_dir):
    music = find_music([music_dir / "b-noise.wav"], print, duck_db=12.0)
    r, out = mixed(music)
    _, speech = mixed(None)
    bed = out[:, 0] - speech
    sr = RATE_HZ
    checked = 0
    for cue in TIMELINE.cues:
        s, e = r.cue_start_sample(cue), r.cue_end_sample(cue)
        quiet_from = s - round(1.4 * sr)
        ducked_before = [j for j in range(len(r._duck.spans))
                         if r._duck.spans[j, 1] + round(1.0 * sr) > quiet_from
                         and r._duck.spans[j, 0] < s]
        if cue.at_s < 3 or ducked_before:
            continue  # no undisturbed second before this cue
        before = rms_db(bed[quiet_from:s - round(0.4 * sr)])
        during = rms_db(bed[s:e])
        assert abs((before - during) - 12.0) < 1.0, (cue.text, before, during)
        checked += 1
    assert checked >= 3
    # the level between cues is the music's level relative to the speech
    assert abs(rms_db(bed[round(3.8 * sr):round(5.8 * sr)]) - rms_db(bed[round(8.7 * sr):round(
        10.5 * sr)])) < 1.5


def test_attack_starts_before_the_onset_and_release_is_smooth():
    sr = RATE_HZ
    env = DuckEnvelope(np.array([10 * sr]), np.array([12 * sr]), 12.0, sr)
    g = 20 * np.log10(env.gain(0, 20 * sr))
    onset = 10 * sr
    assert g[onset - round(LEAD_S * sr) - 1] == pytest.approx(0.0, abs=1e-6)
    assert g[onset - round((LEAD_S - ATTACK_S) * sr)] == pytest.approx(-12.0, abs=0.01)
    assert g[onset] == pytest.approx(-12.0, abs=1e-6)
    assert np.all(np.diff(g[onset - sr:onset]) <= 1e-9)  # goes down only
    after = g[12 * sr:]
    assert np.all(np.diff(after) >= -1e-9)  # comes back up only
    back = int(np.argmax(after >= -1e-9)) / sr
    assert back == pytest.approx(0.15 + RELEASE_S, abs=0.01)
    assert np.max(np.abs(np.diff(g))) < 12.0 / (ATTACK_S * sr) * 2  # no step anywhere


def test_close_cues_are_one_ducked_stretch_no_pumping():
    sr = RATE_HZ
    env = DuckEnvelope(np.array([10 * sr, 13 * sr]), np.array([12 * sr, 15 * sr]), 12.0, sr)
    g = 20 * np.log10(env.gain(9 * sr, 16 * sr))
    assert len(env.spans) == 1
    assert np.max(g[(10 - 9) * sr:(15 - 9) * sr]) == pytest.approx(-12.0, abs=1e-6)
    far = DuckEnvelope(np.array([10 * sr, 20 * sr]), np.array([12 * sr, 22 * sr]), 12.0, sr)
    assert len(far.spans) == 2


def test_speech_loudness_is_unchanged_by_the_ducked_music(music_dir):
    music = find_music([music_dir / "b-noise.wav"], print)
    r, out = mixed(music)
    _, speech = mixed(None)
    for cue in TIMELINE.cues[:2]:
        s, e = r.cue_start_sample(cue), r.cue_end_sample(cue)
        alone = loudness_lufs(speech[s:e], RATE_HZ)
        under = loudness_lufs(out[s:e, 0], RATE_HZ)
        assert abs(under - alone) < 0.5, (alone, under)


def test_tracks_loop_with_crossfades_and_fade_out_at_the_end(tmp_path):
    short = write_wav(tmp_path / "short.wav", tone(10.0, 440.0, level=0.3)[:, None], 44100)
    music = Music((short,))
    total = 45 * RATE_HZ
    bed = MusicBed(music, RATE_HZ, total, -16.0)
    x = bed.render(0, total)[:, 0]
    assert len(bed.placements) >= 5
    step = bed.placements[1].start - bed.placements[0].start
    assert step == 10 * RATE_HZ - round(CROSSFADE_S * RATE_HZ)
    window = RATE_HZ // 10
    levels = [rms_db(x[i:i + window]) for i in range(RATE_HZ, total - round(END_FADE_S
                                                                              * RATE_HZ),
                                                     window)]
    assert max(levels) - min(levels) < 3.5  # no hole where one track hands over
    assert rms_db(x[-window:]) < min(levels) - 20  # faded out at the end
    assert np.array_equal(bed.render(20 * RATE_HZ, 1000),
                          MusicBed(music, RATE_HZ, total, -16.0).render(20 * RATE_HZ, 1000))


def test_music_level_is_relative_to_the_speech(music_dir):
    music = find_music([music_dir / "b-noise.wav"], print, level_lu=-18.0)
    bed = MusicBed(music, RATE_HZ, 30 * RATE_HZ, -16.0)
    x = bed.render(5 * RATE_HZ, 20 * RATE_HZ).astype(np.float64)
    import pyloudnorm

    got = pyloudnorm.Meter(RATE_HZ).integrated_loudness(x)
    assert got == pytest.approx(-16.0 - 18.0 + 3.01, abs=0.7)  # stereo: dual mono speech +3


def test_flac_and_ogg_play_and_mono_with_stereo_makes_stereo(tmp_path):
    import soundfile

    soundfile.write(tmp_path / "1-mono.flac", tone(10.0, 440.0, 48000), 48000, format="FLAC")
    soundfile.write(tmp_path / "2-stereo.ogg", noise(10.0, rate_hz=32000), 32000,
                    format="OGG", subtype="VORBIS")
    lines: list[str] = []
    music = find_music([tmp_path], lines.append)
    assert [p.suffix for p in music.tracks] == [".flac", ".ogg"] and not lines
    bed = MusicBed(music, RATE_HZ, 20 * RATE_HZ, -16.0)
    assert bed.channels == 2
    x = bed.render(0, 20 * RATE_HZ)
    # the first track alone in [1, 6) s, the second alone in [10, 12) s (4 s crossfades)
    first, second = x[RATE_HZ:6 * RATE_HZ], x[round(10.2 * RATE_HZ):round(11.8 * RATE_HZ)]
    assert np.array_equal(first[:, 0], first[:, 1])  # the mono track in both channels
    assert rms_db(second[:, 0] - second[:, 1]) > rms_db(second[:, 0])  # still stereo
    spectrum = np.abs(np.fft.rfft(first[:, 0]))
    assert abs(np.argmax(spectrum) * RATE_HZ / len(first) - 440.0) < 2.0  # resampled right


def test_a_tracks_loudness_is_measured_once_and_kept(tmp_path, music_dir):
    from coach.audio.music_bed import stored_lufs

    track = music_dir / "b-noise.wav"
    first = stored_lufs(track, 2, RATE_HZ, tmp_path / "levels")
    (kept,) = (tmp_path / "levels").iterdir()
    kept.write_text('{"lufs": -30.5}')  # what is kept is what is used
    assert stored_lufs(track, 2, RATE_HZ, tmp_path / "levels") == -30.5
    assert first == pytest.approx(stored_lufs(track, 2, RATE_HZ, None))


def test_ducking_in_place_is_the_raised_cosine_everywhere():
    """The envelope touches only its ramps and flat stretches; every sample is still the
    formula of the module docstring (cues at random, some close, some far)."""
    from coach.audio.music_duck import HOLD_S, _smooth

    sr = RATE_HZ
    rng = np.random.default_rng(3)
    starts = np.sort(rng.integers(0, 60 * sr, 12))
    ends = starts + rng.integers(sr // 10, 3 * sr, 12)
    env = DuckEnvelope(starts, ends, 9.0, sr)
    lead, attack = round(LEAD_S * sr), round(ATTACK_S * sr)
    hold, release = round(HOLD_S * sr), round(RELEASE_S * sr)
    x = np.arange(-sr, 65 * sr)
    depth = np.zeros(len(x))
    for s, e in env.spans:
        up = np.clip((x - (s - lead)) / attack, 0, 1)
        down = np.clip((e + hold + release - x) / release, 0, 1)
        depth = np.maximum(depth, np.minimum(_smooth(up), _smooth(down)))
    want = 10.0 ** (-9.0 * depth / 20.0)
    got = np.concatenate([env.gain(a, min(a + 7919, 65 * sr)) for a in range(-sr, 65 * sr, 7919)])
    assert np.max(np.abs(got - want)) < 1e-6


def test_fades_only_where_they_reach():
    from coach.audio.music_bed import Placement, _fades

    p = Placement(0, 0, 10_000, 1_000, 2_000)
    t = np.arange(p.frames)
    want = (np.sin(0.5 * np.pi * np.clip(t / p.fade_in, 0, 1))
            * np.sin(0.5 * np.pi * np.clip((p.frames - t) / p.fade_out, 0, 1)))
    for lo, hi in ((0, 500), (900, 1100), (1000, 8000), (7500, 8500), (9000, 10_000)):
        got = _fades(p, lo, hi)
        assert np.allclose(np.broadcast_to(got, (hi - lo,)), want[lo:hi], atol=1e-7)
    assert _fades(p, 1000, 8000) == 1.0  # no array for the middle of a track


def test_blocks_rendered_ahead_are_the_plain_blocks_and_stop_with_the_caller(music_dir):
    import threading

    music = find_music([music_dir / "b-noise.wav"], print)
    r = SessionRenderer(TIMELINE, tone_clip, RATE_HZ, cue_sounds=False,
                        levels=Levels(music=music))
    plain = np.concatenate(list(r.blocks(3001, ahead=0)))
    again = SessionRenderer(TIMELINE, tone_clip, RATE_HZ, cue_sounds=False,
                            levels=Levels(music=music))
    assert np.array_equal(np.concatenate(list(again.blocks(3001, ahead=3))), plain)
    early = again.blocks(3001)
    next(early)
    early.close()  # the caller stops: the render thread is gone, not left running
    assert not [t for t in threading.enumerate() if t.name.startswith("coach-render")]
