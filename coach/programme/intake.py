"""The red-flag questions asked once at `coach plan` intake, and the stored answer.

Before a programme is built the walker is asked, once and plainly, whether any of
the standard red flags applies (the catalogues' ``intake_red_flags``, in the walker's
language, as every question of the intake: ``intake:``). Any yes: the coach says to get
medical advice before walking, and no programme is built until the walker confirms
they have had it. The answer is kept in ``red-flags.yaml`` in the config folder
(:class:`RedFlagAnswer`), so a yes given yesterday still stands today.

Answers: ``none`` (none of them applies), ``advised`` (one did, and the walker has
had medical advice since), ``pending`` (one does, no advice yet: no programme).
:func:`decide` is pure; :func:`load_answer` and :func:`save_answer` do the file I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from coach import paths
from coach.errors import UsageError, one_line

if TYPE_CHECKING:
    from coach.routines.lines import CoachLines

ANSWERS = ("none", "advised", "pending")
HINT = ("pass --no-red-flags to confirm that none of the red flags in `coach plan --help` "
        "applies to you (or --medical-advice if one does and you have had medical advice)")


@dataclass(frozen=True)
class RedFlagAnswer:
    answer: str  # one of ANSWERS
    on: date

    @property
    def clear(self) -> bool:
        """A programme may be built."""
        return self.answer in ("none", "advised")


def red_flag_list(lines: CoachLines | None = None) -> str:
    """The red flags as a printed list, one per line (in the language of ``lines``,
    default English)."""
    from coach.routines.library import load_lines

    return "\n".join(f"  - {flag}" for flag in (lines or load_lines()).intake_red_flags)


def decide(stored: RedFlagAnswer | None, no_red_flags: bool, medical_advice: bool,
           today: date) -> RedFlagAnswer | None:
    """The answer the options give (None: they give none, ask on a terminal).

    ``--no-red-flags`` cannot overrule a stored ``pending`` yes: only medical advice
    clears it (a UsageError says so).
    """
    if no_red_flags and medical_advice:
        raise UsageError("choose one of --no-red-flags and --medical-advice")
    if medical_advice:
        return RedFlagAnswer("advised", today)
    if no_red_flags:
        if stored is not None and stored.answer == "pending":
            raise UsageError(f"on {stored.on:%Y-%m-%d} you said one of the red flags applies "
                             "to you: get medical advice first, then add --medical-advice")
        return RedFlagAnswer("none", today)
    return None


def answer_path() -> Path:
    return paths.config_dir() / "red-flags.yaml"


def load_answer(path: Path | None = None) -> RedFlagAnswer | None:
    """The stored answer; None when the questions were never answered."""
    from coach.config import read_yaml

    path = path or answer_path()
    raw = read_yaml(path, "red-flag answer", "run `coach plan` to answer again")
    if raw is None:
        return None
    try:
        answer, on = raw["answer"], raw["answered_on"]
        on = on if isinstance(on, date) else date.fromisoformat(str(on))
        if answer not in ANSWERS:
            raise ValueError(f"answer {answer!r}")
    except (TypeError, KeyError, ValueError) as err:
        problem = one_line(err)
        raise UsageError(f"{path}: the red-flag answer is damaged ({problem}); delete it and "
                         "run `coach plan` to answer again") from None
    return RedFlagAnswer(answer, on)


def save_answer(answer: RedFlagAnswer, path: Path | None = None) -> Path:
    from coach.config import write_yaml

    return write_yaml(path or answer_path(),
                      "# your answer to the red-flag questions of `coach plan`\n",
                      {"answer": answer.answer, "answered_on": answer.on.isoformat()})
