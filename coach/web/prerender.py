"""Rendering the feed's episodes in the background, so a podcast app never waits.

:class:`Prerenderer` is a thread started with the server. It renders every episode
the feed lists that is not on disk yet, earliest first, one at a time (the
cache's render bound), at a lower CPU priority than the server and anything else
on the computer (a walk playing beside it in ``coach schedule run --serve``).
Then it removes old episodes (:meth:`coach.web.cache.EpisodeCache.evict`) and
waits: until the next hour, or until the feed is fetched while an episode is
still missing (:attr:`coach.web.site.Site.wake`). A new day brings new episodes;
they are rendered at the next pass.

Until its file is there, the feed lists an episode with ``length="0"`` (the RSS
Best Practices Profile's "unknown"), never a guess: AntennaPod reads 0 as
unknown, asks the file's size with a ``HEAD`` (which renders it now) and checks
a download against the response's ``Content-Length``, which is always exact.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

from coach.errors import CoachError

if TYPE_CHECKING:
    from coach.web.site import Site

#: How long the thread waits between passes when nobody asks (a new day's episodes).
PASS_INTERVAL_S = 3600.0
#: How much lower its priority is than the server's (``nice``).
NICENESS = 10


class Prerenderer:
    """Renders ``site``'s episodes in a thread; :meth:`stop` ends it after the render
    in progress (a render cannot be cut short: the files are written atomically)."""

    def __init__(self, site: Site, interval_s: float = PASS_INTERVAL_S,
                 niceness: int = NICENESS) -> None:
        self.site = site
        self.interval_s = interval_s
        self.niceness = niceness
        self.passes = 0  # finished passes (tests wait on it)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="coach-prerender",
                                        daemon=True)

    def start(self) -> Prerenderer:
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        self.site.wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def run_once(self) -> None:
        """One pass: render what is missing, earliest first, then evict old episodes."""
        site = self.site
        try:
            episodes = site.episodes()
        except CoachError as err:  # e.g. a broken routine file: said once a pass
            site.log(f"coach: cannot list the feed's episodes: {err}")
            return
        site.cache.seen(e.guid for e in episodes)
        for episode in episodes:
            if self._stop.is_set():
                return
            try:
                site.cache.ensure(episode)
            except CoachError as err:
                site.log(f"coach: cannot render {episode.id}: {err}")
            except Exception as err:  # noqa: BLE001 - one bad session must not end the thread
                site.log(f"coach: rendering {episode.id} failed: {type(err).__name__}: {err}")
        site.cache.evict({e.guid for e in episodes})

    def _run(self) -> None:
        _lower_priority(self.niceness)
        while not self._stop.is_set():
            self.site.wake.clear()
            self.run_once()
            self.passes += 1
            self.site.wake.wait(self.interval_s)


def _lower_priority(niceness: int) -> None:
    """This thread (on Linux a thread has its own nice value, and the synthesis
    workers it starts inherit it) at ``niceness`` more than now."""
    if niceness <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + niceness)
    except OSError:
        pass  # not allowed here: render at the normal priority
