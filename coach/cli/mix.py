"""How a session sounds besides its speech: the options `coach export` and `coach walk`
share (the metronome and its level, the user's music under the coach; speech volume is
with the speech options)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from coach.cli.options import option_group
from coach.errors import UsageError

if TYPE_CHECKING:
    from coach.audio.loudness import Levels
    from coach.audio.music import Music
    from coach.routines.model import Routine


@dataclass(frozen=True)
class MixOverrides:
    """``--cadence`` (the step metronome) and ``--metronome-level``; ``--music`` (files
    or folders), ``--music-level`` and ``--duck-db`` (None: the default)."""

    cadence: bool = False
    metronome_level: float | None = None
    music: tuple[str, ...] = ()
    music_level: float | None = None
    duck_db: float | None = None

    def levels(self, warn: Callable[[str], None], routine: Routine | None = None, *,
               own_music: bool = False) -> Levels:
        """The session's :class:`~coach.audio.loudness.Levels` (a metronome level without
        the metronome, or a music level without music, is refused: it would change
        nothing). ``routine``'s own ``music:`` plays unless ``--music`` is given;
        each music file that cannot be decoded is one line to ``warn``, none decodable
        is a :class:`~coach.audio.music.MusicError` (exit 1), before any work.
        ``own_music``: the routines exported bring their own (:meth:`routine_music`), so
        ``--music-level`` and ``--duck-db`` have music to go with."""
        from coach.audio.loudness import Levels

        if self.metronome_level is not None and not self.cadence:
            raise UsageError("--metronome-level goes with --cadence (the step metronome)")
        music = self.find_music(warn, routine, own_music=own_music)
        if self.metronome_level is None:
            return Levels(music=music)
        return Levels(metronome_lu=self.metronome_level, music=music)

    def routine_music(self, warn: Callable[[str], None], routines: Sequence[Routine]
                      ) -> tuple[tuple[str, Music], ...]:
        """Each routine's own ``music:`` found (an export of several: each plays its own
        unless ``--music`` is given, which plays under all of them and makes this empty).
        Music two routines share is found once: one line per file that cannot be decoded,
        all before any work."""
        if self.music:
            return ()
        found: dict[str, Music] = {}
        for routine in routines:
            if routine.music is not None and routine.music not in found:
                music = self.find_music(warn, routine)
                if music is not None:
                    found[routine.music] = music
        return tuple(found.items())

    def find_music(self, warn: Callable[[str], None], routine: Routine | None = None, *,
                   own_music: bool = False) -> Music | None:
        """The music to play (None: none asked for)."""
        from coach.audio.music import find_music

        sources = [Path(m) for m in self.music]
        if not sources and routine is not None and routine.music is not None:
            try:
                return find_music([Path(routine.music)], warn, *self._values())
            except UsageError as err:  # where the routine names it
                raise UsageError(f"{routine.music_at}: music: {err}") from None
        if not sources:
            for name, value in (("--music-level", self.music_level),
                                ("--duck-db", self.duck_db)):
                if value is not None and not own_music:
                    raise UsageError(f"{name} goes with --music (your music under the coach)")
            return None
        return find_music(sources, warn, *self._values())

    def _values(self) -> tuple[float, float]:
        """(music level, ducking depth), the defaults where not given."""
        from coach.audio.music import DUCK_DB, MUSIC_LU

        return (MUSIC_LU if self.music_level is None else self.music_level,
                DUCK_DB if self.duck_db is None else self.duck_db)


mix_options = option_group(
    "mix", MixOverrides,
    click.option("--cadence", is_flag=True,
                 help="Add a soft step metronome where the routine sets a cadence."),
    click.option("--metronome-level", type=click.FloatRange(-30.0, 0.0), metavar="LU",
                 help="With --cadence: the metronome's loudness relative to the speech, "
                 "-30 to 0 LU (default -10: clear on a street, well under the voice)."),
    click.option("--music", multiple=True, metavar="FILE|FOLDER",
                 help="Your music under the coach: MP3, FLAC, OGG or WAV files (a folder: "
                 "its files by name), looped to fill the session, quieter under every cue. "
                 "May be given more than once."),
    click.option("--music-level", type=click.FloatRange(-40.0, 0.0), metavar="LU",
                 help="With --music: the music's loudness relative to the speech, -40 to 0 "
                 "LU (default -18: well under the voice)."),
    click.option("--duck-db", type=click.FloatRange(0.0, 40.0), metavar="DB",
                 help="With --music: how far the music drops while the coach speaks, 0 to "
                 "40 dB (default 12)."),
)
