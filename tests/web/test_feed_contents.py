"""The real feed's contents, read back as a podcast app would: a programme with figure-8
walks and `coach schedule figure-8` beside it (both name the same walks), every episode
parsed by feedparser (in _parse) and every file it names fetched and read by its own reader."""

from __future__ import annotations

import json
import re
from datetime import date

import mutagen.mp3
import pytest

from tests.web.test_feed import _parse

pytestmark = pytest.mark.slow

_VTT_CUE = re.compile(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})")


def _vtt_cues(text: str) -> list[tuple[float, float, str]]:
    """(start, end, text) of each cue; asserts the WebVTT shape (header, blank-line blocks,
    ``HH:MM:SS.mmm --> HH:MM:SS.mmm`` timings, a text line)."""
    blocks = text.strip("\n").split("\n\n")
    assert blocks[0] == "WEBVTT"
    cues = []
    for block in blocks[1:]:
        timing, *lines = block.split("\n")
        match = _VTT_CUE.fullmatch(timing)
        assert match, timing
        h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(g) for g in match.groups())
        assert lines and all(line.strip() and "-->" not in line for line in lines), block
        cues.append((h1 * 3600 + m1 * 60 + s1 + ms1 / 1000, h2 * 3600 + m2 * 60 + s2 + ms2 / 1000,
                     " ".join(lines)))
    return cues


def test_every_episode_once_on_its_day_with_its_files(served, programme, run, tmp_path):
    programme(minutes=5, days=3, figure8=True)
    run("schedule", "figure-8")  # 07:30 and 19:00: the programme's figure-8 walks
    feed, raw = _parse(served)
    guids = [entry.id for entry in feed.entries]
    assert len(guids) == len(set(guids)) == 3, [e.title for e in feed.entries]
    assert [e.link.rsplit("=", 1)[1] for e in feed.entries] == [
        "2026-03-02-figure-8-morning", "2026-03-02-walk", "2026-03-02-figure-8-evening"]
    # the schedule's times, the programme's sessions (its doses, logged to the programme)
    assert [e.published_parsed[3:5] for e in feed.entries] == [(7, 30), (12, 0), (19, 0)]
    assert b"<language>en</language>" in raw
    origin = f"http://{served.host}:{served.port}"
    for entry in feed.entries:
        assert date(*entry.published_parsed[:3]) == date(2026, 3, 2)
        [enclosure] = entry.enclosures
        audio = served.http(enclosure.href.removeprefix(origin))
        assert audio.status == 200
        assert int(enclosure.length) == len(audio.body) == \
            served.cache.path(entry.id, "mp3").stat().st_size
        mp3 = tmp_path / f"{entry.id}.mp3"
        mp3.write_bytes(audio.body)
        length_s = mutagen.mp3.MP3(mp3).info.length
        duration_s = int(entry.itunes_duration)  # whole seconds
        assert abs(length_s - duration_s) <= 1, (length_s, duration_s)
        # chapters: the JSON chapters format, ascending from 0, inside the audio
        chapters_url = re.search(rf'<podcast:chapters url="({re.escape(served.base)}'
                                 rf'episodes/{entry.id}\.chapters\.json)"', raw.decode())
        assert chapters_url, entry.id
        reply = served.http(chapters_url[1].removeprefix(origin))
        assert reply.headers["content-type"].startswith("application/json+chapters")
        chapters = json.loads(reply.body)
        assert chapters["version"] == "1.2.0"
        starts = [c["startTime"] for c in chapters["chapters"]]
        assert starts[0] == 0 and starts == sorted(set(starts))
        assert all(isinstance(c["title"], str) and c["title"] for c in chapters["chapters"])
        for chapter in chapters["chapters"]:
            for key in ("startTime", "endTime"):
                assert round(chapter[key], 3) == chapter[key]  # milliseconds, no float noise
            assert chapter["startTime"] < chapter["endTime"] <= length_s + 0.5
        # the WebVTT transcript: cues in order, never overlapping, inside the audio
        vtt = served.get(f"episodes/{entry.id}.vtt")
        assert vtt.status == 200 and vtt.headers["content-type"].startswith("text/vtt")
        cues = _vtt_cues(vtt.body.decode("utf-8"))
        assert cues
        for (start, end, _text), following in zip(cues, cues[1:] + [(length_s, 0, "")]):
            assert start < end <= following[0] + 0.001, (start, end, following)
        assert cues[-1][1] <= length_s + 0.5
        srt = served.get(f"episodes/{entry.id}.srt")
        assert srt.status == 200 and srt.body.count(b" --> ") == len(cues)

