"""How a session sounds besides its speech: the options `coach export` and `coach walk`
share (the metronome and its level; speech volume is with the speech options)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from coach.cli.options import option_group
from coach.errors import UsageError

if TYPE_CHECKING:
    from coach.audio.loudness import Levels


@dataclass(frozen=True)
class MixOverrides:
    """``--cadence`` (the step metronome) and ``--metronome-level`` (None: the default)."""

    cadence: bool = False
    metronome_level: float | None = None

    def levels(self) -> Levels:
        """The session's :class:`~coach.audio.loudness.Levels` (a metronome level without
        the metronome is refused: it would change nothing)."""
        from coach.audio.loudness import Levels

        if self.metronome_level is None:
            return Levels()
        if not self.cadence:
            raise UsageError("--metronome-level goes with --cadence (the step metronome)")
        return Levels(metronome_lu=self.metronome_level)


mix_options = option_group(
    "mix", MixOverrides,
    click.option("--cadence", is_flag=True,
                 help="Add a soft step metronome where the routine sets a cadence."),
    click.option("--metronome-level", type=click.FloatRange(-30.0, 0.0), metavar="LU",
                 help="With --cadence: the metronome's loudness relative to the speech, "
                 "-30 to 0 LU (default -10: clear on a street, well under the voice)."),
)
