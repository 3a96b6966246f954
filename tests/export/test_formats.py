import json

from coach.compiler.timeline import Cue, Section, Timeline
from coach.export.formats import to_chapters, to_srt, to_vtt

TIMELINE = Timeline(
    routine="r", title="R", duration_s=3725.0,
    sections=(Section("Warm-up", "warm-up", 0.0, 60.0), Section("Walk", "walk", 60.0, 3725.0)),
    cues=(Cue(0.5, "Start slowly.", "technique", 4, 0, 1.25),
          Cue(3600.0, "Tall back.", "posture", 2, 1, 2.0)))


def test_vtt_has_a_header_and_each_cue_while_it_is_spoken():
    vtt = to_vtt(TIMELINE)
    assert vtt.startswith("WEBVTT\n\n")
    assert "00:00:00.500 --> 00:00:01.750\nStart slowly.\n" in vtt
    assert "01:00:00.000 --> 01:00:02.000\nTall back.\n" in vtt


def test_vtt_and_srt_give_the_same_times():
    srt_times = [line for line in to_srt(TIMELINE).splitlines() if "-->" in line]
    vtt_times = [line for line in to_vtt(TIMELINE).splitlines() if "-->" in line]
    assert [t.replace(",", ".") for t in srt_times] == vtt_times


def test_chapters_are_the_sections_in_podcasting_json():
    data = json.loads(to_chapters(TIMELINE))
    assert data["version"] == "1.2.0"
    assert data["chapters"] == [
        {"startTime": 0.0, "endTime": 60.0, "title": "Warm-up"},
        {"startTime": 60.0, "endTime": 3725.0, "title": "Walk"}]


def test_the_script_is_plain_text_of_what_is_said_in_order():
    from coach.export.formats import to_script

    empty = Timeline(routine="r", title="R", duration_s=60.0,
                     sections=(Section("Quiet", "walk", 0.0, 60.0),), cues=())
    assert to_script(empty) == "R (01:00)\n\nQuiet, 00:00 to 01:00\n"
    assert to_script(TIMELINE, "Week 1, day 2: R").splitlines() == [
        "Week 1, day 2: R (1:02:05)", "",
        "Warm-up, 00:00 to 01:00", "00:00  Start slowly.", "",
        "Walk, 01:00 to 1:02:05", "1:00:00  Tall back."]
