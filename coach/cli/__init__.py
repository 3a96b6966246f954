"""The ``coach`` command line: a thin click layer over the library.

Every command parses its arguments, calls the library and prints. Library
errors (:class:`coach.errors.CoachError`) are turned into one line on stderr
and an exit code in exactly one place, :class:`CoachGroup`; ``--traceback``
re-raises them instead. Command modules register themselves in
:data:`COMMAND_MODULES`; each imports heavy libraries inside its commands so
``coach --help`` stays instant.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from coach import __version__
from coach.cli.options import harden
from coach.env import Environment
from coach.errors import CoachError, RoutineError, terminal_safe

#: Commands take the outside world as their first argument: ``@pass_env``.
#: ``main`` makes one :class:`Environment`; tests pass their own with
#: ``CliRunner().invoke(main, args, obj=env)``.
pass_env = click.make_pass_decorator(Environment, ensure=True)

#: Modules under coach.cli that define ``register(group)``.
COMMAND_MODULES = ("core", "speech", "programme", "schedule", "export", "live", "serve")


class CoachGroup(click.Group):
    """The one error funnel: library errors become a message and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CoachError as err:
            _report_skipped()
            if ctx.meta.get("coach.traceback"):
                raise
            report(err)
            ctx.exit(int(err.exit_status))
        except KeyboardInterrupt:
            if ctx.meta.get("coach.traceback"):
                raise
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        finally:
            _report_skipped()


def _report_skipped() -> None:
    """Say once which files of the user's folders were skipped (and why)."""
    library = sys.modules.get("coach.routines.library")
    if library is not None:
        for line in library.take_skipped():
            echo(f"warning: {line}", err=True)


def echo(text: str = "", err: bool = False, nl: bool = True) -> None:
    """``click.echo`` of text that may hold what a user or a file gave (names, paths,
    notes, cue text): through :func:`coach.errors.terminal_safe`, so no escape
    sequence, bell or bidi control reaches the terminal. Every command prints so."""
    click.echo(terminal_safe(text), err=err, nl=nl)


def report(err: CoachError) -> None:
    """Print an error the way the CLI always does: plain lines on stderr."""
    if isinstance(err, RoutineError):
        for problem in err.problems:
            echo(str(problem), err=True)
    else:
        echo(f"coach: {err}", err=True)


def _set_traceback(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta["coach.traceback"] = value
    return value


@click.group(cls=CoachGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="coach")
@click.option("--traceback", is_flag=True, is_eager=True, expose_value=False,
              callback=_set_traceback, help="Show the full traceback on errors.")
@click.pass_context
def main(ctx: click.Context) -> None:
    """A voice-guided walking coach for people with lower back pain.

    \b
    Start here:
      coach routines              list the built-in routines
      coach show gentle-start     what a routine does
      coach compile figure-8      the spoken timeline of a session

    This is guidance, not medical advice: talk to your doctor before you
    start, and stop if pain increases or you feel dizzy.
    """
    if not isinstance(ctx.obj, Environment):
        ctx.obj = Environment()


for _name in COMMAND_MODULES:
    importlib.import_module(f"coach.cli.{_name}").register(main)
harden(main)
