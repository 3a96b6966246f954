"""The feed's language: the channel's from its episodes' timelines
(``feed_language(timeline.language)``), and each episode's own on its transcripts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser

from coach.web.cache import Rendered
from coach.web.episodes import list_episodes
from coach.web.feed import PODCAST, FeedItem, channel_language, feed_xml

GERMAN = """\
title: Kurzer Gang
language: de
segments:
  - technique: walk
    duration: 40s
"""
LONDON = ZoneInfo("Europe/London")


def _feed(episodes):
    items = [FeedItem(e, Rendered(Path(f"{e.guid}.mp3"), 1000, 60.0)) for e in episodes]
    return feed_xml(items, "http://192.168.1.5:8765/TOKEN/")


def test_the_channel_speaks_the_language_most_episodes_speak_and_each_episode_its_own():
    from coach.paths import user_routines_dir
    from coach.scheduling.schedules import WalkSchedule, save_schedules

    user_routines_dir().mkdir(parents=True)
    (user_routines_dir() / "kurz.yaml").write_text(GERMAN, "utf-8")
    save_schedules([WalkSchedule("kurz-0700", "kurz", time(7, 0)),
                    WalkSchedule("brisk-30-1800", "brisk-30", time(18, 0))])
    episodes = list_episodes(date(2026, 3, 2), LONDON, days=1)
    assert [(e.at.hour, e.language) for e in episodes] == [(7, "de"), (12, "en"), (18, "en")]
    raw = _feed(episodes)
    feed = feedparser.parse(raw)
    assert not feed.bozo and feed.feed.language == "en"
    root = ET.fromstring(raw)
    for item, episode in zip(root.iter("item"), episodes, strict=True):
        transcripts = item.findall(f"{{{PODCAST}}}transcript")
        assert [t.get("language") for t in transcripts] == [episode.language] * 2
    # only the German walk: a German channel
    assert feedparser.parse(_feed(episodes[:1])).feed.language == "de"


def test_a_tie_goes_to_the_earliest_episode_and_no_episode_is_english():
    from dataclasses import replace

    [walk] = list_episodes(date(2026, 3, 2), LONDON, days=1)  # no programme: today's walk
    later = replace(walk, at=datetime(2026, 3, 2, 18, tzinfo=LONDON), language="fr")
    assert channel_language([later, walk]) == "fr"
    assert channel_language([walk, later]) == "en"
    assert channel_language([replace(walk, language="de-DE")]) == "de"
    assert channel_language([]) == "en"
