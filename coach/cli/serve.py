"""``coach serve``: the programme as a private podcast on the home network, and the pain page."""

from __future__ import annotations

import click

from coach.cli import pass_env
from coach.env import Environment


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
@pass_env
def serve(env: Environment, host: str | None, port: int, all_interfaces: bool, new_token: bool,
          days: int) -> None:
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
    """
    from coach.web.serving import prepare_site, run_site

    prepared = prepare_site(env, host, port, all_interfaces=all_interfaces,
                            new_token=new_token, days=days,
                            log=lambda line: click.echo(line, err=True))
    for line in prepared.banner(qr=True, encoding=getattr(env.stdout, "encoding", None)):
        click.echo(line)
    run_site(prepared)
    click.echo("Stopped.")
