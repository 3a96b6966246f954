"""How the weeks went: walking minutes walked against the plan, and the pain trend.

Both sides are walking minutes (:mod:`coach.programme.minutes`): the stretches after
a walk are neither planned nor counted, so a walker who did every session as planned
is at 100%.

:func:`weekly_progress` is pure (the day is passed in). :func:`plot_progress`
draws it with matplotlib, an optional extra imported only when asked for.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from coach.errors import UsageError
from coach.programme.history import WalkRecord
from coach.programme.plan import (
    WALK_DAYS,
    ProgrammeState,
    days_per_week,
    figure8_session,
    is_main_walk,
    next_session,
)
from coach.programme.progression import replay
from coach.routines.lines import CoachLines

TREND_POINTS = 1.0  # a change of a point or more in average pain is a trend


@dataclass(frozen=True)
class WeekRow:
    week: int
    starts: date
    walks: int
    walked_min: float
    planned_min: float | None  # None without a programme
    pain_after: float | None  # average of the logged scores
    pain_morning: float | None


def week_starts(first: date) -> date:
    return first - timedelta(days=first.weekday())


def planned_minutes(state: ProgrammeState, records: Sequence[WalkRecord], day: date) -> float:
    """The walking minutes (:mod:`coach.programme.minutes`) the programme asked for on
    ``day``, given the walks logged before it."""
    before = [r for r in records if r.started_at.date() < day]
    st = replay(before, state.start_min, day)
    minutes = 0.0
    if day.weekday() in WALK_DAYS[days_per_week(state, st)]:
        minutes += next_session(state, before, day, st).walk_min
    if state.intake.figure8_twice_daily:  # the evening one follows the day's main walk
        main = [r for r in records if r.started_at.date() == day and is_main_walk(r)]
        minutes += figure8_session(state, before, day, "morning", st).walk_min
        minutes += figure8_session(state, before + main, day, "evening").walk_min
    return minutes


def weekly_progress(state: ProgrammeState | None, records: Sequence[WalkRecord],
                    today: date) -> list[WeekRow]:
    """One row per week up to ``today``, numbered as `coach plan` numbers them.

    With a programme, week 1 is the 7 days from the day it started (walks
    logged before it fall in week 0, -1, ...); without one, weeks run Monday
    to Sunday from the first walk.
    """
    firsts = [r.started_at.date() for r in records]
    if state is not None:
        firsts.append(state.started_on)
    if not firsts:
        return []
    anchor = state.started_on if state is not None else week_starts(min(firsts))
    index = (min(firsts) - anchor).days // 7
    rows: list[WeekRow] = []
    while (start := anchor + timedelta(days=7 * index)) <= today:
        end = start + timedelta(days=7)
        these = [r for r in records if start <= r.started_at.date() < end]
        planned = None
        if state is not None:
            planned = sum(planned_minutes(state, records, start + timedelta(days=i))
                          for i in range(7) if state.started_on <= start + timedelta(days=i))
        rows.append(WeekRow(
            week=index + 1, starts=start, walks=len(these),
            walked_min=round(sum(r.walked_min for r in these), 1),
            planned_min=None if planned is None else round(planned, 1),
            pain_after=_mean([r.pain_after for r in these if is_main_walk(r)]),
            pain_morning=_mean([r.pain_next_morning for r in these])))
        index += 1
    return rows


def pain_trend(rows: Sequence[WeekRow]) -> str:
    """'falling', 'steady', 'rising' or 'not enough pain scores yet'."""
    pains = [r.pain_after for r in rows if r.pain_after is not None]
    if len(pains) < 2:
        return "not enough pain scores yet"
    half = len(pains) // 2
    early, late = sum(pains[:half]) / half, sum(pains[half:]) / (len(pains) - half)
    if late <= early - TREND_POINTS:
        return "falling"
    if late >= early + TREND_POINTS:
        return "rising"
    return "steady"


def format_table(rows: Sequence[WeekRow], lines: CoachLines | None = None) -> str:
    """The weeks as a table, in the language of ``lines`` (default English)."""
    from coach.routines.library import load_lines

    said = lines or load_lines()
    cells = []
    for r in rows:
        planned = "" if r.planned_min is None else f"{r.planned_min:7.0f}"
        pct = ("" if not r.planned_min else f"{100 * r.walked_min / r.planned_min:4.0f}")
        week = str(r.week) if r.week >= 1 else said.said("progress_before")
        cells.append((week, f"{r.starts:%Y-%m-%d}", str(r.walks), f"{r.walked_min:6.0f}",
                      planned, pct, _score(r.pain_after, said), _score(r.pain_morning, said)))
    head, *table = said.table("progress_columns", ">4 <10 >5 >6 >7 >4 >10 >12", cells)
    trend = pain_trend(rows)
    trend = said.said(trend if trend in ("falling", "steady", "rising") else "too_few")
    return "\n".join([head, "-" * len(head), *table, said.said("progress_note"), "",
                      said.said("progress_trend", trend=trend)]) + "\n"


def plot_title(rows: Sequence[WeekRow], lines: CoachLines | None = None) -> str:
    from coach.routines.library import load_lines

    said = lines or load_lines()
    trend = pain_trend(rows)
    if trend in ("falling", "steady", "rising"):
        return said.said("plot_title", trend=said.said(trend))
    return said.said("plot_title_few")


def plot_progress(rows: Sequence[WeekRow], path: Path, lines: CoachLines | None = None
                  ) -> Path:
    """Minutes walked as bars, the plan as a line, pain below; PNG, SVG or PDF by suffix.

    The x axis counts whole programme weeks. Written atomically. Its words are in the
    language of ``lines`` (default English).
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        raise UsageError("the progress picture needs matplotlib: "
                         "pip install 'walking-coach[plot]' (from a checkout: "
                         "pip install -e '.[plot]'; or use `coach progress` "
                         "without --plot for a table)") from None
    from coach.files import write_atomic

    if not rows:
        raise UsageError("nothing to plot yet: log a walk first (`coach log`)")
    from coach.routines.library import load_lines

    said = (lines or load_lines()).said
    weeks = [r.week for r in rows]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    try:
        top.bar(weeks, [r.walked_min for r in rows], color="#4c8cbf", label=said("plot_walked"))
        if any(r.planned_min is not None for r in rows):
            top.plot(weeks, [r.planned_min or 0 for r in rows], "k--o", label=said("plot_plan"))
        top.set_ylabel(said("plot_minutes"))
        top.legend(loc="upper left")
        for values, style, label in (([r.pain_after for r in rows], "r-o", said("plot_after")),
                                     ([r.pain_morning for r in rows], "m:s", said("plot_morning"))):
            xs = [w for w, v in zip(weeks, values, strict=True) if v is not None]
            if xs:
                bottom.plot(xs, [v for v in values if v is not None], style, label=label)
        bottom.set_ylim(0, 10)
        bottom.set_ylabel(said("plot_pain"))
        bottom.set_xlabel(said("plot_week"))
        bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
        bottom.legend(loc="upper left")
        fig.suptitle(plot_title(rows, lines))
        buf = io.BytesIO()
        with matplotlib.rc_context({"svg.fonttype": "none"}):  # SVG text stays text
            fig.savefig(buf, format=path.suffix.lower().lstrip(".") or "png", dpi=100)
    finally:
        plt.close(fig)
    write_atomic(path, buf.getvalue())
    return path


def _mean(values: Sequence[int | None]) -> float | None:
    got = [v for v in values if v is not None]
    return round(sum(got) / len(got), 1) if got else None


def _score(value: float | None, lines: CoachLines) -> str:
    return "-" if value is None else lines.decimal(value)
