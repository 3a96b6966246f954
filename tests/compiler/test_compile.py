"""Compiler guarantees, checked on hand-picked and on generated routines."""

from __future__ import annotations

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from coach.compiler.compile import LEAD_IN_MS, compile_routine, estimate_speech_s
from coach.compiler.timeline import PRIORITY, Timeline
from coach.routines.library import load_lines
from coach.routines.model import Reminder, Repeat, Routine, Segment

LINES = load_lines()


def routine(*segments, **kw) -> Routine:
    return Routine(id="t", title="Test", segments=tuple(segments), **kw)


def assert_guarantees(tl: Timeline) -> None:
    assert tl.cues or tl.duration_s < 60, "a session says something"
    ats = [c.at_s for c in tl.cues]
    assert ats == sorted(ats)
    for a, b in zip(tl.cues, tl.cues[1:]):
        assert a.at_s + a.speech_s <= b.at_s + 1e-9, (a, b)
    for c in tl.cues:
        s = tl.sections[c.section]
        assert s.start_s <= c.at_s and c.end_s <= s.end_s + 1e-9
        assert 0 <= c.at_s and c.end_s <= tl.duration_s + 1e-9
        assert c.priority == PRIORITY[c.kind]
    assert tl.sections[0].start_s == 0 and tl.sections[-1].end_s == tl.duration_s
    for a, b in zip(tl.sections, tl.sections[1:]):
        assert a.end_s == b.start_s


def test_sections_expand_repeats(small_techniques):
    r = routine(Segment("walk", 60), Repeat(2, (Segment("walk", 30, pace="brisk"),
                                                Segment("walk", 45))), Segment("cool-down", 240))
    tl = compile_routine(r, techniques=small_techniques, lines=LINES)
    assert [(s.start_s, s.end_s) for s in tl.sections] == [
        (0, 60), (60, 90), (90, 135), (135, 165), (165, 210), (210, 450)]
    assert tl.sections[3].title == "Walking, brisk pace, round 2 of 2"
    assert tl.sections[4].title == "Walking, round 2 of 2"
    assert tl.duration_s == 450
    assert_guarantees(tl)


def test_session_opens_after_lead_in_with_spoken_safety(small_techniques):
    tl = compile_routine(routine(Segment("walk", 300)), techniques=small_techniques, lines=LINES)
    first = tl.cues[0]
    assert first.at_s == LEAD_IN_MS / 1000
    assert tl.cues[1].kind == "safety" and "dizzy" in tl.cues[1].text
    assert "end of today's walk" in tl.cues[-2].text and "stretches" in tl.cues[-1].text
    assert tl.cues[-1].end_s <= tl.duration_s


def test_countdown_is_pinned_on_whole_seconds(small_techniques):
    tl = compile_routine(routine(Segment("walk", 60), Segment("walk", 60)),
                         techniques=small_techniques, lines=LINES)
    counts = [c for c in tl.cues if c.kind == "countdown"]
    assert [(c.at_s, c.text) for c in counts] == [(57.0, "Three"), (58.0, "Two"), (59.0, "One")]
    assert_countdowns_pinned(tl)


def test_higher_priority_wins_a_clash_and_the_other_finds_a_free_moment(small_techniques):
    # A safety reminder and a posture reminder both want t=60s: safety keeps its time,
    # the posture reminder goes to the free moment nearest to its time, not over it,
    # and nothing is reported: the compiler resolved its own clash.
    r = routine(Segment("walk", 300, form=()),
                reminders=(Reminder(60, ("Posture check: stand tall.",), "posture"),
                           Reminder(60, ("Stop if anything hurts.",), "safety")))
    tl = compile_routine(r, techniques=small_techniques, lines=LINES)
    near = sorted((c for c in tl.cues if 30 <= c.at_s < 90), key=lambda c: c.at_s)
    safety = [c for c in near if c.kind == "safety"]
    posture = [c for c in near if c.kind == "posture"]
    assert [c.at_s for c in safety] == [60.0]
    assert len(posture) == 1 and abs(posture[0].at_s - 60) <= 30
    p, q = sorted((safety[0], posture[0]), key=lambda c: c.at_s)
    assert p.at_s + p.speech_s < q.at_s  # one after the other, never over each other
    assert not tl.warnings


def test_crowded_section_drops_low_priority_with_warning(small_techniques):
    slow = lambda text: 8.0  # every phrase takes 8 s: far too many for the time  # noqa: E731
    r = routine(Segment("walk", 60), reminders=(Reminder(20, ("Breathe.",), "encouragement"),))
    tl = compile_routine(r, slow, techniques=small_techniques, lines=LINES)
    assert_guarantees(tl)
    assert any(w.action == "dropped" for w in tl.warnings)


def test_placeholders_are_filled(small_techniques):
    r = routine(Repeat(3, (Segment("walk", 60, say=("Round {rep} of {reps}; {minutes_left} to go "
                                                     "in {section}.",)),)))
    tl = compile_routine(r, techniques=small_techniques, lines=LINES)
    texts = [c.text for c in tl.cues if c.text.startswith("Round ")]
    assert texts == ["Round 1 of 3; 3 to go in Walking, round 1 of 3.",
                     "Round 2 of 3; 2 to go in Walking, round 2 of 3.",
                     "Round 3 of 3; 1 to go in Walking, round 3 of 3."]


def test_stretches_held_with_countdown(small_techniques):
    tl = compile_routine(routine(Segment("walk", 60), Segment("cool-down", 300)),
                         techniques=small_techniques, lines=LINES)
    cues = [c for c in tl.cues if c.section == 1]
    says = [c for c in cues if "stretch." in c.text]
    assert len(says) == 4  # 2 stretches x 2 rounds
    first = says[0]
    release = next(c for c in cues if c.text == "And release." and c.at_s > first.at_s)
    assert abs(release.at_s - (first.end_s + 30)) < 0.002  # the hold is 30 s
    ones = [c for c in cues if c.kind == "countdown" and c.text == "One"]
    assert len(ones) == 4 and abs(ones[0].at_s - (release.at_s - 1)) < 0.002
    assert_countdowns_pinned(tl)


def test_measured_timer_replaces_estimate(small_techniques):
    r = routine(Segment("walk", 120))
    est = compile_routine(r, techniques=small_techniques, lines=LINES)
    measured = compile_routine(r, lambda t: 2 * estimate_speech_s(t), techniques=small_techniques, lines=LINES)
    assert [c.speech_s for c in measured.cues if c.kind == "technique"][0] == \
        2 * [c.speech_s for c in est.cues if c.kind == "technique"][0]


def test_cadence_track_only_when_the_routine_sets_one(small_techniques):
    plain = compile_routine(routine(Segment("walk", 60)), techniques=small_techniques, lines=LINES)
    assert plain.cadence is None and "cadence" not in plain.to_json()
    paced = compile_routine(routine(Segment("walk", 60), Segment("walk", 60, pace="brisk"),
                                    Segment("cool-down", 240), cadence_spm=95),
                            techniques=small_techniques, lines=LINES)
    # the routine's cadence for plain walking, the pace's for brisk, silent while stretching
    assert [(p.at_s, p.spm) for p in paced.cadence or ()] == [(0.0, 95.0), (60.0, 110.0),
                                                               (120.0, 0.0)]


def test_braces_in_a_title_are_just_text(small_techniques):
    import dataclasses

    said = dataclasses.replace(LINES, welcome="Welcome to {title}: {walking} of walking.")
    walk = Routine(id="t", title="E{vening} walk {x", segments=(Segment("walk", 60),))
    tl = compile_routine(walk, techniques=small_techniques, lines=said)
    assert tl.title == "E{vening} walk {x"
    assert tl.cues[0].text == "Welcome to E{vening} walk {x: one minute of walking."


# -- generated routines -------------------------------------------------------
phrases = st.lists(st.text("abcdefgh ,.", min_size=1, max_size=40).filter(str.strip),
                   min_size=1, max_size=3).map(tuple)
reminders = st.builds(Reminder, st.integers(20, 300).map(float), phrases,
                      st.sampled_from(["posture", "encouragement", "pace", "safety"]),
                      st.none() | st.integers(1, 200).map(float))
segments = st.builds(
    Segment, st.sampled_from(["walk", "walk", "cool-down"]), st.integers(5, 900).map(float),
    pace=st.none() | st.sampled_from(["slow", "easy", "brisk"]),
    say=st.just(()) | phrases, countdown_s=st.none() | st.integers(0, 5),
    reminders=st.lists(reminders, max_size=2).map(tuple),
)
blocks = segments | st.builds(Repeat, st.integers(1, 4),
                              st.lists(segments, min_size=1, max_size=3).map(tuple))
routines = st.builds(Routine, id=st.just("gen"), title=st.just("Generated"),
                     segments=st.lists(blocks, min_size=1, max_size=6).map(tuple),
                     reminders=st.lists(reminders, max_size=3).map(tuple),
                     cadence_spm=st.none() | st.just(95.0))
scales = st.floats(0.2, 4.0)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(routines, scales)
def test_generated_routines_keep_every_guarantee(small_techniques, r, scale):
    timer = lambda text: scale * estimate_speech_s(text)  # noqa: E731
    tl = compile_routine(r, timer, techniques=small_techniques, lines=LINES)
    assert_guarantees(tl)
    assert abs(tl.duration_s - r.duration_s) < 1e-6
    again = compile_routine(r, timer, techniques=small_techniques, lines=LINES)
    assert again == tl and again.to_json() == tl.to_json()
    assert_countdowns_pinned(tl)


def assert_countdowns_pinned(tl: Timeline) -> None:
    """A countdown is never moved: "Three, Two, One" on equal steps of at least a second,
    the step after "One" landing exactly on the section end or on "And release."."""
    assert not [w for w in tl.warnings if w.kind == "countdown" and w.action == "moved"]
    runs: list[list] = [[]]
    for c in tl.cues:
        if c.kind == "countdown":
            runs[-1].append(c)
            if c.text == LINES.numbers[0]:
                runs.append([])
    assert runs[-1] == [], "a countdown that does not end on One"
    for run in runs[:-1]:
        assert [c.text for c in run] == list(LINES.numbers[:len(run)][::-1])
        assert len({c.section for c in run}) == 1
        section = tl.sections[run[0].section]
        releases = [c.at_s for c in tl.cues if c.section == run[0].section
                    and c.text == LINES.release and c.at_s > run[-1].at_s]
        anchor = min([section.end_s, *releases])
        ats = [c.at_s for c in run] + [anchor]
        steps = [b - a for a, b in zip(ats, ats[1:])]
        assert min(steps) >= 1 - 1e-9, ats
        assert max(steps) - min(steps) < 1e-6, ("uneven countdown", ats)


def test_each_round_of_stretches_can_say_its_own_side(small_techniques):
    from dataclasses import replace

    from coach.routines.model import Stretch

    cool = small_techniques["cool-down"]
    sided = replace(cool, stretches=(Stretch("Lunge", ("Left foot forward.", "Right foot forward.")),))
    techs = {**small_techniques, "cool-down": sided}
    tl = compile_routine(routine(Segment("walk", 60), Segment("cool-down", 200)), techniques=techs, lines=LINES)
    says = [c.text for c in tl.cues if c.text.endswith("foot forward.")]
    # the round is named from round 2 only (the words of round 1 do not depend on how
    # many rounds fit)
    assert says == ["Lunge. Left foot forward.", "Round 2 of 2. Lunge. Right foot forward."]


def test_safety_lines_not_repeated_back_to_back_but_segment_safety_always(small_techniques):
    r = routine(Segment("walk", 60), Segment("walk", 60, safety=("Flat ground only.",)),
                Segment("walk", 400), Segment("walk", 60))
    tl = compile_routine(r, techniques=small_techniques, lines=LINES)
    said = [c.section for c in tl.cues if c.text == "Stop if your pain grows."]
    assert said == [0, 3]  # again only after more than five minutes
    flat = [c for c in tl.cues if c.text == "Flat ground only."]
    assert len(flat) == 1 and flat[0].kind == "safety" and flat[0].section == 1


def test_a_very_short_session_still_says_its_safety_line(small_techniques):
    tl = compile_routine(routine(Segment("walk", 12)), techniques=small_techniques, lines=LINES)
    assert tl.cues[0].kind == "safety" and tl.cues[0].at_s == LEAD_IN_MS / 1000
    assert any(w.action == "dropped" and w.kind == "technique" and "Welcome" in w.text for w in tl.warnings)


def test_a_warning_never_shows_a_time_before_the_session(small_techniques):
    tl = compile_routine(routine(Segment("walk", 12)), techniques=small_techniques, lines=LINES)
    assert any(w.at_s < 0 for w in tl.warnings)  # the closing line would start before 00:00
    assert not any(str(w).startswith("-") for w in tl.warnings)


RED_FLAGS = {  # each red flag of DOMAIN.md -> words that name it, all of them needed
    "saddle numbness": ("numb", "groin", "buttocks"), "bladder or bowel": ("bladder", "bowel"),
    "worsening legs": ("leg", "weaker", "numb"), "fever or unwell": ("fever", "unwell"),
    "after a fall or injury": ("fall", "injury"), "night pain": ("night", "rest"),
    "cancer": ("cancer",), "weight loss": ("weight",),
}


def test_the_spoken_red_flags_name_every_one_and_stay_short():
    spoken = " ".join(LINES.red_flags_spoken).lower()
    missing = [flag for flag, words in RED_FLAGS.items() if not all(w in spoken for w in words)]
    assert not missing
    assert all(len(line.split()) <= 25 for line in LINES.red_flags_spoken)
    printed = LINES.red_flags.lower()  # the printed line after a high pain score too
    assert not [flag for flag, words in RED_FLAGS.items() if not all(w in printed for w in words)]


@pytest.mark.parametrize(("lang", "cancer", "weight"), [
    ("de", "krebs", "abnimmst"), ("es", "cáncer", "adelgazas"), ("fr", "cancer", "maigrissez")])
def test_every_language_names_cancer_and_weight_loss_aloud_and_printed(lang, cancer, weight):
    lines = load_lines(lang)
    spoken = " ".join(lines.red_flags_spoken).lower()
    assert cancer in spoken and weight in spoken
    assert cancer in lines.red_flags.lower() and weight in lines.red_flags.lower()
    assert len(lines.red_flags_spoken) == len(LINES.red_flags_spoken)


def test_a_briefing_names_the_doctor_and_the_red_flags_before_the_walk(small_techniques):
    plain = compile_routine(routine(Segment("walk", 300)), techniques=small_techniques,
                            lines=LINES)
    briefed = compile_routine(routine(Segment("walk", 300), briefing=True),
                              techniques=small_techniques, lines=LINES)
    texts = [c.text for c in briefed.cues]
    said = [LINES.opening_safety, LINES.doctor_check, *LINES.red_flags_spoken]
    assert texts[1:1 + len(said)] == said  # right after the welcome, before any walking cue
    assert all(c.kind == "safety" for c in briefed.cues[1:1 + len(said)])
    assert not any("doctor" in c.text for c in plain.cues)
    assert_guarantees(briefed)
