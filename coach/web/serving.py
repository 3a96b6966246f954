"""Starting ``coach serve``: the address checked, the socket opened, the site made.

:func:`prepare_site` does every check before anything is served (a bad
``--host``, a port in use: one line, no traceback) and returns a
:class:`PreparedSite` whose :meth:`~PreparedSite.banner` is what the command
prints (``Feed: URL`` and ``Page: URL``, each with a QR code); :func:`run_site`
serves in the foreground until Ctrl-C, :meth:`PreparedSite.start` in a thread
beside something else (``coach schedule run --serve``).
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coach.errors import UsageError

if TYPE_CHECKING:
    from coach.env import Environment
    from coach.web.server import RunningServer
    from coach.web.site import Site

DEFAULT_PORT = 8765
_QR_PROBE = "\u2588\u2580\u2584"


@dataclass(frozen=True)
class PreparedSite:
    site: Site
    sock: socket.socket
    warnings: tuple[str, ...] = ()

    @property
    def feed_url(self) -> str:
        return f"{self.site.base_url}feed.xml"

    @property
    def page_url(self) -> str:
        return self.site.base_url

    def banner(self, qr: bool = True, encoding: str | None = None, colour: bool = False
               ) -> list[str]:
        """The lines ``coach serve`` prints: warnings, ``Feed: URL``, ``Page: URL``, QR codes
        (left out when the terminal cannot show block characters; ``colour``: drawn light
        on black whatever the terminal's colours, see :mod:`coach.web.qr`)."""
        from coach.web.qr import qr_text

        can_draw = qr and _can_encode(encoding)
        lines = list(self.warnings)
        for label, url, what in (("Feed", self.feed_url, "subscribe in the podcast app"),
                                 ("Page", self.page_url, "log your walks and pain")):
            lines.append(f"{label}: {url}")
            if can_draw:
                lines.append(f"  (scan to {what})")
                lines.append(qr_text(url, colour).rstrip("\n"))
        if qr and not can_draw:
            lines.append("(QR codes need a UTF-8 terminal: type the URLs instead)")
        lines.append("Serving on the home network; Ctrl-C stops. The URLs carry a secret: "
                     "`coach serve --new-token` replaces it.")
        return lines

    def start(self) -> RunningServer:
        """Serve in a thread, with the background renderer (stop with ``.stop()``)."""
        from coach.web.prerender import Prerenderer
        from coach.web.server import RunningServer, make_app

        return RunningServer(make_app(self.site), self.sock, Prerenderer(self.site)).start()


def prepare_site(env: Environment, host: str | None, port: int = DEFAULT_PORT, *,
                 all_interfaces: bool = False, new_token: bool = False, days: int = 3,
                 log: Callable[[str], None] = lambda line: None) -> PreparedSite:
    """Check the options, open the listening socket and make the site (nothing served yet)."""
    from coach.web.address import ALL_INTERFACES, lan_address, open_socket, url_host
    from coach.web.site import Site
    from coach.web.token import load_token, rotate_token

    host = check_options(host, port, days, all_interfaces)
    name = lan_address() if host is None else host
    warnings: list[str] = []
    if name in ALL_INTERFACES:
        warnings.append(f"warning: listening on every network this computer is on ({name}); "
                        "anyone on them who learns the URL can use it")
    elif name.startswith("127.") or name in ("localhost", "::1"):
        warnings.append(f"note: {name} is reachable from this computer only, not from the "
                        "phone; give --host with the home-network address")
    token = rotate_token() if new_token else load_token()
    sock = open_socket(name, port)
    base_url = f"http://{url_host(sock, name)}:{sock.getsockname()[1]}/{token}/"
    return PreparedSite(Site(env, token, base_url, days=days, log=log), sock, tuple(warnings))


def check_options(host: str | None, port: int, days: int, all_interfaces: bool) -> str | None:
    """The options checked as ``coach serve`` checks them; the host to use (None: the
    home-network address, found when serving starts)."""
    from coach.web.address import check_host, check_port
    from coach.web.episodes import MAX_FEED_DAYS

    if not 1 <= days <= MAX_FEED_DAYS:
        raise UsageError(f"--days must be from 1 to {MAX_FEED_DAYS}, got {days}")
    check_port(port)
    if all_interfaces and host is None:
        host = "0.0.0.0"
    return None if host is None else check_host(host, all_interfaces)


def run_site(prepared: PreparedSite) -> int | None:
    """Serve in the foreground, the background renderer beside it, until Ctrl-C or
    SIGTERM (then both stop cleanly). Returns the signal that stopped it (None:
    Ctrl-C)."""
    from coach.web.prerender import Prerenderer
    from coach.web.server import make_app, serve_forever

    prerender = Prerenderer(prepared.site).start()
    try:
        with sigterm_as_ctrl_c():  # uvicorn shuts down, then passes the signal on
            serve_forever(make_app(prepared.site), prepared.sock)
    except KeyboardInterrupt as err:
        return getattr(err, "signum", None)
    finally:
        prerender.stop()
        prepared.sock.close()
    return None


@contextlib.contextmanager
def sigterm_as_ctrl_c() -> Iterator[None]:
    """While inside, SIGTERM (``kill``, ``systemctl stop``) raises
    :class:`coach.live.keys.EndSignal` (a KeyboardInterrupt) in the main thread, so
    the caller's clean stop runs as after Ctrl-C (and the command exits 143); its
    default action ended the process on the spot. Elsewhere than the main thread:
    nothing. (SIGHUP is left alone: uvicorn does not stop on it.)"""
    from coach.live.keys import EndSignal

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: object) -> None:
        raise EndSignal(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _can_encode(encoding: str | None) -> bool:
    try:
        _QR_PROBE.encode(encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True
