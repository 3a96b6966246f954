"""coach.files: the one staged writer, the one signal hold, the one output-folder check."""

from __future__ import annotations

import errno
import io
import os
import signal
import time
from pathlib import Path

import pytest

from coach.errors import OutputError, UsageError
from coach.files import (
    PART_PATTERN,
    hold_interrupts,
    output_folder,
    staged,
    staged_files,
    write_atomic,
)


def test_hold_interrupts_delivers_ctrl_c_afterwards():
    reached = False
    with pytest.raises(KeyboardInterrupt):
        with hold_interrupts():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.01)
            reached = True
    assert reached
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_staged_files_land_together_or_not_at_all(tmp_path):
    a, b = tmp_path / "a.bin", tmp_path / "b.txt"
    b.write_text("old")
    with pytest.raises(RuntimeError):
        with staged_files([a, b]) as (fa, fb):
            fa.file.write(b"new a")
            fb.file.write(b"new b")
            raise RuntimeError("half way")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.txt"]
    assert b.read_text() == "old"
    with staged_files([a, b]) as (fa, fb):
        fa.file.write(b"placeholder")
        fa.finish.append(lambda f: (f.seek(0), f.write(b"PLACE")))
        fb.file.write(b"new b")
    assert a.read_bytes() == b"PLACEholder" and b.read_text() == "new b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin", "b.txt"]


def test_an_os_error_while_writing_is_an_output_error_and_leaves_nothing(tmp_path):
    with pytest.raises(OutputError, match="No space left"):
        with staged(tmp_path / "x.mp3"):
            raise OSError(28, "No space left on device")
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_gives_the_usual_mode_and_needs_the_folder(tmp_path):
    path = tmp_path / "notes.txt"
    write_atomic(path, "hello")
    assert path.read_text() == "hello"
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
    with pytest.raises(OutputError, match="does not exist"):
        write_atomic(tmp_path / "missing" / "x.txt", "x")
    write_atomic(tmp_path / "made" / "deep" / "x.txt", b"x", make_folder=True)
    assert (tmp_path / "made" / "deep" / "x.txt").read_bytes() == b"x"


def test_output_folder_makes_only_the_last_folder(tmp_path):
    assert output_folder(tmp_path) == tmp_path
    with pytest.raises(UsageError, match="does not exist"):
        output_folder(tmp_path / "new")
    assert output_folder(tmp_path / "new", create=True).is_dir()
    with pytest.raises(UsageError, match=f"folder {tmp_path / 'no'} does not exist"):
        output_folder(tmp_path / "no" / "deeper", create=True)
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="is not a folder"):
        output_folder(tmp_path / "file", create=True)


def test_a_long_name_gets_a_temporary_name_within_255_bytes(tmp_path):
    dest = tmp_path / ("é" * 120 + ".mp3")  # 244 bytes: legal, but not with ".XXXXXXXX.part"
    assert len(dest.name.encode()) == 244
    with staged(dest) as stage:
        temp = Path(stage.tmp).name
        assert len(temp.encode()) <= 255 and PART_PATTERN.fullmatch(temp)
        stage.file.write(b"data")
    assert dest.read_bytes() == b"data"
    assert os.listdir(tmp_path) == [dest.name]


class FullDisk(io.FileIO):
    """A real file on which the disk fills up after ``room`` bytes (ENOSPC)."""

    room = 5_000

    def write(self, data):  # type: ignore[override]
        if self.tell() + len(data) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return super().write(data)


@pytest.fixture
def full_disk(monkeypatch):
    monkeypatch.setattr("coach.files._open_temp",
                        lambda fd: io.BufferedRandom(FullDisk(fd, "r+")))


def test_a_full_disk_is_one_error_and_leaves_nothing(tmp_path, full_disk):
    # 6,000 bytes sit in the buffer: the final flush fails, and the close after it would
    # fail again (it raised from inside the writer's cleanup); 100,000 fail in a write.
    for size in (6_000, 100_000):
        with pytest.raises(OutputError, match=r"could not write .*x\.bin: No space left"):
            with staged(tmp_path / "x.bin") as stage:
                stage.file.write(b"x" * size)
        assert os.listdir(tmp_path) == []
