"""Related click options grouped into one value, so a command takes few parameters.

``@option_group("pain", PainScores, click.option("--pain-before", ...), ...)``
adds the options to a command in the order given; the command receives one
``pain=PainScores(pain_before=..., pain_after=...)`` instead of one parameter per
option. The dataclass's fields are named as click names the options' parameters.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

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
