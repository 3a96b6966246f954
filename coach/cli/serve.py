"""``coach serve``: the programme as a private podcast on the home network, and the pain page."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import click

from coach.cli import echo, pass_env
from coach.env import Environment
from coach.errors import UsageError

if TYPE_CHECKING:
    from coach.web.serving import PreparedSite

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_PORT = 8765


def register(group: click.Group) -> None:
    group.add_command(serve)


def listen_options(func: F) -> F:
    """--host, --port, --all-interfaces: where `coach serve` (and `coach schedule run
    --serve`) listens. --port is None when not given (then 8765)."""
    for option in reversed([
        click.option("--host", help="Address to listen on (default: this computer's "
                     "home-network address, which the phone can reach)."),
        click.option("--port", type=int, help=f"Port to listen on (default {DEFAULT_PORT})."),
        click.option("--all-interfaces", is_flag=True,
                     help="Allow --host 0.0.0.0 (every network this computer is on).")]):
        func = option(func)
    return func


@contextlib.contextmanager
def serving_beside(env: Environment, serve_too: bool, host: str | None, port: int | None,
                   all_interfaces: bool) -> Iterator[None]:
    """For `coach schedule run --serve`: print the Feed and Page lines, serve in a
    thread (with the background renderer) while the caller runs, stop both after;
    SIGTERM stops the caller as Ctrl-C does meanwhile. Without ``serve_too``: nothing
    (and the listening options are refused)."""
    if not serve_too:
        if host is not None or port is not None or all_interfaces:
            raise UsageError("--host, --port and --all-interfaces go with --serve")
        yield
        return
    from coach.web.serving import prepare_site, sigterm_as_ctrl_c

    prepared = prepare_site(env, host, DEFAULT_PORT if port is None else port,
                            all_interfaces=all_interfaces,
                            log=lambda line: click.echo(line, err=True))
    print_banner(env, prepared)
    running = prepared.start()
    try:
        with sigterm_as_ctrl_c():
            yield
    finally:
        running.stop()


def print_banner(env: Environment, prepared: PreparedSite) -> None:
    """The Feed and Page lines with their QR codes (ANSI colours: click drops them when
    the output is not a terminal)."""
    for line in prepared.banner(qr=True, encoding=getattr(env.stdout, "encoding", None),
                                colour=True):
        click.echo(line)


@click.command()
@listen_options
@click.option("--new-token", is_flag=True,
              help="Make a new secret for the URLs; the old feed and page stop working.")
@click.option("--days", type=int, default=3, show_default=True,
              help="Days of sessions in the feed, from today.")
@click.option("--print-autostart", is_flag=True,
              help="Print a systemd user unit and a crontab @reboot line that keep "
              "`coach serve` running with these options, and exit.")
@pass_env
def serve(env: Environment, host: str | None, port: int | None, all_interfaces: bool,
          new_token: bool, days: int, print_autostart: bool) -> None:
    """Offer your sessions as a podcast feed and a page to log pain, on your home network.

    Scan the Feed code with the phone's podcast app (AntennaPod and other apps
    that fetch feeds themselves; Pocket Casts and Overcast fetch on their own
    servers and cannot reach your home network). Scan the Page code to log a
    walk. Every URL carries a secret: keep it to yourself. Ctrl-C stops.

    \b
    Examples:
      coach serve
      coach serve --host 192.168.1.20 --port 8080
      coach serve --new-token
      coach serve --port 8765 --print-autostart
    """
    from coach.web.serving import check_options, prepare_site, run_site

    port = DEFAULT_PORT if port is None else port
    if print_autostart:
        from coach.web.autostart import autostart_lines, coach_home, serve_command

        if new_token:
            raise UsageError("--new-token and --print-autostart: rotate the token first "
                             "(`coach serve --new-token`), then print the lines")
        host = check_options(host, port, days, all_interfaces)
        for line in autostart_lines(serve_command(host, port, days, all_interfaces),
                                    coach_home()):
            echo(line)
        return

    prepared = prepare_site(env, host, port, all_interfaces=all_interfaces,
                            new_token=new_token, days=days,
                            log=lambda line: click.echo(line, err=True))
    print_banner(env, prepared)
    signum = run_site(prepared)
    click.echo("Stopped.")
    if signum is not None:  # SIGTERM: 143, as every command a signal ends (Ctrl-C: 0)
        from coach.live.keys import interrupt_exit_status

        raise SystemExit(interrupt_exit_status(signum))
