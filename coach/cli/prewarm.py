"""Pre-warming the phrase cache in the background after ``coach plan`` and
``coach schedule add``, so the next walk starts talking at once.

The command starts ``coach prepare --background DATE ...`` detached (its own
session: a Ctrl-C in the terminal does not reach it), niced, with no input or
output, and says so in one line; it never waits for it. The background prepare
takes an exclusive lock on ``CACHE/prewarm.lock`` first, so two of them (a
``plan`` then a ``schedule add``) run one after the other, the second finding
what the first made. Not started under CI or tests (``$CI``, pytest's
``$PYTEST_CURRENT_TEST``) unless ``$COACH_PREWARM=1``; ``$COACH_PREWARM=0`` turns
it off everywhere.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date

import click

#: 1: pre-warm even under CI or tests; 0: never.
PREWARM_VARIABLE = "COACH_PREWARM"
#: The background processes this process started (tests wait on them).
started: list[subprocess.Popen[bytes]] = []
#: How much lower the background prepare's priority is.
NICENESS = 10


def wanted() -> bool:
    """Whether to pre-warm here (see the module docstring)."""
    chosen = os.environ.get(PREWARM_VARIABLE)
    if chosen in ("0", "1"):
        return chosen == "1"
    return not (os.environ.get("CI") or os.environ.get("PYTEST_CURRENT_TEST"))


def prewarm(what: str, args: list[str], today: date) -> subprocess.Popen[bytes] | None:
    """Start ``coach prepare ARGS`` in the background for ``what`` (e.g. "your next
    sessions"), the programme counted from ``today``; one line on stderr says what
    started. Never fails the command: a process that cannot start is no pre-warm."""
    if not wanted():
        return None
    command = [sys.executable, "-m", "coach", "prepare", "--background", today.isoformat(),
               *args]
    try:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        return None
    started.append(proc)
    click.echo(f"Preparing the voice for {what} in the background (pid {proc.pid}: "
               f"coach prepare {' '.join(args)}).", err=True)
    return proc


def prewarm_schedule(routine: str) -> subprocess.Popen[bytes] | None:
    """Pre-warm a schedule's routine (``plan``: the programme's next sessions)."""
    from coach.clock import SystemWallClock, local_today
    from coach.programme.today import PLAN_REF

    if routine == PLAN_REF:
        return prewarm("your next sessions", ["--program", "--weeks", "1"],
                       local_today(SystemWallClock()))
    return prewarm(f"the scheduled {routine}", [routine], local_today(SystemWallClock()))


@contextlib.contextmanager
def background_turn(cache_dir: os.PathLike[str] | str) -> Iterator[None]:
    """This process at low priority, holding the pre-warm lock (waiting for it)."""
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(NICENESS)
    try:
        import fcntl
    except ImportError:  # no flock (Windows): the phrase cache's atomic writes still hold
        yield
        return
    os.makedirs(cache_dir, exist_ok=True)
    with open(os.path.join(cache_dir, "prewarm.lock"), "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
