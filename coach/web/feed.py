"""The podcast feed: RSS 2.0 with the iTunes tags and the Podcasting 2.0 namespace.

Built with :mod:`xml.etree.ElementTree` (it escapes every text and attribute).
Each item: a stable ``guid`` (not a permalink), the session's day as
``pubDate``, the MP3 enclosure with its exact length in bytes, the duration,
``podcast:chapters`` (JSON) and two ``podcast:transcript`` (WebVTT and SRT,
``rel="captions"``), and a link to the pain page for that session. The channel
is marked ``itunes:block`` and ``podcast:locked``: a private feed, not for
directories.
"""

from __future__ import annotations

import email.utils
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coach.routines.durations import format_clock

if TYPE_CHECKING:
    from coach.web.cache import Rendered
    from coach.web.episodes import Episode

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ET.register_namespace("itunes", ITUNES)
ET.register_namespace("podcast", PODCAST)

TITLE = "Walking coach"
DESCRIPTION = ("Your walking sessions for the coming days, spoken by your walking coach. "
               "Private to your home network. This is guidance, not medical advice: talk to "
               "your doctor before you start, and stop if pain increases or you feel dizzy.")


@dataclass(frozen=True)
class FeedItem:
    episode: Episode
    rendered: Rendered


def feed_xml(items: Sequence[FeedItem], base_url: str, language: str | None = None) -> bytes:
    """The feed as UTF-8 XML; ``base_url`` is ``http://HOST:PORT/TOKEN/``. The channel's
    ``language`` (default: :func:`channel_language` of the episodes); each episode's
    transcripts carry its own."""
    language = language or channel_language([item.episode for item in items])
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _text(channel, "title", TITLE)
    _text(channel, "link", base_url)
    _text(channel, "description", DESCRIPTION)
    _text(channel, "language", language)
    _text(channel, "generator", "coach serve")
    _text(channel, f"{{{ITUNES}}}author", "coach")
    _text(channel, f"{{{ITUNES}}}summary", DESCRIPTION)
    _text(channel, f"{{{ITUNES}}}explicit", "false")
    _text(channel, f"{{{ITUNES}}}type", "episodic")
    _text(channel, f"{{{ITUNES}}}block", "Yes")
    ET.SubElement(channel, f"{{{ITUNES}}}image", {"href": f"{base_url}cover.png"})
    ET.SubElement(channel, f"{{{ITUNES}}}category", {"text": "Health & Fitness"})
    image = ET.SubElement(channel, "image")
    _text(image, "url", f"{base_url}cover.png")
    _text(image, "title", TITLE)
    _text(image, "link", base_url)
    _text(channel, f"{{{PODCAST}}}locked", "yes")
    for item in items:
        _item(channel, item, base_url)
    ET.indent(rss)
    body: bytes = ET.tostring(rss, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


def channel_language(episodes: Sequence[Episode]) -> str:
    """The language most episodes speak (the earliest one's on a tie; ``en`` for none)."""
    counts: dict[str, int] = {}
    for episode in episodes:
        counts[episode.feed_language] = counts.get(episode.feed_language, 0) + 1
    return max(counts, key=lambda code: counts[code], default="en")


def episode_url(base_url: str, guid: str, kind: str) -> str:
    """The URL of one of an episode's files (see :data:`coach.web.cache.KINDS`)."""
    from coach.web.cache import KINDS

    return f"{base_url}episodes/{guid}{KINDS[kind][0]}"


def page_url(base_url: str, episode: Episode) -> str:
    return f"{base_url}?session={episode.id}"


def _item(channel: ET.Element, feed_item: FeedItem, base_url: str) -> None:
    episode, rendered = feed_item.episode, feed_item.rendered
    item = ET.SubElement(channel, "item")
    title = f"{episode.at:%a %d %b}: {episode.title}"
    _text(item, "title", title)
    summary = (f"{episode.walking_minutes:g} minutes of walking, "
               f"{format_clock(rendered.duration_s)} in all. After the walk, log your pain: "
               f"{page_url(base_url, episode)}")
    _text(item, "description", summary)
    _text(item, "link", page_url(base_url, episode))
    _text(item, "guid", episode.guid, {"isPermaLink": "false"})
    _text(item, "pubDate", email.utils.format_datetime(episode.at))
    ET.SubElement(item, "enclosure", {"url": episode_url(base_url, episode.guid, "mp3"),
                                      "length": str(rendered.size_bytes), "type": "audio/mpeg"})
    _text(item, f"{{{ITUNES}}}title", title)
    _text(item, f"{{{ITUNES}}}duration", str(round(rendered.duration_s)))
    _text(item, f"{{{ITUNES}}}summary", summary)
    _text(item, f"{{{ITUNES}}}episodeType", "full")
    _text(item, f"{{{ITUNES}}}explicit", "false")
    ET.SubElement(item, f"{{{ITUNES}}}image", {"href": f"{base_url}cover.png"})
    ET.SubElement(item, f"{{{PODCAST}}}chapters",
                  {"url": episode_url(base_url, episode.guid, "chapters"),
                   "type": "application/json+chapters"})
    ET.SubElement(item, f"{{{PODCAST}}}transcript",
                  {"url": episode_url(base_url, episode.guid, "vtt"), "type": "text/vtt",
                   "language": episode.feed_language, "rel": "captions"})
    ET.SubElement(item, f"{{{PODCAST}}}transcript",
                  {"url": episode_url(base_url, episode.guid, "srt"),
                   "type": "application/srt", "language": episode.feed_language,
                   "rel": "captions"})


def _text(parent: ET.Element, tag: str, text: str, attrs: dict[str, str] | None = None
          ) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs or {})
    element.text = text
    return element
