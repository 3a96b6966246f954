"""The background renderer: at start it renders what the feed lists, at a lower
priority, so a podcast app's first fetch finds every file there; a fetch that finds
one missing wakes it; each pass removes old episodes."""

from __future__ import annotations

import os
import time

import feedparser
import pytest

from coach.web.prerender import Prerenderer

pytestmark = pytest.mark.slow


def _wait(condition, timeout_s: float = 300.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_at_start_every_episode_is_rendered_before_anyone_asks(served, programme, fresh_cache,
                                                               running_site):
    programme(minutes=5, days=3, figure8=True)
    old = fresh_cache.folder / f"{'0' * 20}.mp3"  # an episode that left the feed long ago
    fresh_cache.folder.mkdir(parents=True)
    old.write_bytes(b"old")
    os.utime(old, (0, 0))
    base = os.getpriority(os.PRIO_PROCESS, 0)
    prerender = Prerenderer(running_site).start()
    try:
        _wait(lambda: prerender.passes >= 1)
        tid = prerender._thread.native_id
        assert tid is not None
        assert os.getpriority(os.PRIO_PROCESS, tid) == min(base + 10, 19)
        episodes = running_site.episodes()
        assert len(episodes) == 3  # the day's walk, morning and evening figure-8
        assert fresh_cache.renders == 3 and not old.exists()
        feed = feedparser.parse(served.get("feed.xml").body)
        for entry in feed.entries:  # exact from the first fetch: nothing rendered on asking
            mp3 = fresh_cache.path(entry.id, "mp3")
            assert int(entry.enclosures[0].length) == mp3.stat().st_size > 0
        assert fresh_cache.renders == 3 and not running_site.wake.is_set()
        # a changed programme: the fetch finds a new episode missing and wakes the thread
        programme(minutes=8, days=3, figure8=True)
        feed = feedparser.parse(served.get("feed.xml").body)
        assert "0" in [e.enclosures[0].length for e in feed.entries]
        _wait(lambda: prerender.passes >= 2 and fresh_cache.renders >= 4
              and not running_site.wake.is_set())
        feed = feedparser.parse(served.get("feed.xml").body)
        assert "0" not in [e.enclosures[0].length for e in feed.entries]
    finally:
        prerender.stop()
    assert not prerender._thread.is_alive()
