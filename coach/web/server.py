"""``coach serve``: the programme as a private podcast feed, and the pain page, over HTTP.

A Starlette app run by uvicorn. Everything lives under ``/TOKEN/``
(:mod:`coach.web.token`): :class:`TokenGate` answers any other path with a bare
404 and hands the rest of the path to the app, which knows only fixed routes
and files named by an episode's guid (never a path taken from the request).
:class:`RequestLog` writes one line per request with the token left out.

Routes under ``/TOKEN/``: ``feed.xml``, ``cover.png``,
``episodes/GUID.{mp3,chapters.json,vtt,srt}`` (rendered on first request,
then from the cache; HEAD, byte ranges, ETag and Last-Modified come with
Starlette's ``FileResponse``), the page and the JSON API
(:mod:`coach.web.page`, :mod:`coach.web.api`).
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from coach.web.cache import KINDS
from coach.web.site import Site
from coach.web.token import same_token

if TYPE_CHECKING:
    import socket

    import uvicorn

    from coach.web.episodes import Episode

_FILE_RE = re.compile(r"([0-9a-f]{20})(\.mp3|\.chapters\.json|\.vtt|\.srt)")
_SUFFIX_KIND = {suffix: kind for kind, (suffix, _type) in KINDS.items()}


def not_found() -> Response:
    return PlainTextResponse("Not Found", status_code=404)


class TokenGate:
    """Only ``/TOKEN/...`` reaches the app (with ``/TOKEN`` taken off the path); any
    other request gets a 404 and nothing else."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        first, slash, rest = path[1:].partition("/")
        if not path.startswith("/") or not same_token(first, self.token):
            await not_found()(scope, receive, send)
            return
        if not slash:  # /TOKEN: the page's relative links need /TOKEN/
            await Response(status_code=308, headers={"Location": path + "/"})(
                scope, receive, send)
            return
        inner = dict(scope, path="/" + rest, raw_path=("/" + rest).encode("utf-8"),
                     root_path="")
        await self.app(inner, receive, send)


class RequestLog:
    """One line per request: method, path with its first part (the token) hidden,
    status, bytes sent and milliseconds."""

    def __init__(self, app: ASGIApp, log: Callable[[str], None]) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        status, sent = 0, 0

        async def counting(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, counting)
        finally:
            self.log(f"{scope.get('client', ('-',))[0]} {scope['method']} "
                     f"{hide_token(scope['path'])} {status or '-'} {sent}B "
                     f"{(time.monotonic() - started) * 1000:.0f}ms")


def hide_token(path: str) -> str:
    """``/SECRET/feed.xml`` -> ``/…/feed.xml`` (whatever the first part is)."""
    first, slash, rest = path[1:].partition("/")
    return f"/…{slash}{rest}" if first else path


def make_app(site: Site) -> ASGIApp:
    """The whole ASGI app: request log, token gate, routes."""
    async def feed(request: Request) -> Response:
        from coach.web.feed import FeedItem, feed_xml

        def build() -> bytes:
            episodes = site.episodes()
            items = [FeedItem(e, site.cache.ensure(e)) for e in episodes]
            return feed_xml(items, site.base_url)

        return Response(await run_in_threadpool(build),
                        media_type="application/rss+xml; charset=utf-8")

    async def cover_image(request: Request) -> Response:
        return Response(_cover_png(), media_type="image/png",
                        headers={"Cache-Control": "max-age=86400"})

    async def episode_file(request: Request) -> Response:
        match = _FILE_RE.fullmatch(request.path_params["name"])
        if match is None:
            return not_found()
        guid, kind = match[1], _SUFFIX_KIND[match[2]]
        path = site.cache.path(guid, kind)
        if not path.is_file():
            episode = await run_in_threadpool(_find, site, guid)
            if episode is None:
                return not_found()
            await run_in_threadpool(site.cache.ensure, episode)
        try:
            stat = path.stat()
        except OSError:
            return not_found()
        response = FileResponse(path, media_type=KINDS[kind][1], stat_result=stat)
        if request.headers.get("if-none-match") == response.headers["etag"]:
            return Response(status_code=304, headers={"ETag": response.headers["etag"]})
        return response

    routes = [Route("/feed.xml", feed, methods=["GET", "HEAD"]),
              Route("/cover.png", cover_image, methods=["GET", "HEAD"]),
              Route("/episodes/{name}", episode_file, methods=["GET", "HEAD"])]
    routes += _extra_routes(site)
    app = Starlette(routes=routes)
    app.add_exception_handler(404, lambda request, exc: not_found())
    return RequestLog(TokenGate(app, site.token), lambda line: site.log(line))


def _extra_routes(site: Site) -> list[Route]:
    """The page and the API (next to the feed, in their own modules)."""
    from coach.web.api import api_routes
    from coach.web.page import page_routes

    return page_routes(site) + api_routes(site)


@functools.lru_cache(maxsize=1)
def _cover_png() -> bytes:
    from coach.export.cover import cover_png

    return cover_png(512)


def _find(site: Site, guid: str) -> Episode | None:
    from coach.web.episodes import find_episode

    return find_episode(site.episodes(), guid)


class RunningServer:
    """A uvicorn server on an open socket, run in a thread (tests, ``schedule run``)."""

    def __init__(self, app: ASGIApp, sock: socket.socket) -> None:
        self.server = _uvicorn(app)
        self.sock = sock
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]},
                                       name="coach-serve", daemon=True)

    def start(self, timeout_s: float = 10.0) -> RunningServer:
        self.thread.start()
        deadline = time.monotonic() + timeout_s
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the web server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


def serve_forever(app: ASGIApp, sock: socket.socket) -> None:
    """Serve in the foreground until Ctrl-C (uvicorn stops cleanly on SIGINT/SIGTERM)."""
    _uvicorn(app).run(sockets=[sock])


def _uvicorn(app: ASGIApp) -> uvicorn.Server:
    """uvicorn with its own access log off (it would print the token: ours hides it)."""
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            timeout_graceful_shutdown=5, server_header=False)
    return uvicorn.Server(config)
