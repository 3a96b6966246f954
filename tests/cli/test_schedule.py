"""coach schedule ... through the shared `run` fixture; the daemon driven by a fake clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import icalendar
import pytest
from mutagen.mp3 import MP3

import coach.cli.schedule as schedule_cli
from coach.env import Environment
from coach.programme.today import routine_for_ref
from coach.routines.library import resolve_routine
from coach.scheduling.calendar import coach_command
from coach.scheduling.schedules import load_schedules
from tests.fakes import FakeWall


def test_figure8_is_morning_and_evening_by_default(run: Callable[..., Any]) -> None:
    out = run("schedule", "figure-8").output
    assert "figure-8-morning: figure-8 at 07:30 every day" in out
    assert "figure-8-evening: figure-8 at 19:00 every day" in out
    assert [(e.id, e.at) for e in load_schedules()] == [("figure-8-morning", time(7, 30)),
                                                         ("figure-8-evening", time(19, 0))]
    run("schedule", "figure-8", "--morning", "06:45")  # replaces, never doubles
    assert [e.at for e in load_schedules()] == [time(6, 45), time(19, 0)]


def test_add_list_remove(run: Callable[..., Any]) -> None:
    assert "No schedules yet" in run("schedule", "list").output
    run("schedule", "add", "brisk-30", "--at", "18:15", "--days", "mon,wed,fri")
    run("schedule", "add", "plan", "--at", "8:00", "--days", "weekdays", "--id", "morning")
    listing = run("schedule", "list").output
    assert "brisk-30-1815: brisk-30 at 18:15 on mon,wed,fri" in listing
    assert "morning: plan at 08:00 on weekdays" in listing and "(next: " in listing
    run("schedule", "remove", "brisk-30-1815")
    assert [e.id for e in load_schedules()] == ["morning"]


@pytest.mark.parametrize("args, message", [
    (["schedule", "add", "brisk-31", "--at", "07:00"], "did you mean 'brisk-30'"),
    (["schedule", "add", "figure-8", "--at", "7pm"], "HH:MM"),
    (["schedule", "add", "figure-8", "--at", "07:00", "--days", "someday"], "unknown day"),
    (["schedule", "add", "./missing.yaml", "--at", "07:00"], "no such routine file"),
    (["schedule", "remove", "nothing"], "no schedule called"),
    (["schedule", "run"], "no schedules yet"),
    (["schedule", "ics", "-o", "walks.ics"], "no schedules yet"),
])
def test_bad_schedule_input(run: Callable[..., Any], args: list[str], message: str) -> None:
    result = run(*args, code=2)
    assert result.output.startswith("coach: ") and message in result.output


def test_ics_is_written_and_cron_and_systemd_lines_printed(run: Callable[..., Any],
                                                           tmp_path: Path) -> None:
    run("schedule", "figure-8")
    run("schedule", "add", "brisk-30", "--at", "18:15", "--days", "sat")
    out = run("schedule", "ics", "-o", str(tmp_path / "walks.ics"), "--alarm", "20").output
    cal = icalendar.Calendar.from_ical((tmp_path / "walks.ics").read_bytes())
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert sorted(events) == ["brisk-30-1815@coach", "figure-8-evening@coach",
                              "figure-8-morning@coach"]
    brisk = events["brisk-30-1815@coach"]
    assert brisk["rrule"]["BYDAY"] == ["SA"]
    session_s = resolve_routine("brisk-30").duration_s  # the whole session, stretches too
    assert brisk.decoded("dtend") - brisk.decoded("dtstart") == timedelta(seconds=session_s)
    assert brisk.walk("VALARM")[0].decoded("trigger") == timedelta(minutes=-20)
    walk = f"{coach_command()} walk"
    assert walk.startswith("/")  # cron and systemd do not search the user's PATH
    assert f"30 7 * * *  {walk} figure-8  # figure-8-morning" in out
    assert f"15 18 * * 6  {walk} brisk-30" in out
    assert f"ExecStart={walk} brisk-30" in out and "OnCalendar=Sat *-*-* 18:15:00" in out


@pytest.mark.parametrize("name, message", [
    ("nonexist/w.ics", "folder {tmp}/nonexist does not exist"),
    ("w.txt", "{tmp}/w.txt must end in .ics"),
])
def test_ics_output_must_go_into_an_existing_folder(run: Callable[..., Any], tmp_path: Path,
                                                    name: str, message: str) -> None:
    run("schedule", "figure-8")
    out = run("schedule", "ics", "-o", str(tmp_path / name), code=2).output
    assert out == f"coach: {message.format(tmp=tmp_path)}\n"
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_schedules_file_is_one_line(run: Callable[..., Any], coach_home: Path) -> None:
    (coach_home / "config").mkdir(parents=True, exist_ok=True)
    (coach_home / "config" / "schedules.yaml").write_text("schedules:\n  - id: [a\n")
    out = run("schedule", "list", code=2).output
    assert out.count("\n") == 1 and "schedules.yaml:3:1: cannot read the schedules" in out


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)  # type: ignore[misc]


@pytest.mark.slow
def test_the_daemon_exports_the_day_fires_on_time_and_reports_a_missed_walk(
        run: Callable[..., Any], make_env: Callable[..., Environment], tmp_path: Path) -> None:
    # Monday 1 June 2026, 07:00 BST. The laptop sleeps 08:00-20:00 BST: the 19:00 walk
    # is missed; 07:30 fires on time. The one swapped object is the Environment.
    wall = FakeWall(utc(2026, 6, 1, 6), gaps=[(utc(2026, 6, 1, 7), utc(2026, 6, 1, 19))],
                    stop_at=utc(2026, 6, 1, 20))
    env = make_env(wall=wall, clock=wall.monotonic)
    run("schedule", "figure-8")
    out = run("schedule", "run", "--export-to", str(tmp_path / "phone"), env=env).output
    files = sorted((tmp_path / "phone").glob("*.mp3"))
    assert [p.name for p in files] == ["2026-06-01-0730-figure-8.mp3",
                                       "2026-06-01-1900-figure-8.mp3"]
    assert f"Wrote {files[0]}" in out
    figure8_s = routine_for_ref("figure-8", date(2026, 6, 1)).duration_s
    for mp3 in files:
        assert MP3(mp3).info.length == pytest.approx(figure8_s, abs=1.0)
    assert "07:30 Time for figure-8 (figure-8-morning)." in out
    assert "Missed figure-8 due Mon 19:00 (60 min ago" in out
    assert out.count("Time for") == 1 and out.rstrip().endswith("Stopped.")
    assert max(wall.slept_s) <= 30
    assert env.clock.now() == pytest.approx(sum(wall.slept_s))  # absolute waits, no drift


def test_the_daemon_export_folder_needs_an_existing_parent(run: Callable[..., Any],
                                                           tmp_path: Path) -> None:
    run("schedule", "figure-8")
    out = run("schedule", "run", "--export-to", str(tmp_path / "no" / "phone"), code=2).output
    assert out == f"coach: folder {tmp_path / 'no'} does not exist\n"
    assert list(tmp_path.iterdir()) == []


def test_scheduled_sessions_play_through_the_live_walk(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       make_env: Callable[..., Environment],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # No sound server (the environment, not a module global): the walk falls back to
    # text, on the environment's fake clock, and is saved in the history.
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path}/no-such-socket")
    from coach.programme.history import History
    from coach.routines.library import resolve_routine

    wall = FakeWall(datetime(2026, 3, 2, 7, 30, tzinfo=timezone.utc))
    env = make_env(wall=wall, clock=wall.monotonic)
    schedule_cli.start_session(resolve_routine("flare-up"), env)
    out = capsys.readouterr().out
    assert out.startswith("No audio: ") and "Welcome." in out
    with History() as hist:
        walks = hist.sessions()
    assert [(w.routine, w.completed) for w in walks] == [("flare-up", True)]
    assert env.clock.now() >= resolve_routine("flare-up").duration_s  # played on the fake clock


def test_plan_schedules_resolve_to_the_programme_session(
        run: Callable[..., Any], make_env: Callable[..., Environment]) -> None:
    env = make_env()  # the shared fake wall clock: Monday 2 March 2026 in London
    today = env.today()
    assert today == date(2026, 3, 2)
    with pytest.raises(Exception, match="coach plan"):
        routine_for_ref("plan", today)
    run("plan", "--minutes", "6", "--days", "3", "--no-red-flags", "--no-figure-8", env=env)
    assert routine_for_ref("plan", today).title.endswith("6-minute walk, then stretches")


def test_a_routine_file_is_scheduled_by_its_absolute_path(run: Callable[..., Any], tmp_path: Path,
                                                          monkeypatch) -> None:
    folder = tmp_path / "my walks"
    folder.mkdir()
    (folder / "lunch.yaml").write_text(
        "title: Lunch\nsegments:\n  - technique: walk\n    duration: 10m\n")
    monkeypatch.chdir(folder)
    run("schedule", "add", "./lunch.yaml", "--at", "12:30")
    (entry,) = load_schedules()
    assert entry.routine == str(folder / "lunch.yaml")
    monkeypatch.chdir(tmp_path)  # the daemon, cron or systemd run from elsewhere
    assert routine_for_ref(entry.routine, date(2026, 3, 2)).title == "Lunch"
    out = run("schedule", "ics", "-o", str(tmp_path / "w.ics")).output
    assert f"walk '{folder / 'lunch.yaml'}'" in out  # quoted for the shell: the path has a space
