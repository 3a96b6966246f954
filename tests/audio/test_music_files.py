"""Hostile music input: FIFOs, devices, loops, unreadable, truncated and mislabelled files,
folders named like music and folders of thousands. Each is one line (skipped) or one clear
error, never a hang or a read without end; none playable is exit 1 before any work.
Generated music (noise, tones) through the stdlib wave module, lameenc and soundfile; decoded
by miniaudio."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from coach.audio.music import MAX_SKIP_LINES, MAX_TRACKS, MusicError, find_music, music_files
from coach.audio.music_bed import MusicBed
from coach.errors import UsageError
from tests.audio.test_music import noise, write_mp3, write_wav
from tests.audiotest import RATE_HZ


def found(sources: list[Path]) -> tuple[list[Path], list[str]]:
    lines: list[str] = []
    music = find_music(sources, lines.append)
    return list(music.tracks), lines


@pytest.fixture
def good(tmp_path) -> Path:
    return write_wav(tmp_path / "good.wav", noise(2.0))


def test_a_fifo_a_device_and_a_folder_named_like_music_are_skipped_unopened(tmp_path, good):
    fifo = tmp_path / "pipe.mp3"
    os.mkfifo(fifo)  # opening it would wait for a writer forever
    folder = tmp_path / "songs"
    folder.mkdir()
    (folder / "x.mp3").mkdir()
    (folder / "notes.txt").write_text("not music, not looked at")
    write_wav(folder / "y.wav", noise(1.0))
    tracks, lines = found([fifo, Path("/dev/zero"), folder, good])
    assert tracks == [folder / "y.wav", good]
    assert len(lines) == 3, lines
    assert "pipe.mp3: it is a FIFO (named pipe), not a file" in lines[0]
    assert "/dev/zero: it is a device, not a file" in lines[1]
    assert "x.mp3: it is a folder, not a file" in lines[2]
    named = tmp_path / "album.mp3"  # a folder the user names is a folder, whatever its name
    named.mkdir()
    write_wav(named / "z.wav", noise(1.0))
    assert found([named]) == ([named / "z.wav"], [])


def test_symlink_loops_dangling_links_and_unreadable_files(tmp_path, good):
    folder = tmp_path / "songs"
    folder.mkdir()
    (folder / "a-loop.mp3").symlink_to(folder / "a-loop.mp3")
    (folder / "b-gone.ogg").symlink_to(tmp_path / "nothing.ogg")
    locked = write_wav(folder / "c-locked.wav", noise(1.0))
    locked.chmod(0)
    try:
        tracks, lines = found([folder, good])
    finally:
        locked.chmod(0o644)
    assert "a-loop.mp3: a loop of symbolic links" in lines[0]
    assert "b-gone.ogg: a symbolic link to nothing" in lines[1]
    if os.geteuid() == 0:  # root reads it anyway
        assert tracks == [locked, good] and len(lines) == 2
    else:
        assert "c-locked.wav: permission denied" in lines[2]
        assert tracks == [good] and len(lines) == 3
    with pytest.raises(UsageError, match="loop of symbolic links"):
        music_files([folder / "a-loop.mp3"])  # named itself: one clear error (exit 2)
    with pytest.raises(UsageError, match="no such music file or folder"):
        music_files([tmp_path / "missing"])


def test_truncated_and_mislabelled_files(tmp_path, good):
    import soundfile

    x = noise(6.0)
    whole = {"t.wav": write_wav(tmp_path / "t.wav", x), "t.mp3": write_mp3(tmp_path / "t.mp3", x)}
    soundfile.write(tmp_path / "t.flac", x, 44100)
    whole["t.flac"] = tmp_path / "t.flac"
    cut = []
    for name, path in whole.items():  # half a file: what decodes plays
        data = path.read_bytes()
        (tmp_path / f"half-{name}").write_bytes(data[:len(data) // 2])
        cut.append(tmp_path / f"half-{name}")
    (tmp_path / "header.wav").write_bytes(whole["t.wav"].read_bytes()[:44])  # no frames
    (tmp_path / "empty.mp3").write_bytes(b"")
    (tmp_path / "text.flac").write_text("a shopping list, not a FLAC file\n" * 200)
    (tmp_path / "wav-named.mp3").write_bytes(whole["t.wav"].read_bytes())
    odd = [tmp_path / n for n in ("header.wav", "empty.mp3", "text.flac", "wav-named.mp3")]
    tracks, lines = found([*cut, *odd])
    assert tracks == [*cut, tmp_path / "wav-named.mp3"]  # decoded by what it holds
    assert len(lines) == 3, lines
    assert "header.wav: it holds no audio" in lines[0] or "header.wav: cannot decode" in lines[0]
    assert "empty.mp3: it is empty" in lines[1]
    assert "text.flac: cannot decode it" in lines[2]
    music = find_music(tracks, print)
    bed = MusicBed(music, RATE_HZ, 40 * RATE_HZ, -16.0)
    out = np.concatenate([bed.render(a, a + 8192) for a in range(0, 40 * RATE_HZ, 8192)])
    assert out.shape == (40 * RATE_HZ, 2) and np.all(np.isfinite(out))
    assert float(np.sqrt(np.mean(out[RATE_HZ:3 * RATE_HZ] ** 2))) > 1e-3


def test_a_folder_of_thousands_looks_at_a_bounded_number_with_bounded_lines(tmp_path, good,
                                                                            monkeypatch):
    from coach.audio import music_bed

    folder = tmp_path / "many"
    folder.mkdir()
    write_wav(folder / "0000-good.wav", noise(1.0))
    for i in range(1, MAX_TRACKS + 300):
        (folder / f"{i:04d}-broken.mp3").write_bytes(b"ID3 not really" * 4)
    tracks, lines = found([folder])
    assert tracks == [folder / "0000-good.wav"]
    assert f"{MAX_TRACKS + 300:,} music files; playing the first {MAX_TRACKS:,}" in lines[0]
    assert len(lines) == 1 + MAX_SKIP_LINES + 1
    assert f"skipping {MAX_TRACKS - 1 - MAX_SKIP_LINES:,} more music files" in lines[-1]
    # the bed looks only at the tracks it places: a short session of many short tracks
    for i in range(1, 50):
        write_wav(folder / f"0000-good-{i:02d}.wav", noise(0.5, seed=i))
    music = find_music([folder], lambda line: None)
    assert len(music.tracks) == 50
    looked: list[Path] = []
    info = music_bed._info
    monkeypatch.setattr(music_bed, "_info", lambda path: looked.append(path) or info(path))
    bed = MusicBed(music, RATE_HZ, 2 * RATE_HZ, -16.0)
    placed = {p.track for p in bed.placements}
    assert 2 <= len(placed) < 12 and len(looked) == len(placed)


def test_nothing_playable_is_exit_1(tmp_path):
    os.mkfifo(tmp_path / "a.mp3")
    (tmp_path / "b.wav").write_bytes(b"RIFF")
    lines: list[str] = []
    with pytest.raises(MusicError, match="none of the 2 music file"):
        find_music([tmp_path], lines.append)
    assert len(lines) == 2


def test_export_and_walk_with_only_a_fifo_and_dev_zero_stop_before_any_work(run, tmp_path):
    os.mkfifo(tmp_path / "pipe.mp3")
    out = tmp_path / "x.mp3"
    for command in (["export", "gentle-start", "-o", str(out)], ["walk", "gentle-start",
                                                                 "--text"]):
        result = run(*command, "--music", str(tmp_path / "pipe.mp3"), "--music", "/dev/zero",
                     code=1)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert [line for line in lines if "skipping music" in line] == lines[:2], lines
        assert "none of the 2 music file(s) can be decoded" in lines[2]
        assert "Traceback" not in result.output and len(lines) == 3
    assert list(tmp_path.iterdir()) == [tmp_path / "pipe.mp3"]
