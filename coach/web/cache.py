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

:meth:`EpisodeCache.evict` keeps the disk bounded: an episode no longer in the
feed is removed once it has been out of it for :data:`GRACE_S` (a player that
read the old feed may still fetch it meanwhile), sooner when old episodes take
more than :data:`MAX_OLD_BYTES`; an episode in the feed is never removed, nor
one being sent (:meth:`EpisodeCache.pin`) or rendered. When an episode was last
in the feed is its ``GUID.json``'s modification time (:meth:`EpisodeCache.seen`).
Only files named as this cache names them are ever removed.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Iterable
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
#: How long an episode stays on disk after it left the feed.
GRACE_S = 2 * 86400.0
#: The most the episodes no longer in the feed may take (those in it always stay).
MAX_OLD_BYTES = 200 * 2**20
#: A temporary file of a render older than this was left by a render that died.
STALE_PART_S = 86400.0
_OWN_FILE = re.compile(r"([0-9a-f]{20})(\.mp3|\.chapters\.json|\.vtt|\.srt|\.json)")
_OWN_PART = re.compile(r"\.([0-9a-f]{20})\..+\.part")


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
        self._pins: dict[str, int] = {}  # guid -> responses sending its files now
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

    def pin(self, guid: str) -> None:
        """Keep ``guid``'s files while a response sends them (until :meth:`unpin`)."""
        with self._locks_lock:
            self._pins[guid] = self._pins.get(guid, 0) + 1

    def unpin(self, guid: str) -> None:
        with self._locks_lock:
            left = self._pins.get(guid, 0) - 1
            if left > 0:
                self._pins[guid] = left
            else:
                self._pins.pop(guid, None)

    def seen(self, guids: Iterable[str], now_s: float | None = None) -> None:
        """Mark the rendered ones of ``guids`` as in the feed now."""
        stamp = time.time() if now_s is None else now_s
        for guid in guids:
            try:
                os.utime(self.path(guid, "mp3").with_suffix(".json"), (stamp, stamp))
            except OSError:
                pass  # not rendered yet

    def evict(self, keep: set[str], now_s: float | None = None, grace_s: float = GRACE_S,
              max_old_bytes: int = MAX_OLD_BYTES) -> list[str]:
        """Remove the episodes not in ``keep`` (the feed's guids) that left the feed more
        than ``grace_s`` ago, then the oldest others while they take more than
        ``max_old_bytes``; and temporary files of renders that died. Returns the guids
        removed."""
        now = time.time() if now_s is None else now_s
        groups, parts = self._scan()
        old = sorted(((stamp, size, guid, files) for guid, (stamp, size, files)
                      in groups.items() if guid not in keep), key=lambda g: g[0])
        total = sum(size for _stamp, size, _guid, _files in old)
        removed = []
        for stamp, size, guid, files in old:
            if now - stamp <= grace_s and total <= max_old_bytes:
                continue
            if self._remove(guid, files):
                removed.append(guid)
                total -= size
        for part in parts:
            try:
                if now - part.stat().st_mtime > STALE_PART_S:
                    part.unlink()
            except OSError:
                pass
        return removed

    def _scan(self) -> tuple[dict[str, tuple[float, int, list[Path]]], list[Path]]:
        """This cache's files by guid: (when last in the feed, bytes, files), and the
        temporary files of its renders. When last in the feed: the ``GUID.json``'s
        time, else the newest file's."""
        found: dict[str, list[tuple[Path, os.stat_result]]] = {}
        parts = []
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return {}, []
        for entry in entries:
            if not entry.is_file(follow_symlinks=False):
                continue
            own = _OWN_FILE.fullmatch(entry.name)
            if own is not None:
                found.setdefault(own[1], []).append((Path(entry.path), entry.stat()))
            elif _OWN_PART.fullmatch(entry.name):
                parts.append(Path(entry.path))
        groups = {}
        for guid, files in found.items():
            meta = [st.st_mtime for path, st in files if path.suffix == ".json"
                    and not path.name.endswith(".chapters.json")]
            stamp = meta[0] if meta else max(st.st_mtime for _path, st in files)
            groups[guid] = (stamp, sum(st.st_size for _path, st in files),
                            [path for path, _st in files])
        return groups, parts

    def _remove(self, guid: str, files: list[Path]) -> bool:
        """Remove one episode's files, the MP3 first (then it is no longer "cached"),
        unless a response is sending them or a render is writing them."""
        lock = self._lock_for(guid)
        if not lock.acquire(blocking=False):
            return False  # being rendered
        try:
            with self._locks_lock:
                if self._pins.get(guid):
                    return False
                for path in sorted(files, key=lambda p: p.suffix != ".mp3"):
                    try:
                        path.unlink()
                    except FileNotFoundError:
                        pass
            return True
        finally:
            lock.release()

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
