"""``coach serve``: the programme as a private podcast on the home network, and the pain page."""

from __future__ import annotations

import click

from coach.cli import echo, pass_env
from coach.env import Environment
from coach.errors import UsageError


def register(group: click.Group) -> None:
    group.add_command(serve)


@click.command()
@click.option("--host", help="Address to listen on (default: this computer's home-network "
              "address, which the phone can reach).")
@click.option("--port", type=int, default=8765, show_default=True, help="Port to listen on.")
@click.option("--all-interfaces", is_flag=True,
              help="Allow --host 0.0.0.0 (every network this computer is on).")
@click.option("--new-token", is_flag=True,
              help="Make a new secret for the URLs; the old feed and page stop working.")
@click.option("--days", type=int, default=3, show_default=True,
              help="Days of sessions in the feed, from today.")
@click.option("--print-autostart", is_flag=True,
              help="Print a systemd user unit and a crontab @reboot line that keep "
              "`coach serve` running with these options, and exit.")
@pass_env
def serve(env: Environment, host: str | None, port: int, all_interfaces: bool, new_token: bool,
          days: int, print_autostart: bool) -> None:
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
    for line in prepared.banner(qr=True, encoding=getattr(env.stdout, "encoding", None)):
        click.echo(line)
    run_site(prepared)
    click.echo("Stopped.")
