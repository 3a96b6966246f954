"""Routine validation: good files load, bad ones give FILE:LINE:COL for every problem."""

from __future__ import annotations

import pytest

from coach.errors import RoutineError
from coach.routines.loader import load_routine, load_technique
from coach.routines.model import Repeat, Segment

TECHS = ("walk", "cool-down", "heel-toe")

GOOD = b"""\
title: Evening walk
rate: 150
cadence: 95
reminders:
  - every: 2m
    kind: posture
    say: ["Tall back.", "Shoulders down."]
pronunciations:
  figure-8: figure eight
segments:
  - technique: walk
    duration: 5m
  - repeat: 3
    segments:
      - technique: heel-toe
        duration: 1m30s
        pace: brisk
        say: "Round {rep} of {reps}."
  - technique: cool-down
    duration: 3m
"""


def load(text: bytes):
    return load_routine(text, "walk.yaml", "walk", TECHS)


def problems(text: bytes) -> list[str]:
    with pytest.raises(RoutineError) as info:
        load(text)
    return [str(p) for p in info.value.problems]


def test_good_routine_loads_into_frozen_model():
    r = load(GOOD)
    assert r.title == "Evening walk"
    assert r.speech.rate_wpm == 150
    assert r.cadence_spm == 95
    assert r.duration_s == 5 * 60 + 3 * 90 + 3 * 60
    assert isinstance(r.segments[1], Repeat) and r.segments[1].times == 3
    inner = r.segments[1].segments[0]
    assert isinstance(inner, Segment) and inner.pace == "brisk" and inner.say == ("Round {rep} of {reps}.",)
    assert r.pronunciations == (("figure-8", "figure eight"),)
    assert r.reminders[0].every_s == 120
    with pytest.raises(AttributeError):
        r.title = "x"  # type: ignore[misc]


def test_negative_duration_points_at_the_node():
    text = GOOD.replace(b"duration: 5m", b"duration: -3m")
    assert problems(text) == ["walk.yaml:12:15: duration must be positive, got -3m"]


def test_unknown_technique_suggests_closest():
    text = GOOD.replace(b"technique: heel-toe", b"technique: heel-tow")
    (msg,) = problems(text)
    assert msg.startswith("walk.yaml:15:20: unknown technique 'heel-tow'; did you mean 'heel-toe'?")


def test_every_problem_is_reported_not_just_the_first():
    text = (GOOD.replace(b"duration: 5m", b"duration: five")
            .replace(b"pace: brisk", b"pace: fast")
            .replace(b"rate: 150", b"rate: 1000")
            .replace(b"kind: posture", b"kind: mood"))
    msgs = problems(text)
    assert len(msgs) == 4
    assert [m.split(":")[1] for m in msgs] == ["2", "6", "12", "17"]
    assert any("pace must be one of" in m for m in msgs)


def test_unknown_key_suggests():
    msgs = problems(GOOD.replace(b"title:", b"titel:", 1))
    assert msgs == ["walk.yaml:1:1: routine: missing required key 'title'",
                    "walk.yaml:1:1: routine: unknown key 'titel'; did you mean 'title'?"]


@pytest.mark.parametrize("text, fragment", [
    (b"", "file is empty"),
    (b"# only a comment\n", "file is empty"),
    (b"- a\n- b\n", "routine must be a mapping"),
    (b"title: x\nsegments: []\n", "segments must not be empty"),
    (b"title: [1, 2]\nsegments:\n  - technique: walk\n    duration: 1m\n", "title must be text"),
    (b"title: x\nsegments:\n  - technique: walk\n    duration: 5h\n", "between"),
    (b"title: x\nsegments:\n  - repeat: 50\n    segments:\n      - technique: walk\n"
     b"        duration: 3h\n", "limit is 4 hours"),
    (b"title: x\nsegments:\n  - technique: walk\n    duration: 1m\n    say: 'Hi {name}'\n",
     "unknown placeholder {name}"),
    (b"title: x\nsegments:\n  - technique: walk\n    duration: 1m\n    say: 'Hi {rep:s} {reps!r}'\n",
     "takes no format"),
    (b"title: x\ntitle: y\nsegments:\n  - technique: walk\n    duration: 1m\n", "given twice"),
    (b"title: x\nsegments:\n  - technique: walk\n    duration: 1m\n  - technique: walk\n",
     "missing required key 'duration'"),
    (b"title: !!python/object/apply:os.system ['echo hi']\nsegments: []\n", "not allowed"),
    (b"title: !custom x\nsegments: []\n", "not allowed"),
    (b"title: 'unterminated\nsegments: []\n", "invalid YAML"),
    (b"title: x\n\xff\xfe bad bytes\n", "not UTF-8"),
    (b"title: x\nsegments:\n  - technique: walk\n    duration: 1m\n    countdown: 20\n", "countdown"),
])
def test_bad_input_is_a_routine_error_with_position(text, fragment):
    msgs = problems(text)
    assert any(fragment in m for m in msgs), msgs
    for m in msgs:
        file, line, col, _ = m.split(":", 3)
        assert file == "walk.yaml" and int(line) >= 1 and int(col) >= 1


def test_python_tag_is_refused_at_its_position():
    (msg,) = problems(b"title: x\nsegments: !!python/object:os.system {}\n")
    assert msg.startswith("walk.yaml:2:11:")


def test_alias_bomb_is_refused_quickly():
    bomb = [b"a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        bomb.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 10)}]".encode())
    text = b"\n".join(bomb) + b"\ntitle: x\nsegments: *i\n"
    assert any("too many YAML nodes" in m for m in problems(text))


def test_huge_file_is_refused_before_parsing():
    text = b"title: x\n" + b"# padding\n" * 120_000
    assert problems(text) == ["walk.yaml:1:1: file is too large (1,200,009 bytes; the limit is 1,000,000)"]


def test_non_utf8_points_at_the_byte():
    (msg,) = problems(b"title: ok\nsegments: \xe9\n")
    assert msg.startswith("walk.yaml:2:11: file is not UTF-8")


def test_technique_file_loads():
    tech = load_technique(b"id: x\nname: X\ndescription: d\nform: [a, b]\nform_every: 30s\n"
                          b"stretches:\n  - name: S\n    say: hold it\n", "x.yaml")
    assert tech.form == ("a", "b") and tech.form_every_s == 30
    assert tech.stretches[0].hold_s == 30


def test_technique_errors_collected():
    with pytest.raises(RoutineError) as info:
        load_technique(b"id: x\nname: X\ndescription: d\npace: zoom\nrounds: 9\n", "x.yaml")
    assert len(info.value.problems) == 2


def test_a_session_needs_room_for_the_safety_line():
    (msg,) = problems(b"title: x\nsegments:\n  - technique: walk\n    duration: 5s\n")
    assert msg.startswith("walk.yaml:3:3: the session lasts 5 seconds; it needs at least 10")


def test_bad_indentation_is_named_plainly():
    msgs = problems(b"title: x\nsegments:\n  - technique: walk\n     duration: 1m\n   oops: 2\n")
    assert len(msgs) == 1 and "bad indentation" in msgs[0] and "\n" not in msgs[0]


def test_stretch_says_one_text_per_round_and_segments_add_safety():
    tech = load_technique(b"id: c\nname: C\ndescription: d\nstretches:\n  - name: Lunge\n"
                          b"    say: [Left foot forward., Right foot forward.]\n", "c.yaml")
    assert tech.stretches[0].say == ("Left foot forward.", "Right foot forward.")
    r = load(GOOD.replace(b"    duration: 5m\n", b"    duration: 5m\n    safety: Flat ground only.\n"))
    first = r.segments[0]
    assert isinstance(first, Segment) and first.safety == ("Flat ground only.",)


def test_a_one_sided_stretch_has_left_and_right_and_a_position():
    tech = load_technique(b"id: c\nname: C\ndescription: d\nstretches:\n  - name: Twist\n"
                          b"    left: Turn to the left.\n    right: Turn to the right.\n"
                          b"    position: sitting\n  - name: Reach\n    say: Reach up.\n", "c.yaml")
    twist, reach = tech.stretches
    assert twist.sided and twist.sitting and twist.say == ("Turn to the left.", "Turn to the right.")
    assert not reach.sided and not reach.sitting and reach.say == ("Reach up.",)
    for bad, fragment in [(b"    left: L.\n", "either say"),
                          (b"    say: S.\n    left: L.\n    right: R.\n", "either say"),
                          (b"    hold: 30s\n", "needs say"),
                          (b"    say: S.\n    position: lying\n", "standing, sitting")]:
        with pytest.raises(RoutineError) as err:
            load_technique(b"id: c\nname: C\ndescription: d\nstretches:\n  - name: X\n" + bad,
                           "c.yaml")
        assert fragment in str(err.value) and str(err.value).startswith("c.yaml:")


def test_briefing_and_talk_are_read_and_checked():
    r = load(GOOD.replace(b"segments:", b"briefing: true\ntalk: quiet\nsegments:", 1))
    assert r.briefing and r.talk == "quiet"
    plain = load(GOOD)
    assert not plain.briefing and plain.talk == "normal"
    for bad, fragment in [(b"briefing: 1\n", "true or false"), (b"talk: loud\n", "quiet, normal")]:
        msgs = problems(GOOD.replace(b"segments:", bad + b"segments:", 1))
        assert any(fragment in m for m in msgs), msgs


@pytest.mark.parametrize("value, fragment", [
    ("xx", "the coach has no xx (xx) text"),
    ("zh-CN", "the coach has no zh (zh-CN) text"),
    ('"../.."', "language must be a code like en or de-AT, got '../..'"),
    ('"a b"', "language must be a code like en or de-AT"),
    ('"en+' + "x" * 15 + '"', "language must be a code like en or de-AT"),
])
def test_a_language_the_coach_has_no_text_for_is_refused_at_its_place(value, fragment):
    # issue 12: every command refused it later as "FILE: ..." (no line); check now says where
    msgs = problems(f"title: x\nlanguage: {value}\nsegments:\n  - technique: walk\n"
                    f"    duration: 1m\n".encode())
    assert len(msgs) == 1 and msgs[0].startswith("walk.yaml:2:11: ") and fragment in msgs[0], msgs


@pytest.mark.parametrize("value", ["en", "de-AT", "fr_CA", "es-419", "EN-us"])
def test_a_language_code_the_coach_has_text_for_loads(value):
    routine = load(f"title: x\nlanguage: {value}\nsegments:\n  - technique: walk\n"
                   f"    duration: 1m\n".encode())
    assert routine.speech.language == value
