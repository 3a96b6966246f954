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
