"""`coach export` through the shared `cli` fixture: files, folder + playlist, errors."""

from __future__ import annotations

import io
import os

import numpy as np
import pytest
from mutagen.id3 import ID3

from coach import paths
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


# Reminders that crowd each other: the compiler moves some cues and drops others.
BUSY = b"""
title: Busy walk
reminders:
  - every: 20s
    kind: encouragement
    say: ["Lovely steady steps, keep your shoulders soft and your gaze ahead."]
  - every: 20s
    offset: 1s
    kind: posture
    say: ["Stand tall through the crown of your head, ribs over hips."]
  - every: 20s
    offset: 2s
    kind: encouragement
    say: ["Breathe out slowly and let your arms swing from the shoulders, nice and loose."]
segments:
  - technique: walk
    duration: 40s
  - technique: walk
    duration: 20s
    title: Second part
  - technique: walk
    duration: 20s
    title: Third part
"""


@pytest.fixture
def routine_file(tmp_path):
    path = tmp_path / "cli-walk.yaml"
    path.write_bytes(ROUTINE)
    return path


def nothing_synthesised() -> bool:
    """True while the phrase cache is still empty: no speech work was done."""
    phrases = paths.cache_dir() / "phrases"
    return not phrases.exists() or not any(phrases.iterdir())


def test_export_one_routine_to_a_file(cli, tmp_path, routine_file):
    out = tmp_path / "walk.mp3"
    result = cli("export", str(routine_file), "-o", str(out), "--bitrate", "48")
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    audio = decode(out)
    assert len(audio) == 70 * RATE_HZ
    assert float(np.max(np.abs(audio))) > 0.3  # something is said
    tags = ID3(str(out))
    assert tags["TIT2"].text == ["CLI test walk"]
    assert len(tags.getall("CHAP")) == 2
    assert out.with_suffix(".lrc").read_text(encoding="utf-8").startswith("[ti:CLI test walk]")


def test_export_wav_with_metronome_and_voice_options(cli, tmp_path, routine_file):
    out = tmp_path / "walk.wav"
    result = cli("export", str(routine_file), "-o", str(out), "--cadence", "--rate", "180")
    assert result.exit_code == 0, result.output
    assert len(decode(out)) == 70 * RATE_HZ


@pytest.mark.slow
def test_several_routines_make_a_folder_and_a_playlist(cli, tmp_path, routine_file):
    out = tmp_path / "walks"
    result = cli("export", str(routine_file), str(routine_file), "-o", str(out),
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
    (["{routine}", "-o", "x.ogg"], "unsupported file type .ogg; use .mp3 or .wav"),
    (["{routine}", "-o", "x.mp3", "--format", "wav"], "name the file x.wav"),
    (["{routine}", "-o", "x.wav", "--format", "mp3"], "name the file x.mp3"),
    (["{routine}", "{routine}", "-o", "walks", "--bitrate", "100"], "100 kbps"),
    (["{routine}", "-o", "cli-walk.yaml/x.mp3"], "cli-walk.yaml is not a folder"),
    (["{routine}", "-o", "/dev/null"], "/dev/null is a device, not a file"),
    (["{routine}", "-o", "x.mp3", "--engine", "nope"], "nope"),
    (["{routine}", "{routine}", "-o", "both.wav"], "-o needs a folder"),
    (["{routine}", "-o", "x.mp3", "--weeks", "2"], "--weeks goes with --program"),
    (["{routine}", "-o", "x.mp3", "--weeks", "1"], "--weeks goes with --program"),
    (["{routine}", "{routine}", "-o", "cli-walk.yaml/deep/walks/"],
     "cli-walk.yaml is not a folder"),
    (["{routine}", "{routine}", "-o", "cli-walk.yaml/"], "cli-walk.yaml is not a folder"),
])
def test_bad_requests_exit_2_with_one_line_and_write_nothing(cli, tmp_path, routine_file,
                                                              monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    args = [a.replace("{routine}", str(routine_file)) for a in args]
    result = cli("export", *args)
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cli-walk.yaml"]
    assert nothing_synthesised()


@pytest.mark.parametrize("args,written", [
    (["-o", "ev2", "--format", "wav"], "ev2.wav"),
    (["-o", "ev2"], "ev2.mp3"),
    (["-o", "Walk.MP3"], "Walk.MP3"),
])
def test_a_file_name_gets_the_format_suffix(cli, tmp_path, routine_file, monkeypatch, args,
                                                written):
    monkeypatch.chdir(tmp_path)
    result = cli("export", str(routine_file), *args, "--bitrate", "32")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["cli-walk.yaml", written, written.rsplit(".", 1)[0] + ".lrc"])
    assert result.stdout.splitlines() == [written]
    assert "Preparing the voice, first time only: " in result.stderr  # a cold cache
    assert f"Writing {written}" in result.stderr
    assert len(decode(tmp_path / written)) == 70 * RATE_HZ
    again = cli("export", str(routine_file), "-o", "again.mp3", "--bitrate", "32")
    assert again.exit_code == 0 and "Preparing" not in again.stderr  # nothing synthesised
    assert "Writing again.mp3" in again.stderr


def test_export_program_refuses_a_file_name_before_any_work(cli, tmp_path):
    assert cli("plan", "--minutes", "5", "--days", "3", "--no-red-flags", "--no-figure-8").exit_code == 0
    result = cli("export", "--program", "-o", str(tmp_path / "one.mp3"))
    assert result.exit_code == 2, result.output
    assert "--program writes one file per session, so -o needs a folder" in result.output
    assert not (tmp_path / "one.mp3").exists()
    assert nothing_synthesised()


@pytest.mark.slow
def test_warnings_once_per_routine_and_moved_cues_as_one_note(cli, tmp_path):
    busy = tmp_path / "busy.yaml"
    busy.write_bytes(BUSY)
    compiled = cli("compile", str(busy))  # the same measured speech, warnings one by one
    assert compiled.exit_code == 0, compiled.output
    one_by_one = [line.removeprefix("warning: ") for line in compiled.stderr.splitlines()]
    moved = [w for w in one_by_one if " moved " in w]
    dropped = [w for w in one_by_one if " dropped " in w]
    assert len(moved) >= 2 and dropped  # else this routine no longer tests anything

    result = cli("export", str(busy), str(busy), "-o", str(tmp_path / "out"),
                 "--bitrate", "32")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    notes = [line for line in lines if line.startswith("note: busy:")]
    assert len(notes) == 1
    assert notes[0].startswith(f"note: busy: {len(moved)} cues moved up to ")
    assert notes[0].endswith(f"to avoid talking over each other (see `coach compile {busy}`)")
    warnings = [line for line in lines if line.startswith("warning:")]
    assert warnings == [f"warning: busy: {w}" for w in dropped]
    assert "Writing 2 sessions to " + str(tmp_path / "out") in result.stderr


def test_export_has_help(cli):
    result = cli("export", "--help")
    assert result.exit_code == 0
    for option in ("--bitrate", "--format", "--cadence", "--engine", "--voice", "--rate"):
        assert option in result.output


@pytest.mark.slow
def test_export_program_writes_the_upcoming_sessions_in_order(cli, make_env, tmp_path):
    from datetime import date, timedelta

    env = make_env()
    today = env.today()
    assert cli("plan", "--minutes", "5", "--days", "3", "--no-red-flags", "--no-figure-8",
               env=env).exit_code == 0
    out = tmp_path / "phone"
    result = cli("export", "--program", "--weeks", "2", "-o", str(out), "--bitrate", "32",
                 env=make_env())
    assert result.exit_code == 0, result.output
    messages = [line for line in result.stderr.splitlines()
                if line.startswith(("warning:", "note:"))]
    assert len(messages) == len(set(messages))  # no warning said twice
    assert not any(" moved " in line for line in messages if "week-1-walk" in line)

    def listed(name: str) -> list[tuple[str, str]]:
        lines = (out / name).read_text(encoding="utf-8").splitlines()
        assert lines[0] == "#EXTM3U"
        return [(info.split(",", 1)[1], file) for info, file in zip(lines[1::2], lines[2::2],
                                                                    strict=True)]

    whole = listed("playlist.m3u8")
    week_1, week_2 = listed("week-1.m3u8"), listed("week-2.m3u8")
    assert len(week_1) == 3 and len(week_2) >= 3  # three walking days, then maybe more
    assert whole == week_1 + week_2  # one playlist per week, and the whole programme
    assert sorted(p.name for p in out.glob("*.m3u8")) == [
        "playlist.m3u8", "week-1.m3u8", "week-2.m3u8"]
    assert f"Writing {len(whole)} sessions to {out}" in result.stderr
    files = [file for _, file in whole]
    assert files == sorted(files)
    titles = [title for title, _ in whole]
    assert len(set(titles)) == len(titles)  # distinct titles
    for n, (title, name) in enumerate(whole, 1):
        tags = ID3(str(out / name))  # mutagen, not our code
        assert tags["TIT2"].text == [title]
        assert tags["TRCK"].text == [f"{n}/{len(whole)}"]  # over the whole programme
        day = date.fromisoformat(str(tags["TDRC"].text[0]))  # the session's day
        assert name[3:13] == day.isoformat() and today <= day < today + timedelta(days=14)
        week = 1 + (day - today).days // 7
        assert (title, name) in (week_1 if week == 1 else week_2)
        assert title.startswith(f"Week {week}, day {(day - today).days % 7 + 1}: ")
        assert "-minute walk" in title and title.count("Week") == 1
        (uslt,) = tags.getall("USLT")
        assert uslt.lang == "eng" and uslt.text.startswith(title + " (")
        assert "Warm-up, 00:00 to " in uslt.text and " technique " not in uslt.text
        assert len(decode(out / name)) / RATE_HZ > 5 * 60  # at least the five walking minutes


def test_export_program_needs_a_plan_and_no_routines(cli, tmp_path, routine_file):
    result = cli("export", "--program", "-o", str(tmp_path / "x"))
    assert result.exit_code == 2 and "coach plan" in result.output
    result = cli("export", str(routine_file), "--program", "-o", str(tmp_path / "x"))
    assert result.exit_code == 2 and "not both" in result.output
    result = cli("export", "-o", str(tmp_path / "x.mp3"))
    assert result.exit_code == 2 and "name a routine" in result.output


def test_a_fifo_or_a_device_as_output_is_refused_before_any_work(cli, tmp_path, routine_file):
    fifo = tmp_path / "pipe.mp3"
    os.mkfifo(fifo)
    for output in (fifo, tmp_path / "pipe"):  # and not pipe.mp3 written "beside" it
        result = cli("export", str(routine_file), "-o", str(output))
        assert result.exit_code == 2, result.output
        assert f"{fifo} is a FIFO (named pipe), not a file" in result.output
    (tmp_path / "walks").mkdir()
    os.mkfifo(tmp_path / "walks" / "02-cli-walk.lrc")  # a file the folder export would write
    result = cli("export", str(routine_file), str(routine_file), "-o", str(tmp_path / "walks"))
    assert result.exit_code == 2, result.output
    assert "02-cli-walk.lrc is a FIFO (named pipe), not a file" in result.output
    assert nothing_synthesised()


def test_missing_folders_on_the_way_are_made(cli, tmp_path, routine_file):
    out = tmp_path / "Music" / "walks" / "walk.mp3"  # ~/Music missing, as on a new account
    result = cli("export", str(routine_file), "-o", str(out), "--bitrate", "32")
    assert result.exit_code == 0, result.output
    assert len(decode(out)) == 70 * RATE_HZ


def test_a_full_disk_is_one_line_exit_1_and_nothing_left(cli, tmp_path, routine_file,
                                                          monkeypatch):
    from tests.test_files import FullDisk  # a fake write failure at the file layer

    assert cli("export", str(routine_file), "-o", str(tmp_path / "warm.mp3")).exit_code == 0
    monkeypatch.setattr("coach.files._open_temp",
                        lambda fd: io.BufferedRandom(FullDisk(fd, "r+")))
    out = tmp_path / "new" / "walk.mp3"
    result = cli("export", str(routine_file), "-o", str(out))
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines()[-1] == (
        f"coach: could not write {out}: No space left on device")
    assert "Traceback" not in result.output
    assert not (tmp_path / "new").exists()  # not even the folder it made


def test_more_sections_than_a_chapter_table_holds_are_refused_by_check_and_export(
        cli, tmp_path, monkeypatch):
    from tests.routines.test_budget import sections

    monkeypatch.chdir(tmp_path)
    routine = tmp_path / "many.yaml"
    routine.write_text(sections(1), encoding="utf-8")  # 256 sections, repeats unrolled
    line = f"{routine}:3:3: too many sections (over 255, repeats counted; an MP3's chapter "
    for command in (["check", str(routine)], ["export", str(routine), "-o", "many.mp3"]):
        result = cli(*command)
        assert result.exit_code == 2, result.output
        (only,) = result.output.strip().splitlines()  # one line, before any speech work
        assert only.startswith(line), only
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.yaml"]
    assert nothing_synthesised()
