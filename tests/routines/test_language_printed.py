"""What a walk prints is in the walker's language: the text walk's lines, the summary,
the pain advice and the programme's reasons, all from the lines catalogues."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from coach.compiler.compile import compile_routine
from coach.live.text_player import play_text
from coach.programme.history import WalkRecord
from coach.programme.progression import replay
from coach.programme.reaction import react
from coach.routines.library import load_lines
from coach.routines.lines import REASON_KEYS
from coach.routines.model import Routine, Segment
from tests.fakes import FakeClock, ScriptedKeys

LANGS = ("de", "es", "fr")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
# English words of the printed lines that must not be left in another language's output
ENGLISH = ("Staying", "Keeping", "walk ", "Flare-up", "pain rose", "Saved",
           "Paused", "Keys:", "No audio", "Next:", "Mon ", "Mar")


def walk(day: int, before: int | None = 2, after: int | None = 2, **kw) -> WalkRecord:
    return WalkRecord(routine="gentle-start", started_at=MONDAY + timedelta(days=day),
                      planned_min=6, walked_min=6, completed=kw.pop("completed", True),
                      pain_before=before, pain_after=after, **kw)


HISTORIES = {  # each reaches a different reason (and nested ones)
    "start": [],
    "good": [walk(0)],
    "goods": [walk(0), walk(1)],
    "up": [walk(0), walk(1), walk(2)],
    "hold": [walk(0, 2, 5)],
    "back": [walk(0), walk(1), walk(2), walk(3, 2, 5), walk(4, 2, 5)],
    "flare": [walk(0, 2, 8)],
    "flare-stay": [walk(0, 2, 8), walk(1, 6, 6)],
    "settling": [walk(0, 2, 8), walk(1, 2, 2)],
    "settled": [walk(0, 2, 8), walk(1, 2, 2), walk(2, 2, 2)],
    "stopped": [walk(0, 2, 3, completed=False, ended_reason="pain")],
    "break": [walk(0), walk(20)],
}


def test_every_reason_is_reached_and_said_in_each_language() -> None:
    today = MONDAY.date() + timedelta(days=21)
    seen: set[str] = set()
    for name, recs in HISTORIES.items():
        st = replay(recs, 6, today if name == "break" else MONDAY.date() + timedelta(days=5))
        seen.add(st.why[0])
        english = load_lines("en").say_why(st.why)
        assert english == st.reason
        for lang in LANGS:
            said = load_lines(lang).say_why(st.why)
            assert said != english and "{" not in said, (name, lang, said)
            assert not [w for w in ENGLISH if w in said], (name, lang, said)
    assert len(seen) >= 9, seen
    assert set(seen) <= set(REASON_KEYS)


@pytest.mark.parametrize("lang", LANGS)
def test_reaction_after_a_painful_walk_is_in_the_walks_language(lang: str) -> None:
    lines = load_lines(lang)
    rec = walk(1, 2, 8, completed=False, ended_reason="pain")
    state = SimpleNamespace(start_min=6)
    reaction = react(rec, [walk(0)], state, date(2026, 3, 3), lines)  # type: ignore[arg-type]
    assert reaction.advice[-1] == lines.red_flags
    assert set(lines.pain_advice) <= set(reaction.advice)
    assert reaction.next.startswith(lines.next_flare)
    assert lines.say_date(rec.started_at.date()) in reaction.next
    assert not [w for w in ENGLISH if w in reaction.next], reaction.next


@pytest.mark.parametrize("lang", LANGS)
def test_a_text_walk_prints_the_catalogues_lines(lang: str, small_techniques) -> None:
    lines = load_lines(lang)
    routine = Routine("t", "Ten", (Segment("walk", 600, title="Walk one"),))
    timeline = compile_routine(routine, techniques=small_techniques, lines=load_lines())
    clock = FakeClock(1000.0)
    out = io.StringIO()
    keys = ScriptedKeys(clock, [(30.0, " "), (40.0, " "), (50.0, "q")])
    play_text(timeline, clock, out, keys, why="no sound device", lines=lines)
    printed = [ln for ln in out.getvalue().splitlines()
               if not ln.startswith("[") or ln.endswith(tuple(lines.quit))]
    assert printed[0] == lines.say("no_audio", why="no sound device")
    assert printed[1] == lines.say("keys")
    said = out.getvalue()
    for text in (lines.paused, lines.resuming, *lines.quit):
        assert text in said
    assert not [w for w in ENGLISH if w in "\n".join(printed[:2])]


@pytest.mark.parametrize("lang", ("en", *LANGS))
def test_countdowns_and_time_left_are_said_in_words_of_the_language(lang: str) -> None:
    import dataclasses
    import re

    from coach.routines.library import resolve_routine
    from coach.session import compile_with_library

    lines = load_lines(lang)
    said = []
    for rid in ("gentle-start", "brisk-30"):
        routine = resolve_routine(rid)
        speech = dataclasses.replace(routine.speech, language=lang)
        said += compile_with_library(dataclasses.replace(routine, speech=speech)).cues
    countdowns = [c.text for c in said if c.kind == "countdown"]
    assert len(countdowns) >= 30 and set(countdowns) <= set(lines.numbers[:3])
    assert countdowns[:3] == [lines.numbers[2], lines.numbers[1], lines.numbers[0]]
    assert lines.halfway.format(time_left=lines.say_minutes(5)) in [c.text for c in said]
    assert said[0].text.startswith(lines.welcome.split("{")[0])
    assert lines.say_minutes(8) in said[0].text  # "eight minutes of walking", in words
    # digits only in "round N of M" and the 0-10 pain scale (read by the voice of the
    # language), never a duration or a countdown
    digits = [c.text for c in said if re.search(r"\d", c.text) and c.text != lines.closing]
    assert all(re.match(r"^\w+ \d \w+ \d\. ", t) for t in digits), digits
