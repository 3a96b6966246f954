"""Files of one export land together (real renames, a real failing one); stale .part
files of killed exports are removed, and nothing else is."""

from __future__ import annotations

import fcntl
import os
import time

import pytest

from coach.errors import OutputError
from coach.export.landing import Landing, export_folder_lock, parts_in
from coach.files import staged


def stage(landing: Landing, dest, text: str) -> None:
    with staged(dest, handoff=landing.pairs) as s:
        s.file.write(text.encode())


def test_files_appear_only_when_the_landing_lands(tmp_path):
    with Landing() as landing:
        for name in ("a.mp3", "a.lrc", "playlist.m3u8"):
            stage(landing, tmp_path / name, name)
        assert sorted(os.listdir(tmp_path)) == sorted(parts_in(tmp_path))  # only temporaries
        assert landing.land() == [tmp_path / "a.mp3", tmp_path / "a.lrc",
                                  tmp_path / "playlist.m3u8"]
    assert sorted(os.listdir(tmp_path)) == ["a.lrc", "a.mp3", "playlist.m3u8"]
    assert (tmp_path / "a.lrc").read_text() == "a.lrc"


def test_an_error_before_landing_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError), Landing() as landing:
        stage(landing, tmp_path / "a.mp3", "new")
        raise RuntimeError("the next session failed")
    assert os.listdir(tmp_path) == []


def test_a_failed_rename_puts_the_old_files_back(tmp_path):
    for name in ("a.mp3", "b.mp3"):
        (tmp_path / name).write_text(f"old {name}")
    (tmp_path / "playlist.m3u8").mkdir()  # a real failure: a file cannot replace a folder
    (tmp_path / "playlist.m3u8" / "x").write_text("keep")
    landing = Landing()
    stage(landing, tmp_path / "a.mp3", "new a")
    stage(landing, tmp_path / "b.mp3", "new b")
    stage(landing, tmp_path / "c.mp3", "new c")
    landing.pairs.append((landing.pairs[-1][0] + ".x", tmp_path / "playlist.m3u8"))
    os.link(landing.pairs[-2][0], landing.pairs[-1][0])
    with pytest.raises(OutputError, match="playlist.m3u8.*no file of this export was changed"):
        landing.land()
    assert (tmp_path / "a.mp3").read_text() == "old a.mp3"
    assert (tmp_path / "b.mp3").read_text() == "old b.mp3"
    assert not (tmp_path / "c.mp3").exists()
    assert sorted(os.listdir(tmp_path)) == ["a.mp3", "b.mp3", "playlist.m3u8"]  # no temporaries


def old(path, age_s: float = 3600) -> None:
    path.write_bytes(b"x" * 10)
    then = time.time() - age_s
    os.utime(path, (then, then))


def test_stale_parts_are_removed_by_lock_age_and_exact_name(tmp_path):
    stale = tmp_path / ".01-walk.mp3.abcd_123.part"
    old(stale)
    fresh = tmp_path / ".02-walk.mp3.zz99zz99.part"
    fresh.write_bytes(b"being written")
    keep = [tmp_path / ".walk.mp3.part", tmp_path / "walk.mp3.abcd1234.part",
            tmp_path / ".walk.mp3.ABCD1234.part", tmp_path / "notes.txt"]
    for path in keep:
        old(path)
    link = tmp_path / ".x.mp3.abcd1234.part"
    link.symlink_to(tmp_path / "notes.txt")
    with export_folder_lock(tmp_path) as removed:
        assert removed == [stale]
    assert not stale.exists() and fresh.exists() and link.is_symlink()
    assert all(path.exists() for path in keep)


def test_no_cleaning_while_another_export_holds_the_folder(tmp_path):
    stale = tmp_path / ".01-walk.mp3.abcd1234.part"
    old(stale)
    fd = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # as a running export does
        with export_folder_lock(tmp_path) as removed:
            assert removed == []
        assert stale.exists()
    finally:
        os.close(fd)
    with export_folder_lock(tmp_path) as removed:
        assert removed == [stale]
