"""`coach export` through the real CLI: files, folder + playlist, errors."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3

from coach.cli import main
from tests.audiotest import RATE_HZ, decode

ROUTINE = b"""
title: CLI test walk
segments:
  - technique: walk
    duration: 40s
  - technique: walk
    duration: 30s
    title: Second part
"""


@pytest.fixture
def routine_file(tmp_path):
    path = tmp_path / "cli-walk.yaml"
    path.write_bytes(ROUTINE)
    return path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_export_one_routine_to_a_file(tmp_path, routine_file):
    out = tmp_path / "walk.mp3"
    result = run("export", str(routine_file), "-o", str(out), "--bitrate", "48")
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    audio = decode(out)
    assert len(audio) == 70 * RATE_HZ
    assert float(np.max(np.abs(audio))) > 0.3  # something is said
    tags = ID3(str(out))
    assert tags["TIT2"].text == ["CLI test walk"]
    assert len(tags.getall("CHAP")) == 2
    assert out.with_suffix(".lrc").read_text(encoding="utf-8").startswith("[ti:CLI test walk]")


def test_export_wav_with_metronome_and_voice_options(tmp_path, routine_file):
    out = tmp_path / "walk.wav"
    result = run("export", str(routine_file), "-o", str(out), "--cadence", "--rate", "180")
    assert result.exit_code == 0, result.output
    assert len(decode(out)) == 70 * RATE_HZ


def test_several_routines_make_a_folder_and_a_playlist(tmp_path, routine_file):
    out = tmp_path / "walks"
    result = run("export", str(routine_file), str(routine_file), "-o", str(out),
                 "--bitrate", "32")
    assert result.exit_code == 0, result.output
    playlist = (out / "playlist.m3u8").read_text(encoding="utf-8").splitlines()
    assert playlist == ["#EXTM3U", "#EXTINF:70,CLI test walk", "01-cli-walk.mp3",
                        "#EXTINF:70,CLI test walk", "02-cli-walk.mp3"]
    for name in playlist[2::2]:
        assert len(decode(out / name)) == 70 * RATE_HZ


@pytest.mark.parametrize("args,words", [
    (["no-such-routine", "-o", "x.mp3"], "no-such-routine"),
    (["{routine}", "-o", "x.mp3", "--bitrate", "100"], "100 kbps"),
    (["{routine}", "-o", "x.ogg"], "x.ogg"),
    (["{routine}", "-o", "x.mp3", "--format", "wav"], ".wav"),
    (["{routine}", "-o", "x.mp3", "--engine", "nope"], "nope"),
])
def test_bad_requests_exit_2_with_one_line_and_write_nothing(tmp_path, routine_file,
                                                               monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    args = [a.replace("{routine}", str(routine_file)) for a in args]
    result = run("export", *args)
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cli-walk.yaml"]


def test_export_has_help():
    result = run("export", "--help")
    assert result.exit_code == 0
    for option in ("--bitrate", "--format", "--cadence", "--engine", "--voice", "--rate"):
        assert option in result.output


def test_export_program_writes_the_upcoming_sessions_in_order(tmp_path):
    assert run("plan", "--minutes", "5", "--days", "3", "--no-figure-8").exit_code == 0
    out = tmp_path / "phone"
    result = run("export", "--program", "--weeks", "1", "-o", str(out), "--bitrate", "32")
    assert result.exit_code == 0, result.output
    lines = (out / "playlist.m3u8").read_text().splitlines()
    files = [line for line in lines if line and not line.startswith("#")]
    assert len(files) == 3  # three walking days in the first week
    assert files == sorted(files)
    for name in files:
        audio = decode(out / name)
        assert len(audio) / RATE_HZ > 5 * 60  # at least the five walking minutes


def test_export_program_needs_a_plan_and_no_routines(tmp_path, routine_file):
    result = run("export", "--program", "-o", str(tmp_path / "x"))
    assert result.exit_code == 2 and "coach plan" in result.output
    result = run("export", str(routine_file), "--program", "-o", str(tmp_path / "x"))
    assert result.exit_code == 2 and "not both" in result.output
    result = run("export", "-o", str(tmp_path / "x.mp3"))
    assert result.exit_code == 2 and "name a routine" in result.output
