"""The podcast feed, fetched from the real server and read by feedparser (an independent
parser, the one many podcast tools use), then every file it names fetched too."""

from __future__ import annotations

import json

import feedparser
import mutagen.mp3
import pytest

pytestmark = pytest.mark.slow


def _parse(served):
    reply = served.get("feed.xml")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("application/rss+xml")
    feed = feedparser.parse(reply.body)
    assert not feed.bozo, feed.bozo_exception
    return feed, reply.body


def test_feed_lists_todays_session_with_exact_enclosure_and_podcast_tags(served, programme):
    programme(minutes=5, days=3)
    feed, raw = _parse(served)
    assert feed.version == "rss20"
    assert feed.feed.title == "Walking coach"
    assert feed.feed.image.href == f"{served.base}cover.png"
    [entry] = feed.entries  # Monday: the week's first walk (figure-8 walks are off)
    assert entry.title.startswith("Mon 02 Mar: Week 1: 5-minute walk")
    assert entry.published_parsed[:3] == (2026, 3, 2)
    assert entry.id and entry.guidislink is False
    [enclosure] = entry.enclosures
    assert enclosure.type == "audio/mpeg"
    assert enclosure.href.startswith(served.base + "episodes/")
    audio = served.http(enclosure.href.removeprefix(f"http://{served.host}:{served.port}"))
    assert audio.status == 200
    assert int(enclosure.length) == len(audio.body) == int(audio.headers["content-length"])
    guid = entry.id
    assert (served.cache.path(guid, "mp3")).stat().st_size == len(audio.body)
    # the file is the session: an MP3 of the feed's duration
    duration_s = int(entry.itunes_duration)
    (served.cache.folder / "check.mp3").write_bytes(audio.body)
    info = mutagen.mp3.MP3(served.cache.folder / "check.mp3").info
    assert abs(info.length - duration_s) <= 1
    # Podcasting 2.0: chapters and both transcripts, each fetched and read back
    assert b'xmlns:podcast="https://podcastindex.org/namespace/1.0"' in raw
    assert b"<podcast:locked>yes</podcast:locked>" in raw
    chapters = json.loads(served.get(f"episodes/{guid}.chapters.json").body)
    assert chapters["version"] == "1.2.0" and chapters["chapters"][0]["startTime"] == 0
    vtt = served.get(f"episodes/{guid}.vtt")
    assert vtt.headers["content-type"].startswith("text/vtt") and vtt.body.startswith(b"WEBVTT")
    srt = served.get(f"episodes/{guid}.srt")
    assert srt.headers["content-type"].startswith("application/srt")
    assert srt.body.startswith(b"1\n00:00:")
    assert (f'url="{served.base}episodes/{guid}.vtt" type="text/vtt" language="en" '
            'rel="captions"').encode() in raw
    assert entry.link == f"{served.base}?session=2026-03-02-walk"


def test_same_session_same_guid_and_no_second_render(served, programme):
    programme(minutes=5, days=3)
    first, _ = _parse(served)
    renders = served.cache.renders
    again, _ = _parse(served)
    assert [e.id for e in again.entries] == [e.id for e in first.entries]
    assert served.cache.renders == renders  # served from the cache


def test_changed_session_gets_a_new_guid(served, programme):
    programme(minutes=5, days=3)
    before, _ = _parse(served)
    programme(minutes=8, days=3)  # a longer first walk: other content
    after, _ = _parse(served)
    assert before.entries[0].id != after.entries[0].id


def test_ranges_head_and_etag(served, programme):
    programme(minutes=5, days=3)
    feed, _ = _parse(served)
    path = "episodes/" + feed.entries[0].id + ".mp3"
    whole = served.get(path)
    size = len(whole.body)
    assert whole.headers["accept-ranges"] == "bytes"
    head = served.get(path, method="HEAD")
    assert head.status == 200 and head.body == b""
    assert int(head.headers["content-length"]) == size
    assert head.headers["etag"] == whole.headers["etag"] and "last-modified" in head.headers
    part = served.get(path, headers={"Range": "bytes=100-199"})
    assert part.status == 206
    assert part.headers["content-range"] == f"bytes 100-199/{size}"
    assert part.body == whole.body[100:200]
    tail = served.get(path, headers={"Range": "bytes=-50"})
    assert tail.status == 206 and tail.body == whole.body[-50:]
    resume = served.get(path, headers={"Range": f"bytes={size - 10}-"})
    assert resume.body == whole.body[-10:]
    beyond = served.get(path, headers={"Range": f"bytes={size + 10}-"})
    assert beyond.status == 416
    cached = served.get(path, headers={"If-None-Match": whole.headers["etag"]})
    assert cached.status == 304 and cached.body == b""
