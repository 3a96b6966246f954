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

import errno
import os
import stat
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
#: The most music files a session looks at (hundreds of hours of music), and how many
#: skipped files get a line of their own.
MAX_TRACKS = 1000
MAX_SKIP_LINES = 10


class MusicError(CoachError, OSError):
    """None of the music files can be decoded (exit 1)."""


@dataclass(frozen=True)
class Music:
    """The music of a session: decodable ``tracks`` in play order and their levels."""

    tracks: tuple[Path, ...]
    level_lu: float = MUSIC_LU
    duck_db: float = DUCK_DB
    stereo: bool = True  # False: mono whatever the tracks

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
    """Every file ``sources`` name, in order: a folder gives the entries whose names end
    in a music suffix, sorted by name (whatever they are: :func:`find_music` skips a
    folder named ``x.mp3`` or a FIFO with one line). :class:`UsageError` for a source
    that does not exist, cannot be looked at, or is a folder without music."""
    files: list[Path] = []
    for source in sources:
        path = Path(source).expanduser()
        try:
            is_dir = stat.S_ISDIR(path.stat().st_mode)  # follows links
        except OSError as err:
            raise UsageError(f"{source}: {_unreachable(err, 'no such music file or folder')}"
                             ) from None
        if not is_dir:
            files.append(path)  # a FIFO, a device: skipped by find_music, never opened
            continue
        try:
            with os.scandir(path) as entries:
                found = sorted((Path(e.path) for e in entries
                                if e.name.lower().endswith(MUSIC_SUFFIXES)),
                               key=lambda p: p.name)
        except OSError as err:
            raise UsageError(f"{source}: {_unreachable(err, 'cannot list this folder')}"
                             ) from None
        if not found:
            raise UsageError(f"{source}: no music files (MP3, FLAC, OGG or WAV) "
                             "in this folder")
        files += found
    return files


def find_music(sources: Iterable[Path], warn: Callable[[str], None],
               level_lu: float = MUSIC_LU, duck_db: float = DUCK_DB) -> Music:
    """The :class:`Music` of ``sources``: each file that cannot be decoded is skipped with
    one line to ``warn`` (after :data:`MAX_SKIP_LINES` of them, one line for the rest);
    at most :data:`MAX_TRACKS` files are looked at; none decodable raises
    :class:`MusicError`."""
    check_levels(level_lu, duck_db)
    files = music_files(sources)
    if len(files) > MAX_TRACKS:
        warn(f"warning: {len(files):,} music files; playing the first {MAX_TRACKS:,} "
             "(by name, in the order given)")
        files = files[:MAX_TRACKS]
    good, skipped = [], 0
    for file in files:
        problem = decode_problem(file)
        if problem is None:
            good.append(file)
            continue
        skipped += 1
        if skipped <= MAX_SKIP_LINES:
            warn(f"warning: skipping music {file}: {problem}")
    if skipped > MAX_SKIP_LINES:
        warn(f"warning: skipping {skipped - MAX_SKIP_LINES:,} more music files that cannot "
             "be played")
    if not good:
        raise MusicError(f"none of the {len(files)} music file(s) can be decoded "
                         "(MP3, FLAC, OGG or WAV)")
    return Music(tuple(good), level_lu, duck_db)


def decode_problem(file: Path) -> str | None:
    """Why ``file`` cannot be played (None: a readable regular file that decodes).

    Only a regular file is opened (a FIFO would wait for a writer forever, ``/dev/zero``
    never ends), and only its first frames are decoded: quick for any number of files.
    """
    import miniaudio

    from coach.files import file_kind

    try:
        info = file.stat()
    except OSError as err:
        return _unreachable(err, "it is gone")
    if not stat.S_ISREG(info.st_mode):
        return f"it is {file_kind(info.st_mode)}, not a file"
    if info.st_size == 0:
        return "it is empty"
    try:
        os.close(os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)))
    except OSError as err:
        return _unreachable(err, "it cannot be opened")
    try:
        stream = miniaudio.stream_file(str(file), miniaudio.SampleFormat.FLOAT32, 1, 22050,
                                       1024)
        first = next(stream)
        stream.close()
    except (miniaudio.MiniaudioError, StopIteration, OSError) as err:
        return f"cannot decode it ({err or type(err).__name__})"
    if not len(first):
        return "it holds no audio"
    return None


def _unreachable(err: OSError, otherwise: str) -> str:
    """Why a path cannot be looked at, in words: a symlink loop, no permission, ..."""
    if err.errno == errno.ELOOP:
        return "a loop of symbolic links"
    if err.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if err.errno == errno.ENOENT:
        return otherwise if not os.path.lexists(err.filename or "") else \
            "a symbolic link to nothing"
    return f"{otherwise} ({err.strerror or err})"
