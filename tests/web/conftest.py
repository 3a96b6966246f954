"""The real server on a loopback port, for the tests under tests/web.

``served`` starts :func:`coach.web.server.make_app` under uvicorn on
127.0.0.1 (a free port), in a thread, with the test's Environment (the fake
wall clock: Monday 2 March 2026, 08:00 in London). Episodes render into one
cache folder shared by the whole test session, so each session is rendered
once however many tests ask for it. ``http(...)`` is a plain
:mod:`http.client` request: it sends the path exactly as given (``..``, ``%2F``
and all).
"""

from __future__ import annotations

import http.client
import secrets
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from coach.web.cache import EpisodeCache


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        import json

        return json.loads(self.body)


@dataclass
class Served:
    host: str
    port: int
    token: str
    cache: EpisodeCache
    log: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}/{self.token}/"

    def http(self, path: str, method: str = "GET", body: Any = None,
             headers: dict[str, str] | None = None, chunked: bool = False) -> Reply:
        """``path`` as sent on the request line (``/TOKEN/feed.xml``, ``/../etc``);
        ``chunked``: the body (an iterable of bytes) in chunked encoding."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
            resp = conn.getresponse()
            return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        finally:
            conn.close()

    def logged(self, count: int, timeout_s: float = 5.0) -> list[str]:
        """The log once it has ``count`` lines (a line is written just after the reply)."""
        import time

        deadline = time.monotonic() + timeout_s
        while len(self.log) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return list(self.log)

    def get(self, rel: str, **kw: Any) -> Reply:
        """A request under the token: ``get("feed.xml")``."""
        return self.http(f"/{self.token}/{rel}", **kw)


@pytest.fixture(scope="session")
def episode_cache(tmp_path_factory: pytest.TempPathFactory) -> EpisodeCache:
    return EpisodeCache(tmp_path_factory.mktemp("serve-cache"))


@pytest.fixture
def programme() -> Callable[..., Path]:
    """``programme(minutes=5, days=3)``: save a programme started on the fake today."""
    from coach.programme.plan import make_state
    from coach.programme.store import save_state

    def make(minutes: float = 5, days: int = 3, figure8: bool = False) -> Path:
        return save_state(make_state(minutes, days, figure8, date(2026, 3, 2)))

    return make


@pytest.fixture
def history(run: Callable[..., Any]) -> Callable[[], list[dict[str, Any]]]:
    """``history()``: the rows ``coach history --json`` prints, without their ids."""
    import json

    def rows() -> list[dict[str, Any]]:
        return [{k: v for k, v in row.items() if k != "id"}
                for row in json.loads(run("history", "--json").output)]

    return rows


@pytest.fixture(scope="session")
def _running(episode_cache: EpisodeCache) -> Iterator[tuple[Any, Served]]:
    """One server for the whole session; ``served`` gives each test its own view of it."""
    from coach.env import Environment
    from coach.web.server import RunningServer, make_app
    from coach.web.site import Site

    token = secrets.token_urlsafe(24)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    host, port = sock.getsockname()
    served = Served(host, port, token, episode_cache)
    site = Site(Environment(), token, served.base, episode_cache, days=1)
    running = RunningServer(make_app(site), sock).start()
    try:
        yield site, served
    finally:
        running.stop()


@pytest.fixture
def served(make_env: Callable[..., Any], _running: tuple[Any, Served]) -> Served:
    """The server, answering this test with its Environment (fake clocks) and its
    COACH_HOME (read at each request), and a fresh request log."""
    site, shared = _running
    served = Served(shared.host, shared.port, shared.token, shared.cache)
    site.env = make_env()
    site.log = served.log.append
    return served
