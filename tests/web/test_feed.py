"""The podcast feed, fetched from the real server and read by feedparser (an independent
parser, the one many podcast tools use), then every file it names fetched too."""

from __future__ import annotations

import json

import feedparser
import mutagen.mp3
import pytest

pytestmark = pytest.mark.slow


def _parse_now(served):
    reply = served.get("feed.xml")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("application/rss+xml")
    feed = feedparser.parse(reply.body)
    assert not feed.bozo, feed.bozo_exception
    return feed, reply.body


def _parse(served):
    """The feed once every episode is rendered: as AntennaPod does for a length of 0
    (unknown), a HEAD of each such enclosure (which renders it), then the feed again."""
    feed, raw = _parse_now(served)
    pending = [e for e in feed.entries if e.enclosures[0].length == "0"]
    for entry in pending:
        href = entry.enclosures[0].href
        head = served.http(href.removeprefix(f"http://{served.host}:{served.port}"),
                           method="HEAD")
        assert head.status == 200 and int(head.headers["content-length"]) > 0
    return _parse_now(served) if pending else (feed, raw)


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


def test_the_feed_never_waits_for_a_render_and_gives_0_until_the_file_is_there(
        served, programme, fresh_cache, running_site):
    programme(minutes=5, days=3)
    running_site.wake.clear()
    feed, _ = _parse_now(served)
    [entry] = feed.entries
    assert fresh_cache.renders == 0  # the feed rendered nothing
    assert entry.enclosures[0].length == "0"  # RSS best practice: 0 is "unknown"
    assert int(entry.itunes_duration) > 0  # the session's length is known before the file
    assert running_site.wake.is_set()  # the background renderer was woken
    path = entry.enclosures[0].href.removeprefix(f"http://{served.host}:{served.port}")
    head = served.http(path, method="HEAD")  # what AntennaPod does for an unknown size
    assert fresh_cache.renders == 1
    again, _ = _parse_now(served)
    assert again.entries[0].id == entry.id  # the same guid before and after the render
    assert again.entries[0].itunes_duration == entry.itunes_duration
    assert int(again.entries[0].enclosures[0].length) == int(head.headers["content-length"])
    assert int(again.entries[0].enclosures[0].length) == len(served.http(path).body)


def test_a_file_being_downloaded_is_not_evicted(served, programme, fresh_cache):
    import socket
    import time

    programme(minutes=5, days=3)
    feed, _ = _parse(served)
    guid = feed.entries[0].id
    whole = served.get(f"episodes/{guid}.mp3").body
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a slow phone
    sock.connect((served.host, served.port))
    sock.sendall(f"GET /{served.token}/episodes/{guid}.mp3 HTTP/1.1\r\n"
                 f"Host: {served.host}\r\nConnection: close\r\n\r\n".encode())
    received = sock.recv(1000)
    assert received.startswith(b"HTTP/1.1 200")
    assert fresh_cache._pins.get(guid) == 1  # still sending
    assert fresh_cache.evict(set(), grace_s=0, max_old_bytes=0) == []
    while chunk := sock.recv(65536):
        received += chunk
    sock.close()
    assert received[received.index(b"\r\n\r\n") + 4:] == whole
    deadline = time.monotonic() + 5
    while fresh_cache._pins.get(guid) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fresh_cache.evict(set(), grace_s=0, max_old_bytes=0) == [guid]
    assert served.get(f"episodes/{guid}.mp3", method="HEAD").status == 200  # rendered again


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
