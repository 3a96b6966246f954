"""The cost of one session is bounded when it is loaded: sections, reminders, respellings."""

from __future__ import annotations

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from coach.errors import RoutineError
from coach.routines.budget import MAX_CUE_WORDS, MAX_REMINDER_CUES_PER_MIN, MAX_SECTIONS
from coach.routines.loader import load_routine

TECHS = ("walk",)


def problems(text: str) -> list[str]:
    with pytest.raises(RoutineError) as err:
        load_routine(text.encode(), "b.yaml", "b", TECHS)
    return [str(p) for p in err.value.problems]


def sections(extra: int) -> str:
    """3 x 17 x 5 = 255 sections, plus ``extra`` more."""
    five = "".join("          - technique: walk\n            duration: 5s\n" for _ in range(5))
    more = "".join("  - technique: walk\n    duration: 5s\n" for _ in range(extra))
    return (f"title: x\nsegments:\n  - repeat: 3\n    segments:\n      - repeat: 17\n"
            f"        segments:\n{five}{more}")


def test_more_sections_than_a_chapter_table_holds_are_refused_at_check_time():
    load_routine(sections(0).encode(), "b.yaml", "b", TECHS)  # 255: fine
    (only,) = problems(sections(1))  # 256
    assert only.startswith("b.yaml:3:3: too many sections (over 255") and "chapter" in only


def test_thousands_of_aliased_reminders_are_refused_at_once():
    text = ("title: x\nr: &r {every: 20s, say: 'Tall back.'}\nsegments:\n"
            "  - technique: walk\n    duration: 4h\n"
            "reminders: [" + ", ".join(["*r"] * 3000) + "]\n")
    text = text.replace("title: x\nr: &r {every: 20s, say: 'Tall back.'}\n",
                        "title: x\n")
    text = text.replace("reminders: [*r", "reminders: [&r {every: 20s, say: 'Tall back.'}", 1)
    (only,) = problems(text)
    assert "too many reminders (3,000; at most 20 in one list)" in only


def test_reminders_saying_more_than_twelve_cues_a_minute_are_refused():
    rem = "\n".join(f"  - {{every: 20s, say: 'Tall back {i}.'}}" for i in range(5))
    text = f"title: x\nreminders:\n{rem}\nsegments:\n  - technique: walk\n    duration: 10m\n"
    (only,) = problems(text)  # 5 x 3 a minute = 15 > 12
    assert f"at most {MAX_REMINDER_CUES_PER_MIN} a minute" in only and "150 cues in 10 " in only


def test_a_respelling_of_many_words_is_refused_where_it_stands():
    text = ("title: x\nsegments:\n  - technique: walk\n    duration: 1m\n"
            "pronunciations:\n  a: " + " ".join(["word"] * 40) + "\n")
    (only,) = problems(text)
    assert only.startswith("b.yaml:6:6: pronunciation of 'a' is 40 words")


def test_respellings_that_blow_a_cue_past_the_words_of_a_cue_are_refused_by_check(cli, tmp_path):
    path = tmp_path / "blow.yaml"
    path.write_text("title: Walk\nsegments:\n  - technique: walk\n    duration: 1m\n"
                    f"    say: [\"{' '.join(['go'] * 60)}\"]\n"
                    "pronunciations:\n  go: go on and on and on\n")
    result = cli("check", "--estimate", str(path))
    assert result.exit_code == 2
    assert f"{path}: the pronunciations make the cue 'go go" in result.output
    assert f"360 words long; at most {MAX_CUE_WORDS} words a cue" in result.output


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(times=st.integers(1, 50), inner=st.integers(1, 6), every=st.integers(20, 120),
       lists=st.integers(0, 3))
def test_any_accepted_session_compiles_within_its_bounds(small_techniques, times, inner,
                                                         every, lists):
    from coach.compiler.compile import compile_routine
    from coach.routines.library import load_lines

    segs = "".join("      - technique: walk\n        duration: 30s\n" for _ in range(inner))
    rems = "".join(f"  - {{every: {every}s, say: 'Tall back {i}.'}}\n" for i in range(lists))
    text = (f"title: x\n{'reminders:' + chr(10) + rems if lists else ''}"
            f"segments:\n  - repeat: {times}\n    segments:\n{segs}")
    try:
        routine = load_routine(text.encode(), "b.yaml", "b", TECHS)
    except RoutineError as err:
        assert all(p.line >= 1 for p in err.problems)
        return
    timeline = compile_routine(routine, techniques=small_techniques, lines=load_lines())
    assert len(timeline.sections) <= MAX_SECTIONS
