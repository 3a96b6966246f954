"""The user's music under the coach: which files, how loud, how deep it ducks.

:class:`Music` names the tracks a session plays (in order, looped to fill it)
and their level: ``level_lu`` is the music's loudness relative to the speech
(default :data:`MUSIC_LU`), ``duck_db`` how far it drops under every cue
(default :data:`DUCK_DB`). :func:`find_music` turns what the user gave (files
and folders; a folder gives its MP3/FLAC/OGG/WAV files sorted by name) into
the tracks that decode, with one line for each file that does not; none
decodable is a :class:`MusicError` (exit 1) before any work.

The decoding itself (streaming with miniaudio, resampled to the session's
rate, constant memory for any length) is :mod:`coach.audio.music_bed`; the
ducking envelope is :mod:`coach.audio.music_duck`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from coach.errors import CoachError, UsageError

#: The music's loudness relative to the speech (LU): clearly under the voice.
MUSIC_LU = -18.0
#: How far the music drops under a cue (dB).
DUCK_DB = 12.0
#: The ranges ``--music-level`` and ``--duck-db`` accept.
MUSIC_LU_RANGE = (-40.0, 0.0)
DUCK_DB_RANGE = (0.0, 40.0)
#: The files a folder gives (a file named on its own is tried whatever its name).
MUSIC_SUFFIXES = (".mp3", ".flac", ".ogg", ".wav")


class MusicError(CoachError, OSError):
    """None of the music files can be decoded (exit 1)."""


@dataclass(frozen=True)
class Music:
    """The music of a session: decodable ``tracks`` in play order and their levels."""

    tracks: tuple[Path, ...]
    level_lu: float = MUSIC_LU
    duck_db: float = DUCK_DB
    stereo: bool = True  # False: mono whatever the tracks (a live walk's mono stream)

    def __post_init__(self) -> None:
        if not self.tracks:
            raise MusicError("no music to play")
        check_levels(self.level_lu, self.duck_db)


def check_levels(level_lu: float, duck_db: float, where: str = "") -> None:
    """:class:`UsageError` for a music level or ducking depth out of range."""
    lo, hi = MUSIC_LU_RANGE
    if not lo <= level_lu <= hi:
        raise UsageError(f"{where}music level must be {lo:g} to {hi:g} LU (relative to the "
                         f"speech), not {level_lu:g}")
    lo, hi = DUCK_DB_RANGE
    if not lo <= duck_db <= hi:
        raise UsageError(f"{where}music ducking must be {lo:g} to {hi:g} dB, not {duck_db:g}")


def music_files(sources: Iterable[Path]) -> list[Path]:
    """Every file ``sources`` name, in order: a folder gives its music files sorted by
    name. :class:`UsageError` for a path that does not exist or a folder without music."""
    files: list[Path] = []
    for source in sources:
        path = Path(source).expanduser()
        if path.is_dir():
            found = sorted((p for p in path.iterdir()
                            if p.is_file() and p.suffix.lower() in MUSIC_SUFFIXES),
                           key=lambda p: p.name)
            if not found:
                raise UsageError(f"{source}: no music files (MP3, FLAC, OGG or WAV) "
                                 "in this folder")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"{source}: no such music file or folder")
    return files


def find_music(sources: Iterable[Path], warn: Callable[[str], None],
               level_lu: float = MUSIC_LU, duck_db: float = DUCK_DB) -> Music:
    """The :class:`Music` of ``sources``: each file that cannot be decoded is skipped with
    one line to ``warn``; none decodable raises :class:`MusicError`."""
    check_levels(level_lu, duck_db)
    files = music_files(sources)
    good = []
    for file in files:
        problem = decode_problem(file)
        if problem is None:
            good.append(file)
        else:
            warn(f"warning: skipping music {file}: {problem}")
    if not good:
        raise MusicError(f"none of the {len(files)} music file(s) can be decoded "
                         "(MP3, FLAC, OGG or WAV)")
    return Music(tuple(good), level_lu, duck_db)


def decode_problem(file: Path) -> str | None:
    """Why ``file`` cannot be played (None: it decodes and has sound frames)."""
    import miniaudio

    try:
        info = miniaudio.get_file_info(str(file))
        if info.num_frames <= 0 or info.sample_rate <= 0:
            return "it holds no audio"
        stream = miniaudio.stream_file(str(file), miniaudio.SampleFormat.FLOAT32, 1,
                                       info.sample_rate, 1024)
        next(stream)
        stream.close()
    except (miniaudio.MiniaudioError, StopIteration, OSError) as err:
        return f"cannot decode it ({err or type(err).__name__})"
    return None
