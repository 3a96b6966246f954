"""What the server serves from: the outside world, the token, the address, the cache."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from coach.web.cache import EpisodeCache

if TYPE_CHECKING:
    from coach.env import Environment
    from coach.web.episodes import Episode


@dataclass
class Site:
    """What the app serves from: the outside world, the token, where it is reached."""

    env: Environment
    token: str
    base_url: str  # http://HOST:PORT/TOKEN/
    cache: EpisodeCache = field(default_factory=EpisodeCache)
    days: int = 3
    log: Callable[[str], None] = lambda line: None

    @property
    def origin(self) -> str:
        """``http://HOST:PORT``: what a browser sends as ``Origin`` from our own page."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def episodes(self) -> list[Episode]:
        from coach.web.episodes import list_episodes

        return list_episodes(self.env.today(), self.env.now().tzinfo or self.env.wall.zone(),
                             self.days)
