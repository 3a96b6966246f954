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
    assert said[0] == "07:30 Time for figure-8 (figure-8-morning)."
    assert said[1].startswith("20:00 Missed figure-8 due Mon 19:00 (60 min ago")
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
    daemon(FakeWall(utc(2026, 6, 1, 6)), [], warnings, broken).start_safely("figure-8")
    assert warnings == ["coach: the figure-8 session failed: RuntimeError: boom"]


def test_an_unknown_routine_is_one_warning() -> None:
    warnings: list[str] = []
    daemon(FakeWall(utc(2026, 6, 1, 6)), [], warnings, print).start_safely("plan")
    assert warnings == ["coach: no programme yet: run `coach plan` first"]


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
    assert "07:02 Time for gentle-start (soon)." in said and started == ["gentle-start"]


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
        "figure-8")
    assert said == ["Back to waiting for the next walk; Ctrl-C again to quit."]
