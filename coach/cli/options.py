"""Options: related ones grouped into one value, and every one checked by one rule.

:func:`harden` (applied by ``coach.cli.main`` to every command) wraps each
option's and argument's type in :class:`Checked`: no empty text, no control
characters, no 900 KB values, finite numbers of sane size.

Related click options grouped into one value, so a command takes few parameters:

``@option_group("pain", PainScores, click.option("--pain-before", ...), ...)``
adds the options to a command in the order given; the command receives one
``pain=PainScores(pain_before=..., pain_after=...)`` instead of one parameter per
option. The dataclass's fields are named as click names the options' parameters.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from typing import Any

import click

from coach.errors import shorten

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def option_group(into: str, build: type[Any], *options: Decorator) -> Decorator:
    """Add ``options``; the command gets ``into=build(**their values)``.

    ``build`` is a dataclass with one field per option, named as the option's
    parameter (``--pain-before`` -> ``pain_before``, or the name given to click).
    """
    names = [field.name for field in dataclasses.fields(build)]

    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(f)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            values = {name: kwargs.pop(name) for name in names}
            return f(*args, **{into: build(**values)}, **kwargs)

        command: Callable[..., Any] = wrapper
        for option in reversed(options):  # click lists the last one applied first
            command = option(command)
        return command

    return decorate


# -- every option and argument checked the same way -----------------------------------
#: Characters a number on the command line may have; texts and paths are cut at this.
MAX_NUMBER_CHARS = 20
MAX_TEXT_CHARS = 4096
#: Whole numbers beyond this are no count, minute or id the coach keeps (SQLite holds 2**63).
MAX_INT = 2 ** 53


class Checked(click.ParamType[Any, Any]):
    """Another click type with the coach's rules around it.

    Before the inner type sees a value: at most :data:`MAX_TEXT_CHARS` characters
    (:data:`MAX_NUMBER_CHARS` for numbers), not empty, no character
    :func:`coach.errors.bad_character` refuses (a newline in an id or a path would
    become a line of a crontab or a unit). After: numbers finite (``nan`` passes
    click's ranges, every comparison with it being false) and whole numbers at most
    :data:`MAX_INT`. A message quotes at most 60 characters of the value.
    """

    def __init__(self, inner: click.ParamType[Any, Any]) -> None:
        self.inner = inner
        self.name = inner.name
        self.number = isinstance(inner, (click.types.IntParamType, click.types.FloatParamType))

    def get_metavar(self, *args: Any, **kwargs: Any) -> str | None:
        return self.inner.get_metavar(*args, **kwargs)

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str
                       ) -> list[Any]:
        return self.inner.shell_complete(ctx, param, incomplete)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> Any:
        if isinstance(value, str) and not (param is not None and value == param.default):
            self._check_text(value, param, ctx)  # the coach's own defaults are fine
        result = self.inner.convert(value, param, ctx)
        if isinstance(result, float) and not math.isfinite(result):
            self.fail(f"{shorten(value)} is not a finite number", param, ctx)
        if isinstance(result, int) and not isinstance(result, bool) and abs(result) > MAX_INT:
            self.fail(f"{shorten(value)} is too large (at most {MAX_INT:,})", param, ctx)
        return result

    def _check_text(self, value: str, param: click.Parameter | None, ctx: click.Context | None
                    ) -> None:
        from coach.errors import bad_character
        from coach.routines.model import SPEECH_KEY_CHARS

        # --voice, --engine, --language: as long as a routine file may name them (issue 12)
        limit = MAX_NUMBER_CHARS if self.number else SPEECH_KEY_CHARS.get(
            param.name or "" if param is not None else "", MAX_TEXT_CHARS)
        if len(value) > limit:
            self.fail(f"{shorten(value)} is too long (at most {limit:,} characters)", param, ctx)
        if not value.strip():
            self.fail("must not be empty", param, ctx)
        problem = bad_character(value)
        if problem is not None:
            self.fail(f"{shorten(value)} {problem}", param, ctx)


def harden(command: click.Command) -> None:
    """Put every option and argument of ``command`` (and of its subcommands) behind
    :class:`Checked`: one rule for every number, text and path the CLI takes."""
    for param in command.params:
        if not isinstance(param.type, (Checked, click.types.BoolParamType)) and not (
                isinstance(param, click.Option) and param.is_flag):
            param.type = Checked(param.type)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            harden(sub)
