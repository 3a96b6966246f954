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

#: Each command's module and short help, so ``coach --help`` and ``coach NAME`` import
#: only what they show or run (tests/cli/test_startup.py checks this against the
#: commands). A module in COMMAND_MODULES with no command here is imported at start-up.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    'check': ('core', 'Check routine files and report every problem as FILE:LINE:COL.'),
    'compile': ('core', 'Print the spoken timeline of a session: every cue at its time.'),
    'devices': ('live', 'List the sound outputs `coach walk --device` can use.'),
    'export': ('export', 'Write sessions as audio files to copy to a phone and play offline.'),
    'history': ('programme', 'Show the walks you have done: a table, JSON or CSV; or delete one.'),
    'log': ('programme',
        "Record a walk you did without the coach, or the next morning's pain, or correct one."),
    'plan': ('programme',
        'Your walking programme: this week and the next session, with the reason for its length.'),
    'prepare': ('speech',
        'Synthesise the voice for routines ahead of time, so walks and exports start at once.'),
    'progress': ('programme',
        'Minutes walked each week against the plan, and how your pain is trending.'),
    'routines': ('core', 'List the routines you can walk: built-in and your own.'),
    'schedule': ('schedule',
        'Walk at set times: add, list, remove, run, and export to your calendar.'),
    'schema': ('core', 'Print the JSON Schema of routine files, for editors.'),
    'serve': ('serve',
        'Offer your sessions as a podcast feed and a page to log pain, on your home network.'),
    'show': ('core', 'Describe a routine: its sections, times and what the coach says.'),
    'techniques': ('core', 'List the walking techniques routines can use.'),
    'voices': ('speech',
        "List every speech engine's voices; * marks the default engine's default voice."),
    'walk': ('live', 'Walk a routine now, with a voice guiding you through it.'),
}


class CoachGroup(click.Group):
    """The one error funnel: library errors become a message and an exit code.

    Commands are loaded when first asked for (:data:`LAZY_COMMANDS`); ``commands``
    (the whole dict) loads every module."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._loaded: set[str] = set()
        self._loading = False
        super().__init__(*args, **kwargs)

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        if not self._loading:
            for module in COMMAND_MODULES:
                self.load(module)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def load(self, module: str) -> None:
        """Import ``coach.cli.MODULE`` and register (and harden) its commands."""
        if module in self._loaded:
            return
        self._loaded.add(module)
        before = set(self._commands)
        self._loading = True
        try:
            importlib.import_module(f"coach.cli.{module}").register(self)
        finally:
            self._loading = False
        for name in set(self._commands) - before:
            harden(self._commands[name])

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self._commands) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self._commands and cmd_name in LAZY_COMMANDS:
            self.load(LAZY_COMMANDS[cmd_name][0])
        return self._commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands' list from :data:`LAZY_COMMANDS`: no module imported for it."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in self._commands:
                command = self._commands[name]
                if command.hidden:
                    continue
                rows.append((name, command.get_short_help_str(limit)))
            else:
                rows.append((name, _short(LAZY_COMMANDS[name][1], limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CoachError as err:
            _report_skipped()
            if ctx.meta.get("coach.traceback"):
                raise
            report(err)
            ctx.exit(int(err.exit_status))
        except KeyboardInterrupt as err:
            if ctx.meta.get("coach.traceback"):
                raise
            click.echo("Interrupted.", err=True)
            from coach.live.keys import interrupt_exit_status

            ctx.exit(interrupt_exit_status(getattr(err, "signum", None)))
        finally:
            _report_skipped()


def _short(help_text: str, limit: int) -> str:
    """``help_text`` cut as click cuts a command's short help."""
    return click.Command("", help=help_text).get_short_help_str(limit)


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


main._loading = True  # its own options only; each command's when its module is loaded
harden(main)
main._loading = False
for _name in COMMAND_MODULES:
    if _name not in {module for module, _ in LAZY_COMMANDS.values()}:
        main.load(_name)  # a module the table does not know yet: at start-up
