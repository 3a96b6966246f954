"""Programme sessions that vary and never warn (issue 11.6, 11.3), and how much the
coach talks (issue 11.7), checked on compiled sessions of weeks 1-8 and every built-in.

Variety: a week of walks says most of its lines once; the first lines after the
welcome differ from one session to the next; the same session compiles the same.
Warnings: nothing in a programme session or a built-in is moved or dropped, at any
``talk`` level (the user cannot fix the coach's own plan). Talk: quiet keeps the
safety lines, section changes, pace changes and countdowns and leaves out form cues
and encouragement (except the pools a technique tags ``quiet``); chatty says more.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from datetime import date

import pytest

from coach.programme.plan import make_state, upcoming_sessions
from coach.routines.library import builtin_routine_ids, load_techniques, resolve_routine
from coach.routines.model import TALK_LEVELS, Routine
from coach.session import compile_with_library

MONDAY = date(2026, 3, 2)
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def programme(weeks: int = 8, minutes: float = 10, days: int = 5) -> list[Routine]:
    state = make_state(minutes, days, False, MONDAY)
    return [s.routine for s in upcoming_sessions(state, [], MONDAY, weeks)]


def spoken(routine: Routine) -> list[str]:
    return [c.text for c in compile_with_library(routine).cues if c.kind != "countdown"]


def test_a_week_of_sessions_says_most_lines_once_and_opens_differently() -> None:
    week = programme(weeks=1)
    said: Counter[str] = Counter()
    openings = []
    for routine in week:
        cues = spoken(routine)
        said.update(s for c in cues for s in SENTENCE.split(c))
        openings.append(tuple(cues[1:6]))
    assert len(week) == 5
    assert len(set(openings)) == len(openings)  # no two sessions open alike
    assert len(said) >= 120  # was 87 distinct sentences before the pools grew
    # the encouragement of a week: none said on two days of it
    techniques = load_techniques()
    pools = {line for t in techniques.values() for line in t.encouragement}
    days_said = Counter(line for r in week for line in set(spoken(r)) if line in pools)
    assert days_said and max(days_said.values()) == 1, days_said.most_common(3)


def test_the_same_session_compiles_the_same_and_the_next_one_differs() -> None:
    a, b = programme(weeks=1)[:2], programme(weeks=1)[:2]
    assert [spoken(r) for r in a] == [spoken(r) for r in b]
    again = dataclasses.replace(a[1], variant=a[0].variant)
    assert spoken(again) != spoken(a[1])


def all_routines() -> list[Routine]:
    return programme() + [resolve_routine(rid) for rid in builtin_routine_ids()]


@pytest.mark.parametrize("talk", TALK_LEVELS)
def test_no_session_has_a_warning_the_user_cannot_act_on(talk: str) -> None:
    for routine in all_routines():
        tl = compile_with_library(dataclasses.replace(routine, talk=talk))
        assert not tl.warnings, (routine.title, talk, [str(w) for w in tl.warnings])


def test_quiet_keeps_safety_sections_paces_and_countdowns_chatty_says_more() -> None:
    techniques = load_techniques()
    form = {line for t in techniques.values() if "form" not in t.quiet for line in t.form}
    encouragement = {line for t in techniques.values() for line in t.encouragement}
    for routine in all_routines()[::3]:
        by = {talk: compile_with_library(dataclasses.replace(routine, talk=talk))
              for talk in TALK_LEVELS}
        kept = {(c.kind, c.text) for c in by["normal"].cues
                if c.kind in ("safety", "pace", "countdown")}
        quiet = {(c.kind, c.text) for c in by["quiet"].cues}
        assert kept <= quiet, routine.title
        texts = {c.text for c in by["quiet"].cues}
        assert not texts & (form | encouragement), routine.title
        assert [s.title for s in by["quiet"].sections] == [s.title for s in by["normal"].sections]
        assert len(by["quiet"].cues) < len(by["normal"].cues) < len(by["chatty"].cues)
        chatty_enc = sum(c.kind == "encouragement" for c in by["chatty"].cues)
        assert chatty_enc > sum(c.kind == "encouragement" for c in by["normal"].cues)


def test_quiet_still_leads_the_warm_up_moves() -> None:
    """The warm-up tags its form pool ``quiet``: its moves are the warm-up."""
    moves = set(load_techniques()["warm-up"].form)
    routine = dataclasses.replace(programme(weeks=1)[1], talk="quiet")
    assert len(moves & {c.text for c in compile_with_library(routine).cues}) >= 3


@pytest.mark.parametrize("minutes, stretches", [(5, 2), (10, 2), (14, 2), (15, 3), (30, 3)])
def test_the_cool_down_is_filled_with_whole_stretches(minutes: int, stretches: int) -> None:
    """Short walks stretch the hips and lower back, longer ones the hamstrings too, both
    sides each, with no long silence left before the closing words."""
    from coach.programme.plan import weekly_walk_routine

    tl = compile_with_library(weekly_walk_routine(minutes, 0, 1))
    last = len(tl.sections) - 1
    names = load_techniques()["cool-down"].stretches
    said = [s.name for s in names
            if any(c.section == last and c.text.startswith(s.name) for c in tl.cues)]
    assert len(said) == stretches, said
    releases = [c for c in tl.cues if c.section == last and c.text == "And release."]
    assert len(releases) == 2 * stretches
    closing = max(c.at_s for c in tl.cues)
    assert closing - (releases[-1].at_s + releases[-1].speech_s) < 30
