"""The progression rules, walk by walk."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from coach.programme.history import WalkRecord
from coach.programme.progression import TARGET_MIN, ladder, replay

START = date(2026, 3, 2)  # a Monday


def walks(*pains: tuple[int | None, int | None, int | None], minutes: float = 10.0,
          every_days: int = 2, **kw: object) -> list[WalkRecord]:
    """One walk every ``every_days`` days with (before, after, next morning) pain."""
    out = []
    for i, (before, after, morning) in enumerate(pains):
        out.append(WalkRecord(routine="week-1-walk", completed=True,
                              started_at=datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
                              + timedelta(days=i * every_days),
                              planned_min=minutes, walked_min=minutes, pain_before=before,
                              pain_after=after, pain_next_morning=morning, **kw))  # type: ignore[arg-type]
    return out


def at(recs: list[WalkRecord], start_min: int = 6) -> tuple[int, str, str]:
    today = recs[-1].started_at.date() + timedelta(days=1) if recs else START
    s = replay(recs, start_min, today)
    return s.minutes, s.track, s.reason


CALM = (2, 2, 2)


@given(st.integers(5, 10))
def test_ladder_climbs_from_the_start_to_30_in_small_steps(start: int) -> None:
    steps = ladder(start)
    assert steps[0] == start and steps[-1] == TARGET_MIN
    assert all(0 < b - a <= 6 for a, b in zip(steps, steps[1:]))


def test_no_walks_starts_at_the_first_step() -> None:
    assert at([]) == (6, "build", "Starting gently.")


def test_steady_low_pain_progresses_one_step_per_three_good_walks() -> None:
    recs = walks(*[CALM] * 3, minutes=6, every_days=3)
    assert at(recs)[0] == 8
    recs = walks(*[CALM] * 9, minutes=30, every_days=3)
    assert at(recs)[0] == 12  # 6 -> 8 -> 10 -> 12


def test_at_most_one_step_up_in_seven_days() -> None:
    recs = walks(*[CALM] * 6, minutes=30, every_days=1)  # six good walks in six days
    minutes, _, reason = at(recs)
    assert minutes == 8
    assert "at most once in 7 days" in reason


def test_walks_without_pain_logged_or_too_short_do_not_count() -> None:
    assert at(walks(*[(None, None, None)] * 6, minutes=6, every_days=3))[0] == 6
    assert at(walks(*[CALM] * 6, minutes=4, every_days=3))[0] == 6  # 4 < 80% of 6


def test_a_pain_rise_of_two_holds_and_restarts_the_run() -> None:
    recs = walks(CALM, CALM, (2, 4, None), CALM, CALM, minutes=6, every_days=3)
    minutes, track, reason = at(recs)
    assert (minutes, track) == (6, "build")
    recs = walks(CALM, CALM, (2, 4, None), minutes=6, every_days=3)
    assert "Holding at 6 minutes" in at(recs)[2] and "rose from 2 to 4" in at(recs)[2]
    # a rise of one point is not a rise
    assert at(walks(CALM, CALM, (2, 3, 2), minutes=6, every_days=3))[0] == 8


def test_next_morning_worse_than_before_holds() -> None:
    recs = walks(CALM, CALM, (2, 2, 3), minutes=6, every_days=3)
    minutes, _, reason = at(recs)
    assert minutes == 6 and "next morning was worse" in reason


def test_two_pain_rises_in_a_row_step_back() -> None:
    good = walks(*[CALM] * 6, minutes=30, every_days=3)  # reaches 10
    assert at(good)[0] == 10
    bad = walks(*[CALM] * 6, (1, 3, None), (3, 3, 5), minutes=30, every_days=3)
    minutes, _, reason = at(bad)
    assert minutes == 8 and reason.startswith("Back from 10 to 8")


def test_stopped_for_pain_counts_as_a_rise() -> None:
    recs = walks(CALM, CALM, minutes=6, every_days=3)
    recs.append(WalkRecord("week-1-walk", recs[-1].started_at + timedelta(days=3), 6, 2,
                           completed=False, ended_reason="pain"))
    assert "stopped early because of pain" in at(recs)[2]


def test_a_flare_up_switches_track_and_returns_one_step_lower_when_settled() -> None:
    climb = [CALM] * 6  # 6 -> 8 -> 10
    flare = walks(*climb, (5, 8, None), minutes=30, every_days=3)
    minutes, track, reason = at(flare)
    assert track == "flare" and "Flare-up track" in reason
    one_calm = walks(*climb, (5, 8, None), (3, 3, None), minutes=30, every_days=3)
    assert at(one_calm)[1] == "flare"
    not_settled = walks(*climb, (5, 8, None), (3, 3, None), (5, 5, None), (3, 3, None),
                        minutes=30, every_days=3)
    assert at(not_settled)[1] == "flare"  # a pain of 5 breaks the calm run
    settled = walks(*climb, (5, 8, None), (3, 3, None), (2, 3, None), minutes=30, every_days=3)
    minutes, track, reason = at(settled)
    assert (minutes, track) == (8, "build") and "pain settled" in reason


def test_a_flagged_flare_without_high_pain_also_switches() -> None:
    recs = walks(CALM, minutes=6)
    recs.append(WalkRecord("week-1-walk", recs[-1].started_at + timedelta(days=1), 6, 3,
                           completed=False, ended_reason="flare-up", pain_before=4))
    assert at(recs)[1] == "flare"


def test_a_long_break_steps_back() -> None:
    recs = walks(*[CALM] * 3, minutes=30, every_days=3)
    assert at(recs)[0] == 8
    later = recs[-1].started_at.date() + timedelta(days=20)
    s = replay(recs, 6, later)
    assert s.minutes == 6 and "20 days ago" in s.reason


def test_a_break_at_the_first_step_says_it_cannot_step_back() -> None:
    recs = walks(CALM, minutes=6)
    back = replace(recs[0], started_at=recs[0].started_at + timedelta(days=30),
                   pain_before=None, pain_after=None, pain_next_morning=None)  # no pain log
    gap = replay([*recs, back], 6, back.started_at.date())
    assert gap.minutes == 6 and gap.reason == (
        "Staying at 6 minutes, the first step of your plan, so there is no shorter length "
        "to step back to: after a break of 30 days (14 or more steps back).")


def test_walks_after_today_are_ignored() -> None:
    recs = walks(*[CALM] * 3, minutes=30, every_days=3)
    today = recs[-1].started_at.date()
    future = replace(recs[0], started_at=recs[-1].started_at + timedelta(days=1100))
    assert replay([*recs, future], 6, today) == replay(recs, 6, today)


@given(st.lists(st.tuples(st.none() | st.integers(0, 10), st.none() | st.integers(0, 10),
                          st.none() | st.integers(0, 10)), max_size=30))
def test_any_history_gives_a_step_on_the_ladder(pains: list) -> None:
    s = replay(walks(*pains, minutes=12), 6, date(2027, 1, 1))
    assert s.minutes in ladder(6) and s.track in ("build", "flare") and s.reason


def test_figure8_extra_walks_never_step_the_main_walk_up_but_their_pain_counts() -> None:
    """A 5-minute starter's 4-minute figure-8 walks are 80% of the dose: they used to
    count as good walks, so the plan stepped up faster than `coach plan` showed and
    `coach progress` said 87% for a walker who did every session as planned."""
    calm = [replace(r, routine="figure-8") for r in walks(*[CALM] * 6, minutes=4,
                                                          every_days=3)]
    assert at(calm, start_min=5)[0] == 5
    rise = [replace(r, routine="figure-8") for r in walks((2, 9, None), minutes=4)]
    assert at(rise, start_min=5)[1] == "flare"
