"""One progress count over several synthesis passes.

Preparing a session synthesises in rounds (compile, synthesise the placed cues not
cached, compile again: :func:`coach.session.placed_and_measured`), and ``coach
prepare`` does one pass per voice and then one per routine. Each pass counts its
own phrases; :class:`TotalProgress` adds them up, so the walker sees one line
going 1/30 ... 30/30, 31/32, 32/32 instead of a count starting again at 1/2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

#: ``progress(done, total)`` after each phrase synthesised.
WarmProgress = Callable[[int, int], None]


class Warms(Protocol):
    def warm(self, texts: Iterable[str], progress: WarmProgress | None = None) -> int: ...


class TotalProgress:
    """Counts the phrases of every pass run through :meth:`warm` as one total."""

    def __init__(self, progress: WarmProgress | None) -> None:
        self.progress = progress
        self.done = 0
        self.total = 0

    @classmethod
    def of(cls, progress: WarmProgress | TotalProgress | None) -> TotalProgress:
        """``progress`` itself if it already counts a total, else a new count over it."""
        return progress if isinstance(progress, TotalProgress) else cls(progress)

    def warm(self, cache: Warms, texts: Iterable[str]) -> int:
        """``cache.warm(texts)`` with its count added to the total; how many it made."""
        if self.progress is None:
            return cache.warm(texts)
        done_before, total_before = self.done, self.total
        shown = self.progress

        def one(done: int, total: int) -> None:
            self.done, self.total = done_before + done, total_before + total
            shown(self.done, self.total)

        return cache.warm(texts, one)
