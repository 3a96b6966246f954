"""A whole export through export_routines with the real engine and encoder: parallel
processes give the same files as one, unchanged files are left alone, files land together."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3

from coach.export.batch import ExportOptions, export_routines, export_target
from coach.export.landing import parts_in
from coach.export.tags import CONTENT_KEY_DESC, TagInfo
from coach.routines.library import resolve_routine
from tests.audiotest import RATE_HZ, SHORT_ROUTINE, decode

OPTIONS = ExportOptions(tag_info=TagInfo(date="2026-12-03"))


@pytest.fixture
def routines(tmp_path):
    one = tmp_path / "short.yaml"
    one.write_bytes(SHORT_ROUTINE)
    two = tmp_path / "other.yaml"
    two.write_bytes(SHORT_ROUTINE.replace(b"Short test walk", b"Other test walk"))
    return [resolve_routine(str(one)), resolve_routine(str(two)), resolve_routine(str(one))]


def export(routines, out: Path, workers: int, options: ExportOptions = OPTIONS) -> list[Path]:
    target = export_target(str(out), None, 32, "several")
    return export_routines(routines, target, options, workers=workers)


def stats(folder: Path) -> dict[str, tuple[int, int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size)
            for p in folder.iterdir()}


@pytest.mark.slow
def test_two_processes_write_what_one_writes(routines, tmp_path):
    serial = export(routines, tmp_path / "serial", workers=1)
    parallel = export(routines, tmp_path / "parallel", workers=2)
    assert [p.name for p in serial] == [p.name for p in parallel] == [
        "01-short.mp3", "02-other.mp3", "03-short.mp3", "playlist.m3u8"]
    for a, b in zip(serial[:3], parallel[:3], strict=True):
        audio_a, audio_b = decode(a), decode(b)  # miniaudio, not our code
        assert len(audio_a) == 85 * RATE_HZ
        np.testing.assert_array_equal(audio_a, audio_b)
        assert a.read_bytes() == b.read_bytes()  # the very same bytes, tag and all
        assert a.with_suffix(".lrc").read_text() == b.with_suffix(".lrc").read_text()
    assert serial[3].read_text() == parallel[3].read_text()
    keys = [ID3(p).getall(f"TXXX:{CONTENT_KEY_DESC}")[0].text[0] for p in serial[:3]]
    assert keys[0] == keys[2] != keys[1]  # same routine, same content
    assert parts_in(tmp_path / "parallel") == []


@pytest.mark.slow
def test_a_second_identical_export_touches_nothing(routines, tmp_path):
    out = tmp_path / "phone"
    first = export(routines, out, workers=2)
    before = stats(out)
    again = export(routines, out, workers=2)
    assert again == first
    assert stats(out) == before  # same inode, mtime and size: a sync tool sees no change

    # A changed option (the metronome) or a truncated file is written again.
    (out / "02-other.mp3").write_bytes((out / "02-other.mp3").read_bytes()[:50_000])
    export(routines, out, workers=1)
    after = stats(out)
    assert after["02-other.mp3"][1:] != before["02-other.mp3"][1:]
    assert len(decode(out / "02-other.mp3")) == 85 * RATE_HZ
    assert after["01-short.mp3"] == before["01-short.mp3"]
    export(routines, out, workers=2, options=ExportOptions(metronome=True, tag_info=OPTIONS.tag_info))
    changed = stats(out)
    assert all(changed[n][1] != after[n][1] for n in ("01-short.mp3", "03-short.mp3"))
    assert changed["playlist.m3u8"] == after["playlist.m3u8"]  # its text did not change


@pytest.mark.slow
def test_one_file_is_skipped_when_unchanged_too(routines, tmp_path):
    dest = tmp_path / "walk.mp3"
    target = export_target(str(dest), None, 32, None)
    export_routines(routines[:1], target, OPTIONS)
    before = stats(tmp_path)
    os.utime(dest.with_suffix(".lrc"), ns=(1, 1))  # the caption is compared by content
    export_routines(routines[:1], target, OPTIONS)
    after = stats(tmp_path)
    assert after[dest.name] == before[dest.name]
    assert after["walk.lrc"][1] == 1
