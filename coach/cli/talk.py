"""``--talk quiet|normal|chatty``: how much the coach talks, for walk, export, compile
and show (issue 11.7). Without it, the routine's own ``talk:`` key (default normal).

The option is kept on the command's click context, so a command takes no extra
parameter: it passes each routine it resolves through :func:`with_talk`.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

import click

from coach.routines.model import TALK_LEVELS, Routine

TALK_HELP = ("How much the coach talks: quiet (safety, section and pace changes, "
             "countdowns), normal, or chatty (more form cues and encouragement); "
             "default: the routine's talk: key, else normal.")
_KEY = "coach.talk"


def talk_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """Add --talk; :func:`with_talk` applies it to the routines the command resolves."""
    @functools.wraps(f)
    def wrapper(*args: Any, talk: str | None, **kwargs: Any) -> Any:
        click.get_current_context().meta[_KEY] = talk
        return f(*args, **kwargs)

    return click.option("--talk", type=click.Choice(TALK_LEVELS), default=None,
                        help=TALK_HELP)(wrapper)


def with_talk(routine: Routine) -> Routine:
    """``routine`` at the talk level given on the command line (none given: its own)."""
    ctx = click.get_current_context(silent=True)
    talk = ctx.meta.get(_KEY) if ctx is not None else None
    return routine if talk is None else dataclasses.replace(routine, talk=talk)
