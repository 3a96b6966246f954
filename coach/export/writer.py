"""Write sessions to files: MP3 (or WAV) with tags, an .lrc beside, playlists.

Every file the user asked for is written to a hidden temporary name in the
destination folder and renamed into place at the end, so an export that is
interrupted (Ctrl-C, a crash, SIGKILL) never leaves a half-written file under
the real name. Ctrl-C and SIGTERM are held off while the finished header is
written and the files are renamed, then delivered.

The tag goes first (the whole timeline is known before encoding), the audio
streams after it block by block (constant memory), and the encoder's final
header (MP3 Info frame with the gapless LAME tag, or the WAV sizes) is
written over its placeholder at the end.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

import numpy as np

from coach.compiler.timeline import Timeline
from coach.errors import OutputError, UsageError
from coach.export.formats import to_lrc
from coach.export.tags import TagInfo, id3_bytes, tag_wav
from coach.files import write_atomic

if TYPE_CHECKING:
    from coach.audio.render import SessionRenderer
    from coach.routines.model import Routine, SpeechSettings
    from coach.speech import SpeechEngine
    from coach.speech.phrase_cache import PhraseCache

FORMATS = ("mp3", "wav")
SAMPLE_RATE_HZ = 22050
DEFAULT_BITRATE_KBPS = 64
PLAYLIST_NAME = "playlist.m3u8"
#: Called with the number of samples just written (fits click's ``bar.update``).
Progress = Callable[[int], None]


class Renderer(Protocol):
    """What an export needs of :class:`coach.audio.render.SessionRenderer`."""

    sample_rate_hz: int
    total_samples: int

    def blocks(self, block_samples: int = ..., start_sample: int = ...) -> Iterator[np.ndarray]:
        ...


class _Encoder(Protocol):
    header_bytes: int

    def encode(self, block: np.ndarray) -> bytes: ...
    def flush(self) -> bytes: ...
    def final_header(self) -> bytes: ...


def export_session(timeline: Timeline, renderer: Renderer, path: str | os.PathLike[str],
                   bitrate_kbps: int = DEFAULT_BITRATE_KBPS, fmt: str = "mp3",
                   progress: Progress | None = None, tag_info: TagInfo | None = None,
                   block_samples: int = 32768) -> Path:
    """Render ``timeline`` into ``path`` (and ``path`` with ``.lrc`` beside it).

    Returns the path written. Raises :class:`UsageError` for a bad format or
    bitrate and :class:`OutputError` when the files cannot be written.
    """
    encoder = encoder_for(fmt, bitrate_kbps, renderer.sample_rate_hz)
    dest = Path(path)
    info = tag_info or TagInfo()
    lrc_dest = dest.with_suffix(".lrc")
    with _staged(dest) as (audio, audio_tmp), _staged(lrc_dest) as (lrc, lrc_tmp):
        try:
            if fmt == "mp3":
                audio.write(id3_bytes(timeline, info))
            start = audio.tell()
            for block in renderer.blocks(block_samples):
                audio.write(encoder.encode(block))
                if progress is not None:
                    progress(len(block))
            audio.write(encoder.flush())
            lrc.write(to_lrc(timeline).encode("utf-8"))
            with hold_interrupts():
                audio.seek(start)
                audio.write(encoder.final_header())
                _sync(audio)
                _sync(lrc)
                audio.close()
                lrc.close()
                if fmt == "wav":
                    tag_wav(audio_tmp, timeline, info)
                os.replace(audio_tmp, dest)
                os.replace(lrc_tmp, lrc_dest)
        except OSError as err:
            raise OutputError(f"could not write {dest}: {err.strerror or err}") from err
    return dest


def export_many(sessions: Iterable[tuple[Timeline, Renderer]], out_dir: str | os.PathLike[str],
                bitrate_kbps: int = DEFAULT_BITRATE_KBPS, fmt: str = "mp3",
                progress: Progress | None = None, tag_info: TagInfo | None = None,
                names: Iterable[str] | None = None, playlist: str = PLAYLIST_NAME,
                ) -> list[Path]:
    """One file per session in ``out_dir`` plus an ``.m3u8`` playlist, in order.

    ``sessions`` may be a generator (renderers made one at a time). File names
    are ``NN-routine.FMT`` unless ``names`` gives stems. Returns the files
    written, the playlist last.
    """
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"could not create {folder}: {err.strerror or err}") from err
    stems = iter(names) if names is not None else None
    written: list[Path] = []
    entries: list[tuple[float, str, str]] = []
    for i, (timeline, renderer) in enumerate(sessions, 1):
        stem = next(stems) if stems is not None else f"{i:02d}-{slug(timeline.routine)}"
        file = export_session(timeline, renderer, folder / f"{stem}.{fmt}", bitrate_kbps, fmt,
                              progress, tag_info)
        written.append(file)
        entries.append((timeline.duration_s, timeline.title, file.name))
    playlist_path = folder / playlist
    write_atomic(playlist_path, to_m3u8(entries))
    written.append(playlist_path)
    return written


def to_m3u8(entries: Iterable[tuple[float, str, str]]) -> str:
    """An extended M3U playlist of (duration_s, title, relative path) entries."""
    lines = ["#EXTM3U"]
    for duration_s, title, relative in entries:
        lines.append(f"#EXTINF:{round(duration_s)},{title}")
        lines.append(relative)
    return "\n".join(lines) + "\n"


def slug(text: str) -> str:
    """A file-name-safe form of ``text`` (``"My Walk!"`` -> ``"my-walk"``)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "session"


@contextlib.contextmanager
def hold_interrupts() -> Iterator[None]:
    """Hold SIGINT/SIGTERM back for the duration; deliver them afterwards.

    As mutagen's command-line tools do while they rewrite a file. Outside the
    main thread signals cannot be caught, and nothing is held.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def remember(signum: int, _frame: object) -> None:
        received.append(signum)

    previous = {sig: signal.signal(sig, remember) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        if received:
            signal.raise_signal(received[0])


@contextlib.contextmanager
def _staged(dest: Path) -> Iterator[tuple[BinaryIO, str]]:
    """A temporary file beside ``dest``; removed unless it was renamed into place."""
    try:
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    except FileNotFoundError as err:
        raise OutputError(f"folder {dest.parent} does not exist") from err
    except OSError as err:
        raise OutputError(f"could not write in {dest.parent}: {err.strerror or err}") from err
    f = os.fdopen(fd, "w+b")
    try:
        os.chmod(tmp, _file_mode(dest))  # mkstemp makes 0600; give the usual mode
        yield f, tmp
    finally:
        f.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _file_mode(dest: Path) -> int:
    """The mode a plain ``open(dest, "w")`` would give (or the replaced file's)."""
    try:
        return dest.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _sync(f: BinaryIO) -> None:
    f.flush()
    os.fsync(f.fileno())


def encoder_for(fmt: str, bitrate_kbps: int, sample_rate_hz: int = SAMPLE_RATE_HZ) -> _Encoder:
    """An encoder for ``fmt``; :class:`UsageError` for a bad format or bitrate.

    Cheap, so callers can make one up front to refuse a bad request before
    any speech work.
    """
    from coach.audio.encoder import Mp3Encoder, WavEncoder

    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "wav":
        return WavEncoder(sample_rate_hz)
    return Mp3Encoder(sample_rate_hz, bitrate_kbps)


def prepare_session(routine: Routine, speech: SpeechSettings | None = None,
                    metronome: bool = False, sample_rate_hz: int = SAMPLE_RATE_HZ,
                    warm_progress: Callable[[int, int], None] | None = None,
                    engines: dict[str | None, SpeechEngine] | None = None,
                    extra_phrases: Iterable[str] = (),
                    ) -> tuple[Timeline, SessionRenderer]:
    """Routine -> (timeline timed by real speech, renderer): the one way to get a session's audio.

    Shared by ``coach export`` (which streams ``renderer.blocks()`` into a
    file) and meant for the live player too (which pulls the same blocks for
    the sound device), so a walk sounds the same played live or from a file.

    Steps: every phrase the routine can say (its cues, then ``extra_phrases``,
    e.g. a player's own "Paused." lines) is synthesised or found in the phrase
    cache, calling ``warm_progress(done, total)`` after each; then the routine
    is compiled again with the measured phrase lengths, so no two cues overlap
    in the audio.

    ``speech`` overrides the routine's own settings (None: the routine's).
    ``engines`` maps engine name -> open engine; pass the same dict to several
    calls (or to :func:`phrase_cache_for`) to open each engine once. Raises
    :class:`coach.errors.EngineError` when the engine cannot speak.
    """
    from coach.audio.render import SessionRenderer
    from coach.session import compile_with_library

    settings = speech or routine.speech
    cache = phrase_cache_for(routine, settings, sample_rate_hz, engines)
    draft = compile_with_library(routine)  # estimated lengths: the phrases, to synthesise first
    cache.warm([*(cue.text for cue in draft.cues), *extra_phrases], warm_progress)
    timeline = compile_with_library(routine, cache.speech_s)
    return timeline, SessionRenderer(timeline, cache.clip, sample_rate_hz, metronome=metronome)


def phrase_cache_for(routine: Routine, settings: SpeechSettings,
                     sample_rate_hz: int = SAMPLE_RATE_HZ,
                     engines: dict[str | None, SpeechEngine] | None = None) -> PhraseCache:
    """The phrase cache :func:`prepare_session` uses for ``routine`` spoken with ``settings``.

    With the same ``engines`` dict the engine is opened once and shared; the
    phrases themselves are shared through the cache folder on disk.
    """
    from coach.speech import open_engine
    from coach.speech.phrase_cache import PhraseCache

    engines = {} if engines is None else engines
    if settings.engine not in engines:
        engines[settings.engine] = open_engine(settings.engine)
    return PhraseCache(engines[settings.engine], settings, sample_rate_hz=sample_rate_hz,
                       pronunciations=routine.pronunciations)
