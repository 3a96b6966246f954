"""Live commands: ``coach walk`` (a guided walk, spoken now) and ``coach devices``."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from coach.cli import pass_env
from coach.cli.core import estimate_option
from coach.cli.mix import MixOverrides, mix_options
from coach.cli.options import option_group
from coach.cli.speech import SpeechOverrides, speech_options
from coach.cli.talk import talk_option, with_talk
from coach.env import Environment

if TYPE_CHECKING:
    from coach.live.walk import WalkOutcome


def register(group: click.Group) -> None:
    group.add_command(walk)
    group.add_command(devices)


@dataclass(frozen=True)
class PainScores:
    """``--pain-before`` and ``--pain-after`` (None: ask on a terminal)."""

    pain_before: int | None
    pain_after: int | None


pain_options = option_group(
    "pain", PainScores,
    click.option("--pain-before", type=click.IntRange(0, 10), metavar="0-10",
                 help="Your back pain before the walk (asked on a terminal if not given)."),
    click.option("--pain-after", type=click.IntRange(0, 10), metavar="0-10",
                 help="Your back pain after the walk (asked on a terminal if not given)."),
)


@click.command()
@click.argument("routine", required=False, metavar="[ROUTINE]")
@click.option("--text", is_flag=True, help="Print each cue at its time instead of speaking it.")
@click.option("--device", metavar="NUMBER|NAME",
              help="Sound output to use (see `coach devices`); default: the system's.")
@mix_options
@pain_options
@estimate_option
@talk_option
@speech_options
@pass_env
def walk(env: Environment, routine: str | None, text: bool, device: str | None,
         mix: MixOverrides, pain: PainScores, estimate: bool, speech: SpeechOverrides) -> None:
    """Walk a routine now, with a voice guiding you through it.

    ROUTINE is a built-in routine id (see `coach routines`), your own routine
    id, or a YAML path; without it, today's session is walked. Speech is
    prepared first, then the session plays through your speaker or earphones.

    \b
    While it plays:
      space  pause / resume        n  next section
      r      repeat the last cue   q  end the walk
      p      pain: end gently with advice
      Ctrl-C stop at once

    With no sound device (or --text) each cue is printed at its time instead,
    timed by the synthesised speech as it would be heard (--estimate: by words
    per minute, without opening the speech engine).
    The walk is recorded in your history, with your pain before and after.

    \b
    Examples:
      coach walk gentle-start
      coach walk figure-8 --pain-before 3
      coach walk brisk-30 --cadence --rate 150
      coach walk heel-toe --text
      coach walk --device 1
      coach walk gentle-start --music ~/Music/calm
    """
    from coach.live.walk import WalkIO, WalkOptions, walk_routine
    from coach.programme.today import routine_for_ref, todays_routine

    if routine is not None:
        chosen = routine_for_ref(routine, env.today())  # `plan`: today's session
    else:
        from coach.cli.walker import in_walkers_language, walker_lines

        lines = walker_lines(speech.language)  # --language, else the settings' language:
        chosen, why = todays_routine(env.today(), lines)
        chosen = in_walkers_language(chosen, lines)
        click.echo(why)
    chosen = with_talk(chosen)  # --talk
    options = WalkOptions(text=text, device=device, metronome=mix.cadence,
                          levels=mix.levels(lambda line: click.echo(line, err=True), chosen),
                          speech=speech.apply(chosen.speech),
                          pain_before=pain.pain_before, pain_after=pain.pain_after,
                          estimate=estimate)
    io = WalkIO(clock=env.clock, now=env.now, out=env.stdout,
                ask_pain=ask_pain if env.interactive else None, on_saved=print_outcome)
    outcome = walk_routine(chosen, options, io)
    if outcome.ended_reason == "interrupted":  # saved; 130 after Ctrl-C, 143 SIGTERM, ...
        from coach.live.keys import interrupt_exit_status, take_end_signal

        sys.exit(interrupt_exit_status(take_end_signal()))


def print_outcome(outcome: WalkOutcome) -> None:
    """The saved walk, the pain advice and the programme's decision (printed before a
    live walk says the advice aloud)."""
    from coach.cli.programme import print_reaction
    from coach.routines.library import load_lines

    lines = load_lines(outcome.language)  # the walk's language
    done = (lines.say("completed") if outcome.completed
            else lines.ended_early(outcome.ended_reason or ""))
    rec = None if outcome.reaction is None else outcome.reaction.record
    session = lines.say("walked_minutes", walked=lines.decimal(outcome.walked_s / 60),
                        planned=lines.decimal(outcome.planned_s / 60))
    walked = session
    if rec is not None and abs(rec.planned_min * 60 - outcome.planned_s) > 1:
        walked = lines.say("walked_stretches", walked=lines.decimal(rec.walked_min),
                           planned=lines.decimal(rec.planned_min), session=session)
    click.echo(lines.say("walked", walked=walked, done=done))
    if outcome.reaction is not None:
        print_reaction(outcome.reaction, lines)


def ask_pain(when: str) -> int | None:
    """Ask for a 0-10 pain score on the terminal; Enter skips."""
    while True:
        answer = click.prompt(f"Back pain {when} the walk, 0 (none) to 10 (worst); "
                              "Enter to skip", default="", show_default=False)
        if not answer.strip():
            return None
        try:
            score = int(answer.strip())
        except ValueError:
            score = -1
        if 0 <= score <= 10:
            return score
        click.echo("Please type a whole number from 0 to 10, or just press Enter.")


@click.command()
def devices() -> None:
    """List the sound outputs `coach walk --device` can use.

    \b
    Examples:
      coach devices
      coach walk gentle-start --device 1
    """
    from coach.audio.device import list_devices

    found = list_devices()
    if not found:
        click.echo("No sound outputs found: `coach walk` will show sessions as text "
                   "(or use `coach export` to make an MP3).")
        return
    for dev in found:
        click.echo(f"{dev.index}: {dev.name}  ({dev.backend})")
