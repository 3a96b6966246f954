"""Episode files, rendered on first request and kept on disk.

:meth:`EpisodeCache.ensure` renders an episode once, through the one session
preparation (:func:`coach.session.prepare_session`) and the export writer
(:func:`coach.export.writer.write_session`: a temporary name, then a rename),
into ``cache/serve/GUID.mp3``, with the chapters, captions and a small
``GUID.json`` (duration) beside it. The sidecars are written first and the MP3
last, so an MP3 under its real name means the whole episode is there. A
second request finds the file and renders nothing. One lock per guid means
two players asking at once share one render; a semaphore bounds how many
renders run at the same time (the rest wait their turn).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coach import paths

if TYPE_CHECKING:
    from coach.web.episodes import Episode

#: The files of one episode, by kind: (suffix, media type). Only these are served.
KINDS = {"mp3": (".mp3", "audio/mpeg"),
         "chapters": (".chapters.json", "application/json+chapters"),
         "vtt": (".vtt", "text/vtt; charset=utf-8"),
         "srt": (".srt", "application/srt; charset=utf-8")}


@dataclass(frozen=True)
class Rendered:
    """An episode's files on disk: the MP3's exact size and the session's length."""

    mp3: Path
    size_bytes: int
    duration_s: float


class EpisodeCache:
    """Rendered episodes in ``folder`` (default: the cache folder's ``serve``)."""

    def __init__(self, folder: Path | None = None, max_renders: int = 1) -> None:
        self.folder = folder or paths.cache_dir() / "serve"
        self._renders = threading.BoundedSemaphore(max_renders)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        self.renders = 0  # how many renders this cache has run (the warm path runs none)

    def path(self, guid: str, kind: str) -> Path:
        """Where ``kind`` of episode ``guid`` lives (``guid`` checked by the caller)."""
        return self.folder / f"{guid}{KINDS[kind][0]}"

    def cached(self, episode: Episode) -> Rendered | None:
        mp3 = self.path(episode.guid, "mp3")
        try:
            size = mp3.stat().st_size
            meta = json.loads(self.path(episode.guid, "mp3").with_suffix(".json").read_text())
            return Rendered(mp3, size, float(meta["duration_s"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def ensure(self, episode: Episode) -> Rendered:
        """The episode's files, rendered now if they are not on disk yet (blocking)."""
        found = self.cached(episode)
        if found is not None:
            return found
        with self._lock_for(episode.guid):
            found = self.cached(episode)
            if found is not None:
                return found
            with self._renders:
                self._render(episode)
            found = self.cached(episode)
            assert found is not None
            return found

    def _lock_for(self, guid: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(guid, threading.Lock())

    def _render(self, episode: Episode) -> None:
        from coach.export.formats import to_chapters, to_srt, to_vtt
        from coach.export.tags import TagInfo
        from coach.export.writer import write_session
        from coach.files import write_atomic
        from coach.session import prepare_session

        self.folder.mkdir(parents=True, exist_ok=True)
        prepared = prepare_session(episode.routine)
        timeline = prepared.timeline
        for kind, text in (("chapters", to_chapters(timeline)), ("vtt", to_vtt(timeline)),
                           ("srt", to_srt(timeline))):
            write_atomic(self.path(episode.guid, kind), text)
        mp3 = self.path(episode.guid, "mp3")
        write_atomic(mp3.with_suffix(".json"),
                     json.dumps({"id": episode.id, "duration_s": timeline.duration_s}) + "\n")
        write_session(prepared.renderer, mp3, tag_info=TagInfo(date=episode.day.isoformat()))
        self.renders += 1
