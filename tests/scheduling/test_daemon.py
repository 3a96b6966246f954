"""WalkDaemon over fake clocks: walks start at their time, missed ones are offered,
one failing session never stops it, an exported day is written once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timezone
from pathlib import Path

import pytest

from coach.routines.model import Routine
from coach.scheduling.daemon import DaemonIO, WalkDaemon
from coach.scheduling.schedules import WalkSchedule
from tests.fakes import FakeWall

MORNING = WalkSchedule("figure-8-morning", "figure-8", time(7, 30))
EVENING = WalkSchedule("figure-8-evening", "figure-8", time(19, 0))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)  # type: ignore[misc]


def daemon(wall: FakeWall, said: list[str], warnings: list[str],
           start_walk: Callable[[Routine], object],
           ask: Callable[[str, float], bool] | None = None,
           export_to: Path | None = None) -> WalkDaemon:
    return WalkDaemon([MORNING, EVENING], wall, wall.monotonic, start_walk=start_walk,
                      io=DaemonIO(said.append, warnings.append, ask), export_to=export_to)


def test_walks_start_on_time_and_a_missed_one_is_offered_when_someone_can_answer() -> None:
    # Monday 1 June 2026 07:00 BST; asleep 08:00-20:00 BST, so 19:00 is an hour late.
    wall = FakeWall(utc(2026, 6, 1, 6), gaps=[(utc(2026, 6, 1, 7), utc(2026, 6, 1, 19))],
                    stop_at=utc(2026, 6, 1, 20))
    started: list[str] = []
    said: list[str] = []
    asked: list[str] = []
    d = daemon(wall, said, [], lambda r: started.append(r.id),
               ask=lambda q, _timeout_s: asked.append(q) is None)
    with pytest.raises(KeyboardInterrupt):
        d.run()
    assert started == ["figure-8", "figure-8"]  # on time, then the missed one, once asked
    assert asked == ["Start it now?"]
    assert said[0] == "07:30 Time for figure-8 (figure-8-morning): Figure-8 walk, 11 minutes."
    assert said[1].startswith("20:00 Missed figure-8 due Mon 19:00 (60 min ago")
    assert said[2] == "20:00 Starting figure-8 (figure-8-evening): Figure-8 walk, 11 minutes."
    assert max(wall.slept_s) <= 30


def test_nobody_to_ask_means_a_missed_walk_is_only_reported() -> None:
    wall = FakeWall(utc(2026, 6, 1, 17), gaps=[(utc(2026, 6, 1, 17, 30), utc(2026, 6, 1, 19))],
                    stop_at=utc(2026, 6, 1, 20))
    started: list[str] = []
    said: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        daemon(wall, said, [], lambda r: started.append(r.id)).run()
    assert started == [] and len(said) == 1 and "Missed figure-8" in said[0]


def test_one_failing_session_does_not_stop_the_daemon() -> None:
    def broken(_routine: Routine) -> None:
        raise RuntimeError("boom")

    warnings: list[str] = []
    daemon(FakeWall(utc(2026, 6, 1, 6)), [], warnings, broken).start_safely(MORNING, "07:30")
    assert warnings == ["coach: the figure-8 session failed: RuntimeError: boom"]


def test_an_unknown_routine_is_one_warning() -> None:
    warnings: list[str] = []
    said: list[str] = []
    plan = WalkSchedule("daily", "plan", time(9))
    daemon(FakeWall(utc(2026, 6, 1, 6)), said, warnings, print).start_safely(plan, "09:00 Time")
    assert warnings == ["coach: no programme yet: run `coach plan` first"]
    assert said == ["09:00 Time."]


def test_the_missed_walk_question_gives_up_before_the_next_walk_is_due() -> None:
    # asleep 06:30-07:01 BST: the 07:00 walk is missed; nobody answers; 07:02 still starts
    first = WalkSchedule("early", "figure-8", time(7, 0))
    second = WalkSchedule("soon", "gentle-start", time(7, 2))
    wall = FakeWall(utc(2026, 6, 1, 5, 0), gaps=[(utc(2026, 6, 1, 5, 30), utc(2026, 6, 1, 6, 1))],
                    stop_at=utc(2026, 6, 1, 6, 10))
    said: list[str] = []
    started: list[str] = []
    timeouts: list[float] = []

    def nobody_answers(_question: str, timeout_s: float) -> bool:
        timeouts.append(timeout_s)
        wall.sleep(timeout_s)  # the whole time the question may wait
        return False

    d = WalkDaemon([first, second], wall, wall.monotonic, start_walk=lambda r: started.append(
        r.id), io=DaemonIO(said.append, said.append, nobody_answers), grace_s=0)
    with pytest.raises(KeyboardInterrupt):
        d.run()
    assert said[0].startswith("07:01 Missed figure-8 due Mon 07:00 (1 min ago")
    assert timeouts and timeouts[0] <= 60 - 10  # gave up 10 s before 07:02
    assert "07:02 Time for gentle-start (soon): Gentle start, 10 minutes." in said
    assert started == ["gentle-start"]


def test_grace_zero_still_starts_a_walk_a_fraction_of_a_second_late() -> None:
    from coach.scheduling.scheduler import make_scheduler

    wall = FakeWall(utc(2026, 6, 1, 6, 29))
    fired: list[object] = []
    missed: list[object] = []
    scheduler = make_scheduler([MORNING], wall, fired.append, missed.append, grace_s=0)
    scheduler.run_pending()
    wall.sleep(60.4)  # 07:30:00.4 BST: the loop woke a little after the due time
    scheduler.run_pending()
    assert len(fired) == 1 and missed == []


def test_the_first_ctrl_c_in_a_scheduled_walk_says_the_daemon_goes_on() -> None:
    class Interrupted:
        ended_reason = "interrupted"

    said: list[str] = []
    daemon(FakeWall(utc(2026, 6, 1, 6)), said, [], lambda _r: Interrupted()).start_safely(
        MORNING, "07:30 Time")
    assert said == ["07:30 Time: Figure-8 walk, 11 minutes.",
                    "Back to waiting for the next walk; Ctrl-C again to quit."]


def run_day(schedules: list[WalkSchedule]) -> tuple[list[Routine], list[str]]:
    """Monday 1 June 2026 from 06:00 BST to 21:00 BST, every walk started at its time."""
    wall = FakeWall(utc(2026, 6, 1, 5), stop_at=utc(2026, 6, 1, 20))
    started: list[Routine] = []
    said: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        WalkDaemon(schedules, wall, wall.monotonic, start_walk=started.append,
                   io=DaemonIO(said.append, said.append)).run()
    return started, said


def test_a_scheduled_figure_8_plays_the_programmes_figure_8_walk_the_feed_offers() -> None:
    """`coach schedule figure-8` beside a programme with figure-8 walks: at each time the
    daemon plays the programme's figure-8 walk of that slot (its dose, 3 + 1 minutes in
    week 1, not the built-in 11-minute routine), the same the phone feed offers then."""
    from datetime import date

    from coach.programme.plan import make_state
    from coach.programme.store import save_state
    from coach.scheduling.schedules import save_schedules
    from coach.web.episodes import list_episodes
    from tests.fakes import LONDON

    day = date(2026, 6, 1)
    save_state(make_state(8, 3, True, day))
    save_schedules([MORNING, EVENING])
    started, said = run_day([MORNING, EVENING])
    assert [r.title for r in started] == ["Figure-8 walk (morning)", "Figure-8 walk (evening)"]
    assert [r.duration_s for r in started] == [240, 240]
    assert said == [
        "07:30 Time for figure-8 (figure-8-morning): your programme's morning figure-8 walk, "
        "4 minutes.",
        "19:00 Time for figure-8 (figure-8-evening): your programme's evening figure-8 walk, "
        "4 minutes."]
    feed = {e.at.strftime("%H:%M"): e for e in list_episodes(day, LONDON, 1)
            if e.routine.id == "figure-8"}
    assert sorted(feed) == ["07:30", "19:00"]
    assert [(feed[t].routine.title, feed[t].routine.duration_s) for t in ("07:30", "19:00")] \
        == [(r.title, r.duration_s) for r in started]


def test_without_figure_8_walks_in_the_programme_the_built_in_plays_and_says_why() -> None:
    from datetime import date

    from coach.programme.plan import make_state
    from coach.programme.store import save_state

    save_state(make_state(8, 3, False, date(2026, 6, 1)))
    started, said = run_day([MORNING])
    assert [(r.id, r.duration_s) for r in started] == [("figure-8", 670)]
    assert said == ["07:30 Time for figure-8 (figure-8-morning): Figure-8 walk, 11 minutes "
                    "(your programme has no figure-8 walks)."]


def test_each_figure_8_schedule_takes_the_nearest_slot_a_third_plays_the_built_in() -> None:
    from coach.programme.today import figure8_slot_for

    times = [time(6, 0), time(12, 30), time(21, 0)]
    assert [figure8_slot_for(t, times) for t in times] == ["morning", None, "evening"]
    assert figure8_slot_for(time(19), [time(19)]) == "evening"
    assert figure8_slot_for(time(11), [time(11)]) == "morning"
    assert [figure8_slot_for(t, [time(7), time(10)]) for t in (time(7), time(10))] == \
        ["morning", "evening"]


@pytest.mark.slow
def test_the_exported_day_has_the_programmes_figure_8_walks_too(tmp_path: Path) -> None:
    from datetime import date

    from mutagen.mp3 import MP3

    from coach.programme.plan import make_state
    from coach.programme.store import save_state
    from coach.scheduling.day_export import export_day

    day = date(2026, 6, 1)
    save_state(make_state(8, 3, True, day))
    warnings: list[str] = []
    files = export_day([MORNING, EVENING], day, tmp_path, warnings.append)
    assert [p.name for p in files] == ["2026-06-01-0730-figure-8.mp3",
                                       "2026-06-01-1900-figure-8.mp3"]
    assert [MP3(p).info.length for p in files] == [pytest.approx(240, abs=1.0)] * 2
    assert not [w for w in warnings if w.startswith("coach:")]
