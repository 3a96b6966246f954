"""The `coach plan` intake questions: the red flags first, then minutes and days.

Asked on a terminal, or answered by options (:data:`red_flag_options`, ``--minutes``,
``--days``); the red-flag answer is stored by :mod:`coach.programme.intake`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypeVar

import click

from coach.cli.options import option_group
from coach.env import Environment
from coach.errors import UsageError
from coach.programme.intake import red_flag_list

if TYPE_CHECKING:
    from coach.programme.intake import RedFlagAnswer
    from coach.routines.lines import CoachLines

T = TypeVar("T")


@dataclass(frozen=True)
class RedFlagOptions:
    """The red-flag answer given as an option (both False: ask on a terminal)."""

    no_red_flags: bool
    medical_advice: bool


red_flag_options = option_group(
    "red", RedFlagOptions,
    click.option("--no-red-flags", is_flag=True,
                 help="Intake without a terminal: none of the red flags below applies to you."),
    click.option("--medical-advice", is_flag=True,
                 help="Intake: one of the red flags applies, and you have had medical advice "
                 "that walking is fine for you."),
)


def red_flag_intake(env: Environment, red: RedFlagOptions, today: date, lines: CoachLines
                    ) -> None:
    """Ask once about the red flags (or take the option's answer) and store the answer;
    a yes without medical advice ends the command here, with no programme (exit 1).
    Asked in the language of ``lines``."""
    from coach.programme import intake

    stored = intake.load_answer()
    answer = intake.decide(stored, red.no_red_flags, red.medical_advice, today)
    if answer is None:
        if not env.stdin_isatty:
            raise UsageError(f"{intake.HINT} (no terminal to ask on)")
        answer = _ask_red_flags(stored, today, lines)
    intake.save_answer(answer)
    if not answer.clear:
        click.echo(f"\n{lines.intake['get_advice']}\n{lines.intake['no_programme']}")
        raise click.exceptions.Exit(1)


def _ask_red_flags(stored: RedFlagAnswer | None, today: date, lines: CoachLines
                   ) -> RedFlagAnswer:
    from coach.programme.intake import RedFlagAnswer

    said = lines.intake
    if stored is None or stored.answer != "pending":
        click.echo(f"{said['question']}\n{red_flag_list(lines)}")
        if not click.confirm(said["any"], default=None):
            return RedFlagAnswer("none", today)
        click.echo(said["get_advice"])
    else:
        click.echo(said["said_before"].format(date=lines.say_date(stored.on),
                                              year=stored.on.year))
    advised = click.confirm(said["advice_question"], default=None)
    return RedFlagAnswer("advised" if advised else "pending", today)


def ask_intake(minutes: float | None, days: int | None, lines: CoachLines
               ) -> tuple[float, int]:
    """Ask for what the options did not give; an answer that is no number of minutes
    (``nan``, ``inf``, blanks, above the limit, 900 KB of digits) or no whole number of
    days from 1 to 7 gets a one-line reason and the question again. Pressing Enter alone
    takes the default shown in brackets."""
    if minutes is None:
        minutes = click.prompt(lines.intake["ask_minutes"], default="10",
                               value_proc=_minutes_answer)
    if days is None:
        days = click.prompt(lines.intake["ask_days"], default="3", value_proc=_days_answer)
    return minutes, days


def _minutes_answer(text: str) -> float:
    from coach.programme.plan import MAX_COMFORTABLE_MIN, check_minutes

    return _answer(text, lambda t: check_minutes(float(t)),
                   f"type the minutes as a number, e.g. 10 (above 0, at most "
                   f"{MAX_COMFORTABLE_MIN})")


def _days_answer(text: str) -> int:
    from coach.programme.plan import check_days

    return _answer(text, lambda t: check_days(int(t)), "type a whole number of days from 1 to 7")


def _answer(text: str, parse: Callable[[str], T], hint: str) -> T:
    """``parse(text)``, or a click UsageError (the prompt prints it and asks again)."""
    from coach.cli.options import MAX_NUMBER_CHARS
    from coach.errors import shorten

    text = text.strip()
    if not text:
        raise click.UsageError(f"no answer: {hint}")
    if len(text) > MAX_NUMBER_CHARS:
        raise click.UsageError(f"{shorten(text, 24)} is too long for a number: {hint}")
    try:
        return parse(text)
    except UsageError as err:
        raise click.UsageError(str(err)) from None
    except ValueError:
        raise click.UsageError(f"{shorten(text, 24)} is not a number: {hint}") from None
