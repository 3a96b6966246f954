"""`coach export --music` end to end: the real speech engine, the real encoder, the export
decoded by miniaudio and read by mutagen; music made here (noise and tones, written with the
stdlib wave module and lameenc)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import miniaudio
import numpy as np
import pytest
from mutagen.id3 import ID3, TIT2
from mutagen.mp3 import MP3

from coach.audio.loudness import loudness_lufs
from tests.audio.test_music import noise, tone, write_mp3, write_wav
from tests.audiotest import RATE_HZ, onset_s

pytestmark = pytest.mark.slow

ROUTINE = """
title: Music test walk
{music}segments:
  - technique: walk
    duration: 40s
  - technique: walk
    duration: 30s
    title: Second part
"""


def make_walk(folder: Path) -> tuple[Path, Path]:
    """A routine with ``music: tunes`` (a folder beside it) and the same without music."""
    (folder / "tunes").mkdir()
    write_wav(folder / "tunes" / "1-noise.wav", noise(25.0, seed=3))
    song = write_mp3(folder / "tunes" / "2-song.mp3",
                     tone(30.0, 220.0)[:, None] * np.ones((1, 2)))
    tags = ID3()
    tags.add(TIT2(encoding=3, text="A Song Title From The Music"))
    tags.save(song)
    walk, bare = folder / "walk.yaml", folder / "bare.yaml"
    walk.write_text(ROUTINE.format(music="music: tunes\n"))
    bare.write_text(ROUTINE.format(music=""))
    return walk, bare


def decode2(path: Path) -> np.ndarray:
    got = miniaudio.decode_file(str(path), output_format=miniaudio.SampleFormat.FLOAT32,
                                nchannels=2, sample_rate=RATE_HZ)
    return np.asarray(got.samples, np.float32).reshape(-1, 2)


def spans(routine_file: Path) -> list[tuple[int, int]]:
    """(start, end) sample of each cue's speech, from the session as prepared."""
    from coach.programme.today import routine_for_ref
    from coach.session import prepare_session

    prepared = prepare_session(routine_for_ref(str(routine_file), date(2026, 1, 1)))
    r = prepared.renderer
    return [(r.cue_start_sample(c), r.cue_end_sample(c)) for c in prepared.timeline.cues]


def export(run, routine: Path, out: Path, *more: str) -> Path:
    run("export", str(routine), "-o", str(out), "--jobs", "1", *more)
    return out


def test_mp3_export_with_music_is_stereo_with_the_same_cues_chapters_and_lyrics(run, tmp_path):
    walk, bare = make_walk(tmp_path)
    with_music = export(run, walk, tmp_path / "with.mp3")
    without = export(run, bare, tmp_path / "bare.mp3")
    assert MP3(with_music).info.channels == 2 and MP3(without).info.channels == 1
    tags, plain = ID3(with_music), ID3(without)
    assert "A Song Title" not in tags.pprint()  # the music's own tags are not copied
    assert [(c.start_time, c.end_time) for c in tags.getall("CHAP")] == \
        [(c.start_time, c.end_time) for c in plain.getall("CHAP")]
    assert tags.getall("SYLT")[0].text == plain.getall("SYLT")[0].text
    assert (tmp_path / "with.lrc").read_text() == (tmp_path / "bare.lrc").read_text()
    mixed, alone = decode2(with_music), decode2(without)[:, 0]
    assert abs(len(mixed) - len(alone)) < RATE_HZ // 20
    checked = 0
    for s, e in spans(bare):
        lo, hi = s / RATE_HZ - 0.25, s / RATE_HZ + 0.5
        a, b = onset_s(alone, lo, hi, 0.03), onset_s(mixed[:, 0], lo, hi, 0.03)
        assert a is not None and b is not None and abs(a - b) <= 0.001, (s, a, b)
        if e - s > RATE_HZ:  # speech loudness under the music is the speech's
            lufs_alone = loudness_lufs(alone[s:e], RATE_HZ)
            lufs_mixed = loudness_lufs(mixed[s:e, 0], RATE_HZ)
            assert abs(lufs_mixed - lufs_alone) < 0.5, (lufs_alone, lufs_mixed)
            checked += 1
    assert checked >= 2


def test_music_is_ducked_by_duck_db_under_every_cue_with_smooth_attack_and_release(
        run, tmp_path):
    walk, bare = make_walk(tmp_path)
    ducked = decode2(export(run, walk, tmp_path / "with.wav", "--duck-db", "15"))
    level = decode2(export(run, walk, tmp_path / "flat.wav", "--duck-db", "0"))
    alone = decode2(export(run, bare, tmp_path / "bare.wav"))
    sr = RATE_HZ
    w = sr // 50  # 20 ms windows
    n = (len(alone) // w) * w

    def power(x: np.ndarray) -> np.ndarray:
        return (x[:n, 0].astype(np.float64) ** 2).reshape(-1, w).mean(axis=1)

    # WAV is exact: each difference is the music alone, ducked and not
    gain_db = 10 * np.log10((power(ducked - alone) + 1e-12) / (power(level - alone) + 1e-12))
    cues = spans(bare)
    for s, e in cues:
        inside = gain_db[s // w + 1:e // w - 1]
        off = np.abs(inside + 15.0)  # a few windows: 16-bit rounding, the peak limiter
        assert np.median(off) < 0.1 and np.percentile(off, 90) < 0.6, (s, off.max())
        # down before the first word: 100 ms before it the duck is at least 10 of its 15 dB
        # (about 14.7 dB as a rule; the closing cue's is now and then 20-40 ms later than
        # this test's own placement of it, which gives about 13 dB: an open question)
        assert gain_db[(s - round(0.1 * sr)) // w] < -10.0, (s, gain_db[(s - round(0.1 * sr)) // w])
    for (_, e), (s2, _) in zip(cues, cues[1:], strict=False):
        if s2 - e > 2 * sr:
            between = gain_db[(e + round(1.0 * sr)) // w:(s2 - round(0.35 * sr)) // w]
            assert np.median(np.abs(between)) < 0.1 and np.all(np.abs(between) < 1.0)
    s, e = cues[1]
    attack = gain_db[(s - sr) // w:s // w]
    assert np.all(np.diff(attack) < 0.3)  # goes down smoothly, no step over 3 dB
    assert np.max(np.abs(np.diff(attack))) < 3.0


def tone_db(x: np.ndarray, freq: int) -> float:
    """How far the spectrum of mono ``x`` at ``freq`` stands over its neighbourhood (dB):
    1 Hz bins, averaged over the 1-second frames (0 where ``x`` is silent)."""
    frames = x[:len(x) // RATE_HZ * RATE_HZ].astype(np.float64).reshape(-1, RATE_HZ)
    power = (np.abs(np.fft.rfft(frames * np.hanning(RATE_HZ), axis=1)) ** 2).mean(axis=0)
    near = np.r_[power[freq - 40:freq - 3], power[freq + 4:freq + 41]]
    return float(10 * np.log10((power[freq] + 1e-20) / (np.median(near) + 1e-20)))


def test_each_routine_of_an_export_plays_its_own_music_unless_music_is_given(run, tmp_path):
    walk, bare = make_walk(tmp_path)  # walk: stereo noise and a 220 Hz song; bare: none
    solo = tmp_path / "solo.yaml"
    write_wav(tmp_path / "solo.wav", tone(30.0, 1010.0))  # mono
    solo.write_text(ROUTINE.format(music="music: solo.wav\n"))
    cues = spans(bare)  # the same cues in the three routines
    keep = np.ones(round(70 * RATE_HZ), bool)
    for s, e in cues:
        keep[max(0, s - RATE_HZ // 2):e + 3 * RATE_HZ // 2] = False

    def between_cues(path: Path) -> np.ndarray:
        x = decode2(path)[:len(keep)]
        return x[keep[:len(x)]]

    out = tmp_path / "out"
    run("export", str(walk), str(bare), str(solo), "-o", str(out), "--jobs", "1")
    files = sorted(out.glob("*.mp3"))
    assert [MP3(f).info.channels for f in files] == [2, 1, 1]
    a, b, c = (between_cues(f) for f in files)
    assert len(a) > 5 * RATE_HZ
    assert np.max(np.abs(a[:, 0] - a[:, 1])) > 0.01  # its own stereo noise
    assert tone_db(a[:, 0], 220) > 20 and tone_db(a[:, 0], 1010) < 6
    assert np.mean(np.abs(b) > 1e-3) < 0.05  # no music: silence between its cues (a chime)
    assert tone_db(c[:, 0], 1010) > 20 and tone_db(c[:, 0], 220) < 6  # its own tone
    # --music plays under every routine, instead of their own
    write_wav(tmp_path / "all.wav", tone(30.0, 1530.0))
    run("export", str(walk), str(bare), str(solo), "-o", str(out), "--jobs", "1",
        "--music", str(tmp_path / "all.wav"))
    files = sorted(out.glob("*.mp3"))
    assert [MP3(f).info.channels for f in files] == [1, 1, 1]
    for f in files:
        x = between_cues(f)[:, 0]
        assert tone_db(x, 1530) > 20, f
        assert tone_db(x, 1010) < 6 and tone_db(x, 220) < 6, f


def test_bad_music_is_one_clear_line(run, tmp_path):
    walk, bare = make_walk(tmp_path)
    out = str(tmp_path / "x.mp3")
    missing = tmp_path / "missing.yaml"
    missing.write_text(ROUTINE.format(music="music: nowhere/\n"))
    result = run("export", str(missing), "-o", out, code=2)
    assert f"{missing}:3:8: music:" in result.output and "no such music" in result.output
    broken = tmp_path / "broken.ogg"
    broken.write_bytes(b"OggS but nothing after it" * 40)
    result = run("export", str(walk), "-o", out, "--music", str(broken), code=1)
    lines = [line for line in result.output.splitlines() if "broken.ogg" in line]
    assert len(lines) == 1 and "can be decoded" in result.output
    assert not (tmp_path / "x.mp3").exists()
    result = run("walk", str(bare), "--text", "--music", str(broken), code=1)  # before the walk
    assert "can be decoded" in result.output and "Walked" not in result.output
    for routine, bad in ((walk, ["--duck-db", "50"]), (bare, ["--duck-db", "6"]),
                         (walk, ["--music-level", "3", "--music", str(broken)])):
        result = run("export", str(routine), "-o", out, *bad, code=2)
        assert "Traceback" not in result.output and "Preparing" not in result.output


def test_the_schema_knows_the_music_key():
    import json
    from importlib import resources

    import jsonschema

    schema = json.loads(resources.files("coach.data").joinpath("routine.schema.json")
                        .read_text())
    routine = {"title": "t", "music": "tunes", "segments": [
        {"technique": "walk", "duration": "1m"}]}
    jsonschema.validate(routine, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**routine, "music": 3}, schema)
